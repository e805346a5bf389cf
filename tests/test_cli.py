"""The command line: each command on a temporary database, errors as one line and exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.export import export_lines
from graphcrm.store import open_store
from tests.conftest import SEEDS
from tests.test_import import MINI

LINKEDIN = Path(__file__).parent / "data" / "linkedin" / "Connections.csv"


def test_demo_loads_every_seed_idempotently_and_says_how_to_query(cli, db):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    for seed in SEEDS:
        assert f"seeds/{seed}: imported:" in first.output
    assert "Person       61" in first.output and "graphcrm query" in first.output
    with open_store(db) as store:
        before = list(export_lines(store))
    assert cli("demo").exit_code == 0
    with open_store(db) as store:
        assert list(export_lines(store)) == before


def test_import_then_stats(cli):
    result = cli("import", str(MINI))
    assert result.exit_code == 0
    assert result.output.startswith("mini: imported: 2 accounts, ")
    stats = cli("stats").output
    assert "Person       3" in stats and "KNOWS         4" in stats
    again = cli("import", str(MINI))
    assert again.exit_code == 0
    assert again.output.startswith("mini: imported: 2 accounts, ")
    assert again.output.rstrip().endswith("referral; all of it was there already, as it is: nothing changed")


def test_import_dry_run_writes_nothing(cli):
    result = cli("import", str(MINI), "--dry-run")
    assert "would import (dry run, nothing written)" in result.output
    assert "(no rows)" in cli("query", "stats/labels").output


def test_bad_import_lists_every_problem_and_exits_2(cli, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(MINI, folder)
    ties = folder / "ties.csv"
    ties.write_text(ties.read_text().replace("KNOWS,0.8", "KNOWS,9") + "p1,ghost,KNOWS,,,,\n")
    result = CliRunner().invoke(main, ["import", str(folder), "--db", str(tmp_path / "db")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "ties.csv:2:strength: number out of range (got '9', expected a number from 0 to 1)",
        "ties.csv:6:target: unknown id (got 'ghost', expected the id of a person defined in this import or "
        "already in the database)",
        "error: nothing was imported: 2 problem(s) listed above",
    ]


def test_missing_path_is_one_line_exit_2(cli, tmp_path):
    result = cli("import", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.output.strip().endswith("error: nothing was imported: 1 problem(s) listed above")
    assert "nowhere: no such file or folder" in result.output


def test_unreachable_database_is_one_line_exit_2():
    result = CliRunner().invoke(main, ["stats", "--db", "falkordb://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith("error: cannot reach FalkorDB at falkordb://127.0.0.1:1")


def test_query_by_name_file_and_text_with_params(cli, tmp_path):
    cli("import", str(MINI))
    by_text = cli(
        "query",
        "MATCH (p:Person {id: $id}) RETURN p.name AS name, p.rank AS rank",
        "--param",
        "id=p1",
        "--json",
    )
    assert json.loads(by_text.output) == [{"name": "李琼 Li Qiong", "rank": 3}]
    query_file = tmp_path / "q.cypher"
    query_file.write_text("MATCH (p:Person) WHERE p.rank >= $r RETURN p.id AS id ORDER BY id")
    table = cli("query", str(query_file), "--param", "r=2").output
    assert table.splitlines() == ["id", "--", "p1", "p2"]
    assert "Person" in cli("query", "stats/labels").output


def test_query_errors(cli):
    assert cli("query", "no-such-query").exit_code == 2
    bad = cli("query", "MATCH (n RETURN n")
    assert bad.exit_code == 2 and bad.output.startswith("error: the query failed:")
    assert cli("query", "RETURN 1 AS x", "--param", "novalue").exit_code == 2


def test_export_then_import_into_an_empty_database_reproduces_the_graph(tmp_path):
    runner = CliRunner()
    first, second = str(tmp_path / "one"), str(tmp_path / "two")
    assert runner.invoke(main, ["demo", "--db", first]).exit_code == 0
    out = tmp_path / "graph.jsonl"
    assert runner.invoke(main, ["export", "--out", str(out), "--db", first]).exit_code == 0
    result = runner.invoke(main, ["import", str(out), "--db", second])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.jsonl"
    assert runner.invoke(main, ["export", "--out", str(again), "--db", second]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    assert len(out.read_text().splitlines()) == 101 + 374  # nodes + relationships of the demo


def test_export_file_with_problems(cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"type":"node","id":"a","labels":["Person"],"properties":{}}\n'
        "not json\n"
        '{"type":"node","id":"b","labels":["Planet"],"properties":{}}\n'
        '{"type":"relationship","rel":"KNOWS","start":"a","end":"zz","properties":{}}\n'
    )
    result = cli("import", str(bad))
    assert result.exit_code == 2
    assert result.output.splitlines()[:3] == [
        "bad.jsonl:2: not a JSON object (got 'not json', expected JSON (Expecting value))",
        "bad.jsonl:3:labels: unknown labels (got \"['Planet']\", expected one of Account, Org, Person, "
        "Opportunity, and Rep for our team)",
        "bad.jsonl:4:end: unknown id (got 'zz', expected the id of an account or an organisation or a person "
        "or an opportunity defined in this import or already in the database)",
    ]


def test_linkedin_export(cli, db):
    cli("import", str(MINI))
    result = cli("import-linkedin", str(LINKEDIN), "--rep", "rep1")
    assert result.exit_code == 0, result.output
    with open_store(db) as store:
        rows = store.read(
            "MATCH (:Rep {id: 'rep1'})-[k:KNOWS {context: 'linkedin'}]->(p:Person)-[:WORKS_AT]->(c) "
            "RETURN p.id AS id, p.name AS name, p.title AS title, c.id AS company, k.since AS since, "
            "k.strength AS strength ORDER BY id"
        )
    assert rows == [
        {
            "id": "li:ann-lee-12",
            "name": "Ann Lee",
            "title": "CIO",
            "company": "acme",
            "since": "2023-03-15",
            "strength": 0.3,
        },
        {
            "id": "li:wang-fang",
            "name": "王芳",
            "title": "采购经理",
            "company": "li-org:新华科技",
            "since": "2024-01-02",
            "strength": 0.3,
        },
    ]
    again = cli("import-linkedin", str(LINKEDIN), "--rep", "rep1")
    assert again.exit_code == 0


def test_linkedin_export_with_unknown_rep_and_changed_notes(cli, tmp_path):
    result = cli("import-linkedin", str(LINKEDIN), "--rep", "nobody")
    assert result.exit_code == 2
    assert "--rep: unknown id (got 'nobody', expected the id of a person" in result.output
    broken = tmp_path / "Connections.csv"
    broken.write_text("Notes:\nwhatever\nFirst,Last\nA,B\n")
    result = cli("import-linkedin", str(broken), "--rep", "nobody")
    assert result.exit_code == 2
    assert result.output.startswith("Connections.csv:1: no LinkedIn header found")
