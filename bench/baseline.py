"""The same questions answered straight from the CSV files with networkx and igraph.

These are the baselines the benchmark sets graphcrm beside: a Python user without graphcrm
would load the files into networkx (or igraph, its C core) and call the library's algorithm.
Each function answers the question as graphcrm does, on the same rules (warmth = strength
halved per half-life since the last contact; reps start paths and are never passed through;
the avoided are never passed through), without graphcrm's hop bound, which neither library
offers in its shortest-path search.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from graphcrm.settings import Settings

INTRO_TYPES = ("KNOWS", "KIN", "ALLY", "INFLUENCES")
SYMMETRIC = ("KNOWS", "KIN", "ALLY", "OPPOSES")
INFORMAL = ("KNOWS", "ALLY", "KIN", "INFLUENCES")


@dataclasses.dataclass
class Baseline:
    """The graph of the files, in networkx and in igraph, with the costs −ln(warmth)."""

    ids: list[str]
    index: dict[str, int]
    reps: set[str]
    people: pd.DataFrame
    ties: pd.DataFrame  # every tie of ties.csv, symmetric ones listed both ways
    committee: pd.DataFrame
    referrals: pd.DataFrame
    nx_intro: nx.DiGraph
    ig_intro: ig.Graph
    ig_cost: np.ndarray
    ig_targets: np.ndarray
    rep_edges: tuple[np.ndarray, np.ndarray]  # person, cost of every first hop from a rep


def load(folder: Path, settings: Settings) -> Baseline:
    """Read the files and build both libraries' graphs of introduction ties."""
    people = pd.read_csv(folder / "people.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(folder / "ties.csv", dtype=str, keep_default_na=False)
    # A reports-to tie counts both ways, and with no strength it has the org-chart default.
    two_way = ties[ties["type"].isin((*SYMMETRIC, "REPORTS_TO"))]
    both = pd.concat([ties, two_way.rename(columns={"source": "target", "target": "source"})])
    intro = both[both["type"].isin((*INTRO_TYPES, "REPORTS_TO"))].copy()
    org = intro["type"] == "REPORTS_TO"
    intro.loc[org & (intro["strength"] == ""), "strength"] = str(settings.org_chart_strength)
    intro["cost"] = _costs(intro, settings)
    intro = intro.groupby(["source", "target"], as_index=False)["cost"].min()
    ids = sorted(people["id"])
    index = {person: i for i, person in enumerate(ids)}
    reps = set(people.loc[people["is_rep"].str.lower() == "true", "id"])
    graph = nx.DiGraph()
    graph.add_nodes_from(ids)
    graph.add_weighted_edges_from(intro.itertuples(index=False, name=None), weight="cost")
    source = intro["source"].map(index).to_numpy()
    target = intro["target"].map(index).to_numpy()
    igraph = ig.Graph(n=len(ids), edges=np.column_stack([source, target]).tolist(), directed=True)
    igraph.es["cost"] = intro["cost"].tolist()
    from_rep = intro["source"].isin(reps).to_numpy()
    return Baseline(
        ids=ids,
        index=index,
        reps=reps,
        people=people,
        ties=both,
        committee=pd.read_csv(folder / "committee.csv", dtype=str, keep_default_na=False),
        referrals=pd.read_csv(folder / "referrals.csv", dtype=str, keep_default_na=False),
        nx_intro=graph,
        ig_intro=igraph,
        ig_cost=intro["cost"].to_numpy(),
        ig_targets=target,
        rep_edges=(target[from_rep], intro["cost"].to_numpy()[from_rep]),
    )


def _costs(ties: pd.DataFrame, settings: Settings) -> np.ndarray:
    strength = pd.to_numeric(ties["strength"], errors="coerce").fillna(0.5).to_numpy()
    contact = pd.to_datetime(ties["last_contact"], format="%Y-%m-%d", errors="coerce")
    age = (pd.Timestamp(settings.today) - contact).dt.days.to_numpy(dtype=float, na_value=np.nan)
    age = np.where(np.isnan(age), settings.half_life_days, np.maximum(age, 0))
    warmth = strength * 0.5 ** (age / settings.half_life_days)
    with np.errstate(divide="ignore"):
        return np.where(warmth > 0, -np.log(np.maximum(warmth, 1e-300)), math.inf)


# -- warm paths ---------------------------------------------------------------------------------


def nx_warm_paths(b: Baseline, target: str, avoid: set[str], k: int = 3) -> list[float]:
    """The warmths of the k warmest paths with distinct first hops: networkx's Dijkstra from
    the target over the reversed graph without reps and the avoided, then every rep's ties."""
    blocked = (b.reps | avoid) - {target}
    view = nx.restricted_view(b.nx_intro, blocked, [])
    distance = nx.single_source_dijkstra_path_length(view.reverse(copy=False), target, weight="cost")
    found = [
        data["cost"] + distance[v]
        for rep in b.reps
        for v, data in b.nx_intro[rep].items()
        if v in distance and (v == target or v not in blocked)
    ]
    return [math.exp(-c) for c in sorted(found)[:k]]


def ig_warm_paths(b: Baseline, target: str, avoid: set[str], k: int = 3) -> list[float]:
    """The same with igraph's Dijkstra (C): ties into reps and the avoided weigh infinity."""
    t = b.index[target]
    blocked = {b.index[p] for p in (b.reps | avoid) - {target} if p in b.index}
    cost = b.ig_cost.copy()
    cost[np.isin(b.ig_targets, np.fromiter(blocked, dtype=np.int64, count=len(blocked)))] = math.inf
    distance = np.asarray(b.ig_intro.distances(source=t, mode="in", weights=cost.tolist())[0])
    first, step = b.rep_edges
    usable = np.array([(v == t or v not in blocked) for v in first.tolist()], dtype=bool)
    total = np.where(usable, step + distance[first], math.inf)
    best = np.sort(total[np.isfinite(total)])[:k]
    return [math.exp(-c) for c in best.tolist()]


# -- influencers, brokers, referrals ----------------------------------------------------------------


def _account_graphs(b: Baseline, account: str) -> tuple[list[str], pd.DataFrame]:
    members = sorted(b.people.loc[b.people["org_id"] == account, "id"])
    inside = set(members)
    ties = b.ties[b.ties["source"].isin(inside) & b.ties["target"].isin(inside)]
    return members, ties


def nx_influencers(b: Baseline, account: str) -> dict[str, float]:
    """PageRank of who listens to whom and betweenness of the informal network (networkx)."""
    members, ties = _account_graphs(b, account)
    influence = nx.DiGraph()
    influence.add_nodes_from(members)
    listens = ties[ties["type"] == "INFLUENCES"]
    influence.add_edges_from(zip(listens["target"], listens["source"], strict=True))
    informal = nx.Graph()
    informal.add_nodes_from(members)
    social = ties[ties["type"].isin(INFORMAL)]
    informal.add_edges_from(zip(social["source"], social["target"], strict=True))
    rank = nx.pagerank(influence)
    between = nx.betweenness_centrality(informal)
    return {p: rank[p] + between[p] for p in members}


def ig_influencers(b: Baseline, account: str) -> dict[str, float]:
    """The same scores with igraph."""
    members, ties = _account_graphs(b, account)
    where = {p: i for i, p in enumerate(members)}
    listens = ties[ties["type"] == "INFLUENCES"]
    influence = ig.Graph(
        n=len(members),
        edges=list(zip(listens["target"].map(where), listens["source"].map(where), strict=True)),
        directed=True,
    )
    social = ties[ties["type"].isin(INFORMAL)]
    informal = ig.Graph(
        n=len(members), edges=list(zip(social["source"].map(where), social["target"].map(where), strict=True))
    ).simplify()
    rank = influence.pagerank()
    between = informal.betweenness()
    return {p: rank[i] + between[i] for i, p in enumerate(members)}


def _party_graph(b: Baseline, opportunity: str) -> tuple[list[str], pd.DataFrame]:
    parties = sorted(set(b.committee.loc[b.committee["opportunity_id"] == opportunity, "person_id"]))
    social = b.ties[b.ties["type"].isin(INFORMAL)]
    near = social[social["source"].isin(parties) | social["target"].isin(parties)]
    around = set(parties) | set(near["source"]) | set(near["target"])
    return parties, social[social["source"].isin(around) & social["target"].isin(around)]


def nx_brokers(b: Baseline, opportunity: str) -> dict[str, float]:
    """Betweenness restricted to paths between a committee's members (networkx)."""
    parties, ties = _party_graph(b, opportunity)
    graph = nx.Graph()
    graph.add_nodes_from(parties)
    graph.add_edges_from(zip(ties["source"], ties["target"], strict=True))
    return nx.betweenness_centrality_subset(graph, parties, parties, normalized=False)


def ig_brokers(b: Baseline, opportunity: str) -> dict[str, float]:
    """The same with igraph."""
    parties, ties = _party_graph(b, opportunity)
    names = sorted(set(parties) | set(ties["source"]) | set(ties["target"]))
    where = {p: i for i, p in enumerate(names)}
    graph = ig.Graph(
        n=len(names), edges=list(zip(ties["source"].map(where), ties["target"].map(where), strict=True))
    ).simplify()
    scores = graph.betweenness(sources=[where[p] for p in parties], targets=[where[p] for p in parties])
    return {p: scores[i] for i, p in enumerate(names)}


def nx_informal(b: Baseline) -> nx.Graph:
    """Everyone's informal network (KNOWS, ALLY, KIN, INFLUENCES, either way), for
    `nx_brokers_everyone_ms`: built apart, as graph building is not counted."""
    social = b.ties[b.ties["type"].isin(INFORMAL)]
    graph = nx.Graph()
    graph.add_edges_from(zip(social["source"], social["target"], strict=True))
    return graph


def nx_brokers_everyone_ms(graph: nx.Graph, sample: int = 20, seed: int = 7) -> float:
    """Milliseconds networkx would take for the effective size of everyone, which ranks the
    brokers of the whole graph: measured on `sample` people drawn at random and scaled to all.
    Named nodes take Borgatti's formula node by node, and each node's ego network copies the
    whole graph (`ego_graph(..., undirected=True)` calls `G.to_undirected()`): seconds a node at
    scale M, where a run over everyone did not finish in 35 minutes. Without naming the nodes,
    networkx builds a dense everyone-by-everyone matrix instead (74.5 GB at M)."""
    drawn = random.Random(seed).sample(sorted(graph), min(sample, len(graph)))
    started = time.perf_counter()
    nx.effective_size(graph, nodes=drawn)
    return (time.perf_counter() - started) * 1000 * len(graph) / max(len(drawn), 1)


def nx_referrals(b: Baseline) -> dict[str, int]:
    """Every referral cascade's reach, from each account nobody referred (networkx)."""
    graph = nx.DiGraph()
    graph.add_edges_from(zip(b.referrals["source"], b.referrals["target"], strict=True))
    roots = [v for v in graph if graph.in_degree(v) == 0]
    return {root: len(nx.descendants(graph, root)) for root in roots}
