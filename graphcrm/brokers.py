"""Who alone connects parties that do not know each other? Brokers around a deal (DOMAIN.md §4.2).

The second lesson of the Kissinger story (the first, chains of asks, is `graphcrm.chains`): a
broker who alone reaches several parties that do not know each other can create value none of
them could. These are Burt's structural holes (R. S. Burt, *Structural Holes*, 1992). Among
given parties (or an opportunity's committee) a broker's score is his betweenness restricted to
paths between the parties (how many of their shortest connections run through him); the pairs
of parties without a tie of their own that he connects are listed. With no parties, people are
ranked by Burt's effective size (non-redundant contacts), with his constraint (low = many
holes) beside it.

The question's functions: `answer` ranks the brokers, `BrokerReport.does` says what each
does in a seller's words, and `as_text` writes them as the terminal shows them (the viewer shows
the same sentences, with the measures in a details view).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import igraph as ig
import numpy as np

from graphcrm import centrality, projection, textable
from graphcrm.errors import NotFound
from graphcrm.paths import Person, find_person
from graphcrm.store import Store

if TYPE_CHECKING:
    import networkx as nx


@dataclasses.dataclass(frozen=True)
class Broker:
    """A person who connects parties that do not know each other."""

    id: str
    name: str
    score: float
    bridges: tuple[tuple[str, str], ...]  # pairs of names he connects (see `pairs`)
    effective_size: float
    constraint: float
    pairs: int  # how many pairs he connects: all are in `bridges` among parties, else the first


SHOWN_PAIRS = 3  # pairs a sentence names; the others are counted
LISTED_PAIRS = 100  # pairs of a broker's contacts listed with no parties (the top one has 150,000 at M)


@dataclasses.dataclass(frozen=True)
class BrokerReport:
    parties: tuple[Person, ...]
    brokers: tuple[Broker, ...]

    def does(self, broker: Broker) -> str:
        """What a broker does, in a seller's words, to follow the name (the measures are for a
        details view): "connects 3 pairs of them who do not know each other: A and B; …"."""
        named = broker.bridges[:SHOWN_PAIRS]
        shown = "; ".join(f"{a} and {b}" for a, b in named)
        more = f"; and {broker.pairs - len(named):,} more" if broker.pairs > len(named) else ""
        who = "of them" if self.parties else "of their contacts"
        if not broker.pairs:
            return "is on the shortest way between some of them, beside others."
        count = "1 pair" if broker.pairs == 1 else f"{broker.pairs:,} pairs"
        return f"connects {count} {who} who do not know each other: {shown}{more}."


def answer(
    store: Store, *, among: Sequence[str] = (), opportunity: str | None = None, limit: int = 10
) -> BrokerReport:
    """Who alone connects the parties (ids given, or a committee's members), ranked.

    With neither, everyone is ranked by Burt's effective size. Raises `NotFound` for an
    unknown party or opportunity.
    """
    parties: list[Person] = []
    if opportunity is not None:
        members = store.run("brokers/committee_members", {"opportunity": opportunity})
        parties = [Person(r["id"], r["name"] or r["id"]) for r in members]
        if not parties:
            raise NotFound(f"no opportunity with id {opportunity!r} (or it has no committee)")
    parties += [find_person(store, i) for i in among if i not in {p.id for p in parties}]
    ids = [p.id for p in parties]
    if not ids:  # kept with the graph's version: seconds at scale M
        return projection.remembered(store, ("brokers", limit), lambda: _everyone(store, limit))
    import networkx as nx

    graph = _informal_graph(store, ids)
    names = nx.get_node_attributes(graph, "name")
    betweenness = centrality.betweenness_subset(graph, ids, ids)
    scores = {v: betweenness[v] for v in graph if v not in ids and betweenness.get(v, 0) > 0}
    constraint = centrality.constraint(graph, list(scores)) if scores else {}
    effective = centrality.effective_size(graph, list(scores)) if scores else {}
    ranked = sorted(scores, key=lambda v: (-scores[v], constraint.get(v, 1), v))[:limit]
    hops = centrality.hops(graph, ids)
    result = []
    for v in ranked:
        pairs = _bridged(graph, v, ids, hops)
        result.append(
            Broker(
                v,
                names.get(v, v),
                round(scores[v], 4),
                tuple((names.get(a, a), names.get(b, b)) for a, b in pairs),
                round(effective.get(v, 0.0), 4),
                round(constraint.get(v, 0.0), 4),
                len(pairs),
            )
        )
    return BrokerReport(tuple(parties), tuple(result))


def _everyone(store: Store, limit: int) -> BrokerReport:
    """The `limit` people of largest effective size in the whole informal network (two contacts
    or more), by lower constraint then id among equals, each with how many pairs of their
    contacts have no tie of their own, and the first `LISTED_PAIRS` of them.

    The network is the path search's, kept per graph version (`graphcrm.projection`), as an
    igraph graph of everyone: at scale M, reading its 1.7 million ties as rows into networkx took
    25 s and 2.2 GB. Only the people who can make the list get their constraint computed."""
    net = projection.network(store)
    graph = centrality.informal_network(net)
    around = centrality.contacts(graph)
    sizes = around.effective_size
    scored = np.flatnonzero(around.degree > 1)
    if not len(scored) or limit < 1:
        return BrokerReport((), ())
    cut = np.sort(sizes[scored])[::-1][min(limit, len(scored)) - 1]
    candidates = scored[sizes[scored] >= cut].tolist()
    constraint = dict(zip(candidates, graph.constraint(candidates), strict=True))
    ranked = sorted(candidates, key=lambda v: (-sizes[v], constraint[v], v))[:limit]
    bridges = {v: _bridged_around(graph, v) for v in ranked}
    involved = {p for v in ranked for p in (v, *itertools.chain.from_iterable(bridges[v]))}
    names = {
        r["id"]: r["name"] or r["id"]
        for r in store.run("paths/names", {"ids": sorted(map(net.ids.__getitem__, involved))})
    }
    name = {p: names.get(net.ids[p], net.ids[p]) for p in involved}  # by position, once each
    untied = around.untied_pairs

    brokers = tuple(
        Broker(
            net.ids[v],
            name[v],
            round(float(sizes[v]), 4),
            tuple((name[a], name[b]) for a, b in bridges[v]),
            round(float(sizes[v]), 4),
            round(constraint[v], 4),
            int(untied[v]),
        )
        for v in ranked
    )
    return BrokerReport((), brokers)


def _informal_graph(store: Store, parties: list[str]) -> nx.Graph[str]:
    """People and their informal ties around the parties (within one step), undirected.

    The people tied to them (with their names), then the ties among all of those, as pairs of
    ids (the query's 1,400 rows for a committee of 12 at scale M, read in bulk); people in id
    order, so that the centralities add up their shares in the same order on either engine."""
    import networkx as nx

    graph: nx.Graph[str] = nx.Graph()
    rows = store.run("brokers/ties", {"ids": parties})
    names = {r["a"]: r["a_name"] or r["a"] for r in rows} | {r["b"]: r["b_name"] or r["b"] for r in rows}
    around = sorted(set(parties) | names.keys())
    graph.add_nodes_from(parties)
    graph.add_nodes_from((person, {"name": names[person]}) for person in around if person in names)
    graph.add_edges_from(sorted((a, b) for a, b in store.scan("brokers/ties_among", {"ids": around})))
    return graph


def _bridged(
    graph: nx.Graph[str], broker: str, parties: Sequence[str], hops: Mapping[str, Mapping[str, int]]
) -> list[tuple[str, str]]:
    """Pairs of parties with no tie of their own, one of whose shortest connections runs through
    broker; `hops` holds each party's distances (`centrality.hops`)."""
    pairs = []
    for a, b in itertools.combinations(sorted(parties), 2):
        if broker in (a, b) or graph.has_edge(a, b) or a not in graph or b not in graph:
            continue
        distance = hops[a].get(b)
        if distance is None:  # no path
            continue
        via = hops[a].get(broker)
        if via is not None and via + hops[b][broker] == distance:
            pairs.append((a, b))
    return pairs


def _bridged_around(graph: ig.Graph, broker: int) -> list[tuple[int, int]]:
    """`_bridged` among the broker's own contacts (vertices in id order): the first
    `LISTED_PAIRS` pairs of them with no tie of their own (two steps apart, and the broker is
    such a step). Listing them all took a second at scale M, for a sentence that names three."""
    contacts = sorted(graph.neighbors(broker))
    pairs: list[tuple[int, int]] = []
    for i, a in enumerate(contacts):
        if len(pairs) >= LISTED_PAIRS:
            break
        tied = set(graph.neighbors(a))
        pairs += [(a, b) for b in contacts[i + 1 :] if b not in tied]
    return pairs[:LISTED_PAIRS]


def as_text(report: BrokerReport) -> str:
    """The brokers as the terminal shows them: whom they are among, a sentence for each, then
    Burt's measures in a short table."""
    head = (
        f"Brokers among {', '.join(p.name for p in report.parties)}"
        if report.parties
        else "Brokers (whole graph)"
    )
    if not report.brokers:
        return f"{head}\nNobody connects people who do not know each other here."
    lines = [head, *(f"{n}. {b.name} {report.does(b)}" for n, b in enumerate(report.brokers, 1))]
    rows = [
        {"broker": b.name, "score": b.score, "effective size": b.effective_size, "constraint": b.constraint}
        for b in report.brokers
    ]
    table = textable.render(rows, ["broker", "score", "effective size", "constraint"])
    return "\n".join(lines) + "\n\nDetails (Burt's measures: score, effective size, constraint)\n" + table
