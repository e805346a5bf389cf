"""Who really decides: the hidden decider of seed 002, Jinchang and Xuri pinned; PageRank checked."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from graphcrm import centrality, projection, queries
from graphcrm.errors import NotFound
from graphcrm.influencers import WEIGHTS, _chart_ties, pagerank
from graphcrm.influencers import answer as influencers
from graphcrm.ingest.files import import_path
from graphcrm.picture import to_ties

HD = "hd.dingsheng"
QUERIES = ("influencers/chart", "influencers/committee")


@pytest.fixture
def hd(seeds):
    return influencers(seeds("hidden-decider"), HD)


def test_xiao_wang_tops_the_hidden_influencers(hd):
    assert (hd.account_id, hd.account_name) == (HD, "鼎盛集团 Dingsheng Group")
    assert [(f.id, f.score) for f in hd.hidden] == [("hd.xiao-wang", 0.6667)]
    assert hd.hidden[0].reason == (
        "6 people listen to them: the decider 总裁 President, 副总裁 B Vice-President B, "
        "副总裁 C Vice-President C, …; informal ties to 13 of 16 colleagues; central in the "
        "informal network; 30% influence in the buying committee; yet rank 3 of 3"
    )
    wang = hd.people[0]
    assert (wang.id, wang.formal, wang.informal) == ("hd.xiao-wang", 0.3333, 1.0)
    assert (wang.listened_to_by, wang.listens_to, wang.ties, wang.committee_influence) == (6, 0, 13, 30.0)
    assert (wang.listened, wang.network, wang.committee) == (1.0, 1.0, 1.0)


def test_vps_a_c_and_e_are_the_figureheads(hd):
    assert [(f.id, f.score) for f in hd.figureheads] == [
        ("hd.vp-e", 0.5686),
        ("hd.vp-c", 0.4402),
        ("hd.vp-a", 0.3826),
    ]
    for finding in hd.figureheads:
        assert finding.reason.startswith("rank 2 of 3; yet nobody listens to them; informal ties to ")
    assert hd.figureheads[0].reason.endswith("no seat in an open buying committee")
    # VPs B and D have the same rank but are listened to: ordinary weight, not figureheads.
    power = {p.id: p for p in hd.people}
    assert [power[v].formal for v in ("hd.vp-a", "hd.vp-b", "hd.vp-c", "hd.vp-d", "hd.vp-e")] == [0.6667] * 5
    assert [power[v].informal for v in ("hd.vp-b", "hd.vp-d")] == [0.6069, 0.4993]
    assert [power[v].informal for v in ("hd.vp-a", "hd.vp-c", "hd.vp-e")] == [0.2841, 0.2265, 0.0981]


def test_the_president_decides_and_xiao_wang_is_his_gatekeeper(hd):
    assert (hd.decider.id, hd.decider.reason) == (
        "hd.president",
        "decider (D) on 集团移动办公平台 Group mobile-office platform; 45% of the say at the decide stage",
    )
    assert [(f.id, f.score) for f in hd.gatekeepers] == [
        ("hd.xiao-wang", 0.7417),
        ("hd.vp-b", 0.1833),
        ("hd.vp-d", 0.1667),
    ]
    assert hd.gatekeepers[0].reason == (
        "总裁 President listens to them (strength 0.85: drafts the President's briefings; trusted "
        "adviser); 63% of the shortest informal routes to 总裁 President pass through them"
    )
    # The decider holds real power: never a figurehead, though his informal score is below his rank.
    president = next(p for p in hd.people if p.id == "hd.president")
    assert (president.formal, president.informal) == (1.0, 0.716)
    assert "hd.president" not in {f.id for f in hd.figureheads}


def test_every_ingredient_counts_and_is_reported(hd):
    assert hd.weights == WEIGHTS
    assert hd.notes == ()
    assert len(hd.people) == 17  # the rep of our company works elsewhere
    assert [p.informal for p in hd.people] == sorted((p.informal for p in hd.people), reverse=True)


def test_jinchang_the_deputy_keeps_the_gate_and_the_network_head_weighs_more_than_his_rank(seeds):
    report = influencers(seeds("jinchang"), "jinchang.jinchang")
    assert report.decider.id == "jinchang.sun-guoqing"  # D, 50% at decide (the deputy: D, 30%)
    assert [(p.id, p.formal, p.informal) for p in report.people] == [
        ("jinchang.qian-lixin", 0.75, 1.0),
        ("jinchang.zhao-zhigang", 0.5, 0.9876),
        ("jinchang.liu-bin", 0.5, 0.9296),
        ("jinchang.sun-guoqing", 1.0, 0.6086),
        ("jinchang.li-qiong", 0.25, 0.4969),
        ("jinchang.zhou-guilan", 0.75, 0.2485),
    ]
    assert [(f.id, f.score) for f in report.hidden] == [("jinchang.zhao-zhigang", 0.4876)]
    assert report.hidden[0].reason == (
        "1 person listens to them: 钱立新 Qian Lixin; informal ties to 3 of 5 colleagues; central in "
        "the informal network; 25% influence in the buying committee; yet rank 3 of 4"
    )
    assert [(f.id, f.score) for f in report.gatekeepers] == [("jinchang.qian-lixin", 0.8)]
    assert report.gatekeepers[0].reason == (
        "孙国庆 Sun Guoqing listens to them (strength 0.6: leader in charge of the project); "
        "100% of the shortest informal routes to 孙国庆 Sun Guoqing pass through them"
    )
    assert [(f.id, f.reason) for f in report.figureheads] == [
        (
            "jinchang.zhou-guilan",
            "rank 2 of 4; yet nobody listens to them; informal ties to 1 of 5 "
            "colleagues; no seat in an open buying committee",
        ),
    ]


def test_xuri_weis_unverified_claim_makes_no_hidden_influencer(seeds):
    report = influencers(seeds("xuri"), "xuri.xuri")
    assert report.decider.id == "xuri.yang-jianguo"
    wei = next(p for p in report.people if p.id == "xuri.wei")
    assert wei.listened == 0.2  # one listener on a 0.2 tie, marked unverified: capped at 0.2
    # Everyone is tied to everyone: the network ingredient tells nothing and is left out.
    assert report.weights == {"listened": 0.6667, "committee": 0.3333}
    assert [p.id for p in report.people] == ["xuri.yang-jianguo", "xuri.wei", "xuri.director-li"]
    assert (report.hidden, report.gatekeepers, report.figureheads) == ((), (), ())


def test_levels_come_from_the_org_chart_when_ranks_are_missing(write_files, store):
    folder = write_files(
        {
            "accounts.csv": "id,name,kind\nacme,Acme,customer\n",
            "people.csv": "id,name,org_id\nboss,The Boss,acme\nmid,Middle,acme\njunior,Junior,acme\n"
            "loner,Loner,acme\n",
            "ties.csv": "source,target,type,strength\nmid,boss,REPORTS_TO,\njunior,mid,REPORTS_TO,\n"
            "junior,boss,INFLUENCES,0.9\njunior,mid,INFLUENCES,0.8\njunior,loner,KNOWS,0.5\n"
            "junior,boss,KNOWS,0.5\n",
        }
    )
    import_path(store, folder, progress=False)
    report = influencers(store, "acme")
    assert {p.id: (p.rank, p.level, p.formal) for p in report.people} == {
        "boss": (None, 1, 1.0),
        "mid": (None, 2, 0.6667),
        "junior": (None, 3, 0.3333),
        "loner": (None, 3, 0.3333),
    }
    assert report.notes == (
        "no recorded rank: level taken from the org chart (the bottom level if not in it) for "
        "The Boss, Junior, Loner, Middle",
    )
    assert report.decider.id == "boss"
    assert report.decider.reason == "top of the org chart (level 1); no open opportunity names a decider (D)"
    assert [f.id for f in report.hidden] == ["junior"]
    assert report.hidden[0].reason.endswith("yet level 3 of 3 (from the org chart)")
    assert [f.id for f in report.gatekeepers] == ["junior"]


def test_without_informal_data_nobody_is_named(write_files, store):
    folder = write_files(
        {
            "accounts.csv": "id,name,kind\nbare,Bare,prospect\n",
            "people.csv": "id,name,org_id,rank\nchief,Chief,bare,1\nvp,VP,bare,2\nclerk,Clerk,bare,3\n",
        }
    )
    import_path(store, folder, progress=False)
    report = influencers(store, "bare")
    assert report.decider.id == "chief"
    assert (report.hidden, report.gatekeepers, report.figureheads, report.weights) == ((), (), (), {})
    assert report.notes == (
        "no influence, informal ties or committee seats recorded: informal power is unknown, so "
        "nobody is named a hidden influencer or a figurehead",
    )


def test_unknown_and_empty_accounts(seeds):
    store = seeds("apex")
    with pytest.raises(NotFound, match="no account with id 'nowhere'"):
        influencers(store, "nowhere")
    empty = influencers(store, "apex.kangning")
    assert (empty.account_name, empty.decider, empty.people) == ("康宁医院 Kangning Hospital", None, ())
    assert empty.notes == ("nobody recorded as working at this account",)


def _own_pagerank(graph: nx.DiGraph, alpha: float = 0.85, rounds: int = 500) -> dict[str, float]:
    """PageRank by the textbook power iteration, in plain Python: each node passes alpha of its
    rank along its out-edges in proportion to their weights (all of it evenly to everyone if it
    has none), and everyone gets (1 − alpha) / N."""
    nodes = list(graph)
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(rounds):
        dangling = sum(rank[v] for v in nodes if graph.out_degree(v, weight="weight") == 0)
        following = dict.fromkeys(nodes, (1 - alpha) / n + alpha * dangling / n)
        for v in nodes:
            out = graph.out_degree(v, weight="weight")
            for _, w, data in graph.out_edges(v, data=True):
                following[w] += alpha * rank[v] * data["weight"] / out
        rank = following
    return rank


def test_pagerank_is_the_textbook_one(seeds):
    store = seeds("hidden-decider")
    graph = nx.DiGraph()  # who listens to whom in the seed: listener -> listened to
    graph.add_nodes_from(r["id"] for r in store.run("influencers/chart", {"id": HD}))
    for tie in store.run("influencers/chart_ties", {"id": HD}):
        if tie["type"] == "INFLUENCES":
            graph.add_edge(tie["target"], tie["source"], weight=tie["strength"])
    shuffle = random.Random(7)
    other = nx.gnp_random_graph(40, 0.08, seed=7, directed=True)
    for _, _, data in other.edges(data=True):
        data["weight"] = shuffle.uniform(0.1, 1.0)
    for g in (graph, other):
        ours, textbook = pagerank(g), _own_pagerank(g)
        assert sum(ours.values()) == pytest.approx(1.0)
        assert ours == pytest.approx(textbook, abs=1e-9)
    ranked = sorted(pagerank(graph).items(), key=lambda kv: -kv[1])
    assert ranked[0][0] == "hd.xiao-wang"  # the one listened to collects the attention


def test_the_queries_are_one_plain_cypher_text_for_both_engines():
    """Neither engine gets its own variant: the Neo4j lint (tests/test_cypher_lint.py) checks
    the very text FalkorDB runs. (The org chart's ties have one per engine: they give the same
    rows, `test_the_ties_read_in_bulk_are_the_ties_read_as_usual`, and the same answers,
    tests/test_engines_agree.py.)"""
    for name in QUERIES:
        assert queries.load(name, "falkordb") == queries.load(name, "neo4j")
        assert not list(queries.cypher_dir().glob(f"{name}.*.cypher"))


def test_the_ties_read_in_bulk_are_the_ties_read_as_usual(seeded):
    """`_chart_ties` reads in bulk (Store.scan) what `to_ties` makes of the usual rows; a tie
    holding a value the bulk reply would give as text (here a date as true/false) is read as usual."""
    store = seeded("hidden-decider")
    usual = to_ties(store.run("influencers/chart_ties", {"id": HD}))
    assert len(usual) > 40 and _chart_ties(store, HD) == usual
    since_true = "MATCH (:Person {id: $a})-[r:INFLUENCES]->(:Person {id: $b}) SET r.since = true"
    store.write([(since_true, {"a": "hd.xiao-wang", "b": "hd.president"})])
    odd = to_ties(store.run("influencers/chart_ties", {"id": HD}))
    assert True in {t.since for t in odd} and _chart_ties(store, HD) == odd


def test_the_informal_network_of_the_arrays_is_the_one_of_the_ties(seeds):
    """The path search's arrays give the informal network the ties give: KNOWS, ALLY, KIN and
    INFLUENCES among the account's people, either way, one edge per pair."""
    store = seeds("hidden-decider", "jinchang", "xuri")
    for account in (HD, "jinchang.jinchang", "xuri.xuri"):
        ids = sorted(r["id"] for r in store.run("influencers/chart", {"id": account}) if r["id"])
        where = {person: i for i, person in enumerate(ids)}
        ties = to_ties(store.run("influencers/chart_ties", {"id": account}))
        pairs = {
            tuple(sorted((where[t.source], where[t.target])))
            for t in ties
            if t.type in ("KNOWS", "ALLY", "KIN", "INFLUENCES")
        }
        network = centrality.informal_network(projection.network(store), ids)
        assert pairs and {tuple(sorted(e)) for e in network.get_edgelist()} == pairs


def test_betweenness_towards_one_target_is_networkx():
    """The gatekeepers' share of routes: from one search from the decider, what networkx counts
    from every colleague."""
    for graph in (nx.gnm_random_graph(60, 150, seed=3), nx.karate_club_graph()):
        target = 0
        sources = sorted(nx.node_connected_component(graph, target) - {target})
        ends = np.array(list(graph.edges())).T
        small = centrality.undirected(len(graph), ends[0], ends[1])
        ours = centrality.betweenness_towards(small, target, sources)
        theirs = nx.betweenness_centrality_subset(graph, sources, [target], normalized=False)
        assert ours == pytest.approx([theirs[v] for v in range(len(graph))], abs=1e-9)
