"""Referral cascades from won accounts (DOMAIN.md §4.5): the apex cascade of its README, pinned."""

from __future__ import annotations

import pytest

from graphcrm.errors import NotFound
from graphcrm.ingest.files import import_path
from graphcrm.referrals import answer as referrals
from graphcrm.referrals import as_text

ACCOUNTS = """id,name,kind,status,revenue
t.a,A Co,customer,won,100
t.b,B Co,customer,won,50
t.c,C Co,prospect,prospect,0
t.d,D Co,prospect,prospect,0
"""
PEOPLE = """id,name,org_id
t.pa,Pa,t.a
t.pb,Pb,t.b
t.free,Free Agent,
"""
OPPORTUNITIES = """id,account_id,value,close_date,status
t.opp-b-old,t.b,10,2024-06-01,won
t.opp-b,t.b,100,2025-03-15,won
"""
# Pa (at A) refers B; B refers A back (a cycle); Pb (at B) and A both refer C (a diamond);
# a person at no account refers D.
REFERRALS = """source,target,date,by_person,value,outcome
t.pa,t.b,2025-01-01,,100,won
t.b,t.a,2025-02-01,t.pb,50,won
t.pb,t.c,2025-03-01,,70,open
t.a,t.c,2025-04-01,t.pa,30,lost
t.free,t.d,2025-05-01,,20,
"""


@pytest.fixture
def apex_all(seeds):
    """The store with all five seeds, and its default report."""
    store = seeds("apex", "hidden-decider", "jinchang", "kissinger", "xuri")
    return store, referrals(store)


def _short(party):
    """A party's id without its set's prefix (apex.jiahe -> jiahe)."""
    return party.id.split(".", 1)[1] if party else None


def _rows(generation):
    """Each referral of a generation: target, source, person credited, date, value, outcome, date won
    and days to win."""
    return [
        (
            _short(r.target),
            _short(r.source),
            _short(r.by_person),
            r.date,
            r.value,
            r.outcome,
            r.won_on,
            r.days_to_win,
        )
        for r in generation.referrals
    ]


def test_hengyuan_cascade_as_the_apex_readme_gives(apex_all):
    _, report = apex_all
    assert [c.root.id for c in report.cascades] == ["apex.hengyuan", "apex.huaxin"]
    hengyuan = report.cascades[0]
    assert [_rows(g) for g in hengyuan.generations] == [
        [
            ("jiahe", "hengyuan", "zheng-wei", "2024-09-12", 800000.0, "won", "2024-12-20", 99),
            ("ruifeng", "hengyuan", "zheng-wei", "2025-01-20", 300000.0, "lost", None, None),
        ],
        [
            ("dongsheng", "jiahe", "wu-gang", "2025-02-18", 250000.0, "won", "2025-06-30", 132),
            ("apex", "jiahe", "wu-gang", "2026-02-10", 1200000.0, "open", None, None),
        ],
        [("xinghai", "dongsheng", "feng-li", "2025-10-08", 400000.0, "open", None, None)],
    ]
    per_generation = [
        (g.number, g.reached, g.won, g.lost, g.open, g.value_won, g.value_open, g.conversion, g.days_to_win)
        for g in hengyuan.generations
    ]
    assert per_generation == [
        (1, 2, 1, 1, 0, 800000.0, 0.0, 0.5, 99.0),
        (2, 2, 1, 0, 1, 250000.0, 1200000.0, 1.0, 132.0),
        (3, 1, 0, 0, 1, 0.0, 400000.0, None, None),
    ]
    # README: "3 generations, reach 5 accounts, 1,050,000 won"
    totals = (
        len(hengyuan.generations),
        hengyuan.reached,
        hengyuan.won,
        hengyuan.lost,
        hengyuan.open,
        hengyuan.value_won,
        hengyuan.value_open,
        hengyuan.conversion,
        hengyuan.days_to_win,
    )
    assert totals == (3, 5, 2, 1, 2, 1050000.0, 1600000.0, 0.6667, 115.5)


def test_huaxin_cascade(apex_all):
    _, report = apex_all
    huaxin = report.cascades[1]
    assert [_rows(g) for g in huaxin.generations] == [
        [("kangning", "huaxin", "tang-hui", "2025-05-20", 500000.0, "won", "2025-09-30", 133)]
    ]
    totals = (huaxin.reached, huaxin.value_won, huaxin.conversion, huaxin.days_to_win)
    assert totals == (1, 500000.0, 1.0, 133.0)


