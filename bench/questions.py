"""Time three questions of issue 17 on a database already imported, beside networkx:
`python -m bench.questions --db /tmp/mdb --data bench/data/M`.

- hidden influencers of one account (`graphcrm.influencers.answer`; the target: < 100 ms at M),
- brokers among each open opportunity's committee (`graphcrm.brokers.answer`), beside
  networkx's betweenness restricted to the committee (bench/baseline.py),
- brokers of everyone (`graphcrm.brokers.answer` with no parties, worked out again each time),
  beside networkx's effective size of everyone, estimated from 20 people
  (`baseline.nx_brokers_everyone_ms`: on everyone at M it did not finish in 35 minutes),
- referrals (`graphcrm.referrals.answer`), beside networkx's cascades; the answer is kept per
  graph version, so also "referrals, new version": the first ask after a write that says
  nothing of what it touched (read in full), and with `--edits N` "referrals, after an edit":
  the ask after each of N edits from the viewer (a contact logged between two people), which
  patch what is kept (`graphcrm.referrals._patch`).

Every question is asked once before timing (the server loads the graph on the first query, the
path search's arrays are read once per graph version), then `--runs` times: medians in ms, with
the load average before and after (other jobs on the machine slow every figure).
`--answers FILE` writes every answer as JSON, to check that a change leaves them the same
(`--compare FILE`). Opens the database and writes to it only with `--edits` (give a copy).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from bench import baseline
from graphcrm import brokers, edits, influencers, projection, referrals
from graphcrm.settings import Settings
from graphcrm.store import open_store

TODAY = dt.date(2026, 11, 23)  # the generator's "today" (bench/run.py)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a database imported from --data")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parent / "data" / "M")
    parser.add_argument("--account", default="b.acc-000379", help="the account of the influencers")
    parser.add_argument("--opportunities", type=int, default=10, help="open opportunities for brokers")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-baseline", action="store_true", help="skip networkx (loading M takes a while)")
    parser.add_argument("--answers", type=Path, help="write every answer here as JSON")
    parser.add_argument("--compare", type=Path, help="check every answer against this JSON")
    parser.add_argument(
        "--edits", type=int, default=0, help="time referrals after N edits: WRITES to --db, give a copy"
    )
    args = parser.parse_args(argv)
    manifest = json.loads((args.data / "manifest.json").read_text())
    opportunities = manifest["open_opportunities"][: args.opportunities]
    settings = Settings(today=TODAY)
    ours: dict[str, float] = {}
    with open_store(args.db) as store:
        projection.network(store)  # read once per graph version, whatever the question
        questions: dict[str, Callable[[Any], Any]] = {
            "influencers": lambda a: influencers._answer(store, a, settings),  # worked out, not kept
            "brokers": lambda o: brokers.answer(store, opportunity=o),
            "brokers, everyone": lambda _: brokers._everyone(store, 10),  # worked out, not kept
            "referrals": lambda _: referrals.answer(store),
        }
        over = {
            "influencers": [args.account],
            "brokers": opportunities,
            "brokers, everyone": [None],
            "referrals": [None],
        }
        answers = {name: [_plain(ask(x)) for x in over[name]] for name, ask in questions.items()}
        load = os.getloadavg()[0]
        for name, ask in questions.items():
            ours[name] = _median_ms(ask, over[name], args.runs)
        # the answer is kept per graph version: forgotten before each ask, as after a write
        ours["referrals, new version"] = _median_ms(
            lambda _: (referrals._kept.clear(), referrals.answer(store)), [None], args.runs
        )
        if args.edits:
            people = pd.read_csv(args.data / "people.csv", usecols=["id"], nrows=2 * args.edits, dtype=str)
            ours["referrals, after an edit"] = _after_edits(store, people["id"].tolist())
        print(f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    if args.answers:
        args.answers.write_text(json.dumps(answers, ensure_ascii=False, sort_keys=True, indent=1))
    if args.compare:
        before = json.loads(args.compare.read_text())
        for name in answers:
            same = json.loads(json.dumps(answers[name])) == before[name]
            print(f"{name}: answers {'the same' if same else 'DIFFER'} as {args.compare}")
    theirs: dict[str, float] = {}
    if not args.no_baseline:
        base = baseline.load(args.data, settings)
        theirs["influencers"] = _median_ms(
            lambda a: baseline.nx_influencers(base, a), [args.account], args.runs
        )
        theirs["brokers"] = _median_ms(lambda o: baseline.nx_brokers(base, o), opportunities, 1)
        everyone = baseline.nx_informal(base)
        theirs["brokers, everyone"] = baseline.nx_brokers_everyone_ms(everyone)  # estimated from 20 people
        theirs["referrals"] = _median_ms(lambda _: baseline.nx_referrals(base), [None], args.runs)
        theirs["referrals, new version"] = theirs["referrals, after an edit"] = theirs["referrals"]
    print(f"{'question':<24} {'graphcrm ms':>12} {'networkx ms':>12}")
    for name, ms in ours.items():
        other = f"{theirs[name]:12.2f}" if name in theirs else f"{'':>12}"
        print(f"{name:<24} {ms:12.2f} {other}")


def _median_ms(ask: Callable[[Any], Any], over: list[Any], runs: int) -> float:
    """The median over `runs` rounds of each round's median over `over`, in ms."""
    rounds = []
    for _ in range(runs):
        times = []
        for x in over:
            started = time.perf_counter()
            ask(x)
            times.append(time.perf_counter() - started)
        rounds.append(statistics.median(times))
    return statistics.median(rounds) * 1000


def _after_edits(store: Any, people: list[str]) -> float:
    """The median ms of the referrals asked after each edit (a contact logged between two of
    `people`, the referrals kept before it): a viewer's referrals page after an edit."""
    times = []
    for a, b in zip(people[::2], people[1::2], strict=False):
        referrals.answer(store)
        edits.log_contact(store, a, b, date=TODAY.isoformat())
        started = time.perf_counter()
        referrals.answer(store)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _plain(report: Any) -> Any:
    return dataclasses.asdict(report)


if __name__ == "__main__":
    main()
