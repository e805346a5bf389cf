"""The benchmark runs end to end at a tiny scale, so it cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import run


def test_the_benchmark_runs_at_a_tiny_scale_and_reports(tmp_path: Path) -> None:
    args = [
        "--scale",
        "tiny",
        "--runs",
        "1",
        "--import-runs",
        "1",
        "--targets",
        "4",
        "--baseline-targets",
        "3",
    ]
    results = run.main([*args, "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out")])

    assert results["import"]["ties"] == 10_000
    assert results["projection_read"]["ties"] > 10_000  # symmetric ties are read both ways
    for figure in ("warm_path", "chain", "brokers", "influencers", "committee", "referrals"):
        assert results[figure]["n"] >= 1
    assert results["pages"]["committee_page"]["n"] >= 1
    # graphcrm's warmest path is networkx's on every compared target
    assert results["baseline"]["warm_path_agreement"] == {"targets": 3, "same_warmest": 3}
    assert json.loads((tmp_path / "out" / "tiny.json").read_text())["scale"] == "tiny"
    table = (tmp_path / "out" / "tiny.md").read_text()
    assert "| warm path top-3 p95 |" in table and "| import (ties/s) |" in table
