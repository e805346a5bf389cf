"""Time every question of the command line, as a user runs it from a shell:
`python -m bench.cli --db FOLDER` (`make bench-cli CLI_DB=FOLDER`).

Each command is a new process (`graphcrm ...`, the script beside this Python), timed by the
wall clock, with its CPU time and peak resident memory (`os.wait4`: that process alone, not the
database server it talks to). The database is an embedded one already imported (e.g.
`graphcrm import --db /tmp/mdb bench/data/M`). Per question:

- **cold**: after `graphcrm stop --db FOLDER`, so the command starts the server (through its
  keeper) and waits while it loads the database; the path arrays kept on disk beside the
  database, and the operating system's file cache, stay as they are;
- **warm**: the next runs (median of `--runs`), while the keeper keeps that server loaded.

The arguments are taken from the database itself: the account with the most people (then the
most open opportunities), the open opportunity with the largest committee, and its member
with the most influence, each typed by name when the name is theirs alone (else by id).
Writes bench/results/cli-<scale>.json and .md; docs/performance.md quotes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.generate import SCALES
from bench.run import TODAY, _load, _machine

HERE = Path(__file__).resolve().parent
# Issue 17's targets, in seconds.
HELP_S, WARM_S, COLD_S = 0.3, 1.0, 4.0
# A question whose cold run takes longer than this is run warm once, not `--runs` times.
SLOW_S = 60.0


@dataclass(frozen=True)
class Run:
    """One command as a process: wall clock and CPU (user + system) in seconds, peak RSS in MB."""

    wall_s: float
    cpu_s: float
    rss_mb: float


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="an imported embedded database (a folder)")
    parser.add_argument("--scale", help="the name in the report (default: from the number of people)")
    parser.add_argument("--runs", type=int, default=3, help="warm runs of each question")
    parser.add_argument(
        "--skip", action="append", default=[], metavar="QUESTION", help="leave out a question"
    )
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    results = run(args.db, args.scale, max(args.runs, 1), args.skip)
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"cli-{results['scale']}"
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    text = report(results)
    (args.out / f"{name}.md").write_text(text)
    print(text)
    return results


def run(db: Path, scale: str | None, runs: int, skip: Collection[str] = ()) -> dict[str, Any]:
    """Every question but those in `skip`, cold then warm; the server is stopped at the end."""
    db = db.resolve()
    started = dt.datetime.now().isoformat(timespec="seconds")
    load = [round(os.getloadavg()[0], 1)]
    picked = pick(db)
    results: dict[str, Any] = {
        "scale": scale or _scale(picked["people"]),
        "db": str(db),
        "people": picked["people"],
        "machine": _machine(),
        "date": started,
        "runs": runs,
        "arguments": {k: v for k, v in picked.items() if k != "people"},
        "questions": [],
    }
    try:
        for name, argv in questions(picked):
            if name in skip:
                continue
            results["questions"].append(_question(db, name, argv, runs))
            print(_row(results["questions"][-1]), flush=True)
    finally:
        _graphcrm("stop", "--db", str(db))
    results["load_average"] = [*load, round(os.getloadavg()[0], 1)]
    return results


def questions(picked: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(name, arguments) of every command timed; `--db` is added to all but `--help`."""
    person, opportunity, account = picked["person"], picked["opportunity"], picked["account"]
    return [
        ("--help", ["--help"]),
        ("stats", ["stats"]),
        ("path", ["path", person]),
        ("chain", ["chain", person]),
        ("committee", ["committee", opportunity]),
        ("influencers", ["influencers", account]),
        ("brokers of a committee", ["brokers", "--opportunity", opportunity]),
        ("brokers (everyone)", ["brokers"]),
        ("referrals", ["referrals"]),
        ("priority", ["priority"]),
        ("next", ["next"]),
    ]


def pick(db: Path) -> dict[str, Any]:
    """The arguments of the questions, read from the database (a server left to a keeper)."""
    from graphcrm import lookup
    from graphcrm.names import Ambiguous
    from graphcrm.store import open_store

    def typed(store: Any, row: dict[str, Any], kind: Any) -> str:
        """The name, when it names this one alone; else the id."""
        try:
            return (
                row["name"]
                if row["name"] and lookup.one(store, row["name"], kind) == row["id"]
                else row["id"]
            )
        except Ambiguous:
            return str(row["id"])

    with open_store(db, linger=600) as store:
        people = store.read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
        account = store.read(
            "MATCH (p:Person)-[:WORKS_AT]->(a:Account) WITH a, count(p) AS people "
            "OPTIONAL MATCH (o:Opportunity {status: 'open'})-[:FOR]->(a) "
            "RETURN a.id AS id, a.name AS name, people, count(o) AS open "
            "ORDER BY people DESC, open DESC, id LIMIT 1"
        )
        opportunity = store.read(
            "MATCH (p:Person)-[:IN_COMMITTEE]->(o:Opportunity {status: 'open'}) "
            "RETURN o.id AS id, o.name AS name, count(p) AS members ORDER BY members DESC, id LIMIT 1"
        )
        if not account or not opportunity:
            raise SystemExit(f"{db}: no account with people, or no open opportunity with a committee")
        person = store.read(
            "MATCH (p:Person)-[m:IN_COMMITTEE]->(:Opportunity {id: $opp}) "
            "RETURN p.id AS id, p.name AS name ORDER BY coalesce(m.influence, 0) DESC, id LIMIT 1",
            {"opp": opportunity[0]["id"]},
        )
        return {
            "people": people,
            "account": typed(store, account[0], "account"),
            "account_people": account[0]["people"],
            "opportunity": typed(store, opportunity[0], "opportunity"),
            "committee_members": opportunity[0]["members"],
            "person": typed(store, person[0], "person"),
        }


