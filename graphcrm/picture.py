"""What the viewer draws of an answer: a `Picture` of nodes, edges, a legend and a notice.

Each question module that the viewer draws (`graphcrm.paths`, `graphcrm.influencers`,
`graphcrm.committee`, `graphcrm.referrals`, `graphcrm.neighbourhood`) has a pure
`picture(report, …) -> Picture`: it reads the report and nothing else, never the database, so
a page draws exactly the answer it shows. `web/graphs.py` turns a Picture into vis-network data.

**Nodes.** `kind` is person, rep (our team), account, org, competitor (an Org of kind
competitor) or opportunity. `group` marks what the view is about (a member's stance, an
influencer mark, a path's start and target, a referral's outcome); `role` a committee member's
first role (D, E, S, U); `size` runs from 1 to 5; `level` orders hierarchical layouts (org-chart
depth from 0 at the top, referral generation from 0 at the root). `title` is a plain-text
tooltip, lines joined by "\\n"; `detail` a second line for maps drawn as cards (a job title),
`note` a last one (how our team reaches them).

**Edges.** `type` is the relationship's type (KNOWS, ALLY, OPPOSES, KIN, INFLUENCES,
REPORTS_TO, TIED_TO, REFERRED, WORKS_AT) or PATH (a hop of an introduction path); a symmetric tie
appears once per pair. INFLUENCES runs from the one listened to; REPORTS_TO from the one who
reports. `weight` is 0..1: a tie's strength (0.5 when not recorded), a path hop's warmth, a
referral's value over the largest in the picture, 1 for WORKS_AT.

**Legend.** One `Key` for each group, kind, role and edge type the picture draws, with what it
means in words, in the order of `MEANINGS`; the viewer gives each its colour, shape or line.

**Size limit.** A picture takes `limit` (default 1,500) nodes. When more would be drawn, the
most relevant `limit` are kept (each picture says which come first: the closest, the most
influential), edges to the others are dropped, and a notice says so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from graphcrm import words
from graphcrm.errors import InvalidValue
from graphcrm.schema import DEFAULT_STRENGTH, ROLES

DEFAULT_LIMIT = 1500

# What each mark of a picture means, by facet, in the order a legend lists them.
MEANINGS: dict[str, dict[str, str]] = {
    "group": {
        "ego": "the person in the middle",
        "target": "the person to reach",
        "rep": "starts a path",
        "flagged": "tied to a competitor",
        "decider": "the decider",
        "hidden": "hidden influencer",
        "gatekeeper": "gatekeeper",
        "figurehead": "figurehead",
        "champion": "champion",
        "supporter": "supporter",
        "neutral": "neutral",
        "enemy": "enemy",
        "blocker": "blocker",
        "root": "where a cascade starts",
        "won": "referral won",
        "lost": "referral lost",
        "open": "referral open",
    },
    "kind": {
        "person": "person",
        "rep": "our team",
        "account": "account",
        "org": "other organisation",
        "competitor": "competitor",
        "opportunity": "opportunity",
    },
    "role": {role: f"{role} {name}" for role, name in ROLES.items()},
    "edge": {
        "PATH": "an introduction: who asks whom",
        "KNOWS": "knows",
        "ALLY": "allies",
        "OPPOSES": "at odds",
        "KIN": "family",
        "INFLUENCES": "influences (arrow to the one who listens)",
        "REPORTS_TO": "reports to (arrow to the manager)",
        "TIED_TO": "tied to an organisation",
        "WORKS_AT": "works at",
        "REFERRED": "referred",
    },
}


@dataclasses.dataclass(frozen=True)
class Node:
    """A node to draw (see the module's notes for each field)."""

    id: str
    label: str
    kind: str
    title: str
    group: str | None = None
    role: str | None = None
    size: float = 1.0
    level: int | None = None
    detail: str | None = None  # a second line for card-shaped maps (a job title)
    note: str | None = None  # a last line for card-shaped maps (how our team reaches them)


@dataclasses.dataclass(frozen=True)
class Edge:
    """An edge to draw, from `source` to `target` (node ids)."""

    source: str
    target: str
    type: str
    label: str | None
    title: str
    weight: float


@dataclasses.dataclass(frozen=True)
class Key:
    """One entry of a legend: a group, kind, role or edge type (`facet`), and its meaning."""

    facet: str
    value: str
    meaning: str


@dataclasses.dataclass(frozen=True)
class Picture:
    """What to draw; `total_nodes` counts the nodes the whole view holds, drawn or not, and
    `notice` says what was left out when `truncated`. The fields of the viewer's JSON twins."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    total_nodes: int
    truncated: bool
    notice: str | None
    legend: tuple[Key, ...] = ()


@dataclasses.dataclass(frozen=True)
class Tie:
    """A recorded tie between two people, as a report keeps it for its picture.

    A symmetric tie (KNOWS, ALLY, OPPOSES, KIN) once per pair, from the smaller id; INFLUENCES
    from the one listened to; REPORTS_TO from the one who reports.
    """

    source: str
    target: str
    type: str
    strength: float | None
    context: str | None
    since: str | None
    last_contact: str | None


def to_ties(rows: Iterable[Mapping[str, Any]]) -> tuple[Tie, ...]:
    """Rows with source, target, type, strength, context, since and last_contact, as ties."""
    return tuple(
        Tie(
            r["source"],
            r["target"],
            r["type"],
            None if r["strength"] is None else float(r["strength"]),
            r["context"],
            r["since"],
            r["last_contact"],
        )
        for r in rows
    )


# -- building a picture ------------------------------------------------------------------------------


def check_limit(limit: int) -> None:
    """Refuse a node limit below 1."""
    if limit < 1:
        raise InvalidValue(f"limit must be 1 or more (got {limit})")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


def pack[T: _Identified](groups: Iterable[Sequence[T]], limit: int) -> tuple[list[T], int]:
    """The first `limit` distinct nodes of the groups (by id), in order, and how many there are
    in all: the nodes a picture keeps of a view too large to draw whole."""
    seen: set[str] = set()
    kept: list[T] = []
    for group in groups:
        for node in group:
            if node.id not in seen:
                seen.add(node.id)
                if len(kept) < limit:
                    kept.append(node)
    return kept, len(seen)


def make(nodes: Sequence[Node], edges: Iterable[Edge], total: int, noun: str, order: str) -> Picture:
    """The picture of the kept nodes with the edges between them, its legend, and a notice if
    some of the `total` nodes were left out (`noun`: what they are; `order`: which come first)."""
    shown = {n.id for n in nodes}
    kept = tuple(e for e in edges if e.source in shown and e.target in shown)
    truncated = total > len(nodes)
    notice = (
        f"Showing {len(nodes):,} of {total:,} {noun}: {order} first. Narrow the view to see the rest."
        if truncated
        else None
    )
    return Picture(tuple(nodes), kept, total, truncated, notice, legend(nodes, kept))


def legend(nodes: Iterable[Node], edges: Iterable[Edge]) -> tuple[Key, ...]:
    """The keys of the groups, kinds, roles and edge types drawn, in the order of `MEANINGS`."""
    nodes = list(nodes)
    used = {
        "group": {n.group for n in nodes if n.group},
        "kind": {n.kind for n in nodes},
        "role": {n.role for n in nodes if n.role},
        "edge": {e.type for e in edges},
    }
    return tuple(
        Key(facet, value, meaning)
        for facet, meanings in MEANINGS.items()
        for value, meaning in meanings.items()
        if value in used[facet]
    )


# -- the words of nodes and edges --------------------------------------------------------------------


def tooltip(texts: Iterable[str | None]) -> str:
    """A tooltip: the texts given, one a line, empty ones left out."""
    return "\n".join(text for text in texts if text)


def weight(strength: float | None) -> float:
    """A tie's strength, 0.5 when not recorded."""
    return DEFAULT_STRENGTH if strength is None else float(strength)


def contact(strength: float | None, since: str | None, last_contact: str | None) -> str:
    """'strong tie (0.8) · since 2024-04-01 · last contact 2026-11-16'."""
    parts = [words.strength(weight(strength))]
    if since:
        parts.append(f"since {since}")
    parts.append(f"last contact {last_contact}" if last_contact else "no recorded contact")
    return " · ".join(parts)


def tie_edge(tie: Tie, names: Mapping[str, str]) -> Edge:
    """The edge of a tie between two people, its tooltip in words ("A knows B: neighbour")."""
    a, b = names.get(tie.source, tie.source), names.get(tie.target, tie.target)
    kind = tie.type
    head = f"{b} {words.tie(kind, False)} {a}" if kind == "INFLUENCES" else f"{a} {words.tie(kind)} {b}"
    context = f": {tie.context}" if tie.context else ""
    about = contact(tie.strength, tie.since, tie.last_contact) if kind != "REPORTS_TO" else None
    title = tooltip([f"{head}{context}", about])
    return Edge(tie.source, tie.target, kind, None, title, weight(tie.strength))
