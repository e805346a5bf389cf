"""The viewer's directory on the seeds: accounts with coverage, search, profiles, account pages."""

from __future__ import annotations

import itertools

import pytest

from graphcrm.committee import committee
from graphcrm.directory import (
    AccountRow,
    Hit,
    PersonRef,
    account,
    accounts_overview,
    opportunities,
    person_profile,
    reps,
    search,
)
from graphcrm.errors import NotFound
from graphcrm.ingest.files import import_path
from graphcrm.paths import covered, reach, warm_paths
from tests.conftest import SEEDS

APEX_OPP = "apex.opp-apex-mobile-office"


@pytest.fixture
def apex(seeded):
    return seeded("apex")


@pytest.fixture
def everything(seeds):
    return seeds(*SEEDS)


def test_accounts_overview_lists_accounts_only_by_name_with_people_opportunities_and_coverage(apex):
    rows = accounts_overview(apex)
    got = [(r.id, r.people, tuple(o.id for o in r.open_opportunities), r.coverage) for r in rows]
    assert got == [
        ("apex.apex", 12, (APEX_OPP,), 0.9091),  # Sun Lin is reached only through a blocker
        ("apex.dongsheng", 1, (), None),
        ("apex.huaxin", 1, (), None),
        ("apex.jiahe", 1, (), None),
        ("apex.kangning", 0, (), None),
        ("apex.hengyuan", 1, (), None),
        ("apex.xinghai", 0, ("apex.opp-xinghai-collab",), None),  # open, but no committee recorded
        ("apex.ruifeng", 0, (), None),
    ]
    first = rows[0]
    assert (first.name, first.kind, first.tier, first.status) == (
        "APEX公司 APEX Co.",
        "prospect",
        "A",
        "prospect",
    )
    assert (first.committee_members, first.covered_members) == (11, 10)
    assert first.open_opportunities[0].account_name == "APEX公司 APEX Co."


def test_coverage_counts_members_our_team_has_a_warm_path_to(apex, write_files):
    # x.m5 is 5 ties from Zhou Ming (the hop limit of a warm path), x.m6 6; Zhou Ming listens
    # to x.l, who can ask him but whom he cannot ask; x.z is tied by a tie of strength 0.
    chain = ["apex.zhou-ming", "x.t1", "x.t2", "x.t3", "x.t4", "x.m5", "x.m6"]
    extra = write_files(
        {
            "people.csv": "id,name\n" + "".join(f"{i},{i[2:].upper()}\n" for i in [*chain[1:], "x.l", "x.z"]),
            "ties.csv": "source,target,type,strength\n"
            + "".join(f"{a},{b},KNOWS,0.9\n" for a, b in itertools.pairwise(chain))
            + "x.l,apex.zhou-ming,INFLUENCES,0.9\napex.zhou-ming,x.z,KNOWS,0\n",
            "committee.csv": "opportunity_id,person_id\n"
            + "".join(f"{APEX_OPP},{m}\n" for m in ("x.m5", "x.m6", "x.l", "x.z")),
        }
    )
    import_path(apex, extra, progress=False)
    row = next(r for r in accounts_overview(apex) if r.id == "apex.apex")
    assert (row.committee_members, row.covered_members, row.coverage) == (15, 11, 0.7333)
    assert set(covered(apex, ["x.m5", "x.m6", "x.l", "x.z", "x.t1"])) == {"x.m5", "x.t1"}


def test_coverage_is_one_definition_the_home_page_the_committee_and_the_paths_share(everything):
    """Every member of an open committee: covered on the home page's count exactly when the
    committee page has no gap for them, exactly when a warm path exists or they are our rep."""
    home = {r.id: r for r in accounts_overview(everything)}
    for opp in opportunities(everything):
        if (opp.status or "open") != "open" or opp.account_id is None:
            continue
        report = committee(everything, opp.id)
        if not report.members:
            continue
        ids = [m.id for m in report.members]
        reached, how = covered(everything, ids), reach(everything, ids)
        for m in report.members:
            has_path = bool(warm_paths(everything, m.id, k=1).paths)
            ours = m.id in how and how[m.id].hops == 0
            assert m.covered == (m.id in reached) == (m.id in how) == (has_path or ours), m.id
            # the committee's path to each member is the path finder's warmest one
            assert m.path == (warm_paths(everything, m.id, k=1).paths or (None,))[0], m.id
        assert set(report.gaps) == {m.name for m in report.members if not m.covered}
        row = home[opp.account_id]
        if len(row.open_opportunities) == 1:
            assert row.covered_members == sum(m.covered for m in report.members)


def test_accounts_overview_of_an_empty_graph(store):
    assert accounts_overview(store) == ()


