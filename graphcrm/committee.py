"""The buying committee before a bid: alliances, oppositions, support and coverage (DOMAIN.md §4.4).

From seed 002 (the APEX case). For one opportunity:
- **members** with roles (D decider, E evaluator, S screener, U user), attitude (A active,
  P passive, R resistant), stance toward us and influence, overall and per buying stage;
- **blocs**: groups held together by ALLY or KIN ties, and the OPPOSES lines between them;
- **support** = Σ influence × stance value, with champion +1, supporter +0.5, neutral 0,
  enemy −0.5, blocker −1; overall (influence in %) and per stage (each stage's % add to 100),
  so +100 means everyone with a say is a champion, −100 everyone a blocker;
- **coverage**: each member's warmest introduction path from our team (see
  `graphcrm.paths`); a member our team does not cover (`graphcrm.paths.covered`, the one
  definition: no warm path, and not one of our reps) is a gap;
- **risks**: enemies and blockers by influence (per stage with `stage`), and members tied to a
  competitor;
- **next best contacts**: influence × distance from supportive (neutral 0.5, enemy 1,
  blocker 1.5, supporters and champions 0) × warmth of the path to them, each with its path;
- **entry points**: a member's ties to other organisations (a supplier's managers, say) and the
  people there they know: a way to reach or strengthen them.

The question's functions: `answer` maps the committee (keeping the ties among the members and
their ties to organisations, which the map draws), `as_text` writes the map as the terminal
shows it, `picture` draws it for the viewer; the last two read only the report.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

from graphcrm import paths, projection, textable, words
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.paths import WarmPath
from graphcrm.picture import (
    DEFAULT_LIMIT,
    Edge,
    Node,
    Picture,
    Tie,
    check_limit,
    contact,
    make,
    pack,
    tie_edge,
    to_ties,
    tooltip,
    weight,
)
from graphcrm.schema import ATTITUDES, ROLES, STAGES, stage_property
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
    covered: bool  # by our team: `graphcrm.paths.covered`
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
class OrgTie:
    """A member's tie to an organisation outside the committee (a supplier, a competitor, ...)."""

    member: str  # the member's id
    org: str
    org_name: str
    org_kind: str | None
    tie: str | None  # the kind of tie, in words
    strength: float | None
    since: str | None
    last_contact: str | None
    known: tuple[str, ...]  # people there the member knows (names)


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
    ties: tuple[Tie, ...]  # among the members: ALLY, OPPOSES, KIN, INFLUENCES
    organisations: tuple[OrgTie, ...]  # the members' ties to organisations, by member


