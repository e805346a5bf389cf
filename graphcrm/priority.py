"""Which accounts come first? A+/A/B/C from existing revenue × potential, and the 80/20 line
(DOMAIN.md §4.6).

Seed 001 (客户优先排序, customer prioritisation) draws a grid of existing revenue (现有收入,
across) against potential business (潜在业务, up):

|                  | low revenue | high revenue |
|---|---|---|
| high potential   | A           | A+           |
| low potential    | C           | B            |

An account's revenue is high at or above the setting `tier_revenue` (default 500,000), its
potential at or above `tier_potential` (default 1,000,000), both in the data's currency
(`GRAPHCRM_TIER_REVENUE`, `GRAPHCRM_TIER_POTENTIAL`). Potential outranks revenue, as in the seed:
a large prospect (A) comes before a large customer with little left to win (B). Each account's
computed tier stands beside the tier recorded for it (`accounts.csv`), so a manager sees where
the two disagree.

The 80/20 line (seed 001: "80% of sales come from 20% of customers"; spend 80% of the time on
them): accounts sorted by revenue, largest first (then potential, then name), with their
cumulative share of all revenue; the accounts up to and including the one whose cumulative share
reaches `pareto_share` (default 0.8) are inside the line. Only `Account` nodes count (customers
and prospects, not other organisations); an account with no revenue counts as 0, one with no
potential as 0.

The question's functions: `answer` ranks the accounts, `as_text` writes the ranking as the
terminal shows it. It has no picture: the viewer draws no graph of it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from graphcrm import textable
from graphcrm.settings import Settings
from graphcrm.store import Store

# (high revenue, high potential) -> tier, seed 001's grid
TIERS = {(True, True): "A+", (False, True): "A", (True, False): "B", (False, False): "C"}


@dataclasses.dataclass(frozen=True)
class AccountPriority:
    """One account on the grid and on the 80/20 line."""

    id: str
    name: str
    status: str | None
    revenue: float
    potential: float
    high_revenue: bool
    high_potential: bool
    tier: str  # computed: A+, A, B or C
    recorded_tier: str | None  # as imported, or None
    revenue_share: float  # of all revenue, 0..1
    cumulative_share: float  # this account and every one above it
    in_pareto: bool  # inside the 80/20 line
    disagrees: bool  # a tier is recorded and it is not the computed one


@dataclasses.dataclass(frozen=True)
class PriorityReport:
    """Every account by revenue with its tier, and how few make `pareto_share` of revenue."""

    accounts: tuple[AccountPriority, ...]  # by revenue, largest first
    tier_revenue: float
    tier_potential: float
    pareto_share: float
    total_revenue: float
    pareto_count: int  # accounts inside the line
    pareto_account_share: float  # pareto_count / all accounts, 0..1
    pareto_revenue_share: float  # the revenue share those accounts actually make, 0..1
    tier_counts: dict[str, int]  # computed tier -> accounts
    disagreements: tuple[str, ...]  # ids whose recorded tier differs from the computed one


def answer(store: Store, *, settings: Settings | None = None) -> PriorityReport:
    """Rank every account: its A+/A/B/C tier from revenue × potential, and the 80/20 line.

    Parameters: `settings` gives `tier_revenue`, `tier_potential` and `pareto_share` (see the
    module's rules). Returns the accounts by revenue, largest first, each with both tiers and its
    cumulative share of revenue, and the line's count: "4 of 11 accounts (36.4%) make 91.8% of
    revenue".
    """
    settings = settings or Settings.from_env()
    rows = store.run("priority/accounts")
    total = sum(_amount(r["revenue"]) for r in rows)
    ordered = sorted(
        rows, key=lambda r: (-_amount(r["revenue"]), -_amount(r["potential"]), r["name"] or r["id"], r["id"])
    )
    accounts = []
    cumulative = 0.0
    crossed = total <= 0  # no revenue anywhere: nobody is inside the line
    for row in ordered:
        revenue, potential = _amount(row["revenue"]), _amount(row["potential"])
        cumulative += revenue
        inside = not crossed
        crossed = crossed or cumulative >= settings.pareto_share * total * (1 - 1e-12)  # float sums
        high = (revenue >= settings.tier_revenue, potential >= settings.tier_potential)
        accounts.append(
            AccountPriority(
                id=row["id"],
                name=row["name"] or row["id"],
                status=row["status"],
                revenue=revenue,
                potential=potential,
                high_revenue=high[0],
                high_potential=high[1],
                tier=TIERS[high],
                recorded_tier=row["tier"],
                revenue_share=_share(revenue, total),
                cumulative_share=_share(cumulative, total),
                in_pareto=inside,
                disagrees=row["tier"] is not None and row["tier"] != TIERS[high],
            )
        )
    pareto = [a for a in accounts if a.in_pareto]
    return PriorityReport(
        accounts=tuple(accounts),
        tier_revenue=settings.tier_revenue,
        tier_potential=settings.tier_potential,
        pareto_share=settings.pareto_share,
        total_revenue=total,
        pareto_count=len(pareto),
        pareto_account_share=_share(len(pareto), len(accounts)),
        pareto_revenue_share=pareto[-1].cumulative_share if pareto else 0.0,
        tier_counts={t: sum(a.tier == t for a in accounts) for t in TIERS.values()},
        disagreements=tuple(a.id for a in accounts if a.disagrees),
    )


def as_text(report: PriorityReport) -> str:
    """The report as the terminal shows it: the 80/20 sentence, then one row per account."""
    lines = [
        f"{report.pareto_count} of {len(report.accounts)} accounts ({report.pareto_account_share:.1%}) make "
        f"{report.pareto_revenue_share:.1%} of revenue ({_money(report.total_revenue)} in all; the line is "
        f"at {report.pareto_share:.0%})",
        f"tiers: revenue ≥ {_money(report.tier_revenue)} is high, potential ≥ "
        f"{_money(report.tier_potential)} is high; A+ both high, A potential only, B revenue only, C neither",
        "",
    ]
    rows = [
        {
            "account": a.name,
            "revenue": _money(a.revenue),
            "potential": _money(a.potential),
            "tier": a.tier,
            "recorded": (a.recorded_tier or "") + (" ≠" if a.disagrees else ""),
            "cumulative": f"{a.cumulative_share:.1%}",
            "80/20": "●" if a.in_pareto else "",
        }
        for a in report.accounts
    ]
    lines.append(textable.render(rows))
    counts = ", ".join(f"{t} {n}" for t, n in report.tier_counts.items())
    lines += ["", f"computed tiers: {counts}; {len(report.disagreements)} differ from the recorded tier (≠)"]
    return "\n".join(lines)


def _amount(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _share(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def _money(value: float) -> str:
    return f"{value:,.0f}"


# The question by its own name, as callers outside the shells (bench/, older tests) know it.
priority = answer
