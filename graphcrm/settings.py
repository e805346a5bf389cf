"""Settings of the analyses, with defaults, overridable by environment variables.

| setting | env | default | used by |
|---|---|---|---|
| half_life_days | GRAPHCRM_HALF_LIFE_DAYS | 365 | warmth: a tie's strength halves every half-life since last contact |
| today | GRAPHCRM_TODAY (YYYY-MM-DD) | the current date | the age of last contacts (tests pin it) |
| tier_a_plus, tier_a, tier_b | GRAPHCRM_TIER_A_PLUS / _A / _B | 0.5, 0.2, 0.05 | account priority: share of the largest revenue × potential |
| pareto_share | GRAPHCRM_PARETO_SHARE | 0.8 | the 80/20 line |
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os


@dataclasses.dataclass(frozen=True)
class Settings:
    """The knobs of the analyses; `Settings.from_env()` reads the environment."""

    half_life_days: float = 365.0
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    tier_a_plus: float = 0.5
    tier_a: float = 0.2
    tier_b: float = 0.05
    pareto_share: float = 0.8

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then environment variables, then `overrides` (None values ignored)."""
        values: dict[str, object] = {}
        env = {
            "half_life_days": ("GRAPHCRM_HALF_LIFE_DAYS", float),
            "today": ("GRAPHCRM_TODAY", dt.date.fromisoformat),
            "tier_a_plus": ("GRAPHCRM_TIER_A_PLUS", float),
            "tier_a": ("GRAPHCRM_TIER_A", float),
            "tier_b": ("GRAPHCRM_TIER_B", float),
            "pareto_share": ("GRAPHCRM_PARETO_SHARE", float),
        }
        for name, (variable, parse) in env.items():
            if os.environ.get(variable):
                try:
                    values[name] = parse(os.environ[variable])
                except ValueError as exc:
                    raise ValueError(f"{variable}={os.environ[variable]!r}: {exc}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