def test_best_referrers_hengyuan_then_jiahe(apex_all):
    _, report = apex_all
    # README: "Best referrer: Hengyuan (5 accounts reached). Jiahe is second: 2 referrals, one won
    # and one open."
    got = [
        (x.party.id, x.referrals, x.won, x.value_won, x.reach, x.cascade_value_won) for x in report.referrers
    ]
    assert got == [
        ("apex.hengyuan", 2, 1, 800000.0, 5, 1050000.0),
        ("apex.jiahe", 2, 1, 250000.0, 3, 250000.0),
        ("apex.huaxin", 1, 1, 500000.0, 1, 500000.0),
        ("apex.dongsheng", 1, 0, 0.0, 1, 0.0),
    ]
    people = [(x.party.id, x.speaks_for, x.reach) for x in report.people]
    assert people == [
        ("apex.zheng-wei", ("恒远物流 Hengyuan Logistics",), 5),
        ("apex.wu-gang", ("嘉禾建设 Jiahe Construction",), 3),
        ("apex.tang-hui", ("华信医药 Huaxin Pharmaceutical",), 1),
        ("apex.feng-li", ("东升工程监理 Dongsheng Construction Supervision",), 1),
    ]
    assert [p.id for p in report.silent] == ["apex.kangning"]


def test_from_one_account(apex_all):
    store, _ = apex_all
    report = referrals(store, "apex.jiahe")
    (jiahe,) = report.cascades
    assert [[r.target.id for r in g.referrals] for g in jiahe.generations] == [
        ["apex.dongsheng", "apex.apex"],
        ["apex.xinghai"],
    ]
    assert [x.party.id for x in report.referrers] == ["apex.jiahe", "apex.dongsheng"]
    assert referrals(store, "apex.xinghai").cascades[0].generations == ()


def test_unknown_or_non_account_root_is_not_found(apex_all):
    store, _ = apex_all
    for bad in ("apex.nobody", "apex.wu-gang"):
        with pytest.raises(NotFound, match=bad):
            referrals(store, bad)


def test_text_reads_generation_by_generation(apex_all):
    text = as_text(apex_all[1])
    assert text.splitlines()[:3] == [
        "Referral cascade from 恒远物流 Hengyuan Logistics: 3 generation(s), 5 reached, "
        "2 won / 1 lost / 2 open, 1,050,000 won, 1,600,000 open, conversion 67%, "
        "115.5 days from referral to win",
        "  generation 1: 2 reached, 1 won / 1 lost / 0 open, 800,000 won, conversion 50%, "
        "99 days from referral to win",
        "    嘉禾建设 Jiahe Construction ← 恒远物流 Hengyuan Logistics (郑伟 Zheng Wei), "
        "2024-09-12: won 800,000 (won 2024-12-20, 99 days)",
    ]
    assert "Won accounts that have referred no one yet: 康宁医院 Kangning Hospital" in text


def test_cycles_diamonds_and_people_speaking_for_their_account(store, write_files):
    folder = write_files(
        {
            "accounts.csv": ACCOUNTS,
            "people.csv": PEOPLE,
            "opportunities.csv": OPPORTUNITIES,
            "referrals.csv": REFERRALS,
        }
    )
    import_path(store, folder, progress=False)
    report = referrals(store)
    # A and B reach each other: A's cascade is shown (more won), B's lies inside it.
    (cascade,) = report.cascades
    assert cascade.root.id == "t.a"
    assert [_rows(g) for g in cascade.generations] == [
        [
            # Pa works at A: her referral is A's. B's first won opportunity after the referral.
            ("b", "a", "pa", "2025-01-01", 100.0, "won", "2025-03-15", 73),
            # C is reached by A directly and through B: counted once, where first reached.
            ("c", "a", "pa", "2025-04-01", 30.0, "lost", None, None),
        ]
    ]
    assert (cascade.reached, cascade.conversion) == (2, 0.5)
    assert [(x.party.id, x.party.kind, x.referrals, x.reach) for x in report.referrers] == [
        ("t.a", "account", 2, 2),
        ("t.b", "account", 2, 2),
        ("t.free", "person", 1, 1),  # a person at no account is a referrer of their own
    ]
    assert [(x.party.id, x.referrals, x.reach, x.cascade_value_won) for x in report.people] == [
        ("t.pa", 2, 2, 100.0),
        ("t.pb", 2, 2, 50.0),
        ("t.free", 1, 1, 0.0),  # no outcome: open
    ]
    assert report.silent == ()
