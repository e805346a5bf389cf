"""Account priority (DOMAIN.md §4.6): seed 001's revenue × potential grid and the 80/20 line, pinned
on all five seeds."""

from __future__ import annotations

import pytest

from graphcrm.ingest.files import import_path
from graphcrm.priority import answer as priority
from graphcrm.priority import as_text
from graphcrm.settings import Settings


@pytest.fixture
def all_seeds(seeds):
    return seeds("apex", "hidden-decider", "jinchang", "kissinger", "xuri")


def test_every_account_with_its_tier_beside_the_recorded_one(all_seeds):
    report = priority(all_seeds, settings=Settings())
    got = [
        (a.id, a.revenue, a.potential, a.tier, a.recorded_tier, a.disagrees, a.cumulative_share, a.in_pareto)
        for a in report.accounts
    ]
    assert got == [
        ("apex.huaxin", 900000.0, 1500000.0, "A+", "A+", False, 0.2951, True),
        ("apex.jiahe", 800000.0, 1000000.0, "A+", "A", True, 0.5574, True),  # potential 1,000,000 is high
        ("apex.hengyuan", 600000.0, 800000.0, "B", "A", True, 0.7541, True),
        ("apex.kangning", 500000.0, 700000.0, "B", "B", False, 0.918, True),  # crosses 80%
        ("apex.dongsheng", 250000.0, 300000.0, "C", "B", True, 1.0, False),
        ("apex.apex", 0.0, 1500000.0, "A", "A", False, 1.0, False),
        ("xuri.xuri", 0.0, 1200000.0, "A", "A", False, 1.0, False),
        ("jinchang.jinchang", 0.0, 1000000.0, "A", "B", True, 1.0, False),
        ("hd.dingsheng", 0.0, 1000000.0, "A", "A", False, 1.0, False),
        ("apex.xinghai", 0.0, 400000.0, "C", "B", True, 1.0, False),
        ("apex.ruifeng", 0.0, 300000.0, "C", "C", False, 1.0, False),
    ]
    # Orgs (suppliers, competitors, the Kissinger banks, our own company) are not accounts.
    assert "kissinger.world-bank" not in {a.id for a in report.accounts}
    assert report.tier_counts == {"A+": 2, "A": 4, "B": 2, "C": 3}
    assert report.disagreements == (
        "apex.jiahe",
        "apex.hengyuan",
        "apex.dongsheng",
        "jinchang.jinchang",
        "apex.xinghai",
    )


def test_four_of_eleven_accounts_make_80_percent_of_revenue(all_seeds):
    report = priority(all_seeds, settings=Settings())
    assert report.total_revenue == 3050000.0
    line = (report.pareto_count, report.pareto_account_share, report.pareto_revenue_share)
    assert line == (4, 0.3636, 0.918)
    assert as_text(report).splitlines()[0] == (
        "4 of 11 accounts (36.4%) make 91.8% of revenue (3,050,000 in all; the line is at 80%)"
    )


def test_thresholds_and_line_are_settings(all_seeds, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TIER_REVENUE", "800000")
    monkeypatch.setenv("GRAPHCRM_TIER_POTENTIAL", "1500000")
    monkeypatch.setenv("GRAPHCRM_PARETO_SHARE", "0.5")
    report = priority(all_seeds)
    tiers = {a.id: a.tier for a in report.accounts}
    assert (tiers["apex.huaxin"], tiers["apex.jiahe"], tiers["apex.hengyuan"], tiers["apex.apex"]) == (
        "A+",
        "B",
        "C",
        "A",
    )
    assert [a.id for a in report.accounts if a.in_pareto] == ["apex.huaxin", "apex.jiahe"]


@pytest.mark.parametrize(
    ("variable", "value"), [("GRAPHCRM_PARETO_SHARE", "80"), ("GRAPHCRM_TIER_REVENUE", "-1")]
)
def test_a_bad_setting_names_the_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=f"{variable}='{value}'"):
        Settings.from_env()


def test_no_revenue_anywhere_puts_nobody_inside_the_line(store, write_files):
    accounts = "id,name,kind,tier,potential\nt.x,X,prospect,A,\nt.y,Y,prospect,,5\n"
    folder = write_files({"accounts.csv": accounts})
    import_path(store, folder, progress=False)
    report = priority(store, settings=Settings())
    assert [(a.id, a.revenue, a.potential, a.tier, a.disagrees, a.in_pareto) for a in report.accounts] == [
        ("t.y", 0.0, 5.0, "C", False, False),  # no recorded tier: nothing to disagree with
        ("t.x", 0.0, 0.0, "C", True, False),
    ]
    line = (report.pareto_count, report.pareto_account_share, report.pareto_revenue_share)
    assert line == (0, 0.0, 0.0)
