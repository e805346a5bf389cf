"""Centralities of the small networks our questions build, computed by igraph (C).

Each function gives what networkx's function of the same name gives (tests/test_centrality.py
compares them on random graphs) at a fraction of the time: on a 500-person account with 5,000
ties networkx's betweenness takes about half a second, which is most of a page's budget.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import igraph as ig
import numpy as np

from graphcrm import projection

if TYPE_CHECKING:
    import networkx as nx


def _convert[N: Hashable](graph: nx.Graph[N]) -> tuple[ig.Graph, list[N], dict[N, int]]:
    nodes = list(graph)
    where = {v: i for i, v in enumerate(nodes)}
    edges = [(where[a], where[b]) for a, b in graph.edges()]
    return ig.Graph(n=len(nodes), edges=edges, directed=False), nodes, where


def undirected(size: int, one: np.ndarray, other: np.ndarray) -> ig.Graph:
    """The simple undirected graph of vertices 0..size-1 with an edge between `one[i]` and
    `other[i]` for each i (either way round, a repeated pair once): what a networkx `Graph` of
    those edges holds, built without one for the functions below that take an igraph graph.
    Edges in order of their ends, as a networkx graph built in that order lists them."""
    one, other = np.asarray(one, dtype=np.int64), np.asarray(other, dtype=np.int64)
    keys = np.sort(np.minimum(one, other) * size + np.maximum(one, other))
    keys = keys[np.diff(keys, prepend=-1) != 0]  # np.unique hashes: 0.8 s at M against 0.2
    # igraph reads the pairs from the array's buffer: as lists they took 0.2-0.4 s and 100 MB at M
    return ig.Graph(n=size, edges=np.column_stack((keys // size, keys % size)), directed=False)


def informal_network(net: projection.Network, ids: Sequence[str] | None = None) -> ig.Graph:
    """Colleagues tied by KNOWS, ALLY, KIN or INFLUENCES, either way: one edge per pair; vertex
    i is ids[i] (with no ids, everyone: vertex i is the person at position i of `net`).

    Read from the path search's arrays, which hold exactly those ties (and the org chart's,
    marked `org`, left out here) into every person. Someone the arrays do not hold (written
    since they were read, at the moment of a write) has no ties in it."""
    if ids is None:
        informal = ~np.asarray(net.org)
        return undirected(len(net.ids), np.asarray(net.source)[informal], net.target[informal])
    at = np.array([net.position.get(person, -1) for person in ids], dtype=np.int64)
    held = at >= 0
    local = np.full(len(net.ids), -1, dtype=np.int64)  # position in the arrays -> vertex
    local[at[held]] = np.flatnonzero(held)
    starts, ends = net.start[at[held]], net.start[at[held] + 1]
    counts = ends - starts
    into = np.repeat(np.flatnonzero(held), counts)  # the vertex each tie goes into
    ties = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    source = local[np.asarray(net.source)[ties]]
    keep = (source >= 0) & ~np.asarray(net.org)[ties]
    return undirected(len(ids), source[keep], into[keep])


def betweenness[N: Hashable](graph: nx.Graph[N]) -> dict[N, float]:
    """networkx's `betweenness_centrality(graph)`: normalised, of an undirected graph."""
    small, nodes, _ = _convert(graph)
    return dict(zip(nodes, betweenness_of(small), strict=True))


def betweenness_of(graph: ig.Graph) -> list[float]:
    """`betweenness` of an undirected igraph graph, by vertex."""
    n = graph.vcount()
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return [b * scale for b in graph.betweenness(directed=False)]


def betweenness_towards(graph: ig.Graph, target: int, sources: Sequence[int]) -> list[float]:
    """networkx's `betweenness_centrality_subset(graph, sources, [target], normalized=False)` of
    an undirected igraph graph, by vertex: each source's routes to `target` counted half.

    Found from one breadth-first search, from the target: in an undirected graph a route from a
    source to the target is a route from the target to that source, so the betweenness towards
    one target is its betweenness out to the sources (`betweenness_subset` would search from
    every source, as long as the whole betweenness)."""
    return list(graph.betweenness(directed=False, sources=[target], targets=list(sources)))


def betweenness_subset[N: Hashable](
    graph: nx.Graph[N], sources: Iterable[N], targets: Iterable[N]
) -> dict[N, float]:
    """networkx's `betweenness_centrality_subset(graph, sources, targets, normalized=False)` of
    an undirected graph: each source-target pair's routes counted half (twice that is the
    count over the graph's directed twin, routes from sources to targets)."""
    small, nodes, where = _convert(graph)
    scores = small.betweenness(
        directed=False, sources=[where[v] for v in sources], targets=[where[v] for v in targets]
    )
    return dict(zip(nodes, scores, strict=True))


def hops[N: Hashable](graph: nx.Graph[N], sources: Iterable[N]) -> dict[N, dict[N, int]]:
    """networkx's `single_source_shortest_path_length(graph, s)` of each source `s`: the number
    of ties from `s` to everyone it reaches (one breadth-first search each)."""
    small, nodes, where = _convert(graph)
    wanted = list(dict.fromkeys(sources))
    found = small.distances(source=[where[s] for s in wanted]) if wanted else []
    return {
        s: {v: int(d) for v, d in zip(nodes, row, strict=True) if d != math.inf}
        for s, row in zip(wanted, found, strict=True)
    }


def constraint[N: Hashable](graph: nx.Graph[N], nodes: Iterable[N]) -> dict[N, float]:
    """networkx's `constraint(graph, nodes)` (Burt), unweighted."""
    small, _, where = _convert(graph)
    wanted = list(nodes)
    return dict(zip(wanted, small.constraint([where[v] for v in wanted]), strict=True))


def effective_size[N: Hashable](graph: nx.Graph[N], nodes: Iterable[N] | None = None) -> dict[N, float]:
    """networkx's `effective_size(graph, nodes)` (Burt; Borgatti's n - 2t/n when unweighted)."""
    small, all_nodes, where = _convert(graph)
    sizes = effective_sizes(small)
    return {v: float(sizes[where[v]]) for v in (all_nodes if nodes is None else nodes)}


def effective_sizes(graph: ig.Graph) -> np.ndarray:
    """Every vertex's effective size (see `effective_size`) of a simple undirected igraph graph."""
    return contacts(graph).effective_size


class Contacts(NamedTuple):
    """Per vertex of a simple undirected graph: its contacts (degree), the ties among them, and
    its effective size: degree minus twice those ties over the degree (NaN when alone)."""

    degree: np.ndarray
    tied: np.ndarray
    effective_size: np.ndarray

    @property
    def untied_pairs(self) -> np.ndarray:
        """The pairs of one's contacts with no tie of their own: the holes one bridges."""
        return self.degree * (self.degree - 1) // 2 - self.tied.astype(np.int64)


def contacts(graph: ig.Graph) -> Contacts:
    """`Contacts` of every vertex. The ties among one's contacts come from igraph's local
    clustering (the share of the pairs of contacts that are tied), in C: listing the triangles
    of a million ties took seconds."""
    degree = np.asarray(graph.degree(), dtype=np.int64)
    clustering = np.asarray(graph.transitivity_local_undirected(mode="zero"), dtype=float)
    tied = np.rint(clustering * degree * (degree - 1) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return Contacts(degree, tied, np.where(degree > 0, degree - 2 * tied / degree, math.nan))