def _question(db: Path, name: str, argv: list[str], runs: int) -> dict[str, Any]:
    """Cold once (the server stopped first), then warm `runs` times."""
    full = argv if argv == ["--help"] else [*argv, "--db", str(db)]
    _graphcrm("stop", "--db", str(db))
    cold = _graphcrm(*full)
    warm = [_graphcrm(*full) for _ in range(1 if cold.wall_s > SLOW_S else runs)]
    median = Run(
        round(statistics.median(r.wall_s for r in warm), 3),
        round(statistics.median(r.cpu_s for r in warm), 3),
        max(r.rss_mb for r in warm),
    )
    target = {"cold": HELP_S if name == "--help" else COLD_S, "warm": HELP_S if name == "--help" else WARM_S}
    return {
        "question": name,
        "command": "graphcrm " + " ".join(_shown(a) for a in argv),
        "cold": cold.__dict__,
        "warm": median.__dict__,
        "warm_runs": [r.wall_s for r in warm],
        "target_s": target,
        "met": cold.wall_s < target["cold"] and median.wall_s < target["warm"],
    }


# Runs one command and prints its exit status, wall clock, CPU and peak RSS (KB). A small Python of
# its own (no site, ~10 MB) forks it: a child forked by this benchmark would count the benchmark's
# memory as its own peak (the kernel keeps the high-water mark of the image before `exec`).
_LAUNCH = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
print(os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def _graphcrm(*argv: str) -> Run:
    """Run `graphcrm ARGV` as a process of its own and measure it; its output is not kept."""
    script = Path(sys.executable).with_name("graphcrm")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "graphcrm"]
    env = {**os.environ, "GRAPHCRM_KEEP_SERVER": "600", "GRAPHCRM_TODAY": TODAY.isoformat()}
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAUNCH, *command, *argv], capture_output=True, text=True, env=env
    )
    status, wall, cpu, rss_kb = done.stdout.split()
    if done.returncode or status != "0":
        raise SystemExit(f"graphcrm {' '.join(argv)}: exit {status}\n{done.stderr}")
    return Run(round(float(wall), 3), round(float(cpu), 3), round(int(rss_kb) / 1024))


def _scale(people: int) -> str:
    """The generator's name for a database of this many people, else the number."""
    return next((name for name, (n, _) in SCALES.items() if n == people), f"{people}-people")


def _shown(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "-._/=" for c in arg) else repr(arg)


# -- the report ----------------------------------------------------------------------------------


def _row(q: dict[str, Any]) -> str:
    cold, warm = q["cold"], q["warm"]
    return (
        f"| {q['question']} | `{q['command']}` | {cold['wall_s']:.2f} | {warm['wall_s']:.2f} "
        f"| {cold['cpu_s']:.2f} / {warm['cpu_s']:.2f} | {cold['rss_mb']:,.0f} / {warm['rss_mb']:,.0f} "
        f"| {'yes' if q['met'] else '**no**'} |"
    )


def report(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    machine, args = results["machine"], results["arguments"]
    lines = [
        f"### The command line at scale {results['scale']}, embedded: {results['people']:,} people "
        f"({results['date']})",
        "",
        f"Machine: {machine['cpus']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB, "
        f"Python {machine['python']}.{_load(results.get('load_average'))} Each command is a new "
        f"process; cold: the server stopped before (`graphcrm stop`), so it starts and loads the "
        f"database; warm: median of {results['runs']} runs while the keeper keeps it loaded. "
        f"Targets: `--help` < {HELP_S} s; any question < {WARM_S:g} s warm and < {COLD_S:g} s cold. "
        f"CPU (user + system) and peak memory are the command's own, not the server's.",
        "",
        f"Every command but `--help` with `--db {results['db']}`. Arguments, by name where the "
        f"name is theirs alone, else by id: account "
        f"{args['account']} ({args['account_people']} people), opportunity "
        f"{args['opportunity']} ({args['committee_members']} committee members), person {args['person']}.",
        "",
        "| question | command | cold (s) | warm (s) | CPU cold / warm (s) | peak MB cold / warm | met? |",
        "|---|---|---:|---:|---:|---:|---|",
        *(_row(q) for q in results["questions"]),
        "",
        f"Reproduce: `.venv/bin/python -m bench.cli --db {results['db']}` "
        f"(or `make bench-cli CLI_DB={results['db']}`).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
