"""Pictures of the questions on the seeds, counted by hand against the CSV files.

Each question draws its own report (`picture(report)`, no database): the helpers below ask the
question, then draw its answer, as the viewer's pages do.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from graphcrm import committee, influencers, neighbourhood, paths, referrals
from graphcrm.errors import NotFound
from graphcrm.influencers import org_levels
from graphcrm.paths import Avoided, Hop, PathReport, Person, WarmPath
from graphcrm.picture import DEFAULT_LIMIT, Edge, Picture
from graphcrm.settings import Settings
from graphcrm.store import Store


def committee_map(
    store: Store,
    opportunity: str,
    *,
    limit: int = DEFAULT_LIMIT,
    stage: str | None = None,
    settings: Settings,
) -> Picture:
    return committee.picture(
        committee.answer(store, opportunity, stage=stage, settings=settings), limit=limit
    )


def account_map(store: Store, organisation: str, limit: int = DEFAULT_LIMIT) -> Picture:
    chart = influencers.org_chart(store, organisation)
    report = influencers.answer(store, organisation) if chart.is_account and chart.people else chart
    return influencers.picture(report, limit=limit)


def ego_network(store: Store, person: str, hops: int = 1, limit: int = DEFAULT_LIMIT) -> Picture:
    return neighbourhood.picture(neighbourhood.answer(store, person, hops=hops, limit=limit))


def referral_tree(store: Store, root: str | None = None, limit: int = DEFAULT_LIMIT) -> Picture:
    return referrals.picture(referrals.answer(store, root), limit=limit)


path_picture = paths.picture
warm_paths = paths.answer
GEdge = Edge
TODAY = Settings(today=dt.date(2026, 11, 23))
APEX_OPP = "apex.opp-apex-mobile-office"
MEMBERS = {
    "apex.wang-dan": ("neutral", "D"),
    "apex.zhao-yue": ("neutral", "E"),
    "apex.chen-hong": ("blocker", "S"),
    "apex.zhang-xin": ("neutral", "S"),
    "apex.li-qing": ("champion", "S"),
    "apex.xia-yun": ("supporter", "U"),
    "apex.wang-wei": ("enemy", "U"),
    "apex.liu-jun": ("supporter", "S"),
    "apex.song-jiang": ("neutral", "U"),
    "apex.sun-lin": ("enemy", "S"),
    "apex.yang-xiong": ("neutral", "U"),
}


def nodes(picture: Picture) -> dict[str, object]:
    return {n.id: n for n in picture.nodes}


def edge_types(picture: Picture) -> Counter[str]:
    return Counter(e.type for e in picture.edges)


def assert_consistent(picture: Picture) -> None:
    """Every edge joins two drawn nodes; a symmetric tie appears once per pair."""
    ids = {n.id for n in picture.nodes}
    assert len(ids) == len(picture.nodes)
    assert all(e.source in ids and e.target in ids for e in picture.edges)
    pairs = [
        (e.type, frozenset((e.source, e.target)))
        for e in picture.edges
        if e.type in ("KNOWS", "ALLY", "OPPOSES", "KIN")
    ]
    assert len(pairs) == len(set(pairs))
    assert all(1 <= n.size <= 5 for n in picture.nodes)
    assert all(0 <= e.weight <= 1 for e in picture.edges)


@pytest.fixture
def apex(seeds):
    return seeds("apex")


# -- the committee ----------------------------------------------------------------------------------


def test_committee_map_of_apex(apex):
    # committee.csv: 11 members. ties.csv among them: ALLY 9 (reform bloc 3, IT old guard 3,
    # management 3), OPPOSES 5, KIN 1 (Chen Hong and Song Jiang), INFLUENCES 1 (Yang Xiong on
    # Chen Hong; He Min and Wu Gang are not members). TIED_TO from members: Li Qing → Huatong
    # (supplier), Sun Lin → Tianlian and Chen Hong → Boyuan (competitors).
    picture = committee_map(apex, APEX_OPP, settings=TODAY)
    assert_consistent(picture)
    got = nodes(picture)
    assert len(picture.nodes) == 14 and picture.total_nodes == 14 and not picture.truncated
    assert {i: (n.group, n.role) for i, n in got.items() if n.kind == "person"} == MEMBERS
    assert {i: n.kind for i, n in got.items() if n.kind != "person"} == {
        "apex.huatong": "org",
        "apex.tianlian": "competitor",
        "apex.boyuan": "competitor",
    }
    assert len(picture.edges) == 19
    assert edge_types(picture) == {"ALLY": 9, "OPPOSES": 5, "KIN": 1, "INFLUENCES": 1, "TIED_TO": 3}
    assert {(e.source, e.target) for e in picture.edges if e.type == "TIED_TO"} == {
        ("apex.li-qing", "apex.huatong"),
        ("apex.sun-lin", "apex.tianlian"),
        ("apex.chen-hong", "apex.boyuan"),
    }
    influence = next(e for e in picture.edges if e.type == "INFLUENCES")
    assert (influence.source, influence.target, influence.weight) == (
        "apex.yang-xiong",
        "apex.chen-hong",
        0.4,
    )


def test_committee_map_sizes_follow_influence_overall_or_in_a_stage(apex):
    overall = nodes(committee_map(apex, APEX_OPP, settings=TODAY))
    assert overall["apex.chen-hong"].size == 5.0  # 19%, the most
    assert overall["apex.wang-dan"].size == round(1 + 4 * 15 / 19, 2)
    evaluate = nodes(committee_map(apex, APEX_OPP, stage="evaluate", settings=TODAY))
    assert evaluate["apex.chen-hong"].size == 5.0  # 35% at evaluate
    assert evaluate["apex.wang-dan"].size == round(1 + 4 * 20 / 35, 2)
    assert evaluate["apex.li-qing"].size == 1.0  # no say at evaluate


def test_committee_map_tooltips(apex):
    got = nodes(committee_map(apex, APEX_OPP, stage="evaluate", settings=TODAY))
    wang_dan = got["apex.wang-dan"].title.split("\n")
    assert wang_dan[:7] == [
        "王丹 Wang Dan",
        "总经理 General Manager",
        "roles: D decider, E evaluator",
        "attitude: A active",
        "stance: neutral",
        "influence: 15%",
        "in evaluate: 20%",
    ]
    assert "channels: illustrated presentation, other users in the industry" in wang_dan
    assert "no warm path from our team" in got["apex.sun-lin"].title.split("\n")
    assert (
        "tied to competitor 天联通信 Tianlian Telecom (former employee; close relations)"
        in got["apex.sun-lin"].title
    )
    assert (
        got["apex.tianlian"].title
        == "天联通信 Tianlian Telecom\ncompetitor\ntied to 孙林 Sun Lin (former employee; close relations)"
    )


def test_committee_map_truncated_keeps_the_most_influential(apex):
    picture = committee_map(apex, APEX_OPP, settings=TODAY, limit=3)
    assert [n.id for n in picture.nodes] == ["apex.chen-hong", "apex.boyuan", "apex.wang-dan"]
    assert (picture.total_nodes, picture.truncated) == (14, True)
    assert picture.notice == (
        "Showing 3 of 14 members and organisations: the most influential first. "
        "Narrow the view to see the rest."
    )
    assert {(e.type, e.source, e.target) for e in picture.edges} == {
        ("TIED_TO", "apex.chen-hong", "apex.boyuan")
    }
    assert_consistent(picture)


# -- the account ----------------------------------------------------------------------------------


def test_account_map_marks_the_hidden_decider_and_the_figureheads(seeds):
    store = seeds("hidden-decider")
    picture = account_map(store, "hd.dingsheng")
    assert_consistent(picture)
    got = nodes(picture)
    assert len(got) == 17 and picture.total_nodes == 17 and not picture.truncated
    assert {i: n.group for i, n in got.items() if n.group} == {
        "hd.xiao-wang": "hidden",  # also a gatekeeper: hidden comes first
        "hd.president": "decider",
        "hd.vp-b": "gatekeeper",
        "hd.vp-d": "gatekeeper",
        "hd.vp-a": "figurehead",
        "hd.vp-c": "figurehead",
        "hd.vp-e": "figurehead",
    }
    # ties.csv among Dingsheng's people (Ouyang Ping is ours): REPORTS_TO 16, KNOWS 24 (12 from
    # Xiao Wang), INFLUENCES 13, ALLY 2.
    assert edge_types(picture) == {"REPORTS_TO": 16, "KNOWS": 24, "INFLUENCES": 13, "ALLY": 2}
    assert {i: n.level for i, n in got.items() if n.level != 2} == {
        "hd.president": 0,
        **{f"hd.vp-{x}": 1 for x in "abcde"},
    }
    wang = got["hd.xiao-wang"].title.split("\n")
    assert wang[:6] == [
        "小王 Xiao Wang",
        "规划专员 Planning Specialist (drafts the President's briefings)",
        "via 欧阳平 Ouyang Ping, 2 steps",
        "neutral",  # on the open buying committee
        "rank 3 (level 3 of 3 on the org chart)",
        "formal power 0.33, informal power 1.00",
    ]
    assert any(line.startswith("hidden influencer: 6 people listen to them") for line in wang)
    assert any(line.startswith("gatekeeper: 总裁 President listens to them") for line in wang)
    assert got["hd.xiao-wang"].size == 5.0
    assert any(line.startswith("figurehead: rank 2 of 3") for line in got["hd.vp-a"].title.split("\n"))


def test_account_map_levels_are_the_influence_analysis_levels(seeds):
    store = seeds("apex", "hidden-decider")
    for account_id in ("apex.apex", "hd.dingsheng"):
        expected = {p.id: p.level - 1 for p in influencers.answer(store, account_id).people}
        assert {n.id: n.level for n in account_map(store, account_id).nodes} == expected


def test_account_map_truncated_keeps_the_most_influential(seeds):
    picture = account_map(seeds("hidden-decider"), "hd.dingsheng", limit=4)
    assert [n.id for n in picture.nodes] == ["hd.xiao-wang", "hd.president", "hd.vp-b", "hd.vp-d"]
    assert (picture.total_nodes, picture.truncated) == (17, True)
    assert (
        picture.notice
        == "Showing 4 of 17 people: the most influential first. Narrow the view to see the rest."
    )
    # among those four: KNOWS 6 pairs, INFLUENCES 7, ALLY 1 (VP B and VP D), REPORTS_TO 2
    assert edge_types(picture) == {"KNOWS": 6, "INFLUENCES": 7, "ALLY": 1, "REPORTS_TO": 2}
    assert_consistent(picture)


def test_account_map_of_another_organisation_has_no_influence_marks(apex):
    picture = account_map(apex, "apex.our-company")
    assert {n.id: (n.kind, n.level, n.group) for n in picture.nodes} == {
        "apex.meng-kai": ("rep", 1, None),  # rank 2: depth from the recorded rank
        "apex.zhou-ming": ("rep", 2, None),
        "apex.lin-xiao": ("rep", 2, None),
        "apex.gao-feng": ("rep", 3, None),
    }
    assert edge_types(picture) == {"REPORTS_TO": 3, "KNOWS": 3}
    assert account_map(apex, "apex.kangning") == Picture((), (), 0, False, None)  # nobody recorded there


def test_org_levels_rule():
    """A recorded rank, else one below the boss, else the top for the head of an unranked chart,
    else the bottom level."""
    ranks = {"boss": None, "mid": None, "low": None, "ranked": 2, "loner": None}
    boss = {"mid": "boss", "low": "mid"}
    levels, formal = org_levels(list(ranks), ranks, boss)
    assert levels == {"boss": 1, "mid": 2, "low": 3, "ranked": 2, "loner": 3} and formal


# -- a person's neighbourhood ------------------------------------------------------------------------


def test_ego_network_one_and_two_hops(seeds):
    store = seeds("jinchang")
    one = ego_network(store, "jinchang.li-qiong")
    assert_consistent(one)
    # ties.csv: Li Qiong KNOWS You, Zhao Zhigang and Zhou Guilan (her REPORTS_TO is formal).
    assert {n.id: (n.kind, n.level) for n in one.nodes} == {
        "jinchang.li-qiong": ("person", 0),
        "jinchang.you": ("rep", 1),
        "jinchang.zhao-zhigang": ("person", 1),
        "jinchang.zhou-guilan": ("person", 1),
        "jinchang.jinchang": ("account", None),
        "jinchang.our-company": ("org", None),
    }
    assert edge_types(one) == {"KNOWS": 3, "WORKS_AT": 4}
    assert nodes(one)["jinchang.li-qiong"].group == "ego"
    two = ego_network(store, "jinchang.li-qiong", hops=2)
    assert_consistent(two)
    # 2 hops: You's KNOWS Liu Bin, Qian Lixin, Han Dong, Xu Ming (Zhao Zhigang's reach the same).
    assert {n.id: n.level for n in two.nodes if n.level == 2} == {
        "jinchang.liu-bin": 2,
        "jinchang.qian-lixin": 2,
        "jinchang.han-dong": 2,
        "jinchang.xu-ming": 2,
    }
    assert len(two.nodes) == 10 and two.total_nodes == 10
    # KNOWS among the 8 people: 8 pairs; INFLUENCES: Liu Bin and Zhao Zhigang on Qian Lixin
    assert edge_types(two) == {"KNOWS": 8, "INFLUENCES": 2, "WORKS_AT": 8}
    pair = {"jinchang.li-qiong", "jinchang.you"}
    tie = next(e for e in two.edges if e.type == "KNOWS" and {e.source, e.target} == pair)
    assert tie == GEdge(
        "jinchang.li-qiong",
        "jinchang.you",
        "KNOWS",
        None,
        "李琼 Li Qiong knows 你 You: neighbour\n"
        "strong tie (0.8) · since 2024-04-01 · last contact 2026-11-16",
        0.8,
    )


def test_ego_network_truncated_keeps_the_closest_then_best_connected(seeds):
    store = seeds("hidden-decider")
    full = ego_network(store, "hd.xiao-wang")
    assert full.total_nodes == 15  # Xiao Wang, his 13 colleagues, Dingsheng
    picture = ego_network(store, "hd.xiao-wang", limit=5)
    # VP B has 5 informal neighbours; the President, VP D (and Xiao Liu) 4 each: by id.
    assert [n.id for n in picture.nodes] == [
        "hd.xiao-wang",
        "hd.dingsheng",
        "hd.vp-b",
        "hd.president",
        "hd.vp-d",
    ]
    assert (picture.total_nodes, picture.truncated) == (15, True)
    assert picture.notice == (
        "Showing 5 of 15 people and organisations: the closest first. Narrow the view to see the rest."
    )
    assert_consistent(picture)
    assert edge_types(picture) == {"KNOWS": 6, "INFLUENCES": 7, "ALLY": 1, "WORKS_AT": 4}


def test_ego_network_of_someone_with_few_ties(seeds):
    picture = ego_network(seeds("kissinger"), "kissinger.son", hops=2)
    assert {n.id: n.level for n in picture.nodes} == {
        "kissinger.son": 0,
        "kissinger.farmer": 1,
        "kissinger.kissinger": 2,
    }
    assert edge_types(picture) == {"KIN": 1, "INFLUENCES": 1, "KNOWS": 1}


# -- paths and referrals ------------------------------------------------------------------------------


def test_path_picture_of_the_warm_paths_to_wang_dan(apex):
    picture = path_picture(warm_paths(apex, "apex.wang-dan", settings=TODAY))
    assert {n.id: (n.group, n.level) for n in picture.nodes} == {
        "apex.zhou-ming": ("rep", 0),
        "apex.lin-xiao": ("rep", 0),
        "apex.wu-gang": (None, 1),
        "apex.li-qing": (None, 1),
        "apex.xia-yun": (None, 1),
        "apex.zhao-yue": (None, 2),
        "apex.wang-dan": ("target", 3),
    }
    assert {(e.source, e.target): e.label for e in picture.edges} == {
        ("apex.zhou-ming", "apex.wu-gang"): "knows · strong",
        ("apex.wu-gang", "apex.wang-dan"): "knows · strong",
        ("apex.zhou-ming", "apex.li-qing"): "knows · strong",
        ("apex.li-qing", "apex.zhao-yue"): "knows · strong",
        ("apex.zhao-yue", "apex.wang-dan"): "is an ally of · strong",
        ("apex.lin-xiao", "apex.xia-yun"): "knows · strong",
        ("apex.xia-yun", "apex.wang-dan"): "knows · fair",  # 0.4999
    }
    assert {e.type for e in picture.edges} == {"PATH"}
    assert (picture.total_nodes, picture.truncated, picture.notice) == (7, False, None)
    assert_consistent(picture)


def test_path_picture_flags_people_tied_to_a_competitor(seeds):
    report = warm_paths(seeds("jinchang"), "jinchang.sun-guoqing", settings=TODAY)
    groups = {n.id: n.group for n in path_picture(report).nodes}
    assert groups["jinchang.liu-bin"] == "flagged"  # close to the provincial telecom
    assert (groups["jinchang.you"], groups["jinchang.sun-guoqing"]) == ("rep", "target")


def test_path_picture_needs_no_database():
    a, b, c = Person("a", "A"), Person("b", "B"), Person("c", "C")
    hops = (
        Hop(a, b, "KNOWS", "friend", 0.8, None, 0.4, "A knows B"),
        Hop(b, c, "INFLUENCES", None, 0.5, None, 0.25, "Ask B to introduce you to C"),
    )
    report = PathReport(
        c, (WarmPath(0.1, hops, ("B: tied to competitor X",)),), (), (Avoided("b", "B", "tied"),)
    )
    picture = path_picture(report)
    assert [(n.id, n.kind, n.group, n.level, n.size) for n in picture.nodes] == [
        ("a", "rep", "rep", 0, 4.0),
        ("b", "person", "flagged", 1, 3.0),
        ("c", "person", "target", 2, 5.0),
    ]
    title = "Ask B to introduce you to C\nwarmth 0.25 (INFLUENCES)"
    assert picture.edges[1] == GEdge("b", "c", "PATH", "influences · fair", title, 0.25)
    alone = path_picture(PathReport(c, (), (), ()))
    assert [(n.id, n.group) for n in alone.nodes] == [("c", "target")] and alone.edges == ()


def test_referral_tree_levels_of_the_hengyuan_cascade(apex):
    picture = referral_tree(apex)
    assert_consistent(picture)
    assert {n.id: (n.level, n.group) for n in picture.nodes} == {
        "apex.hengyuan": (0, "root"),
        "apex.jiahe": (1, "won"),
        "apex.ruifeng": (1, "lost"),
        "apex.dongsheng": (2, "won"),
        "apex.apex": (2, "open"),
        "apex.xinghai": (3, "open"),
        "apex.huaxin": (0, "root"),
        "apex.kangning": (1, "won"),
    }
    assert {(e.source, e.target): e.label for e in picture.edges} == {
        ("apex.hengyuan", "apex.jiahe"): "won 800,000",
        ("apex.hengyuan", "apex.ruifeng"): "lost 300,000",
        ("apex.jiahe", "apex.dongsheng"): "won 250,000",
        ("apex.jiahe", "apex.apex"): "open 1,200,000",
        ("apex.dongsheng", "apex.xinghai"): "open 400,000",
        ("apex.huaxin", "apex.kangning"): "won 500,000",
    }
    assert {e.type for e in picture.edges} == {"REFERRED"}
    assert nodes(picture)["apex.jiahe"].title.split("\n")[1:] == [
        "generation 1: referred by 恒远物流 Hengyuan Logistics (郑伟 Zheng Wei)",
        "2024-09-12: won 800,000",
        "won 2024-12-20, 99 days after the referral",
    ]


def test_referral_tree_from_one_root_and_truncated(apex):
    jiahe = referral_tree(apex, "apex.jiahe")
    assert {n.id: n.level for n in jiahe.nodes} == {
        "apex.jiahe": 0,
        "apex.dongsheng": 1,
        "apex.apex": 1,
        "apex.xinghai": 2,
    }
    picture = referral_tree(apex, limit=3)
    assert [n.id for n in picture.nodes] == ["apex.hengyuan", "apex.huaxin", "apex.jiahe"]
    assert (
        picture.notice
        == "Showing 3 of 8 accounts: the earliest generations first. Narrow the view to see the rest."
    )
    assert [(e.source, e.target) for e in picture.edges] == [("apex.hengyuan", "apex.jiahe")]


# -- mistakes --------------------------------------------------------------------------------------


def test_unknown_ids_and_bad_parameters(apex):
    with pytest.raises(NotFound, match="no person with id 'nope'"):
        ego_network(apex, "nope")
    with pytest.raises(NotFound, match="no account with id 'nope'"):
        account_map(apex, "nope")
    with pytest.raises(NotFound, match="no opportunity with id 'nope'"):
        committee_map(apex, "nope", settings=TODAY)
    with pytest.raises(NotFound, match="no account with id 'nope'"):
        referral_tree(apex, "nope")
    with pytest.raises(ValueError, match="hops must be 1 or 2"):
        ego_network(apex, "apex.li-qing", hops=3)
    with pytest.raises(ValueError, match="limit must be 1 or more"):
        account_map(apex, "apex.apex", limit=0)
    with pytest.raises(ValueError, match="unknown stage"):
        committee_map(apex, APEX_OPP, stage="later", settings=TODAY)


def test_account_cards_say_where_committee_members_stand(seeds):
    """Issue 16: the org chart's cards carry the stance of those on an open buying committee."""
    store = seeds("apex")
    got = nodes(account_map(store, "apex.apex"))
    assert got["apex.chen-hong"].note.split("\n")[-1] == "blocker (works against us)"
    assert got["apex.li-qing"].note.split("\n")[-1] == "champion (for us)"
    assert "blocker (works against us)" in got["apex.chen-hong"].title.split("\n")
    chart = influencers.answer(store, "apex.apex").chart
    outside = [p.id for p in chart.people if not p.stances]  # on no open committee: reach only
    assert outside and all("\n" not in (got[i].note or "") for i in outside)
