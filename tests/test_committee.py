"""The committee map of APEX (seed 002), pinned."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from graphcrm import committee as committee_module
from graphcrm import edits
from graphcrm.committee import STANCE_VALUES
from graphcrm.committee import answer as committee
from graphcrm.demo import seed_path
from graphcrm.errors import NotFound
from graphcrm.ingest.files import import_path
from graphcrm.settings import Settings
from tests.conftest import SEEDS

TODAY = Settings(today=dt.date(2026, 11, 23))
APEX = "apex.opp-apex-mobile-office"


@pytest.fixture
def apex(seeds):
    return committee(seeds("apex"), APEX, settings=TODAY)


def test_members_with_roles_attitudes_and_stances_as_the_seed_gives(apex):
    got = {m.name.split()[0]: (m.roles, m.attitude, m.stance) for m in apex.members}
    assert got == {
        "王丹": (("D", "E"), "A", "neutral"),
        "赵跃": (("E",), "P", "neutral"),
        "陈虹": (("S",), "R", "blocker"),
        "张欣": (("S",), "A", "neutral"),
        "李青": (("S",), "A", "champion"),
        "夏云": (("U",), "P", "supporter"),
        "王薇": (("U",), "R", "enemy"),
        "刘军": (("S",), "A", "supporter"),
        "宋江": (("U",), "R", "neutral"),
        "孙林": (("S",), "P", "enemy"),
        "杨雄": (("U",), "P", "neutral"),
    }
    assert apex.members[0].name == "陈虹 Chen Hong"  # the most influential overall (19%)


def test_chen_hong_is_the_top_risk_in_need_and_evaluate(apex):
    for stage in ("need", "evaluate"):
        top = apex.risks_by_stage[stage][0]
        assert (top.name, top.weight) == ("陈虹 Chen Hong", 35.0)
        assert top.reason.startswith("blocker")
    assert [r.name for r in apex.risks] == ["陈虹 Chen Hong", "孙林 Sun Lin", "王薇 Wang Wei"]


def test_li_qing_is_champion_with_her_supplier_ties_as_entry_points(apex):
    li_qing = next(m for m in apex.members if m.id == "apex.li-qing")
    assert li_qing.stance == "champion" and li_qing.stance_value == 1.0
    assert li_qing.entry_points == (
        "华通电子元件 Huatong Electronic Components (good relations with the supplier's managers): knows "
        "邓涛 Deng Tao, 钱芳 Qian Fang, 韩志强 Han Zhiqiang, 马骏 Ma Jun",
    )


def test_support_overall_and_per_stage(apex):
    assert apex.stance_values == STANCE_VALUES
    assert apex.support == -12.5
    assert apex.support_by_stage == {
        "need": -32.5,
        "priority": -22.5,
        "urgency": -12.5,
        "specification": 5.0,
        "consult": 20.0,
        "proposals": 5.0,
        "evaluate": -42.5,
        "negotiate": -12.5,
        "decide": -20.0,
    }


def test_blocs_and_oppositions(apex):
    assert [b.members for b in apex.blocs] == [
        ("王丹 Wang Dan", "赵跃 Zhao Yue", "杨雄 Yang Xiong", "张欣 Zhang Xin"),
        ("陈虹 Chen Hong", "孙林 Sun Lin", "宋江 Song Jiang", "王薇 Wang Wei"),
        ("刘军 Liu Jun", "李青 Li Qing", "夏云 Xia Yun"),
    ]
    assert [(b.influence, b.support) for b in apex.blocs] == [(41.0, 0.0), (39.0, -26.0), (20.0, 13.5)]
    assert ("陈虹 Chen Hong", "李青 Li Qing") in {(o.a, o.b) for o in apex.oppositions}
    assert len(apex.oppositions) == 5


def test_coverage_gaps_and_next_contacts(apex):
    assert apex.gaps == ("孙林 Sun Lin",)
    assert [(c.name, c.score) for c in apex.next_contacts[:3]] == [
        ("陈虹 Chen Hong", 0.1085),
        ("赵跃 Zhao Yue", 0.0331),
        ("王丹 Wang Dan", 0.0287),
    ]
    assert [p.name for p in apex.next_contacts[0].path.people] == [
        "高峰 Gao Feng",
        "宋江 Song Jiang",
        "陈虹 Chen Hong",
    ]


def test_a_stage_reweights_everything(seeds):
    report = committee(seeds("apex"), APEX, stage="consult", settings=TODAY)
    assert report.members[0].name in ("赵跃 Zhao Yue", "宋江 Song Jiang")
    assert report.support == 20.0
    assert report.risks == ()


def test_unknown_opportunity_and_stage(seeds):
    store = seeds("apex")
    with pytest.raises(NotFound, match="no opportunity with id 'x'"):
        committee(store, "x", settings=TODAY)
    with pytest.raises(ValueError, match="unknown stage 'later'"):
        committee(store, APEX, stage="later", settings=TODAY)


def test_a_committee_answer_is_kept_for_the_next_command_until_a_write(embedded_store, db_path, monkeypatch):
    """`graphcrm committee` (a process of its own) keeps its answer beside the database with the
    graph's version; the next command asking the same reads it (issue 17: `graphcrm next` asks
    every open committee). A write makes a new version, whose answers are worked out again."""
    import_path(embedded_store, seed_path("apex"), progress=False)
    command = [sys.executable, "-m", "graphcrm", "committee", "--db", str(db_path), APEX]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    worked_out = []
    real = committee_module._answer
    monkeypatch.setattr(committee_module, "_answer", lambda *args: worked_out.append(args) or real(*args))
    kept = committee(embedded_store, APEX)
    assert not worked_out and kept.opportunity == APEX and len(kept.members) == 11
    edits.set_person(embedded_store, "apex.wang-dan", title="董事长 Chairman")
    again = committee(embedded_store, APEX)
    assert len(worked_out) == 1
    assert {m.title for m in again.members if m.id == "apex.wang-dan"} == {"董事长 Chairman"}


def test_many_committees_at_once_are_each_committee_s_map_with_the_path_queries_shared(seeded, monkeypatch):
    """`committee.answers` (the next steps ask every open committee) gives each committee's own
    map, and reads them all at once: one query for the members, their ties, their organisations,
    the ties of every path and whom paths avoid, not a few per committee (issue 17: 94
    committees at scale M)."""
    store = seeded(*SEEDS)  # its own database: no answer kept yet
    opportunities = [row["id"] for row in store.run("next/opportunities")]
    assert len(opportunities) > 3
    settings = TODAY
    asked: list[str] = []
    real = type(store).run

    def counted(self, name, params=None):
        asked.append(name)
        return real(self, name, params)

    with monkeypatch.context() as patched:
        patched.setattr(type(store), "run", counted)
        together = committee_module.answers(store, opportunities, settings=settings)
    shared = ("committee/members", "committee/outside", "committee/ties", "paths/hops", "paths/hostile")
    assert {name: asked.count(name) for name in shared} == dict.fromkeys(shared, 1)
    assert together == [committee_module._answer(store, o, None, settings) for o in opportunities]