def answer(
    store: Store, opportunity: str, *, stage: str | None = None, settings: Settings | None = None
) -> CommitteeReport:
    """The committee map of `opportunity` (an id; the shells turn names into ids:
    `graphcrm.lookup`), weighted overall or by `stage` (one of the nine)."""
    settings = settings or Settings.from_env()
    if stage is not None and stage not in STAGES:
        raise InvalidValue(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
    key = _kept_as(opportunity, stage, settings)
    return projection.remembered(store, key, lambda: _answer(store, opportunity, stage, settings))


def _kept_as(opportunity: str, stage: str | None, settings: Settings) -> tuple[Any, ...]:
    """The key a committee map is kept under, with the graph's version (any write makes a new
    one): a viewer's committee pages and next steps ask for the same ones between imports."""
    return ("committee", opportunity, stage, settings)


def answers(
    store: Store, opportunities: Sequence[str], *, settings: Settings | None = None
) -> list[CommitteeReport]:
    """`answer` (overall) for each of `opportunities`, in order. Where any is not kept yet, all
    of them are read together (`_read`): one query each for the members, their ties and their
    organisations, and the warmest paths to every member worked out at once, instead of a few
    queries per committee (the next steps ask every open committee: 94 at scale M)."""
    settings = settings or Settings.from_env()
    net = projection.network(store)  # one look at the graph's version for them all
    read: dict[str, _Committee] = {}

    def compute(opportunity: str) -> CommitteeReport:
        if not read:
            read.update(_read(store, opportunities, settings))
        return _report(read, opportunity, None)

    return [
        projection.remembered(store, _kept_as(o, None, settings), functools.partial(compute, o), net)
        for o in opportunities
    ]


@dataclasses.dataclass(frozen=True)
class _Committee:
    """What one committee's map is made of, as read from the graph."""

    rows: list[dict[str, Any]]  # the opportunity and each member's seat (`committee/members`)
    outside: list[dict[str, Any]]  # the members' ties to organisations
    covered: set[str]
    warmest: dict[str, WarmPath | None]
    ties: list[Tie]  # among the members


def _read(store: Store, opportunities: Sequence[str], settings: Settings) -> dict[str, _Committee]:
    """The committees of `opportunities` (those that exist), read together. A member's coverage
    and warmest path are their own whatever the committee, and a tie or an organisation belongs
    to the committees of both its ends: each committee takes its part of the whole."""
    rows = store.run("committee/members", {"opportunities": list(dict.fromkeys(opportunities))})
    ids = sorted({r["id"] for r in rows if r["id"]})
    outside = store.run("committee/outside", {"ids": ids})
    covered = paths.covered(store, ids, settings=settings)
    warmest = paths.warmest(store, ids, settings=settings)
    ties = to_ties(store.run("committee/ties", {"ids": ids}))
    by_opportunity: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_opportunity.setdefault(row["opportunity"], []).append(row)
    read = {}
    for opportunity, its_rows in by_opportunity.items():
        members = {r["id"] for r in its_rows if r["id"]}
        read[opportunity] = _Committee(
            rows=its_rows,
            outside=[o for o in outside if o["id"] in members],
            covered=covered & members,
            warmest={m: warmest.get(m) for m in members},
            ties=[t for t in ties if t.source in members and t.target in members],
        )
    return read


def _answer(store: Store, opportunity: str, stage: str | None, settings: Settings) -> CommitteeReport:
    return _report(_read(store, [opportunity], settings), opportunity, stage)


def _report(read: dict[str, _Committee], opportunity: str, stage: str | None) -> CommitteeReport:
    if opportunity not in read:
        raise NotFound(f"no opportunity with id {opportunity!r}")
    committee = read[opportunity]
    head = committee.rows[0]
    rows = [r for r in committee.rows if r["id"]]
    outside, ties = committee.outside, tuple(committee.ties)
    members = tuple(
        _member(row, outside, committee.warmest.get(row["id"]), row["id"] in committee.covered)
        for row in rows
    )
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
            Opposition(by_id[t.source].name, by_id[t.target].name, t.context)
            for t in ties
            if t.type == "OPPOSES"
        ),
        support=_support(members, stage),
        support_by_stage=support_by_stage,
        stance_values=dict(STANCE_VALUES),
        gaps=tuple(m.name for m in sorted(members, key=lambda m: -m.weight(stage)) if not m.covered),
        risks=_risks(members, stage),
        risks_by_stage=risks_by_stage,
        next_contacts=_next_contacts(members, stage),
        ties=ties,
        organisations=tuple(
            OrgTie(
                member=o["id"],
                org=o["org"],
                org_name=o["org_name"] or o["org"],
                org_kind=o["org_kind"],
                tie=o["tie"],
                strength=None if o["strength"] is None else float(o["strength"]),
                since=o["since"],
                last_contact=o["last_contact"],
                known=tuple(sorted(o["people"])),
            )
            for o in outside
        ),
    )


def _member(
    row: dict[str, Any], outside: Sequence[dict[str, Any]], path: WarmPath | None, covered: bool
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
        path=path,
        covered=covered,
        competitor_ties=competitor,
        entry_points=entry,
    )


def _support(members: Sequence[Member], stage: str | None) -> float:
    return round(sum(m.weight(stage) * m.stance_value for m in members), 2)


def _blocs(members: Sequence[Member], ties: Sequence[Tie], stage: str | None) -> tuple[Bloc, ...]:
    """Connected groups under ALLY and KIN (members with no such tie stand alone). Joined here
    (union-find) rather than by networkx, whose import alone took 0.14 s of every command that
    maps a committee, for groups of a dozen."""
    leader = {m.id: m.id for m in members}

    def found(member: str) -> str:
        while leader[member] != member:
            leader[member] = member = leader[leader[member]]
        return member

    for t in ties:
        if t.type in ("ALLY", "KIN") and t.source in leader and t.target in leader:
            leader[found(t.source)] = found(t.target)
    groups: dict[str, list[Member]] = {}
    for m in members:
        groups.setdefault(found(m.id), []).append(m)
    blocs = []
    for group in groups.values():
        group.sort(key=lambda m: (-m.weight(stage), m.id))
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
            reason = f"{words.stance(m.stance)}, {m.weight(stage):g}% of the say, {words.warmth(warmth)} path"
            result.append(NextContact(m.name, round(score, 4), reason, m.path))
    return tuple(sorted(result, key=lambda c: (-c.score, c.name)))


# -- the answer in words and as a picture -----------------------------------------------------------


