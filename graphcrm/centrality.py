"""Centralities of the small networks our questions build, computed by igraph (C).

Each function gives what networkx's function of the same name gives (tests/test_centrality.py
compares them on random graphs) at a fraction of the time: on a 500-person account with 5,000
ties networkx's betweenness takes about half a second, which is most of a page's budget.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence

import igraph as ig
import networkx as nx


def _convert[N: Hashable](graph: nx.Graph[N]) -> tuple[ig.Graph, list[N], dict[N, int]]:
    nodes = list(graph)
    where = {v: i for i, v in enumerate(nodes)}
    edges = [(where[a], where[b]) for a, b in graph.edges()]
    return ig.Graph(n=len(nodes), edges=edges, directed=False), nodes, where


def undirected(size: int, pairs: Iterable[tuple[int, int]]) -> ig.Graph:
    """The simple undirected graph of vertices 0..size-1 with an edge for each pair of `pairs`
    (either way round, a repeated pair once): what a networkx `Graph` of those edges holds,
    built without one for the functions below that take an igraph graph."""
    edges = sorted({(a, b) if a <= b else (b, a) for a, b in pairs})
    return ig.Graph(n=size, edges=edges, directed=False)


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
    """networkx's `effective_size(graph, nodes)` (Burt; Borgatti's n - 2t/n when unweighted):
    degree minus twice the ties among one's contacts over the degree (NaN when alone)."""
    small, all_nodes, where = _convert(graph)
    triangles = [0] * len(all_nodes)
    for triangle in small.list_triangles():
        for v in triangle:
            triangles[v] += 1
    degree = small.degree()
    wanted = all_nodes if nodes is None else list(nodes)
    return {
        v: degree[where[v]] - 2 * triangles[where[v]] / degree[where[v]] if degree[where[v]] else float("nan")
        for v in wanted
    }
