"""Settings of the analyses, with defaults, overridable by environment variables.

| setting | env | default | used by |
|---|---|---|---|
| half_life_days | GRAPHCRM_HALF_LIFE_DAYS | 365 | a tie's strength halves every half-life |
| today | GRAPHCRM_TODAY (YYYY-MM-DD) | the current date | the age of last contacts (tests pin it) |
| tier_revenue | GRAPHCRM_TIER_REVENUE | 500000 | account priority (seed 001's grid): existing revenue at or above it is high |
| tier_potential | GRAPHCRM_TIER_POTENTIAL | 1000000 | account priority: potential at or above it is high; A+ high revenue and high potential, A low revenue and high potential, B high revenue and low potential, C both low |
| pareto_share | GRAPHCRM_PARETO_SHARE | 0.8 | the 80/20 line: the fewest accounts, largest revenue first, that make this share of all revenue |
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
    tier_revenue: float = 500_000.0
    tier_potential: float = 1_000_000.0
    pareto_share: float = 0.8

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then environment variables, then `overrides` (None values ignored)."""
        values: dict[str, object] = {}
        env = {
            "half_life_days": ("GRAPHCRM_HALF_LIFE_DAYS", float),
            "today": ("GRAPHCRM_TODAY", dt.date.fromisoformat),
            "tier_revenue": ("GRAPHCRM_TIER_REVENUE", float),
            "tier_potential": ("GRAPHCRM_TIER_POTENTIAL", float),
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