def as_text(report: CommitteeReport) -> str:
    """The committee as the terminal shows it: members, support, blocs, gaps, risks, next contacts."""
    weight_name = f"influence in {report.stage}" if report.stage else "influence"
    members = [
        {
            "member": m.name,
            "roles": ",".join(m.roles),
            "attitude": m.attitude,
            "stance": m.stance,
            weight_name: m.weight(report.stage),
            "warmest path": f"{words.warmth(m.path.warmth)} ({m.path.warmth:g})" if m.path else "no path",
        }
        for m in report.members
    ]
    values = ", ".join(f"{k} {v:+g}" for k, v in report.stance_values.items())
    lines = [
        f"{report.opportunity_name} ({report.account or 'no account'})",
        textable.render(members),
        "",
        f"support = Σ influence × stance value ({values}): {report.support:+g}",
    ]
    lines.append("by stage: " + ", ".join(f"{s} {v:+g}" for s, v in report.support_by_stage.items()))
    lines.append("")
    lines += [
        f"bloc ({b.influence:g}%, support {b.support:+g}): {', '.join(b.members)}" for b in report.blocs
    ]
    lines += [
        f"opposed: {o.a} × {o.b}" + (f" ({o.context})" if o.context else "") for o in report.oppositions
    ]
    lines.append("")
    lines.append("no warm path to: " + (", ".join(report.gaps) or "nobody — every member is covered"))
    lines += [f"risk: {x.name} — {x.reason} ({x.weight:g}%)" for x in report.risks]
    for stage, risks in report.risks_by_stage.items():
        if risks:
            lines.append(f"top risk in {stage}: {risks[0].name} ({risks[0].weight:g}%)")
    lines += [f"entry point via {m.name}: {e}" for m in report.members for e in m.entry_points]
    lines.append("")
    lines.append("next best contacts:")
    for c in report.next_contacts[:5]:
        lines.append(f"  {c.name}: {c.score:g} ({c.reason})")
        if c.path:
            lines += [f"      {hop.instruction}" for hop in c.path.hops]
    return "\n".join(lines)


def picture(report: CommitteeReport, limit: int = DEFAULT_LIMIT) -> Picture:
    """The committee's alliances: members, their political ties and outside organisations.

    Members with `group` = stance toward us, `role` = their first role letter and `size` from
    their influence, overall or in the report's stage (largest = 5); the ALLY, OPPOSES, KIN and
    INFLUENCES ties among them; and every organisation a member is TIED_TO (kind "competitor"
    for competitors, else "org") with a TIED_TO edge. Tooltips give roles, attitude, stance,
    influence overall and by stage, channels and the warmest path from our team. Over `limit`
    nodes, the most influential members come first, each followed by their organisations.
    """
    check_limit(limit)
    stage = report.stage
    members = list(report.members)  # most influential first
    top = max((m.weight(stage) for m in members), default=0.0) or 1.0
    tied: dict[str, list[OrgTie]] = {}
    by_org: dict[str, list[OrgTie]] = {}
    for link in report.organisations:
        tied.setdefault(link.member, []).append(link)
        by_org.setdefault(link.org, []).append(link)
    names = {m.id: m.name for m in members}
    orgs: dict[str, Node] = {}
    for org_id, links in by_org.items():
        first = links[0]
        about = [first.org_name, first.org_kind or ""] + [
            f"tied to {names[t.member]}" + (f" ({t.tie})" if t.tie else "") for t in links
        ]
        kind = "competitor" if first.org_kind == "competitor" else "org"
        orgs[org_id] = Node(id=org_id, label=first.org_name, kind=kind, title=tooltip(about), size=3.0)
    groups = [[_member_node(m, stage, top), *(orgs[t.org] for t in tied.get(m.id, ()))] for m in members]
    nodes, total = pack(groups, limit)
    names |= {o.id: o.label for o in orgs.values()}
    edges = [tie_edge(t, names) for t in report.ties]
    for t in report.organisations:
        head = f"{names.get(t.member, t.member)} is tied to {t.org_name}" + (f": {t.tie}" if t.tie else "")
        title = tooltip([head, contact(t.strength, t.since, t.last_contact)])
        edges.append(Edge(t.member, t.org, "TIED_TO", None, title, weight(t.strength)))
    return make(nodes, edges, total, "members and organisations", "the most influential")


def _member_node(m: Member, stage: str | None, top: float) -> Node:
    roles = ", ".join(f"{r} {ROLES.get(r, r)}" for r in m.roles) or "no role recorded"
    by_stage = ", ".join(f"{s} {m.stage_influence[s]:g}%" for s in STAGES if s in m.stage_influence)
    about = [
        m.name,
        m.title,
        f"roles: {roles}",
        f"attitude: {m.attitude} {ATTITUDES.get(m.attitude, '')}".rstrip() if m.attitude else None,
        f"stance: {m.stance}",
        f"influence: {m.influence:g}%",
        f"in {stage}: {m.weight(stage):g}%" if stage else None,
        f"by stage: {by_stage}" if by_stage else None,
        f"channels: {', '.join(m.channels)}" if m.channels else None,
        f"tied to competitor {'; '.join(m.competitor_ties)}" if m.competitor_ties else None,
        (
            f"warmest path from our team: {' → '.join(p.name for p in m.path.people)} "
            f"(warmth {m.path.warmth:g})"
            if m.path
            else "no warm path from our team"
        ),
    ]
    size = round(1 + 4 * m.weight(stage) / top, 2)
    role = m.roles[0] if m.roles else None
    return Node(
        id=m.id, label=m.name, kind="person", title=tooltip(about), group=m.stance, role=role, size=size
    )


# The question by its own name, as callers outside the shells (bench/, older tests) know it.
committee = answer
