"""Settings of the analyses, with defaults, overridable by environment variables.

A value that cannot be read, or is out of range, raises `InvalidValue` naming the variable.

| setting | env | default | used by |
|---|---|---|---|
| half_life_days | GRAPHCRM_HALF_LIFE_DAYS | 365 | a tie's strength halves every half-life |
| today | GRAPHCRM_TODAY (YYYY-MM-DD) | the current date | the age of last contacts (tests pin it) |
| tier_revenue | GRAPHCRM_TIER_REVENUE | 500000 | account priority: existing revenue ≥ it is high |
| tier_potential | GRAPHCRM_TIER_POTENTIAL | 1000000 | account priority: potential ≥ it is high |
| pareto_share | GRAPHCRM_PARETO_SHARE | 0.8 | the 80/20 line: share of all revenue |
| org_chart_strength | GRAPHCRM_ORG_CHART_STRENGTH | 0.6 | warm paths: a reports-to tie with no strength |
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Callable
from typing import Any

from graphcrm.errors import InvalidValue


@dataclasses.dataclass(frozen=True)
class Settings:
    """The knobs of the analyses; `Settings.from_env()` reads the environment."""

    half_life_days: float = 365.0
    today: dt.date = dataclasses.field(default_factory=dt.date.today)
    tier_revenue: float = 500_000.0
    tier_potential: float = 1_000_000.0
    pareto_share: float = 0.8
    org_chart_strength: float = 0.6

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then environment variables, then `overrides` (None values ignored)."""
        values: dict[str, Any] = {}  # each field's own type, checked by the dataclass
        env: dict[str, tuple[str, Callable[[str], object]]] = {
            "half_life_days": ("GRAPHCRM_HALF_LIFE_DAYS", float),
            "today": ("GRAPHCRM_TODAY", dt.date.fromisoformat),
            "tier_revenue": ("GRAPHCRM_TIER_REVENUE", _amount),
            "tier_potential": ("GRAPHCRM_TIER_POTENTIAL", _amount),
            "pareto_share": ("GRAPHCRM_PARETO_SHARE", _fraction),
            "org_chart_strength": ("GRAPHCRM_ORG_CHART_STRENGTH", _fraction),
        }
        for name, (variable, parse) in env.items():
            if os.environ.get(variable):
                try:
                    values[name] = parse(os.environ[variable])
                except ValueError as exc:
                    raise InvalidValue(f"{variable}={os.environ[variable]!r}: {exc}") from exc
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        """The rule for every way a setting is given (environment, overrides, code)."""
        if not 0 < self.half_life_days < math.inf:  # 0 would divide by zero; NaN fails too
            raise InvalidValue(
                f"half-life of {self.half_life_days:g} days (--half-life or GRAPHCRM_HALF_LIFE_DAYS): "
                "expected a number of days above 0, e.g. 365"
            )


def _amount(text: str) -> float:
    """An amount of money: a number, 0 or more."""
    value = float(text)
    if not value >= 0:
        raise ValueError("expected an amount, 0 or more")
    return value


def _fraction(text: str) -> float:
    """A share: a number above 0 and at most 1 (0.8 is 80%)."""
    value = float(text)
    if not 0 < value <= 1:
        raise ValueError("expected a share above 0 and at most 1, e.g. 0.8")
    return value