def test_opportunities_with_their_accounts_by_account_name(apex):
    got = [(o.account_name, o.id, o.status) for o in opportunities(apex)]
    assert got == [
        ("APEX公司 APEX Co.", APEX_OPP, "open"),
        ("东升工程监理 Dongsheng Construction Supervision", "apex.opp-dongsheng-site", "won"),
        ("华信医药 Huaxin Pharmaceutical", "apex.opp-huaxin-crm", "won"),
        ("嘉禾建设 Jiahe Construction", "apex.opp-jiahe-site", "won"),
        ("康宁医院 Kangning Hospital", "apex.opp-kangning-ward", "won"),
        ("恒远物流 Hengyuan Logistics", "apex.opp-hengyuan-fleet", "won"),
        ("星海建筑设计院 Xinghai Architectural Design Institute", "apex.opp-xinghai-collab", "open"),
        ("瑞丰食品 Ruifeng Foods", "apex.opp-ruifeng-field", "lost"),
    ]
    first = opportunities(apex)[0]
    assert (first.stage, first.value, first.account_id, first.close_date) == (
        "evaluate",
        1_200_000.0,
        "apex.apex",
        "2026-11-30",
    )


def test_search_finds_chinese_names_as_typed(everything):
    hits = search(everything, "李")
    assert [(h.kind, h.id) for h in hits] == [
        ("person", "xuri.director-li"),  # names starting with 李 first, by name
        ("person", "jinchang.li-qiong"),
        ("person", "apex.li-qing"),
        ("person", "hd.xiao-li"),  # then names containing it
    ]
    assert hits[1].name == "李琼 Li Qiong"
    assert hits[1].detail == "主任科员 Principal Staff Member · 黑龙江金昌有限公司 Heilongjiang Jinchang Co."


def test_search_ignores_case_and_surrounding_blanks(everything):
    expected = [  # names with the word first, then a name whose pinyin holds it (华讯网络: wang luo)
        ("person", "hd.xiao-wang"),
        ("person", "apex.wang-dan"),
        ("person", "apex.wang-wei"),
        ("org", "jinchang.huaxun-networks"),
    ]
    assert [(h.kind, h.id) for h in search(everything, "wang")] == expected
    assert [(h.kind, h.id) for h in search(everything, "  WANG ")] == expected
    assert search(everything, "") == () and search(everything, "   ") == ()
    assert search(everything, "no such name") == ()


def test_search_puts_closest_first_and_describes_each_kind(everything):
    assert search(everything, "APEX", limit=1) == (
        Hit("account", "apex.apex", "APEX公司 APEX Co.", "prospect"),
    )
    assert search(everything, "hd.xiao-wang")[0].id == "hd.xiao-wang"  # an exact id
    huatong = search(everything, "huatong")  # the organisation, then the people who work there
    assert huatong[0] == Hit("org", "apex.huatong", "华通电子元件 Huatong Electronic Components", "supplier")
    assert {h.kind for h in huatong[1:]} == {"person"} and len(huatong) == 5
    assert all(h.detail.endswith("· 华通电子元件 Huatong Electronic Components") for h in huatong[1:])
    opportunities_found = search(everything, "mobile office")
    assert {h.kind for h in opportunities_found} == {"opportunity"}
    assert len(opportunities_found) == 5  # "Group mobile-office platform" has a hyphen
    name = "移动办公系统 Mobile office system (install by 2027-01-01)"
    assert Hit("opportunity", APEX_OPP, name, "APEX公司 APEX Co.") in opportunities_found
    assert len(search(everything, "apex", limit=3)) == 3


def test_search_rejects_a_limit_below_one(apex):
    with pytest.raises(ValueError, match="limit"):
        search(apex, "wang", limit=0)


def test_profile_of_a_committee_member_with_seats_and_ties(apex):
    p = person_profile(apex, "apex.li-qing")
    assert (p.name, p.title, p.department, p.rank, p.is_rep) == (
        "李青 Li Qing",
        "供应链经理 Supply Chain Manager",
        "Supply Chain",
        3,
        False,
    )
    assert (p.org_id, p.org_name, p.org_kind) == ("apex.apex", "APEX公司 APEX Co.", "prospect")
    assert (p.email, p.birthday, p.hobbies) == ("li.qing@apex.example", "1984-05-05", "badminton; tea")
    assert p.channels == ("other users in the industry", "live demo")
    (seat,) = p.committees
    assert (seat.opportunity_id, seat.roles, seat.attitude, seat.stance, seat.influence, seat.status) == (
        APEX_OPP,
        ("S",),
        "A",
        "champion",
        7.0,
        "open",
    )
    assert seat.stage_influence == {"specification": 20.0, "consult": 20.0, "proposals": 20.0}
    counts: dict[str, int] = {}
    for t in p.ties:
        counts[t.type] = counts.get(t.type, 0) + 1
    assert counts == {"KNOWS": 9, "ALLY": 2, "OPPOSES": 1, "REPORTS_TO": 1, "TIED_TO": 1}
    order = ["KNOWS", "ALLY", "OPPOSES", "KIN", "INFLUENCES", "REPORTS_TO", "TIED_TO"]
    assert [t.type for t in p.ties] == sorted((t.type for t in p.ties), key=order.index)
    by_other = {(t.type, t.other_id): t for t in p.ties}
    zhou = by_other[("KNOWS", "apex.zhou-ming")]
    assert (zhou.direction, zhou.other_kind, zhou.strength, zhou.context, zhou.last_contact) == (
        "both",
        "rep",
        0.8,
        "champion; regular meetings",
        "2026-11-20",
    )
    assert by_other[("REPORTS_TO", "apex.zhao-yue")].direction == "out"  # she reports to Zhao Yue
    huatong = by_other[("TIED_TO", "apex.huatong")]
    assert (huatong.direction, huatong.other_kind, huatong.context) == (
        "out",
        "org",
        "good relations with the supplier's managers",
    )


