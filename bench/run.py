"""Run the benchmark at one scale and report: `python -m bench.run --scale S` (`make bench`).

Generates the synthetic data set (bench/generate.py; kept in bench/data/ for the next run),
imports it into a fresh database, times each question through graphcrm's own functions, and
the same questions with networkx and igraph from the same files (bench/baseline.py). Every
figure is the median (and, for warm paths, the p95) of repeated runs. The database is the
embedded default, or with `--db neo4j` a Neo4j (`$NEO4J_URI`, an empty scratch database, else
a local one started for the run: see bench/engine.py). Writes bench/results/<scale>.json and
.md (<scale>-neo4j.json and .md for Neo4j); docs/performance.md quotes them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from bench import baseline
from bench.engine import ENGINES, engine
from bench.generate import SCALES, generate
from graphcrm import projection
from graphcrm.chains import brokers, chains
from graphcrm.committee import committee
from graphcrm.demo import seed_path
from graphcrm.influencers import _answer as _influencers
from graphcrm.ingest.files import import_path
from graphcrm.paths import hazards_around, warm_paths
from graphcrm.referrals import referrals
from graphcrm.settings import Settings
from graphcrm.store import Store, open_store

HERE = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 23)  # the generator's "today": warmth ages are the same every run


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="S", choices=list(SCALES))
    parser.add_argument("--db", default="embedded", choices=ENGINES, help="the engine (see bench/engine.py)")
    parser.add_argument("--neo4j-heap", help="a local Neo4j's JVM heap (default: by scale, bench/engine.py)")
    parser.add_argument("--neo4j-pagecache", help="a local Neo4j's page cache (default: by scale)")
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each timed call")
    parser.add_argument("--import-runs", type=int, default=3, help="imports into fresh databases")
    parser.add_argument("--targets", type=int, default=50, help="people to find warm paths to")
    parser.add_argument("--baseline-targets", type=int, default=10, help="of them, for networkx")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    results = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    name = args.scale if args.db == "embedded" else f"{args.scale}-{args.db}"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results)
    (args.out / f"{name}.md").write_text(text)
    print(text)
    return results


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement of one scale, as a JSON-ready dict."""
    settings = Settings(today=TODAY)
    folder, manifest, generated = _data(args.data, args.scale)
    results: dict[str, Any] = {
        "scale": args.scale,
        "machine": _machine(),
        "load_average": [round(os.getloadavg()[0], 1)],  # at the start, then at the end: others' jobs
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "counts": manifest["counts"],
        "generate_s": generated,
        "runs": args.runs,
    }
    ties = manifest["counts"]["ties.csv"]
    with (
        tempfile.TemporaryDirectory(prefix="graphcrm-bench-") as tmp,
        engine(args.db, args.scale, Path(tmp), args.neo4j_heap, args.neo4j_pagecache) as db,
    ):
        results["database"] = db.describe()
        # reading and checking only, against an empty database: the rest of an import is writing
        dry = db.fresh("dry")
        with open_store(dry) as empty:
            checking = _time(lambda: import_path(empty, folder, dry_run=True, progress=False))
        db.discard(dry)
        imports = []
        runs = max(args.import_runs, 1)
        for attempt in range(runs):
            url = db.fresh(attempt)
            store = open_store(url)
            imports.append(_time(lambda s=store: import_path(s, folder, progress=False)))
            if attempt < runs - 1:
                store.close()
                db.discard(url)
        # into a database that holds records already (a seed): batches of Cypher, checks included
        held_url = db.fresh("held")
        with open_store(held_url) as held:
            import_path(held, seed_path("apex"), progress=False)
            into_held = _time(lambda: import_path(held, folder, progress=False))
        db.discard(held_url)
        with store:  # the last import's database answers the questions
            results |= _questions(store, url, folder, manifest, settings, args)
            results["memory_mb"] = _memory(db.server_rss())  # before the baselines build graphs
            results |= _baselines(store, folder, manifest, settings, args)
        results["reopen_s"] = round(db.reopen(url), 2)
        results["load_average"] = [results["load_average"][0], round(os.getloadavg()[0], 1)]
        seconds = statistics.median(imports)
        results["import"] = {
            "seconds": _all(imports),
            "read_and_check_s": round(checking, 2),
            "ties": ties,
            "ties_per_s": round(ties / seconds),
            "into_held_s": round(into_held, 2),
            "into_held_ties_per_s": round(ties / into_held),
        }
    return results


