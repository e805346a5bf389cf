"""Who is around this person? Everyone within one or two informal ties, for the person's page.

The people joined to the person by KNOWS, ALLY, OPPOSES, KIN and INFLUENCES (either way), up
to `hops` (1 or 2) ties away, with the organisations each works at, and every such tie among
them. The closest come first, then those with most informal ties: a neighbourhood of more than
`limit` people and organisations (the viewer's node limit) keeps the first `limit`, and reads
the ties among those only, since two hops from a well-connected rep can reach thousands.

`answer` reads the neighbourhood; `picture` draws it from the report alone. (There is no
terminal command for it, so no `as_text`.)
"""

from __future__ import annotations

import dataclasses

from graphcrm.errors import InvalidValue, NotFound
from graphcrm.picture import (
    DEFAULT_LIMIT,
    Edge,
    Node,
    Picture,
    Tie,
    check_limit,
    make,
    pack,
    tie_edge,
    to_ties,
    tooltip,
)
from graphcrm.store import Store


@dataclasses.dataclass(frozen=True)
class Organisation:
    """Where a neighbour works: an account, a competitor, or another organisation."""

    id: str
    name: str
    account: bool
    kind: str | None


@dataclasses.dataclass(frozen=True)
class Neighbour:
    """Someone in the neighbourhood, `distance` informal ties from the person (0: the person)."""

    id: str
    name: str
    title: str | None
    rep: bool
    distance: int
    ties: int  # people they are tied to informally, anywhere
    orgs: tuple[Organisation, ...]


@dataclasses.dataclass(frozen=True)
class Neighbourhood:
    person: str  # the id of the person in the middle
    hops: int
    limit: int  # people and organisations kept, at most
    people: tuple[Neighbour, ...]  # closest first, then most informal ties; those kept
    total: int  # people and organisations in the whole neighbourhood, kept or not
    most_ties: int  # the most informal ties anyone in the whole neighbourhood has
    ties: tuple[Tie, ...]  # the informal ties among `people`


def answer(store: Store, person_id: str, hops: int = 1, limit: int = DEFAULT_LIMIT) -> Neighbourhood:
    """Everyone within `hops` (1 or 2) informal ties of the person, and the ties among them.

    Over `limit` people and organisations, the closest come first, then those with most informal
    ties, each followed by their organisations. Raises `NotFound` for an unknown person.
    """
    check_limit(limit)
    if hops not in (1, 2):
        raise InvalidValue(f"hops must be 1 or 2 (got {hops})")
    rows = store.run("neighbourhood/people", {"id": person_id, "hops": hops})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    rows = sorted(rows, key=lambda r: (r["distance"], -r["degree"], r["id"]))
    people = [
        Neighbour(
            id=r["id"],
            name=r["name"] or r["id"],
            title=r["title"],
            rep=bool(r["rep"]),
            distance=r["distance"],
            ties=r["degree"],
            orgs=tuple(
                Organisation(o["id"], o.get("name") or o["id"], bool(o.get("account")), o.get("kind"))
                for o in r["orgs"] or ()
                if o.get("id")
            ),
        )
        for r in rows
    ]
    groups: list[list[Neighbour | Organisation]] = [[p, *p.orgs] for p in people]
    kept, total = pack(groups, limit)
    shown = [p for p in kept if isinstance(p, Neighbour)]
    ties = to_ties(store.run("neighbourhood/ties", {"ids": [p.id for p in shown]}))
    return Neighbourhood(person_id, hops, limit, tuple(shown), total, max(r["degree"] for r in rows), ties)


def picture(report: Neighbourhood) -> Picture:
    """The neighbourhood: the person in the middle, the people around, their organisations.

    Every informal tie among the people is drawn, and each person's organisation as an account,
    org or competitor node with a WORKS_AT edge. `level` is the distance from the person (0, 1,
    2); the person in the middle has `group` "ego" and size 5, the others grow with their number
    of informal ties. The report's `limit` bounds the nodes, as it bounded the answer.
    """
    top_degree = report.most_ties or 1
    groups: list[list[Node]] = []
    for p in report.people:
        where = (
            "the person in the middle"
            if p.distance == 0
            else f"{p.distance} hop{'s' * (p.distance > 1)} away"
        )
        about = [
            p.name,
            p.title,
            ", ".join(o.name for o in p.orgs),
            "our team" if p.rep else None,
            where,
            f"{p.ties} informal tie{'s' * (p.ties != 1)}",
        ]
        person = Node(
            id=p.id,
            label=p.name,
            kind="rep" if p.rep else "person",
            title=tooltip(about),
            group="ego" if p.distance == 0 else None,
            size=5.0 if p.distance == 0 else round(1 + 3 * p.ties / top_degree, 2),
            level=p.distance,
        )
        groups.append([person, *(_org_node(o) for o in p.orgs)])
    nodes, _ = pack(groups, report.limit)
    names = {n.id: n.label for n in nodes}
    edges = [tie_edge(t, names) for t in report.ties]
    shown = set(names)
    for p in report.people:
        for org in p.orgs:
            if p.id in shown and org.id in shown:
                edges.append(Edge(p.id, org.id, "WORKS_AT", None, f"{p.name} works at {org.name}", 1.0))
    return make(nodes, edges, report.total, "people and organisations", "the closest")


def _org_node(org: Organisation) -> Node:
    kind = "account" if org.account else ("competitor" if org.kind == "competitor" else "org")
    return Node(id=org.id, label=org.name, kind=kind, title=tooltip([org.name, org.kind]), size=3.0)
