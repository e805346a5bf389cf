"""Import speed and memory at one scale: `python -m bench.imports --scale M` (issue 17).

Each import runs in a process of its own (as `graphcrm import` does), so that its peak memory
is the importer's alone: the resident set of the Python process (`ru_maxrss` of the process
itself; the embedded database server is another process, reported apart by `bench.run`).
Three imports of the scale's data set (bench/data/<scale>, made by bench/generate.py):

- **empty**: into a new database (the embedded engine takes FalkorDB's bulk protocol,
  `graphcrm.store.bulk`; Neo4j, batches of UNWIND);
- **held**: into a database that holds a seed already (apex): batches of Cypher, every tie
  new;
- **again**: the same files into the database they were imported into (every node and tie
  there already: merged, nothing changes);
- **added**: then the next smaller scale's files into that same database (at M: S's 100,000
  ties, among people there already, into M's million): what a day's or a week's export of
  new ties does to a database that holds the organisation.
- **added again**: the smaller scale's files once more, unchanged: an export imported again
  (records and ties there as the import would leave them are not written).

Every figure is wall time of `import_path`, reading and checking included, and ties per second
(ties.csv's rows over that time). The clock starts once the disk has written what was written
before (`os.sync`): the embedded server fsyncs every write, and the first fsync of an import
that follows a large one waited up to 0.25 s for the earlier one's data to reach the disk.
Writes bench/results/import-<scale>[-neo4j].json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.engine import ENGINES, engine
from bench.generate import SCALES
from bench.run import HERE, _data, _machine

CHILD = """
import json, os, resource, sys, time
from pathlib import Path
from graphcrm.ingest.files import import_path
from graphcrm.store import open_store
url, first, folder = sys.argv[1:]
with open_store(url) as store:
    if first:
        import_path(store, Path(first), progress=False)
    os.sync()  # the disk done with earlier writes: the first fsync would wait for them
    started, cpu = time.perf_counter(), time.process_time()
    import_path(store, Path(folder), progress=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mb": round(peak / 2**20)}))
"""


def one(url: str, folder: Path, first: Path | None = None) -> dict[str, Any]:
    """Import `folder` (after `first`, untimed) into `url` in a child process: its figures."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, str(first or ""), str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GRAPHCRM_KEEP_SERVER": "0"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    from graphcrm.demo import seed_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S")
    parser.add_argument("--db", default="embedded", choices=ENGINES)
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--skip-again", action="store_true", help="leave out the re-import")
    parser.add_argument(
        "--skip-added", action="store_true", help="leave out the smaller scale's files added after"
    )
    args = parser.parse_args(argv)
    folder, manifest, _ = _data(args.data, args.scale)
    scales = list(SCALES)
    below = scales[scales.index(args.scale) - 1] if scales.index(args.scale) > 0 else None
    smaller = _data(args.data, below)[:2] if below is not None and not args.skip_added else None
    ties = manifest["counts"]["ties.csv"]
    results: dict[str, Any] = {
        "scale": args.scale,
        "db": args.db,
        "ties": ties,
        "machine": _machine(),
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "load_average": [round(os.getloadavg()[0], 1)],
    }
    with (
        tempfile.TemporaryDirectory(prefix="graphcrm-imports-") as tmp,
        engine(args.db, args.scale, Path(tmp), None, None) as db,
    ):
        url = db.fresh("empty")
        results["empty"] = one(url, folder)
        if not args.skip_again:
            results["again"] = one(url, folder)
        if smaller is not None:
            results["added"] = one(url, smaller[0])
            results["added"]["ties"] = smaller[1]["counts"]["ties.csv"]
            results["added again"] = one(url, smaller[0])
            results["added again"]["ties"] = smaller[1]["counts"]["ties.csv"]
        db.discard(url)
        url = db.fresh("held")
        results["held"] = one(url, folder, seed_path("apex"))
        db.discard(url)
    results["load_average"].append(round(os.getloadavg()[0], 1))
    for case in ("empty", "held", "again", "added", "added again"):
        if case in results:
            results[case]["ties_per_s"] = round(results[case].get("ties", ties) / results[case]["seconds"])
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"import-{args.scale}" + ("" if args.db == "embedded" else f"-{args.db}")
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results)
    (args.out / f"{name}.md").write_text(text)
    print(text)
    return results


def report(results: dict[str, Any]) -> str:
    """The figures as a Markdown table."""
    words = {
        "empty": "into an empty database",
        "held": "into a database holding a seed",
        "again": "the same files again (all merged)",
        "added": "then the smaller scale's ties added",
        "added again": "the smaller scale's files again (nothing changed)",
    }
    lines = [
        f"### Import at {results['scale']}, {results['db']}: {results['ties']:,} ties ({results['date']})",
        "",
        f"Load average {results['load_average'][0]} at the start, {results['load_average'][-1]} at the end.",
        "",
        "| import | seconds | CPU s (importer) | ties/s | importer peak (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for case, word in words.items():
        if case in results:
            r = results[case]
            lines.append(
                f"| {word} | {r['seconds']:.1f} | {r['cpu_s']:.1f} | {r['ties_per_s']:,} | {r['peak_mb']:,} |"
            )
    return "\n".join([*lines, ""])


if __name__ == "__main__":
    main()
