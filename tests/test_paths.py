"""Warm paths, chains and brokers, with their answers on the seeds pinned."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math

import networkx as nx
import pytest

from graphcrm import brokers as brokers_module
from graphcrm import paths, projection
from graphcrm.brokers import LISTED_PAIRS
from graphcrm.brokers import answer as brokers
from graphcrm.chains import answer as chains
from graphcrm.errors import NotFound
from graphcrm.ingest.files import import_path
from graphcrm.paths import answer as warm_paths
from graphcrm.paths import tie_warmth
from graphcrm.settings import Settings

TODAY = Settings(today=dt.date(2026, 11, 23))


def names(path) -> list[str]:
    return [p.name for p in path.people]


def test_tie_warmth_halves_every_half_life():
    settings = Settings(today=dt.date(2026, 1, 1), half_life_days=365)
    assert tie_warmth(0.8, "2026-01-01", settings) == 0.8
    assert tie_warmth(0.8, "2025-01-01", settings) == pytest.approx(0.4)
    assert tie_warmth(0.8, None, settings) == pytest.approx(0.4)  # unknown: one half-life
    assert tie_warmth(None, "2026-01-01", settings) == 0.5


def test_jinchang_warmest_path_goes_through_li_qiong(seeds):
    store = seeds("jinchang")
    report = warm_paths(store, "jinchang.zhao-zhigang", settings=TODAY)
    assert [names(p) for p in report.paths] == [
        ["你 You", "李琼 Li Qiong", "赵志刚 Zhao Zhigang"],
        ["你 You", "刘斌 Liu Bin", "赵志刚 Zhao Zhigang"],
        ["你 You", "钱立新 Qian Lixin", "赵志刚 Zhao Zhigang"],  # through the org chart: his manager
    ]
    best, other, _ = report.paths
    assert best.warmth == 0.5181 and best.flags == ()
    assert best.hops[1].instruction == (
        "Ask 李琼 Li Qiong (your neighbour; strong tie (0.8); last contact 2026-11) to introduce you to "
        "赵志刚 Zhao Zhigang (their friend; strong tie (0.7); last contact 2026-10)"
    )
    # no path goes through Liu Bin without the competitor flag
    assert other.flags == ("刘斌 Liu Bin: tied to competitor 省电信 Provincial Telecom (close relations)",)
    assert [a.id for a in report.flagged] == ["jinchang.liu-bin"]


def test_strict_avoids_people_tied_to_a_competitor(seeds):
    store = seeds("jinchang")
    report = warm_paths(store, "jinchang.zhao-zhigang", strict=True, settings=TODAY)
    assert [names(p) for p in report.paths] == [
        ["你 You", "李琼 Li Qiong", "赵志刚 Zhao Zhigang"],
        ["你 You", "钱立新 Qian Lixin", "赵志刚 Zhao Zhigang"],
    ]


def test_paths_avoid_enemies_and_blockers_of_the_account(seeds):
    store = seeds("apex")
    report = warm_paths(store, "apex.wang-dan", settings=TODAY)
    assert {a.id for a in report.avoided} == {"apex.chen-hong", "apex.sun-lin", "apex.wang-wei"}
    on_paths = {p.id for path in report.paths for p in path.people}
    assert not on_paths & {"apex.chen-hong", "apex.sun-lin", "apex.wang-wei"}
    assert [names(p) for p in report.paths] == [
        ["周明 Zhou Ming", "吴刚 Wu Gang", "王丹 Wang Dan"],
        ["周明 Zhou Ming", "李青 Li Qing", "赵跃 Zhao Yue", "王丹 Wang Dan"],
        ["林晓 Lin Xiao", "夏云 Xia Yun", "王丹 Wang Dan"],
    ]
    # alternatives differ in their first hop
    assert len({(p.hops[0].source.id, p.hops[0].target.id) for p in report.paths}) == 3


def test_path_from_one_person_and_max_hops(seeds):
    store = seeds("jinchang")
    report = warm_paths(store, "jinchang.zhao-zhigang", source="jinchang.li-qiong", settings=TODAY)
    assert names(report.paths[0]) == ["李琼 Li Qiong", "赵志刚 Zhao Zhigang"]
    assert warm_paths(store, "jinchang.zhao-zhigang", max_hops=1, settings=TODAY).paths == ()


def test_unknown_person_is_named(seeds):
    store = seeds("jinchang")
    with pytest.raises(NotFound, match="no person with id 'nobody'"):
        warm_paths(store, "nobody", settings=TODAY)
    with pytest.raises(NotFound, match="no person with id 'ghost'"):
        warm_paths(store, "jinchang.li-qiong", source="ghost", settings=TODAY)


def test_kissinger_chain_reproduces_his_three_asks_in_order(seeds):
    store = seeds("kissinger")
    report = chains(store, "kissinger.wb-president", settings=TODAY)
    top = report.chains[0]
    assert top.kind == "broker"
    assert [(a.asker.name, a.asked.name) for a in top.asks] == [
        ("基辛格 Kissinger", "穷老农 the poor farmer"),
        ("基辛格 Kissinger", "罗斯切尔德伯爵 Count Rothschild"),
        ("基辛格 Kissinger", "世界银行行长 President of the World Bank"),
    ]
    assert [a.leverage[0] for a in top.asks] == [
        "credential: Rothschild's daughter",
        "credential: a vice-president of the World Bank",
        "credential: Rothschild's son-in-law",
    ]
    assert "listens to 老农的儿子 the farmer's son (the son's marriage prospects matter to the farmer)" in (
        top.asks[0].leverage
    )
    assert "affiliation: 罗斯切尔德银行 Rothschild's bank" in top.asks[2].leverage


def test_relay_chain_through_whom_the_target_listens_to(seeds):
    store = seeds("xuri")
    top = chains(store, "xuri.director-li", settings=TODAY).chains[0]
    assert top.kind == "relay"
    assert [(a.asker.id, a.asked.id) for a in top.asks] == [
        ("xuri.you", "xuri.wei"),
        ("xuri.wei", "xuri.director-li"),
    ]
    assert top.asks[1].leverage[0].startswith("李处长 Director Li listens to 魏科长 Section Chief Wei")


def test_hidden_decider_chain_to_the_president_goes_through_xiao_wang(seeds):
    store = seeds("hidden-decider")
    top = chains(store, "hd.president", settings=TODAY).chains[0]
    assert [a.asked.id for a in top.asks] == ["hd.xiao-liu", "hd.xiao-wang", "hd.president"]


def test_kissinger_is_the_top_broker_among_the_three_parties(seeds):
    store = seeds("kissinger")
    report = brokers(store, among=["kissinger.farmer", "kissinger.rothschild", "kissinger.wb-president"])
    top = report.brokers[0]
    assert (top.id, top.score) == ("kissinger.kissinger", 3.0)
    assert top.bridges == (
        ("穷老农 the poor farmer", "罗斯切尔德伯爵 Count Rothschild"),
        ("穷老农 the poor farmer", "世界银行行长 President of the World Bank"),
        ("罗斯切尔德伯爵 Count Rothschild", "世界银行行长 President of the World Bank"),
    )
    assert [b.id for b in report.brokers] == ["kissinger.kissinger"]


def test_brokers_around_a_committee_and_overall(seeds):
    store = seeds("apex", "hidden-decider")
    committee = brokers(store, opportunity="apex.opp-apex-mobile-office")
    assert len(committee.parties) == 11
    overall = brokers(store)
    assert overall.brokers[0].name == "小王 Xiao Wang"
    with pytest.raises(NotFound, match="no opportunity with id 'nope'"):
        brokers(store, opportunity="nope")


def test_brokers_of_everyone_are_networkx_s_ranking(seeds):
    """With no parties, everyone is ranked by Burt's effective size, then constraint, then id,
    with how many pairs of their contacts have no tie of their own and the first of them: what
    networkx gives on the informal ties read as rows (the answer itself reads the path search's
    arrays, issue 17)."""
    store = seeds("apex", "hidden-decider", "kissinger", "jinchang")
    rows = store.read("MATCH (a:Person)-[:KNOWS|KIN|ALLY|INFLUENCES]->(b:Person) RETURN a.id AS a, b.id AS b")
    graph = nx.Graph((r["a"], r["b"]) for r in rows)
    sizes = {v: s for v, s in nx.effective_size(graph, nodes=list(graph)).items() if graph.degree(v) > 1}
    constraint = nx.constraint(graph, nodes=list(sizes))
    expected = sorted(sizes, key=lambda v: (-sizes[v], constraint[v], v))[:10]
    names = {
        r["id"]: r["name"] or r["id"]
        for r in store.read("MATCH (p:Person) RETURN p.id AS id, p.name AS name")
    }
    report = brokers(store)
    assert [b.id for b in report.brokers] == expected
    for broker in report.brokers:
        assert broker.score == broker.effective_size == round(sizes[broker.id], 4)
        assert broker.constraint == round(constraint[broker.id], 4)
        contacts = sorted(graph[broker.id])
        unlinked = [(a, b) for a, b in itertools.combinations(contacts, 2) if not graph.has_edge(a, b)]
        assert broker.pairs == len(unlinked)
        assert broker.bridges == tuple((names[a], names[b]) for a, b in unlinked[:LISTED_PAIRS])
    assert brokers(store, limit=3).brokers == report.brokers[:3]


def test_a_broker_of_everyone_lists_the_first_pairs_and_counts_them_all(seeded, monkeypatch):
    """With no parties, a broker's pairs are counted, and only the first are listed (at scale M
    the top broker connects 150,000 pairs, for a sentence that names three)."""
    monkeypatch.setattr(brokers_module, "LISTED_PAIRS", 2)
    report = brokers(seeded("apex", "hidden-decider", "kissinger", "jinchang"))
    top = report.brokers[0]
    assert top.pairs > 2 and len(top.bridges) == 2
    assert report.does(top).startswith(
        f"connects {top.pairs:,} pairs of their contacts who do not know each other: "
    )
    assert report.does(top).endswith(f"{top.bridges[1][1]}; and {top.pairs - 2:,} more.")


def test_a_direct_report_and_their_manager_introduce_each_other(seeds):
    """REPORTS_TO counts both ways, with the org-chart strength (a setting) when none is recorded,
    and the hop says who is whose manager (issue 14, section 4)."""
    store = seeds("jinchang")
    path = warm_paths(store, "jinchang.zhao-zhigang", settings=TODAY).paths[2]
    assert path.warmth == 0.0294  # 0.1 (met 11 days ago) × 0.6 × ½ (no recorded contact)
    assert path.hops[1].instruction == (
        "Ask 钱立新 Qian Lixin (knows you: met once; sent you to procurement; weak tie (0.1); last "
        "contact 2026-11) to introduce you to their direct report 赵志刚 Zhao Zhigang (strong tie (0.6); "
        "no recorded contact)"
    )
    stronger = dataclasses.replace(TODAY, org_chart_strength=0.9)
    assert warm_paths(store, "jinchang.zhao-zhigang", settings=stronger).paths[2].warmth == 0.0441


def test_up_the_org_chart(seeds):
    report = warm_paths(seeds("hidden-decider"), "hd.vp-e", source="hd.xiao-han", settings=TODAY)
    assert [h.instruction for p in report.paths[:2] for h in p.hops] == [
        "小韩 Xiao Han: contact 副总裁 E Vice-President E directly (your manager; strong tie (0.6); "
        "no recorded contact)",
        "小韩 Xiao Han knows 小白 Xiao Bai (your colleague; strong tie (0.5); last contact 2026-10)",
        "Ask 小白 Xiao Bai (your colleague; strong tie (0.5); last contact 2026-10) to introduce you to "
        "their manager 副总裁 E Vice-President E (strong tie (0.6); no recorded contact)",
    ]


def test_a_steered_search_finds_what_the_plain_one_does(seeded, tmp_path):
    """Steering the search by the least cost from our reps (A*, issue 17) finds the same paths,
    the same among equally warm ones too, to everyone: the seeds (many ties alike) and a
    generated sales organisation, with and without people to avoid, one path or three."""
    from bench.generate import generate

    generate(tmp_path / "generated", 1_200, 6_000)
    store = seeded("apex", "hidden-decider", "kissinger", "jinchang")
    import_path(store, tmp_path / "generated", progress=False)
    net = projection.network(store)
    into, toward = net.hops(TODAY), net.cost_from_us(TODAY, paths.MAX_HOPS_LIMIT)
    hostile = sorted(paths._all_hostile(store, net))
    assert hostile and sum(net.rep) > 1
    searched = 0
    for index, target in enumerate(net.ids):
        avoid = set(hostile[: index % 4]) - {target}
        for k, max_hops in ((1, 5), (3, 5), (3, 2)):
            plain = paths._search(net, into, target, None, avoid, max_hops, k)
            assert paths._search(net, into, target, None, avoid, max_hops, k, toward) == plain, target
            searched += bool(plain)
    assert searched > 2_000


def test_the_steering_bound_is_the_least_cost_from_our_reps(seeded, tmp_path):
    """The bound that steers a search from our reps is, per person, the least cost of a path of
    at most so many ties from any rep (networkx's Dijkstra where the ties are not counted), and
    never more than the least cost of a path of fewer ties: what keeps the search's answers."""
    from bench.generate import generate

    generate(tmp_path / "generated", 600, 3_000)
    store = seeded("apex", "jinchang")
    import_path(store, tmp_path / "generated", progress=False)
    net = projection.network(store)
    cost = net.costs(TODAY)
    graph = nx.DiGraph()  # who asks -> whom they ask, at the cheaper of their ties
    for person in range(len(net.ids)):
        lo, hi = net.ties_into(person)
        for asker, step in zip(net.source[lo:hi].tolist(), cost[lo:hi].tolist(), strict=True):
            if step < math.inf and (not graph.has_edge(asker, person) or graph[asker][person]["w"] > step):
                graph.add_edge(asker, person, w=step)
    reps = [p for p, rep in enumerate(net.rep) if rep]
    exact = nx.multi_source_dijkstra_path_length(graph, reps, weight="w")
    unbounded = net.cost_from_us(TODAY, len(net.ids))
    assert [p for p, c in enumerate(unbounded) if c < math.inf] == sorted(exact)
    assert all(math.isclose(unbounded[p], c, rel_tol=1e-8, abs_tol=1e-11) for p, c in exact.items())
    two, six = net.cost_from_us(TODAY, 2), net.cost_from_us(TODAY, 6)
    assert all(a >= b >= c for a, b, c in zip(two, six, unbounded, strict=True))
    assert sum(a > c for a, c in zip(two, unbounded, strict=True)) > 0


def test_two_ties_from_a_rep_count_by_the_warmer(store, write_files):
    """A rep who knows someone and is also their ally: the warmer of the two ties makes the way
    in, whichever the engine reads first (it counted the first: on FalkorDB, the colder ally)."""
    folder = write_files(
        {
            "people.csv": "id,name,is_rep\nx.a,Rep A,true\nx.b,Rep B,true\nx.t,Target T,false\n",
            "ties.csv": "source,target,type,strength,last_contact\n"
            "x.a,x.t,KNOWS,0.9,2026-11-01\n"
            "x.a,x.t,ALLY,0.1,2026-11-01\n"
            "x.b,x.t,KNOWS,0.5,2026-11-01\n",
        }
    )
    import_path(store, folder, progress=False)
    [path] = warm_paths(store, "x.t", k=1, settings=TODAY).paths
    assert names(path) == ["Rep A", "Target T"] and path.hops[0].type == "KNOWS"
    assert [names(p)[0] for p in warm_paths(store, "x.t", k=3, settings=TODAY).paths] == ["Rep A", "Rep B"]
