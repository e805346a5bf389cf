"""The benchmark runs end to end at a tiny scale, so it cannot rot (no timing is asserted):
on the embedded default and, through the session's Neo4j, with `--db neo4j`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bench import compare, run
from bench.engine import engine, wipe
from graphcrm.store import StoreError, open_store

TINY = ["--scale", "tiny", "--runs", "1", "--import-runs", "1", "--targets", "4", "--baseline-targets", "3"]


def check(results: dict, out: Path, name: str) -> None:
    assert results["import"]["ties"] == 10_000
    assert results["projection_read"]["ties"] > 10_000  # symmetric ties are read both ways
    for figure in ("warm_path", "chain", "brokers", "influencers", "committee", "referrals"):
        assert results[figure]["n"] >= 1
    assert results["pages"]["committee_page"]["n"] >= 1
    # graphcrm's warmest path is networkx's on every compared target
    assert results["baseline"]["warm_path_agreement"] == {"targets": 3, "same_warmest": 3}
    assert json.loads((out / f"{name}.json").read_text())["scale"] == "tiny"
    table = (out / f"{name}.md").read_text()
    assert "| warm path top-3 p95 |" in table and "| import (ties/s) |" in table


def test_the_benchmark_runs_at_a_tiny_scale_and_reports(tmp_path: Path) -> None:
    results = run.main([*TINY, "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")])
    check(results, tmp_path / "out", "tiny")
    assert results["database"] == {"engine": "embedded"}
    assert results["memory_mb"]["database"] > 0  # the embedded server, our child


def test_the_benchmark_runs_on_neo4j_and_reports_beside_the_embedded_results(
    tmp_path: Path, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    with open_store(neo4j_uri) as store:
        wipe(store)  # what earlier tests left in the session's Neo4j
    out = tmp_path / "out"
    results = run.main([*TINY, "--db", "neo4j", "--data", str(tmp_path / "data"), "--out", str(out)])

    check(results, out, "tiny-neo4j")
    assert not (out / "tiny.md").exists()  # the embedded results are not overwritten
    assert results["database"]["engine"] == "neo4j"
    assert "| graphcrm (Neo4j) |" in (out / "tiny-neo4j.md").read_text()
    with open_store(neo4j_uri) as store:  # the run deletes what it imported into NEO4J_URI
        assert not store.read("MATCH (n:Node) RETURN n.id LIMIT 1")
    # the side-by-side table of docs/performance.md (here with the same run in both columns)
    shutil.copy(out / "tiny-neo4j.json", out / "tiny.json")
    assert "| figure | tiny embedded | tiny Neo4j |" in compare.table(out)


def test_the_benchmark_refuses_a_neo4j_holding_data(
    tmp_path: Path, neo4j_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    with open_store(neo4j_uri) as store:
        wipe(store)
        store.write([("CREATE (:Node:Person {id: 'someone', name: 'Someone'})", {})])
        try:
            with pytest.raises(StoreError, match="holds data"), engine("neo4j", "tiny", tmp_path):
                pass
            assert store.read("MATCH (n:Node) RETURN n.id AS id") == [{"id": "someone"}]  # left alone
        finally:
            wipe(store)