def _questions(
    store: Store,
    url: str,
    folder: Path,
    manifest: dict[str, Any],
    settings: Settings,
    args: argparse.Namespace,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    runs = args.runs
    reads = [_time(lambda: projection.read_network(store)) for _ in range(runs)]
    out["projection_read"] = {"seconds": _all(reads), "ties": projection.network(store).tie_count}

    targets = manifest["targets"][: args.targets]
    opportunities = manifest["open_opportunities"][:10]
    account = manifest["big_account"]
    out["warm_path"] = _over(lambda t: warm_paths(store, t, k=3, settings=settings), targets, runs)
    out["chain"] = _over(lambda t: chains(store, t, settings=settings), targets[:10], runs)
    out["brokers"] = _over(lambda o: brokers(store, opportunity=o), opportunities, runs)
    # worked out each time: the answer is kept with the graph's version (projection.remembered)
    out["influencers"] = _over(lambda a: _influencers(store, a, settings), [account], runs)
    out["committee"] = _over(lambda o: committee(store, o, settings=settings), opportunities, runs)
    out["referrals"] = _over(lambda _: referrals(store), [None], runs)
    out["pages"] = _pages(url, targets[:10], opportunities, runs)
    return out


def _baselines(
    store: Store,
    folder: Path,
    manifest: dict[str, Any],
    settings: Settings,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """The same questions answered by networkx and igraph from the CSV files."""
    out: dict[str, Any] = {}
    runs = args.runs
    targets = manifest["targets"][: args.targets]
    opportunities = manifest["open_opportunities"][:10]
    account = manifest["big_account"]
    started = time.perf_counter()
    base = baseline.load(folder, settings)
    out["baseline_load_s"] = round(time.perf_counter() - started, 3)
    some = targets[: args.baseline_targets]
    net = projection.network(store)
    avoid = {t: {a.id for a in hazards_around(store, net, t)["hostile"]} - {t} for t in some}
    ours = {t: [p.warmth for p in warm_paths(store, t, k=3, settings=settings).paths] for t in some}
    theirs = {t: baseline.nx_warm_paths(base, t, avoid[t]) for t in some}
    out["baseline"] = {
        "warm_path": {
            "networkx": _over(lambda t: baseline.nx_warm_paths(base, t, avoid[t]), some, 1),
            "igraph": _over(lambda t: baseline.ig_warm_paths(base, t, avoid[t]), some, 1),
        },
        "warm_path_agreement": _agreement(ours, theirs),
        "influencers": {
            "networkx": _over(lambda a: baseline.nx_influencers(base, a), [account], runs),
            "igraph": _over(lambda a: baseline.ig_influencers(base, a), [account], runs),
        },
        "brokers": {
            "networkx": _over(lambda o: baseline.nx_brokers(base, o), opportunities, 1),
            "igraph": _over(lambda o: baseline.ig_brokers(base, o), opportunities, 1),
        },
        "referrals": {"networkx": _over(lambda _: baseline.nx_referrals(base), [None], runs)},
    }
    return out


def _pages(url: str, targets: list[str], opportunities: list[str], runs: int) -> dict[str, Any]:
    """Server time of the committee and path pages (Flask's test client: no network)."""
    from graphcrm.web import create_app

    app = create_app({"DB": url, "TESTING": True})
    client = app.test_client()

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    client.get("/")
    return {
        "committee_page": _latency(
            [_time(lambda o=o: get(f"/opportunities/{o}")) for _ in range(runs) for o in opportunities]
        ),
        "path_page": _latency(
            [_time(lambda t=t: get(f"/paths?target={t}")) for _ in range(runs) for t in targets]
        ),
    }


def _agreement(ours: dict[str, list[float]], theirs: dict[str, list[float]]) -> dict[str, int]:
    """On how many targets graphcrm's warmest path is as warm as networkx's (4 decimals)."""
    same = sum(1 for t in ours if ours[t][:1] == [round(w, 4) for w in theirs.get(t, [])[:1]])
    return {"targets": len(ours), "same_warmest": same}


# -- helpers ------------------------------------------------------------------------------------


def _data(root: Path, scale: str) -> tuple[Path, dict[str, Any], float | None]:
    """The scale's data folder, generated unless already there; the generation time if made."""
    people, ties = SCALES[scale]
    folder = root / scale
    manifest_path = folder / "manifest.json"
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if (manifest.get("people"), manifest.get("ties")) == (people, ties):
            return folder, manifest, None
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    manifest = generate(folder, people, ties)
    return folder, manifest, round(time.perf_counter() - started, 1)


def _over(fn: Callable[[Any], Any], items: list[Any], runs: int) -> dict[str, float]:
    """Latency of `fn` on every item, `runs` rounds over all items."""
    return _latency([_time(lambda x=x: fn(x)) for _ in range(runs) for x in items])


def _time(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _all(seconds: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(seconds), 4), "min": round(min(seconds), 4), "n": len(seconds)}


def _latency(seconds: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds."""
    ms = np.asarray(seconds) * 1000
    return {
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "n": len(seconds),
    }


def _memory(server: int | None) -> dict[str, float | None]:
    """Resident memory of this process and of the database server (`server` bytes: the
    embedded server, our child, or Neo4j's Java process; None when unknown), in MB."""
    python = psutil.Process().memory_info().rss
    return {
        "python": round(python / 2**20),
        "database": None if server is None else round(server / 2**20),
        "total": None if server is None else round((python + server) / 2**20),
    }


def _machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": _cpu_name(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def _cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def _rows(results: dict[str, Any]) -> Iterator[tuple[str, str, str, str, str]]:
    """(figure, graphcrm, networkx, igraph, ratio) lines of the report."""
    b = results["baseline"]

    def ms(x: dict[str, float] | None, key: str = "p50_ms") -> str:
        return "" if x is None else f"{x[key]:,.1f} ms"

    def ratio(ours: dict[str, float], theirs: dict[str, float] | None) -> str:
        if theirs is None:
            return ""
        times = theirs["p50_ms"] / max(ours["p50_ms"], 1e-9)
        return f"{times:,.1f}×" if times >= 1 else f"{times:.2f}×"

    imp = results["import"]
    yield ("import (ties/s)", f"{imp['ties_per_s']:,}", "", "", "")
    yield ("import: reading and checking, then writing (s)", _split(imp), "", "", "")
    if "into_held_ties_per_s" in imp:
        yield (
            "import into a database holding records (ties/s)",
            f"{imp['into_held_ties_per_s']:,} ({imp['into_held_s']:.1f} s)",
            "",
            "",
            "",
        )
    yield (
        "graph read for path search",
        f"{results['projection_read']['seconds']['median']:.2f} s",
        "",
        "",
        "",
    )
    wp = results["warm_path"]
    yield (
        "warm path top-3 p50",
        ms(wp),
        ms(b["warm_path"]["networkx"]),
        ms(b["warm_path"]["igraph"]),
        ratio(wp, b["warm_path"]["networkx"]),
    )
    yield (
        "warm path top-3 p95",
        ms(wp, "p95_ms"),
        ms(b["warm_path"]["networkx"], "p95_ms"),
        ms(b["warm_path"]["igraph"], "p95_ms"),
        "",
    )
    yield ("chain", ms(results["chain"]), "", "", "")
    for key in ("brokers", "influencers", "referrals"):
        theirs = b[key]
        yield (
            key,
            ms(results[key]),
            ms(theirs.get("networkx")),
            ms(theirs.get("igraph")),
            ratio(results[key], theirs.get("networkx")),
        )
    yield ("committee", ms(results["committee"]), "", "", "")
    yield ("committee page (server)", ms(results["pages"]["committee_page"]), "", "", "")
    yield ("path page (server)", ms(results["pages"]["path_page"]), "", "", "")
    mem = results["memory_mb"]
    server = "?" if mem["database"] is None else f"{mem['database']:,}"
    total = "?" if mem["total"] is None else f"{mem['total']:,}"
    yield ("memory (MB: python + database)", f"{mem['python']:,} + {server} = {total}", "", "", "")
    database = results.get("database", {})
    reopen = (
        "restart the server and open the database (s)"
        if database.get("local")
        else "open the database again (s)"
        if database.get("engine", "embedded") == "embedded"
        else "connect again (s)"
    )
    yield (reopen, f"{results['reopen_s']:.1f}", "", "", "")


def _split(imp: dict[str, Any]) -> str:
    total = imp["seconds"]["median"]
    return f"{imp['read_and_check_s']:.1f} + {total - imp['read_and_check_s']:.1f} = {total:.1f}"


def _load(load: list[float] | None) -> str:
    """The machine's 1-minute load average at the start and the end (other jobs share it)."""
    return f" Load average {load[0]} at the start, {load[-1]} at the end." if load else ""


def _database_line(database: dict[str, Any]) -> list[str]:
    """The Neo4j the run used, in a sentence (nothing for the embedded default)."""
    if database["engine"] != "neo4j":
        return []
    where = (
        f"a local one (tools/neo4j/), JVM heap {database['heap']}, page cache {database['pagecache']}"
        if database["local"]
        else "the scratch database of NEO4J_URI"
    )
    plugins = ", ".join(
        f"{name} ({database[key]} procedures)" if database[key] else f"no {name}"
        for name, key in (("GDS", "gds_procedures"), ("APOC", "apoc_procedures"))
    )
    return [
        "",
        f"Neo4j {database['version']} {database['edition']}: {where}; {plugins}.",
    ]


def report(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    counts = results["counts"]
    agree = results["baseline"]["warm_path_agreement"]
    database = results.get("database", {"engine": "embedded"})
    engine = "Neo4j" if database["engine"] == "neo4j" else "embedded"
    lines = [
        f"### Scale {results['scale']}, {engine}: {counts['people.csv']:,} people, "
        f"{results['import']['ties']:,} ties ({results['date']})",
        "",
        f"Machine: {results['machine']['cpus']} CPUs ({results['machine']['cpu']}), "
        f"{results['machine']['memory_gb']} GB, Python {results['machine']['python']}. "
        f"Median of {results['runs']} runs; import: median of {results['import']['seconds']['n']}."
        + _load(results.get("load_average")),
        *_database_line(database),
        "",
        f"| figure | graphcrm ({engine}) | networkx | igraph | networkx ÷ graphcrm |",
        "|---|---:|---:|---:|---:|",
        *(f"| {' | '.join(row)} |" for row in _rows(results)),
        "",
        f"Warmest path as warm as networkx's on {agree['same_warmest']} of {agree['targets']} targets.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
