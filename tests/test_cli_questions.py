"""The question commands print readable answers and JSON; unknown ids are one line, exit 2.
(Names instead of ids: tests/test_names_in_questions.py.)"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from tests.conftest import SEEDS


@pytest.fixture
def ask(seeds_db, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", "2026-11-23")
    db = seeds_db(*SEEDS)

    def run(*args: str):
        return CliRunner().invoke(main, [*args, "--db", db], catch_exceptions=False)

    return run


def test_path_reads_as_instructions(ask):
    out = ask("path", "jinchang.zhao-zhigang").output
    assert out.splitlines()[:2] == [
        "Warmest paths to 赵志刚 Zhao Zhigang:",
        "#1  warmth 0.5181  你 You → 李琼 Li Qiong → 赵志刚 Zhao Zhigang",
    ]
    assert (
        "Ask 李琼 Li Qiong (your neighbour; strong tie (0.8); last contact 2026-11) to introduce you to"
        in out
    )
    assert "! 刘斌 Liu Bin: tied to competitor 省电信 Provincial Telecom (close relations)" in out
    data = json.loads(ask("path", "jinchang.zhao-zhigang", "--json", "--k", "1").output)
    assert [p["warmth"] for p in data["paths"]] == [0.5181]


def test_chain_lists_kissingers_asks(ask):
    out = ask("chain", "kissinger.wb-president").output
    asks = [line.strip() for line in out.splitlines() if line.strip()[:2] in ("1.", "2.", "3.")]
    assert asks == [
        "1. 基辛格 Kissinger asks 穷老农 the poor farmer, offering Rothschild's daughter",
        "2. 基辛格 Kissinger asks 罗斯切尔德伯爵 Count Rothschild, offering a vice-president of the World Bank",  # noqa: E501
        "3. 基辛格 Kissinger asks 世界银行行长 President of the World Bank, offering Rothschild's son-in-law",
    ]


def test_brokers_table(ask):
    out = ask("brokers", "--among", "kissinger.farmer,kissinger.rothschild,kissinger.wb-president").output
    lines = out.splitlines()
    assert lines[1] == (
        "1. 基辛格 Kissinger connects 3 pairs of them who do not know each other: 穷老农 the poor farmer "
        "and 罗斯切尔德伯爵 Count Rothschild; 穷老农 the poor farmer and 世界银行行长 President of the World "
        "Bank; 罗斯切尔德伯爵 Count Rothschild and 世界银行行长 President of the World Bank."
    )
    assert lines[3] == "Details (Burt's measures: score, effective size, constraint)"
    assert lines[6].startswith("基辛格 Kissinger  3")


def test_committee_summary(ask):
    out = ask("committee", "apex.opp-apex-mobile-office").output
    assert "top risk in need: 陈虹 Chen Hong (35%)" in out
    assert "top risk in evaluate: 陈虹 Chen Hong (35%)" in out
    assert "support = Σ influence × stance value (champion +1, supporter +0.5, neutral +0" in out
    assert "entry point via 李青 Li Qing: 华通电子元件 Huatong Electronic Components" in out
    staged = json.loads(
        ask("committee", "apex.opp-apex-mobile-office", "--stage", "evaluate", "--json").output
    )
    assert staged["support"] == -42.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("path", "nobody"), "error: no person with id 'nobody'"),
        (("chain", "nobody"), "error: no person with id 'nobody'"),
        (("brokers", "--among", "a,b"), "error: no person with id 'a'"),
        (("committee", "nope"), "error: no opportunity with id 'nope'"),
    ],
)
def test_unknown_ids_are_one_line_and_exit_2(ask, args, message):
    result = ask(*args)
    assert result.exit_code == 2
    # the closest names follow, when there are any ("a" is in many)
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_influencers_lists_xiao_wang_and_the_figureheads(ask):
    out = ask("influencers", "hd.dingsheng").output
    assert "hidden influencers:\n  小王 Xiao Wang (0.6667): 6 people listen to them" in out
    figureheads = out.split("figureheads:\n")[1].splitlines()
    assert [line.split(" (")[0].strip() for line in figureheads] == [
        "副总裁 E Vice-President E",
        "副总裁 C Vice-President C",
        "副总裁 A Vice-President A",
    ]


def test_referrals_and_priority_commands(seeded, db):
    seeded("apex").close()
    run = CliRunner()
    out = run.invoke(main, ["referrals", "--db", db]).output
    assert out.startswith("Referral cascade from 恒远物流 Hengyuan Logistics: 3 generation(s), 5 reached")
    data = json.loads(run.invoke(main, ["priority", "--json", "--db", db]).output)
    assert data["accounts"][0]["name"] == "华信医药 Huaxin Pharmaceutical"
    bad = run.invoke(main, ["referrals", "--from", "nope", "--db", db])
    assert bad.exit_code == 2 and bad.output.startswith("error: no account with id 'nope'")
