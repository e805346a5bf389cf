"""The command line's benchmark (bench/cli.py) runs end to end on a seed database, so it cannot
rot: a row per question, cold and warm, and its server stopped at the end (no timing is asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil

from bench import cli
from graphcrm.demo import load_demo
from graphcrm.store import keeper, open_store
from graphcrm.store.embedded import ServerInfo


def test_the_command_line_benchmark_reports_a_row_per_question(tmp_path: Path) -> None:
    db, out = tmp_path / "db", tmp_path / "out"
    with open_store(db) as store:
        load_demo(store, progress=False)

    skip = "brokers (everyone)"
    results = cli.main(["--db", str(db), "--scale", "tiny", "--runs", "1", "--out", str(out), "--skip", skip])

    asked = [q["question"] for q in results["questions"]]
    assert asked == [name for name, _ in cli.questions(results["arguments"]) if name != skip]
    assert {"--help", "path", "chain", "committee", "influencers", "referrals", "stats", "next"} <= set(asked)
    for q in results["questions"]:
        assert q["cold"]["wall_s"] > 0 and q["warm"]["wall_s"] > 0 and len(q["warm_runs"]) == 1
        assert q["cold"]["rss_mb"] > 0
    assert json.loads((out / "cli-tiny.json").read_text())["questions"] == results["questions"]
    table = (out / "cli-tiny.md").read_text()
    for name in asked:
        assert f"| {name} | `graphcrm " in table
    assert "Reproduce: `.venv/bin/python -m bench.cli --db " in table
    info = ServerInfo.read(db / "server.json")  # the benchmark stops the server it used
    assert info is None or not psutil.pid_exists(info.server_pid)


def _graphcrm(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPHCRM_KEEP_SERVER": "600"}
    return subprocess.run(
        [sys.executable, "-m", "graphcrm", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _appended(db: Path) -> int:
    """Bytes of the append-only files a starting server replays after its base file."""
    manifest = (db / "appendonlydir" / "appendonly.aof.manifest").read_text()
    files = [dict(zip(line.split()[::2], line.split()[1::2], strict=False)) for line in manifest.splitlines()]
    return sum((db / "appendonlydir" / f["file"]).stat().st_size for f in files if f.get("type") == "i")


def test_the_cold_runs_start_from_a_compacted_database(tmp_path: Path) -> None:
    """The keeper compacts a grown append-only file before it stops the server (`graphcrm stop`,
    as the benchmark does before each cold run): the next start loads one file."""
    db = tmp_path / "db"
    assert _graphcrm("stats", "--db", str(db)).returncode == 0  # a keeper keeps its server
    with open_store(db) as store:  # a client of that server
        store.write([("CREATE (:Scratch {blob: $blob})", {"blob": "x" * (keeper.COMPACT_FROM_BYTES + 1)})])
        store.write([("MATCH (s:Scratch) DELETE s", {})])
    assert _appended(db) > keeper.COMPACT_FROM_BYTES

    assert _graphcrm("stop", "--db", str(db)).stdout == f"stopped the server of {db}\n"
    assert _appended(db) == 0
    info = ServerInfo.read(db / "server.json")
    assert info is None or not psutil.pid_exists(info.server_pid)
    with open_store(db) as store:  # what was written is all there, once
        assert store.read("MATCH (s:Scratch) RETURN count(s) AS n") == [{"n": 0}]
        assert store.read("MATCH (n:GraphVersion) RETURN count(n) AS n")[0]["n"] >= 1


def test_the_pages_benchmark_reports_every_page(tmp_path: Path) -> None:
    """bench/pages.py on the demo: a row per page, each answered (no timing is asserted)."""
    from bench import pages

    db, out = tmp_path / "db", tmp_path / "out"
    with open_store(db) as store:
        load_demo(store, progress=False)
    results = pages.main(["--db", str(db), "--runs", "1", "--out", str(out)])
    assert [r["status"] for r in results["pages"]] == [200] * len(results["pages"])
    assert {r["page"] for r in results["pages"]} >= {"accounts (home)", "next steps (the whole team)"}
    table = (out / f"pages-{results['scale']}.md").read_text()
    assert (
        "| next steps (the whole team) |" in table and "Reproduce: `.venv/bin/python -m bench.pages" in table
    )
