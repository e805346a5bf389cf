"""Both engines side by side: `python -m bench.compare` prints, as a Markdown table, the figures
of bench/results/<scale>.json (embedded) and <scale>-neo4j.json (Neo4j) for every scale that
has both, as docs/performance.md quotes them. Run `make bench` with and without `DB=neo4j`
first."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import SCALES

HERE = Path(__file__).resolve().parent


def _ms(key: str, stat: str = "p50_ms") -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{r[key][stat]:,.1f} ms"


def _page(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: f"{r['pages'][key]['p50_ms']:,.1f} ms"


def _memory(r: dict[str, Any]) -> str:
    mem = r["memory_mb"]
    server = "?" if mem["database"] is None else f"{mem['database']:,}"
    total = "?" if mem["total"] is None else f"{mem['total']:,}"
    return f"{mem['python']:,} + {server} = {total}"


FIGURES: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
    ("import (ties/s)", lambda r: f"{r['import']['ties_per_s']:,}"),
    (
        "import: reading and checking + writing (s)",
        lambda r: (
            f"{r['import']['read_and_check_s']:.1f} + "
            f"{r['import']['seconds']['median'] - r['import']['read_and_check_s']:.1f}"
        ),
    ),
    ("graph read for path search", lambda r: f"{r['projection_read']['seconds']['median']:.2f} s"),
    ("warm path top-3 p50", _ms("warm_path")),
    ("warm path top-3 p95", _ms("warm_path", "p95_ms")),
    ("chain", _ms("chain")),
    ("brokers", _ms("brokers")),
    ("influencers", _ms("influencers")),
    ("committee", _ms("committee")),
    ("referrals", _ms("referrals")),
    ("committee page (server)", _page("committee_page")),
    ("path page (server)", _page("path_page")),
    ("memory (MB: python + database)", _memory),
    ("open the database again (Neo4j: restart it) (s)", lambda r: f"{r['reopen_s']:.1f}"),
    (
        "warmest path as networkx's",
        lambda r: "{same_warmest} of {targets}".format(**r["baseline"]["warm_path_agreement"]),
    ),
    ("load average (start, end)", lambda r: ", ".join(map(str, r.get("load_average") or ["?"]))),
]


def table(results: Path) -> str:
    """The Markdown table of every scale measured on both engines."""
    columns: list[tuple[str, dict[str, Any]]] = []
    for scale in SCALES:
        embedded, neo4j = results / f"{scale}.json", results / f"{scale}-neo4j.json"
        if embedded.is_file() and neo4j.is_file():
            columns.append((f"{scale} embedded", json.loads(embedded.read_text())))
            columns.append((f"{scale} Neo4j", json.loads(neo4j.read_text())))
    if not columns:
        raise SystemExit(f"no scale in {results} has both <scale>.json and <scale>-neo4j.json")
    lines = [
        "| figure | " + " | ".join(name for name, _ in columns) + " |",
        "|---|" + "---:|" * len(columns),
        *(f"| {figure} | " + " | ".join(show(r) for _, r in columns) + " |" for figure, show in FIGURES),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=HERE / "results")
    print(table(parser.parse_args(argv).results), end="")


if __name__ == "__main__":
    main()
