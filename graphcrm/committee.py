"""The buying committee before a bid: alliances, oppositions, support and coverage (DOMAIN.md §4.4).

From seed 002 (the APEX case). For one opportunity:
- **members** with roles (D decider, E evaluator, S screener, U user), attitude (A active,
  P passive, R resistant), stance toward us and influence, overall and per buying stage;
- **blocs**: groups held together by ALLY or KIN ties, and the OPPOSES lines between them;
- **support** = Σ influence × stance value, with champion +1, supporter +0.5, neutral 0,
  enemy −0.5, blocker −1; overall (influence in %) and per stage (each stage's % add to 100),
  so +100 means everyone with a say is a champion, −100 everyone a blocker;
- **coverage**: each member's warmest introduction path from our team (see
  `graphcrm.paths`), or none — an influential member with no path is a gap;
- **risks**: enemies and blockers by influence (per stage with `stage`), and members tied to a
  competitor;
- **next best contacts**: influence × distance from supportive (neutral 0.5, enemy 1,
  blocker 1.5, supporters and champions 0) × warmth of the path to them, each with its path;
- **entry points**: a member's ties to other organisations (a supplier's managers, say) and the
  people there they know: a way to reach or strengthen them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import networkx as nx

from graphcrm.errors import InvalidValue, NotFound
from graphcrm.paths import WarmPath, warm_paths
from graphcrm.schema import STAGES, stage_property
from graphcrm.settings import Settings
from graphcrm.store import Store

STANCE_VALUES = {"champion": 1.0, "supporter": 0.5, "neutral": 0.0, "enemy": -0.5, "blocker": -1.0}


@dataclasses.dataclass(frozen=True)
class Member:
    id: str
    name: str
    title: str | None
    roles: tuple[str, ...]
    attitude: str | None
    stance: str
    stance_value: float
    influence: float
    stage_influence: dict[str, float]
    channels: tuple[str, ...]
    path: WarmPath | None
    competitor_ties: tuple[str, ...]
    entry_points: tuple[str, ...]

    def weight(self, stage: str | None) -> float:
        """Influence overall, or in `stage` (percent)."""
        return self.influence if stage is None else self.stage_influence.get(stage, 0.0)


@dataclasses.dataclass(frozen=True)
class Bloc:
    members: tuple[str, ...]  # names
    influence: float
    support: float


@dataclasses.dataclass(frozen=True)
class Opposition:
    a: str
    b: str
    context: str | None


@dataclasses.dataclass(frozen=True)
class Risk:
    name: str
    reason: str
    weight: float


@dataclasses.dataclass(frozen=True)
class NextContact:
    name: str
    score: float
    reason: str
    path: WarmPath | None


@dataclasses.dataclass(frozen=True)
class CommitteeReport:
    opportunity: str
    opportunity_name: str
    account: str | None
    stage: str | None
    members: tuple[Member, ...]
    blocs: tuple[Bloc, ...]
    oppositions: tuple[Opposition, ...]
    support: float
    support_by_stage: dict[str, float]
    stance_values: dict[str, float]
    gaps: tuple[str, ...]
    risks: tuple[Risk, ...]
    risks_by_stage: dict[str, tuple[Risk, ...]]
    next_contacts: tuple[NextContact, ...]


def committee(
    store: Store, opportunity: str, *, stage: str | None = None, settings: Settings | None = None
) -> CommitteeReport:
    """The committee map of `opportunity`, weighted overall or by `stage` (one of the nine)."""
    settings = settings or Settings.from_env()
    if stage is not None and stage not in STAGES:
        raise InvalidValue(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
    rows = store.run("committee/members", {"opportunity": opportunity})
    if not rows:
        raise NotFound(f"no opportunity with id {opportunity!r}")
    head = rows[0]
    rows = [r for r in rows if r["id"]]
    ids = [r["id"] for r in rows]
    outside = store.run("committee/outside", {"ids": ids})
    members = tuple(_member(store, row, outside, settings) for row in rows)
    ties = store.run("committee/ties", {"ids": ids})
    by_id = {m.id: m for m in members}
    support_by_stage = {
        s: _support(members, s) for s in STAGES if any(m.stage_influence.get(s) for m in members)
    }
    risks_by_stage = {s: _risks(members, s) for s in support_by_stage}
    return CommitteeReport(
        opportunity=head["opportunity"],
        opportunity_name=head["opportunity_name"] or head["opportunity"],
        account=head["account_name"],
        stage=stage,
        members=tuple(sorted(members, key=lambda m: (-m.weight(stage), m.id))),
        blocs=_blocs(members, ties, stage),
        oppositions=tuple(
            Opposition(by_id[t["a"]].name, by_id[t["b"]].name, t["context"])
            for t in ties
            if t["type"] == "OPPOSES"
        ),
        support=_support(members, stage),
        support_by_stage=support_by_stage,
        stance_values=dict(STANCE_VALUES),
        gaps=tuple(m.name for m in sorted(members, key=lambda m: -m.weight(stage)) if m.path is None),
        risks=_risks(members, stage),
        risks_by_stage=risks_by_stage,
        next_contacts=_next_contacts(members, stage),
    )


def _member(
    store: Store, row: dict[str, Any], outside: Sequence[dict[str, Any]], settings: Settings
) -> Member:
    seat = row["seat"] or {}
    stance = seat.get("stance") or "neutral"
    mine = [o for o in outside if o["id"] == row["id"]]
    competitor = tuple(f"{o['org_name']} ({o['tie']})" for o in mine if o["org_kind"] == "competitor")
    entry = tuple(
        f"{o['org_name']} ({o['tie']})" + (f": knows {', '.join(sorted(o['people']))}" if o["people"] else "")
        for o in mine
        if o["org_kind"] != "competitor"
    )
    paths = warm_paths(store, row["id"], k=1, settings=settings).paths
    return Member(
        id=row["id"],
        name=row["name"] or row["id"],
        title=row["title"],
        roles=tuple(seat.get("roles") or ()),
        attitude=seat.get("attitude"),
        stance=stance,
        stance_value=STANCE_VALUES[stance],
        influence=float(seat.get("influence") or 0.0),
        stage_influence={s: float(seat[stage_property(s)]) for s in STAGES if seat.get(stage_property(s))},
        channels=tuple(row["channels"] or ()),
        path=paths[0] if paths else None,
        competitor_ties=competitor,
        entry_points=entry,
    )


def _support(members: Sequence[Member], stage: str | None) -> float:
    return round(sum(m.weight(stage) * m.stance_value for m in members), 2)


def _blocs(members: Sequence[Member], ties: Sequence[dict[str, Any]], stage: str | None) -> tuple[Bloc, ...]:
    """Connected groups under ALLY and KIN (members with no such tie stand alone)."""
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(m.id for m in members)
    graph.add_edges_from((t["a"], t["b"]) for t in ties if t["type"] in ("ALLY", "KIN"))
    by_id = {m.id: m for m in members}
    blocs = []
    for component in nx.connected_components(graph):
        group = sorted((by_id[i] for i in component), key=lambda m: (-m.weight(stage), m.id))
        blocs.append(
            Bloc(
                tuple(m.name for m in group),
                round(sum(m.weight(stage) for m in group), 2),
                _support(group, stage),
            )
        )
    return tuple(sorted(blocs, key=lambda b: (-b.influence, b.members)))


def _risks(members: Sequence[Member], stage: str | None) -> tuple[Risk, ...]:
    """Enemies and blockers by influence, then members tied to a competitor."""
    risks = []
    for m in members:
        tied = f"tied to competitor {'; '.join(m.competitor_ties)}" if m.competitor_ties else ""
        if m.weight(stage) > 0 and (m.stance in ("enemy", "blocker") or tied):
            risks.append(Risk(m.name, ", ".join(part for part in (m.stance, tied) if part), m.weight(stage)))
    order = {"blocker": 0, "enemy": 1}
    return tuple(sorted(risks, key=lambda r: (-r.weight, order.get(r.reason.split(",")[0], 2), r.name)))


def _next_contacts(members: Sequence[Member], stage: str | None) -> tuple[NextContact, ...]:
    """Influence × distance from supportive × warmth of the path: whom to win next."""
    result = []
    for m in members:
        distance = max(0.0, 0.5 - m.stance_value)
        warmth = m.path.warmth if m.path else 0.0
        score = m.weight(stage) / 100 * distance * warmth
        if score > 0:
            reason = f"{m.stance}, influence {m.weight(stage):g}%, path warmth {warmth:g}"
            result.append(NextContact(m.name, round(score, 4), reason, m.path))
    return tuple(sorted(result, key=lambda c: (-c.score, c.name)))
