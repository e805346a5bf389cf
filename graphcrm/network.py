"""Pictures of the network for the viewer: who is tied to whom, as nodes and edges.

Each function answers one view with a neutral `Picture` (the web layer turns it into
vis-network data): the neighbourhood of a person, an account's stakeholder map, a buying
committee's alliances, the warm paths to a person, the referral cascade.

**Nodes.** `kind` is person, rep (our team), account, org, competitor (an Org of kind
competitor) or opportunity. `group` marks what the view is about (a member's stance, an
influencer mark, a path's start and target, a referral's outcome); `role` a committee member's
first role (D, E, S, U); `size` runs from 1 to 5; `level` orders hierarchical layouts (org-chart
depth from 0 at the top, referral generation from 0 at the root). `title` is a plain-text
tooltip, lines joined by "\\n".

**Edges.** `type` is the relationship's type (KNOWS, ALLY, OPPOSES, KIN, INFLUENCES,
REPORTS_TO, TIED_TO, REFERRED, WORKS_AT) or PATH (a hop of an introduction path); a symmetric tie
appears once per pair. INFLUENCES runs from the one listened to; REPORTS_TO from the one who
reports. `weight` is 0..1: a tie's strength (0.5 when not recorded), a path hop's warmth, a
referral's value over the largest in the picture, 1 for WORKS_AT.

**Size limit.** Every view takes `limit` (default 1,500) nodes. When more would be drawn, the
most relevant `limit` are kept (the view says which come first: the closest, the most
influential), edges to the others are dropped, `truncated` is set and `notice` says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graphcrm.committee import CommitteeReport, Member, committee
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.influencers import InfluenceReport, influencers, org_levels
from graphcrm.paths import PathReport
from graphcrm.projection import DEFAULT_STRENGTH
from graphcrm.referrals import Party, Referral, referrals
from graphcrm.schema import ATTITUDES, ROLES, STAGES, SYMMETRIC_TIES
from graphcrm.settings import Settings
from graphcrm.store import Store

DEFAULT_LIMIT = 1500
INFORMAL_TIES = ("KNOWS", "ALLY", "OPPOSES", "KIN", "INFLUENCES")
COMMITTEE_TIES = ("ALLY", "OPPOSES", "KIN", "INFLUENCES")
MARKS = ("decider", "hidden", "gatekeeper", "figurehead")  # the group shown when several apply
MARK_NAMES = {
    "decider": "decider",
    "hidden": "hidden influencer",
    "gatekeeper": "gatekeeper",
    "figurehead": "figurehead",
}


@dataclasses.dataclass(frozen=True)
class GNode:
    """A node to draw (see the module's notes for each field)."""

    id: str
    label: str
    kind: str
    title: str
    group: str | None = None
    role: str | None = None
    size: float = 1.0
    level: int | None = None


@dataclasses.dataclass(frozen=True)
class GEdge:
    """An edge to draw, from `source` to `target` (node ids)."""

    source: str
    target: str
    type: str
    label: str | None
    title: str
    weight: float


@dataclasses.dataclass(frozen=True)
class Picture:
    """What to draw; `total_nodes` counts the nodes the whole view holds, drawn or not."""

    nodes: tuple[GNode, ...]
    edges: tuple[GEdge, ...]
    total_nodes: int
    truncated: bool
    notice: str | None


# -- the views ------------------------------------------------------------------------------------


def ego_network(store: Store, person_id: str, hops: int = 1, limit: int = DEFAULT_LIMIT) -> Picture:
    """A person's neighbourhood: everyone within `hops` (1 or 2) informal ties of them.

    People are joined by KNOWS, ALLY, OPPOSES, KIN and INFLUENCES (either way); every such tie
    among the people shown is drawn, and each person's organisation as an account, org or
    competitor node with a WORKS_AT edge. `level` is the distance from the person (0, 1, 2);
    the person in the middle has `group` "ego" and size 5, the others grow with their number
    of informal ties. Over `limit` nodes, the closest come first, then those with most informal
    ties, each followed by their organisation. Raises `NotFound` for an unknown person.
    """
    _check_limit(limit)
    if hops not in (1, 2):
        raise InvalidValue(f"hops must be 1 or 2 (got {hops})")
    rows = store.run("network/ego", {"id": person_id, "hops": hops})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    rows = sorted(rows, key=lambda r: (r["distance"], -r["degree"], r["id"]))
    top_degree = max(r["degree"] for r in rows) or 1
    groups: list[list[GNode]] = []
    for row in rows:
        orgs = [o for o in row["orgs"] or () if o.get("id")]
        distance = row["distance"]
        where = "the person in the middle" if distance == 0 else f"{distance} hop{'s' * (distance > 1)} away"
        lines = [
            _name(row),
            row["title"],
            ", ".join(_name(o) for o in orgs),
            _ours(row["rep"]),
            where,
            f"{row['degree']} informal tie{'s' * (row['degree'] != 1)}",
        ]
        person = GNode(
            id=row["id"],
            label=_name(row),
            kind="rep" if row["rep"] else "person",
            title=_lines(lines),
            group="ego" if distance == 0 else None,
            size=5.0 if distance == 0 else round(1 + 3 * row["degree"] / top_degree, 2),
            level=distance,
        )
        groups.append([person, *(_org_node(o, size=3.0) for o in orgs)])
    nodes, total = _pack(groups, limit)
    kept = [n.id for n in nodes if n.kind in ("person", "rep")]
    ties = store.run("network/ties", {"ids": kept, "types": list(INFORMAL_TIES)})
    names = {n.id: n.label for n in nodes}
    edges = [_tie_edge(t, names) for t in ties]
    shown = {n.id for n in nodes}
    for row in rows:
        for org in row["orgs"] or ():
            if row["id"] in shown and org.get("id") in shown:
                edges.append(
                    GEdge(row["id"], org["id"], "WORKS_AT", None, f"{_name(row)} works at {_name(org)}", 1.0)
                )
    return _picture(nodes, edges, total, "people and organisations", "the closest")


def account_map(store: Store, account_id: str, limit: int = DEFAULT_LIMIT) -> Picture:
    """An account's stakeholder map: its people on the org chart, with their informal ties.

    The people who WORK_AT the account (or at another organisation: a supplier, say); their
    REPORTS_TO edges (the org chart) and the KNOWS, ALLY, OPPOSES, KIN and INFLUENCES ties among
    them. `level` is the org-chart depth, 0 at the top: the recorded rank (1 = top), else one
    below the boss they report to, else the top for the head of a chart, else the bottom level
    (the rule of `graphcrm.influencers`). For an account, `group` is the person's mark from
    `graphcrm.influencers.influencers` — "decider", "hidden", "gatekeeper" or "figurehead", in
    that order where several apply — and `size` grows with informal power; the tooltip gives
    title, rank, formal and informal power and the reasons. Over `limit` nodes, the marked
    people come first, then by informal power (for another organisation: top of the chart,
    then most ties). Raises `NotFound` for an unknown id.
    """
    _check_limit(limit)
    rows = store.run("network/account_people", {"id": account_id})
    if not rows:
        raise NotFound(f"no account with id {account_id!r}")
    people = [r for r in rows if r["id"]]
    ties = store.run("network/account_ties", {"id": account_id})
    levels = chart_levels(
        {p["id"]: p["rank"] for p in people},
        {t["source"]: t["target"] for t in ties if t["type"] == "REPORTS_TO"},
    )
    report = influencers(store, account_id) if rows[0]["is_account"] and people else None
    powers = {p.id: p for p in report.people} if report else {}
    marks = _marks(report)
    top_degree = max((p["degree"] for p in people), default=0) or 1
    bottom = max(levels.values(), default=0)
    nodes = []
    for p in people:
        power = powers.get(p["id"])
        found = marks.get(p["id"], [])
        lines = [_name(p), p["title"], _ours(p["rep"]), _rank_line(p["rank"], levels[p["id"]], bottom)]
        if power:
            lines.append(f"formal power {power.formal:.2f}, informal power {power.informal:.2f}")
            lines.append(f"listened to by {power.listened_to_by}, informal ties {power.ties}")
        else:
            lines.append(f"informal ties {p['degree']}")
        lines += [f"{MARK_NAMES[mark]}: {reason}" for mark, reason in found]
        size = 1 + 4 * power.informal if power else 1 + 4 * p["degree"] / top_degree
        nodes.append(
            GNode(
                id=p["id"],
                label=_name(p),
                kind="rep" if p["rep"] else "person",
                title=_lines(lines),
                group=found[0][0] if found else None,
                size=round(size, 2),
                level=levels[p["id"]],
            )
        )

    def relevance(node: GNode) -> tuple[Any, ...]:
        power = powers.get(node.id)
        if power:
            return (node.id not in marks, -power.informal, node.level, node.id)
        return (node.level, -node.size, node.id)

    ranked = sorted(nodes, key=relevance)
    kept, total = _pack([[n] for n in ranked], limit)
    names = {n.id: n.label for n in nodes}
    order = "the most influential" if powers else "the top of the org chart"
    return _picture(kept, [_tie_edge(t, names) for t in ties], total, "people", order)


def committee_map(
    store: Store,
    opportunity_id: str,
    stage: str | None = None,
    settings: Settings | None = None,
    limit: int = DEFAULT_LIMIT,
    report: CommitteeReport | None = None,
) -> Picture:
    """A buying committee's alliances: members, their political ties and outside organisations.

    Members (from `graphcrm.committee.committee`) with `group` = stance toward us, `role` = their
    first role letter and `size` from their influence, overall or in `stage` (largest = 5); the
    ALLY, OPPOSES, KIN and INFLUENCES ties among them; and every organisation a member is
    TIED_TO (kind "competitor" for competitors, else "org") with a TIED_TO edge. Tooltips give
    roles, attitude, stance, influence overall and by stage, channels and the warmest path from
    our team (paths use `settings`, as the committee report does). Over `limit` nodes, the most
    influential members come first, each followed by their organisations. Raises `NotFound` for
    an unknown opportunity, `InvalidValue` for an unknown stage.
    """
    _check_limit(limit)
    if report is None:  # a page that already has the report passes it: its paths are not found twice
        report = committee(store, opportunity_id, stage=stage, settings=settings)
    members = list(report.members)  # most influential first
    ids = [m.id for m in members]
    top = max((m.weight(stage) for m in members), default=0.0) or 1.0
    tied: dict[str, list[dict[str, Any]]] = {}
    for row in store.run("network/tied", {"ids": ids}):
        tied.setdefault(row["source"], []).append(row)
    names = {m.id: m.name for m in members}
    orgs: dict[str, GNode] = {}
    for org_id, links in _by_org(tied).items():
        kind = "competitor" if links[0]["kind"] == "competitor" else "org"
        lines = [_name(links[0]), links[0]["kind"] or ""] + [
            f"tied to {names[t['source']]}" + (f" ({t['tie']})" if t["tie"] else "") for t in links
        ]
        orgs[org_id] = GNode(id=org_id, label=_name(links[0]), kind=kind, title=_lines(lines), size=3.0)
    groups = [[_member_node(m, stage, top), *(orgs[t["id"]] for t in tied.get(m.id, ()))] for m in members]
    nodes, total = _pack(groups, limit)
    names |= {o.id: o.label for o in orgs.values()}
    ties = store.run("network/ties", {"ids": ids, "types": list(COMMITTEE_TIES)})
    edges = [_tie_edge(t, names) for t in ties]
    for links in tied.values():
        for t in links:
            edges.append(GEdge(t["source"], t["id"], "TIED_TO", None, _tied_title(t, names), _weight(t)))
    return _picture(nodes, edges, total, "members and organisations", "the most influential")


def path_picture(report: PathReport) -> Picture:
    """The warm paths of a `graphcrm.paths.warm_paths` report as one picture (no database).

    The people of every path; one PATH edge per hop (a hop shared by several paths once),
    labelled with the tie type and the hop's warmth, its tooltip the ask. `group`: "target" for
    the person to reach, "rep" for the start of a path, "flagged" for people tied to a
    competitor; `level` is the earliest position on a path (0 = start). With no path, the
    target alone.
    """
    flagged = {a.id: a.reason for a in report.flagged}
    target = report.target
    starts = {path.hops[0].source.id for path in report.paths if path.hops}
    names = {target.id: target.name}
    level: dict[str, int] = {}
    on_paths: dict[str, int] = {target.id: len(report.paths)}
    edges: dict[tuple[str, str], GEdge] = {}
    for path in report.paths:
        for index, person in enumerate(path.people[:-1]):  # the last is the target
            names[person.id] = person.name
            level[person.id] = min(level.get(person.id, index), index)
            on_paths[person.id] = on_paths.get(person.id, 0) + 1
        for hop in path.hops:
            if (hop.source.id, hop.target.id) not in edges:
                title = _lines([hop.instruction, f"{hop.type}, warmth {hop.warmth:g}"])
                edges[(hop.source.id, hop.target.id)] = GEdge(
                    hop.source.id, hop.target.id, "PATH", f"{hop.type} {hop.warmth:.2f}", title, hop.warmth
                )
    level[target.id] = max(level.values(), default=-1) + 1
    count = len(report.paths)
    nodes = []
    for person_id, name in names.items():
        group: str | None
        if person_id == target.id:
            group, kind, size, about = "target", "person", 5.0, "the person to reach"
        elif person_id in starts:
            group, kind, size, about = "rep", "rep", 4.0, "starts a path"
        else:
            group = "flagged" if person_id in flagged else None
            kind, size, about = "person", round(1 + 2 * on_paths[person_id] / count, 2), "introduces"
        lines = [name, about, f"on {on_paths[person_id]} of {count} path(s)"]
        if person_id in flagged:
            lines.append(f"flagged: {flagged[person_id]}")
        nodes.append(
            GNode(
                id=person_id,
                label=name,
                kind=kind,
                title=_lines(lines),
                group=group,
                size=size,
                level=level[person_id],
            )
        )
    nodes.sort(key=lambda n: (n.level or 0, n.id))
    return Picture(tuple(nodes), tuple(edges.values()), len(nodes), False, None)


def referral_tree(store: Store, root: str | None = None, limit: int = DEFAULT_LIMIT) -> Picture:
    """How referrals spread: the cascades of `graphcrm.referrals.referrals` as trees.

    From every won account (or from the account `root`): the root at level 0, each account
    first reached n referrals out at level n (generation n), and the REFERRED edge that reached
    it, labelled with its outcome and value. `group` is "root" for a cascade's root, else the
    outcome of the referral (won, lost, open); `size` grows with the value. An account reached
    by two cascades is drawn once, at its first place. Over `limit` nodes, the earliest
    generations come first. Raises `NotFound` for an unknown `root`.
    """
    _check_limit(limit)
    report = referrals(store, root)
    reached = [r for c in report.cascades for g in c.generations for r in g.referrals]
    top_value = max((r.value for r in reached), default=0.0) or 1.0
    placed: dict[str, tuple[int, int, GNode]] = {}  # id -> (level, order, node)
    for c in report.cascades:
        lines = [
            c.root.name,
            "root: a won account" if root is None else "root",
            f"{len(c.generations)} generation(s), {c.reached} reached, {c.won} won",
            f"{_money(c.value_won)} won in the cascade",
        ]
        node = GNode(c.root.id, c.root.name, c.root.kind, _lines(lines), "root", None, 5.0, 0)
        _place(placed, c.root, 0, node)
        for g in c.generations:
            for r in g.referrals:
                node = GNode(
                    r.target.id,
                    r.target.name,
                    r.target.kind,
                    _lines(_referral_lines(r, g.number)),
                    r.outcome,
                    None,
                    round(1 + 3 * r.value / top_value, 2),
                    g.number,
                )
                _place(placed, r.target, g.number, node)
    ranked = [node for _, _, node in sorted(placed.values(), key=lambda x: (x[0], x[1]))]
    nodes, total = _pack([[n] for n in ranked], limit)
    edges = [
        GEdge(
            r.source.id,
            r.target.id,
            "REFERRED",
            f"{r.outcome} {_money(r.value)}",
            _lines(_referral_lines(r, None)),
            round(r.value / top_value, 4),
        )
        for r in reached
    ]
    return _picture(nodes, edges, total, "accounts", "the earliest generations")


def chart_levels(ranks: Mapping[str, Any], boss: Mapping[str, str]) -> dict[str, int]:
    """Org-chart depth (0 = top) of each person in `ranks` (id -> recorded rank, 1 = top).

    The rule of `graphcrm.influencers` (recorded rank, else one below the boss, else the top for
    the head of an unranked chart, else the bottom level), counted from 0.
    """
    levels, _ = org_levels(list(ranks), ranks, boss)
    return {i: level - 1 for i, level in levels.items()}


# -- helpers ------------------------------------------------------------------------------------


def _check_limit(limit: int) -> None:
    if limit < 1:
        raise InvalidValue(f"limit must be 1 or more (got {limit})")


def _pack(groups: Iterable[Sequence[GNode]], limit: int) -> tuple[list[GNode], int]:
    """The first `limit` distinct nodes of the groups, in order, and how many there are in all."""
    seen: dict[str, GNode] = {}
    kept: list[GNode] = []
    for group in groups:
        for node in group:
            if node.id not in seen:
                seen[node.id] = node
                if len(kept) < limit:
                    kept.append(node)
    return kept, len(seen)


def _picture(nodes: Sequence[GNode], edges: Iterable[GEdge], total: int, noun: str, order: str) -> Picture:
    """The picture of the kept nodes with the edges between them, and a notice if some were left out."""
    shown = {n.id for n in nodes}
    kept = tuple(e for e in edges if e.source in shown and e.target in shown)
    truncated = total > len(nodes)
    notice = (
        f"Showing {len(nodes):,} of {total:,} {noun}: {order} first. Narrow the view to see the rest."
        if truncated
        else None
    )
    return Picture(tuple(nodes), kept, total, truncated, notice)


def _name(row: Mapping[str, Any]) -> str:
    return row.get("name") or row["id"]


def _lines(lines: Iterable[str | None]) -> str:
    return "\n".join(line for line in lines if line)


def _ours(rep: bool | None) -> str | None:
    return "our team" if rep else None


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _weight(tie: Mapping[str, Any]) -> float:
    return DEFAULT_STRENGTH if tie.get("strength") is None else float(tie["strength"])


def _contact(tie: Mapping[str, Any]) -> str:
    parts = [f"strength {_weight(tie):g}"]
    if tie.get("since"):
        parts.append(f"since {tie['since']}")
    parts.append(f"last contact {tie['last_contact']}" if tie.get("last_contact") else "no recorded contact")
    return " · ".join(parts)


def _tie_edge(tie: Mapping[str, Any], names: Mapping[str, str]) -> GEdge:
    """An edge of a tie row (source, target, type, strength, context, since, last_contact)."""
    a, b = names.get(tie["source"], tie["source"]), names.get(tie["target"], tie["target"])
    kind = tie["type"]
    if kind == "INFLUENCES":
        head = f"{b} listens to {a}"
    elif kind == "REPORTS_TO":
        head = f"{a} reports to {b}"
    elif kind in SYMMETRIC_TIES:
        head = f"{a} {'~' if kind == 'KNOWS' else '—'} {b}"
    else:
        head = f"{a} → {b}"
    context = f": {tie['context']}" if tie.get("context") else ""
    title = _lines([f"{kind} {head}{context}", _contact(tie) if kind != "REPORTS_TO" else None])
    return GEdge(tie["source"], tie["target"], kind, None, title, _weight(tie))


def _org_node(org: Mapping[str, Any], size: float) -> GNode:
    kind = "account" if org.get("account") else ("competitor" if org.get("kind") == "competitor" else "org")
    return GNode(
        id=org["id"], label=_name(org), kind=kind, title=_lines([_name(org), org.get("kind")]), size=size
    )


def _rank_line(rank: Any, depth: int, bottom: int) -> str:
    where = f"level {depth + 1} of {bottom + 1} on the org chart"
    return f"rank {rank} ({where})" if rank is not None else f"no recorded rank ({where})"


def _marks(report: InfluenceReport | None) -> dict[str, list[tuple[str, str]]]:
    """Each person's marks from the influence report, in the order of MARKS, with the reasons."""
    found: dict[str, list[tuple[str, str]]] = {}
    if report is None:
        return found
    lists = {
        "decider": [report.decider] if report.decider else [],
        "hidden": report.hidden,
        "gatekeeper": report.gatekeepers,
        "figurehead": report.figureheads,
    }
    for mark in MARKS:
        for finding in lists[mark]:
            found.setdefault(finding.id, []).append((mark, finding.reason))
    return found


def _member_node(m: Member, stage: str | None, top: float) -> GNode:
    roles = ", ".join(f"{r} {ROLES.get(r, r)}" for r in m.roles) or "no role recorded"
    by_stage = ", ".join(f"{s} {m.stage_influence[s]:g}%" for s in STAGES if s in m.stage_influence)
    lines = [
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
    return GNode(
        id=m.id, label=m.name, kind="person", title=_lines(lines), group=m.stance, role=role, size=size
    )


def _by_org(tied: Mapping[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    orgs: dict[str, list[dict[str, Any]]] = {}
    for links in tied.values():
        for t in links:
            orgs.setdefault(t["id"], []).append(t)
    return orgs


def _tied_title(tie: Mapping[str, Any], names: Mapping[str, str]) -> str:
    head = f"TIED_TO {names.get(tie['source'], tie['source'])} → {_name(tie)}"
    return _lines([head + (f": {tie['tie']}" if tie.get("tie") else ""), _contact(tie)])


def _place(placed: dict[str, tuple[int, int, GNode]], party: Party, level: int, node: GNode) -> None:
    if party.id not in placed:
        placed[party.id] = (level, len(placed), node)


def _referral_lines(r: Referral, generation: int | None) -> list[str]:
    by = f" ({r.by_person.name})" if r.by_person and r.by_person.name != r.source.name else ""
    lines = [r.target.name if generation is not None else f"{r.source.name} → {r.target.name}"]
    if generation is not None:
        lines.append(f"generation {generation}: referred by {r.source.name}{by}")
    else:
        lines.append(f"referred by {r.source.name}{by}")
    lines.append(f"{r.date or 'no date'}: {r.outcome} {_money(r.value)}")
    if r.won_on:
        lines.append(f"won {r.won_on}, {r.days_to_win} days after the referral")
    return lines