def test_profile_directions_of_influence_and_the_org_chart(apex):
    ties = person_profile(apex, "apex.wang-dan").ties
    assert [(t.type, t.direction, t.other_id) for t in ties if t.type in ("INFLUENCES", "REPORTS_TO")] == [
        ("INFLUENCES", "in", "apex.he-min"),  # Wang Dan listens to He Min
        ("INFLUENCES", "in", "apex.wu-gang"),
        ("REPORTS_TO", "in", "apex.he-min"),  # He Min reports to Wang Dan
        ("REPORTS_TO", "in", "apex.xia-yun"),
        ("REPORTS_TO", "in", "apex.zhao-yue"),
        ("REPORTS_TO", "in", "apex.chen-hong"),
    ]
    assert len({(t.type, t.other_id) for t in ties}) == len(ties)  # symmetric ties once


def test_profile_of_a_rep_and_of_someone_with_little_recorded(everything):
    rep = person_profile(everything, "apex.zhou-ming")
    assert (rep.is_rep, rep.org_id, rep.org_name, rep.org_kind, rep.committees) == (
        True,
        "apex.our-company",
        "our company",
        "other",
        (),
    )
    son = person_profile(everything, "kissinger.son")
    assert (son.org_id, son.org_name, son.title, son.channels, son.committees) == (None, None, None, (), ())
    assert [(t.type, t.direction, t.other_id) for t in son.ties] == [
        ("KIN", "both", "kissinger.farmer"),
        ("INFLUENCES", "out", "kissinger.farmer"),  # the farmer listens to his son
    ]


def test_unknown_people_and_accounts_are_not_found(apex):
    with pytest.raises(NotFound, match="no person with id 'nope'"):
        person_profile(apex, "nope")
    with pytest.raises(NotFound, match=r"no person with id 'apex\.apex'"):
        person_profile(apex, "apex.apex")
    with pytest.raises(NotFound, match="no account with id 'nope'"):
        account(apex, "nope")
    with pytest.raises(NotFound, match=r"no account with id 'apex\.li-qing'"):
        account(apex, "apex.li-qing")


def test_account_page_with_people_by_rank_and_opportunities(apex):
    a = account(apex, "apex.apex")
    assert (a.name, a.kind, a.industry, a.nature, a.tier, a.status, a.revenue, a.potential, a.region) == (
        "APEX公司 APEX Co.",
        "prospect",
        "electronic equipment manufacturing",
        "commercial",
        "A",
        "prospect",
        0.0,
        1_500_000.0,
        "Xi'an, Shaanxi",
    )
    assert a.is_account
    assert len(a.people) == 12
    assert a.people[0] == PersonRef("apex.wang-dan", "王丹 Wang Dan", "总经理 General Manager", 1)
    assert a.people[-1] == (
        "apex.liu-jun",
        "刘军 Liu Jun",
        "高级采购专员 Senior Buyer",
        4,
    )  # a plain tuple too
    assert [r for _, _, _, r in a.people] == sorted(r for _, _, _, r in a.people)
    assert [o.id for o in a.opportunities] == [APEX_OPP]


def test_account_page_of_another_organisation(apex):
    supplier = account(apex, "apex.huatong")
    assert (supplier.kind, supplier.is_account, supplier.opportunities, supplier.tier) == (
        "supplier",
        False,
        (),
        None,
    )
    assert [p.id for p in supplier.people] == [
        "apex.han-zhiqiang",  # rank 2
        "apex.qian-fang",  # rank 3, by name: 钱 before 马
        "apex.ma-jun",
        "apex.deng-tao",  # rank 4
    ]
    assert account(apex, "apex.kangning").people == ()


def test_reps_are_our_team_by_name(apex):
    assert [r.id for r in reps(apex)] == ["apex.zhou-ming", "apex.meng-kai", "apex.lin-xiao", "apex.gao-feng"]


def test_account_row_is_frozen(apex):
    row = accounts_overview(apex)[0]
    assert isinstance(row, AccountRow)
    with pytest.raises(AttributeError):
        row.people = 0  # type: ignore[misc]
