"""igraph computes our centralities: each must equal networkx's, whose definitions we use."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graphcrm import centrality


def _graphs() -> list[nx.Graph]:
    graphs = [nx.gnm_random_graph(n, m, seed=seed) for n, m, seed in ((40, 90, 1), (80, 160, 2), (30, 40, 3))]
    graphs.append(nx.relabel_nodes(nx.karate_club_graph(), lambda v: f"p{v:02d}"))
    return graphs


def _same(ours: dict, theirs: dict) -> None:
    assert ours.keys() == theirs.keys()
    for v, value in theirs.items():
        assert ours[v] == pytest.approx(value, abs=1e-9) or (math.isnan(ours[v]) and math.isnan(value))


@pytest.mark.parametrize("graph", _graphs())
def test_betweenness_is_networkx(graph: nx.Graph) -> None:
    _same(centrality.betweenness(graph), nx.betweenness_centrality(graph))


@pytest.mark.parametrize("graph", _graphs())
def test_betweenness_among_parties_is_networkx(graph: nx.Graph) -> None:
    nodes = sorted(graph)
    parties = nodes[::5]
    _same(
        centrality.betweenness_subset(graph, parties, parties),
        nx.betweenness_centrality_subset(graph, parties, parties, normalized=False),
    )
    to_one = nodes[1::3]
    _same(
        centrality.betweenness_subset(graph, to_one, [nodes[0]]),
        nx.betweenness_centrality_subset(graph, to_one, [nodes[0]], normalized=False),
    )


@pytest.mark.parametrize("graph", _graphs())
def test_constraint_and_effective_size_are_networkx(graph: nx.Graph) -> None:
    tied = [v for v in graph if graph.degree(v) > 0]
    _same(centrality.constraint(graph, tied), nx.constraint(graph, nodes=tied))
    _same(centrality.effective_size(graph, tied), nx.effective_size(graph, nodes=tied))
