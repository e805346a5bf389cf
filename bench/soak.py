"""The served viewer under concurrent users: `python -m bench.soak` (`make soak`).

Loads the demo (and, with `--scale`, a benchmark data set) into a fresh embedded database in a
temporary folder, starts `graphcrm serve` on a free loopback port, and runs `--clients` clients
(threads, each with its own keep-alive connection and session cookie) for `--seconds` seconds,
or `--requests` requests each. Every client goes round the same mix in its own shuffled order:
every page and its `/api/...` twin (home, search, account, committee at each stage, warm paths,
brokers, referrals, person at 1 and 2 hops, import form) and small imports through `/api/import`
(a dry run, a real write of three new people and their ties, a re-import of the last write, and
the page of a person just imported), so pages are read while imports change the graph version.

A request is an error when it raises, answers another status than expected, or lacks what it
should show: each page and twin must hold a known name from its answer, and each import's JSON
must say what it wrote. At the end the server is stopped and the database reopened: every
person and tie the clients imported must be there exactly once. Prints a table per kind of
request (count, errors, p50, p95, max latency) and writes `bench/results/soak.md` and `.json`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graphcrm.demo import load_demo
from graphcrm.export import export_lines
from graphcrm.ingest.files import import_path
from graphcrm.schema import STAGES
from graphcrm.store import open_store

HERE = Path(__file__).resolve().parent
START_TIMEOUT_S = 120.0  # a bound on waiting for the viewer to answer
REQUEST_TIMEOUT_S = 120.0
OPPORTUNITY = "apex.opp-apex-mobile-office"
BROKER_PARTIES = "kissinger.farmer,kissinger.rothschild,kissinger.wb-president"
NEIGHBOUR = "jinchang.li-qiong"  # every imported person is tied to her
NEIGHBOUR_NAME = "李琼 Li Qiong"
ORG = "jinchang.jinchang"


@dataclass(frozen=True)
class Read:
    """A page or API request and the text its answer must hold."""

    kind: str
    path: str
    expect: str


def reads(rng: random.Random) -> list[Read]:
    """Every page and its API twin, with a name each must show (from the demo's answers)."""
    stage = rng.choice([None, *STAGES])
    committee = f"/opportunities/{OPPORTUNITY}" + (f"?stage={stage}" if stage else "")
    hops = rng.choice((1, 2))
    pairs = [
        ("home", "/", "/api/accounts", "APEX公司 APEX Co."),
        # q=赵志刚: a name no benchmark data set holds (q=李 finds too many at --scale S)
        (
            "search",
            "/search?q=%E8%B5%B5%E5%BF%97%E5%88%9A",
            "/api/search?q=%E8%B5%B5%E5%BF%97%E5%88%9A",
            "赵志刚 Zhao Zhigang",
        ),
        ("account", "/accounts/hd.dingsheng", "/api/accounts/hd.dingsheng", "小王 Xiao Wang"),
        ("committee", committee, "/api" + committee, "王丹 Wang Dan"),
        # the warmest path to Zhao Zhigang goes through his friend Li Qiong
        (
            "paths",
            "/paths?target=jinchang.zhao-zhigang",
            "/api/paths?target=jinchang.zhao-zhigang",
            NEIGHBOUR_NAME,
        ),
        (
            "brokers",
            f"/brokers?among={BROKER_PARTIES}",
            f"/api/brokers?among={BROKER_PARTIES}",
            "基辛格 Kissinger",
        ),
        ("referrals", "/referrals", "/api/referrals", "恒远物流 Hengyuan Logistics"),
        (
            "person",
            f"/people/{NEIGHBOUR}?hops={hops}",
            f"/api/people/{NEIGHBOUR}?hops={hops}",
            "赵志刚 Zhao Zhigang",
        ),
    ]
    out = []
    for kind, page, twin, expect in pairs:
        out += [Read(f"{kind} page", page, expect), Read(f"{kind} api", twin, expect)]
    out.append(Read("import form", "/import", "people.csv"))
    return out


IMPORTS = ("import dry run", "import", "re-import", "imported person page", "imported person api")


@dataclass
class Importer:
    """One client's imports: write n adds people soak.c<client>.w<n>.0-2 and their ties."""

    client: int
    written: list[int] = field(default_factory=list)

    def person(self, n: int, j: int) -> str:
        return f"soak.c{self.client}.w{n}.{j}"

    def name(self, n: int, j: int) -> str:
        return f"压测{self.client}-{n}-{j} Soak {self.client}-{n}-{j}"

    def files(self, n: int) -> dict[str, str]:
        """people.csv and ties.csv of write n: ties to a demo person, inside the write, to the
        previous write (created: one end is new) and within the previous write (merged)."""
        people = ["id,name,org_id,title"] + [
            f"{self.person(n, j)},{self.name(n, j)},{ORG},soak tester" for j in range(3)
        ]
        p = [self.person(n, j) for j in range(3)]
        ties = [
            "source,target,type,strength,context",
            f"{p[0]},{NEIGHBOUR},KNOWS,0.4,soak",
            f"{p[1]},{p[0]},KNOWS,0.6,soak",
            f"{p[2]},{p[1]},INFLUENCES,0.7,soak",
        ]
        if n > 0:
            q = [self.person(n - 1, j) for j in range(3)]
            ties += [f"{p[0]},{q[0]},KNOWS,0.5,soak", f"{q[1]},{q[2]},ALLY,0.5,soak"]
        return {"people.csv": "\n".join(people) + "\n", "ties.csv": "\n".join(ties) + "\n"}

    def expected(self) -> tuple[dict[str, str], collections.Counter[tuple[str, str, str]]]:
        """The people (id -> name) and relationships (type, start, end) all writes leave."""
        people: dict[str, str] = {}
        rels: collections.Counter[tuple[str, str, str]] = collections.Counter()
        for n in self.written:
            p = [self.person(n, j) for j in range(3)]
            people |= {p[j]: self.name(n, j) for j in range(3)}
            rels.update(("WORKS_AT", x, ORG) for x in p)
            both = [(p[0], NEIGHBOUR, "KNOWS"), (p[1], p[0], "KNOWS")]
            rels[("INFLUENCES", p[2], p[1])] += 1
            if n > 0:
                q = [self.person(n - 1, j) for j in range(3)]
                both += [(p[0], q[0], "KNOWS"), (q[1], q[2], "ALLY")]
            for a, b, t in both:
                rels.update([(t, a, b), (t, b, a)])  # symmetric: stored both ways
        return people, rels


def multipart(files: dict[str, str], fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body: the fields, then the files under the name `files`."""
    boundary = "soak" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n{text}\r\n"
        for name, text in files.items()
    ]
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode("utf-8"), f"multipart/form-data; boundary={boundary}"


class Session:
    """One user: a keep-alive HTTP connection, the session cookie, and its CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self._conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """(status, body text); a dropped keep-alive connection is an exception, not retried."""
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT_S)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self._conn.request(method, path, body=body, headers=sent)
            response = self._conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except BaseException:
            self.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, text

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclass
class Tally:
    """What one kind of request did: latencies (s) of every request, errors, a few of them."""

    seconds: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def add(self, took: float, error: str | None) -> None:
        self.seconds.append(took)
        if error is not None:
            self.errors += 1
            if len(self.samples) < 5:
                self.samples.append(error[:300])


class Client:
    """One simulated user going round the mix (its own shuffled order) until told to stop."""

    def __init__(self, base: str, number: int, seed: int) -> None:
        self.session = Session(base)
        self.number = number
        self.rng = random.Random(seed * 1000 + number)
        self.importer = Importer(number)
        self.tallies: dict[str, Tally] = collections.defaultdict(Tally)

    def rounds(self) -> Iterator[Read | str]:
        """The mix, again and again, each round shuffled; a round's first write comes before
        anything that needs one (re-import, the imported person)."""
        while True:
            mix: list[Read | str] = [*reads(self.rng), *IMPORTS]
            self.rng.shuffle(mix)
            if not self.importer.written:
                mix.remove("import")
                first = min(mix.index(k) for k in IMPORTS[2:] if k in mix)
                mix.insert(first, "import")
            yield from mix

    def run(self, more: Callable[[int], bool]) -> None:
        """Requests while `more(requests done so far)`; the CSRF token first (not counted)."""
        status, text = self.session.request("GET", "/api/csrf-token")
        if status != 200:
            raise RuntimeError(f"client {self.number}: no CSRF token ({status}): {text[:200]}")
        self.session.csrf = json.loads(text)["csrf_token"]
        for done, item in enumerate(self.rounds()):
            if not more(done):
                break
            kind = item.kind if isinstance(item, Read) else item
            started = time.perf_counter()
            try:
                error = self.read(item) if isinstance(item, Read) else self.imports(item)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
            self.tallies[kind].add(time.perf_counter() - started, error)
        self.session.close()

    def read(self, item: Read) -> str | None:
        status, text = self.session.request("GET", item.path)
        if status != 200:
            return f"{item.path}: status {status}: {text[:200]}"
        if item.expect not in text:
            return f"{item.path}: the answer lacks {item.expect!r}"
        return None

    def imports(self, kind: str) -> str | None:
        imp = self.importer
        if kind.startswith("imported person"):
            n = self.rng.choice(imp.written)
            path = (
                f"/people/{imp.person(n, 0)}" if kind.endswith("page") else f"/api/people/{imp.person(n, 0)}"
            )
            return self.read(Read(kind, path, imp.name(n, 0)))
        n = len(imp.written)
        if kind == "re-import":
            n = imp.written[-1]
        body, content_type = multipart(imp.files(n), {"dry_run": "1" if kind == "import dry run" else "0"})
        status, text = self.session.request(
            "POST",
            "/api/import",
            body,
            {"Content-Type": content_type, "X-CSRF-Token": self.session.csrf},
        )
        if status != 200:
            return f"{kind} {n}: status {status}: {text[:300]}"
        answer = json.loads(text)
        result, problems = answer.get("result") or {}, answer.get("problems")
        wanted = kind != "import dry run"
        if problems or result.get("written") is not wanted or (result.get("counts") or {}).get("Person") != 3:
            return f"{kind} {n}: unexpected answer {text[:300]}"
        if kind == "import":
            imp.written.append(n)
        return None


# -- the served viewer -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db: Path, scale: str | None = None, data: Path = HERE / "data") -> dict[str, Any] | None:
    """The demo, and the benchmark data set of `scale` if given, imported into `db`."""
    with open_store(db) as store:
        load_demo(store, progress=False)
        if not scale:
            return None
        from bench.run import _data

        folder, manifest, _ = _data(data, scale)
        import_path(store, folder, progress=False)
        return manifest


@contextlib.contextmanager
def served(
    db: Path | str, log: Path, threads: int = 8, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`graphcrm serve` over `db` on a free loopback port, its output to `log`, with `env` added
    to the environment; yields its base URL and stops it (as Ctrl+C does, so that it closes
    the database) afterwards. The tests that need the real server use it too."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graphcrm",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                "--threads",
                str(threads),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=HERE.parent,
            env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                with contextlib.closing(http.client.HTTPConnection("127.0.0.1", port, timeout=5)) as conn:
                    conn.request("GET", "/favicon.ico")
                    conn.getresponse().read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the viewer did not start: {log.read_text(errors='replace')}"
                    ) from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def server_errors(log: Path, limit: int = 5) -> list[str]:
    """The viewer's own error reports: each traceback waitress logged for a request it failed."""
    text = log.read_text(errors="replace") if log.exists() else ""
    found: list[str] = []
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("Traceback"):
            block = [line]
        elif block:
            block.append(line)
            if not line.startswith((" ", "\t")):  # the exception line ends the traceback
                found.append("\n".join(block))
                block = []
    return found[:limit]


def soak(
    base: str, clients: int = 8, seconds: float | None = 60.0, requests: int | None = None, seed: int = 1
) -> list[Client]:
    """Run `clients` clients against `base` for `seconds`, or `requests` requests each."""
    crowd = [Client(base, number, seed) for number in range(clients)]
    deadline = time.monotonic() + (seconds or 0)

    def more(done: int) -> bool:
        return done < requests if requests is not None else time.monotonic() < deadline

    failures: list[BaseException] = []

    def work(client: Client) -> None:
        try:
            client.run(more)
        except BaseException as exc:  # a client that could not start: reported, not hidden
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(c,), name=f"soak-client-{c.number}") for c in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return crowd


def landed(db: Path, crowd: list[Client]) -> dict[str, Any]:
    """Reopen the database (server stopped): are the imported people and ties there, once each?"""
    people: dict[str, str] = {}
    rels: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for client in crowd:
        more_people, more_rels = client.importer.expected()
        people |= more_people
        rels += more_rels
    found_people: dict[str, str] = {}
    found_rels: collections.Counter[tuple[str, str, str]] = collections.Counter()
    with open_store(db) as store:
        for line in export_lines(store):
            record = json.loads(line)
            if record["type"] == "node" and record["id"].startswith("soak."):
                found_people[record["id"]] = record["properties"].get("name")
            elif record["type"] == "relationship" and "soak." in (record["start"][:5], record["end"][:5]):
                found_rels[(record["rel"], record["start"], record["end"])] += 1
    return {
        "people_imported": len(people),
        "ties_imported": sum(rels.values()),
        "people_found": len(found_people),
        "ties_found": sum(found_rels.values()),
        "exact": found_people == people and found_rels == rels,
    }


# -- figures and report -------------------------------------------------------------------------------


def figures(tally: Tally) -> dict[str, Any]:
    ms = np.asarray(tally.seconds) * 1000
    return {
        "requests": len(ms),
        "errors": tally.errors,
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
        "p95_ms": round(float(np.percentile(ms, 95)), 1) if len(ms) else None,
        "max_ms": round(float(ms.max()), 1) if len(ms) else None,
    }


def summary(crowd: list[Client], elapsed: float) -> dict[str, Any]:
    """Figures per kind of request and overall, with a few error messages per kind."""
    merged: dict[str, Tally] = collections.defaultdict(Tally)
    for client in crowd:
        for kind, tally in client.tallies.items():
            merged[kind].seconds += tally.seconds
            merged[kind].errors += tally.errors
            merged[kind].samples += tally.samples[: 5 - len(merged[kind].samples)]
    everything = Tally(
        [s for t in merged.values() for s in t.seconds], sum(t.errors for t in merged.values())
    )
    overall = figures(everything)
    overall["per_second"] = round(overall["requests"] / elapsed, 1) if elapsed else None
    return {
        "kinds": {kind: figures(merged[kind]) for kind in sorted(merged)},
        "overall": overall,
        "errors": {kind: t.samples for kind, t in sorted(merged.items()) if t.samples},
    }


def report(results: dict[str, Any]) -> str:
    """The Markdown table of a soak run."""
    run, machine, overall, landed = results["run"], results["machine"], results["overall"], results["landed"]
    scale = f", plus scale {run['scale']}" if run["scale"] else ""
    length = f"{run['seconds']:g} s" if run["requests"] is None else f"{run['requests']} requests each"
    exact = "each exactly once" if landed["exact"] else "NOT exactly once"
    lines = [
        f"#### Soak: {run['clients']} clients, {length} ({run['started']})",
        "",
        f"Demo data{scale}; `graphcrm serve` (waitress, {run['threads']} threads) on loopback. "
        f"Machine: {machine['cpus']} CPUs ({machine['cpu']}), {machine['memory_gb']} GB, "
        f"Python {machine['python']}. {overall['requests']:,} requests in {run['elapsed_s']:.1f} s "
        f"({overall['per_second']}/s). Imports landed: {landed['people_found']} of "
        f"{landed['people_imported']} people, {landed['ties_found']} of {landed['ties_imported']} "
        f"ties, {exact}.",
        "",
        "| request | count | errors | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def row(name: str, f: dict[str, Any]) -> str:
        return (
            f"| {name} | {f['requests']:,} | {f['errors']} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} |"
        )

    lines += [row(kind, f) for kind, f in results["kinds"].items()]
    lines.append(row("**all**", results["overall"]))
    for kind, samples in results["errors"].items():
        lines += ["", f"Errors of {kind}:", *(f"- `{s}`" for s in samples)]
    for trace in results.get("server_errors", []):
        lines += ["", "The viewer's traceback:", "```", trace, "```"]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench.run import _machine

    root = Path(tempfile.mkdtemp(prefix="graphcrm-soak-"))
    try:
        db = root / "db"
        prepare(db, args.scale, args.data)
        started = dt.datetime.now().replace(microsecond=0).isoformat()
        log = root / "serve.log"
        with served(db, log, args.threads) as base:
            t0 = time.perf_counter()
            crowd = soak(base, args.clients, args.seconds, args.requests, args.seed)
            elapsed = time.perf_counter() - t0
        results = summary(crowd, elapsed)
        results["landed"] = landed(db, crowd)
        results["server_errors"] = server_errors(log)
        results["run"] = {
            "clients": args.clients,
            "seconds": args.seconds,
            "requests": args.requests,
            "scale": args.scale,
            "threads": args.threads,
            "seed": args.seed,
            "started": started,
            "elapsed_s": round(elapsed, 1),
        }
        results["machine"] = _machine()
        return results
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--requests", type=int, default=None, help="requests per client, instead of --seconds"
    )
    parser.add_argument("--scale", default=None, help="also import this benchmark data set (e.g. S)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (graphcrm serve --threads)")
    parser.add_argument("--seed", type=int, default=1, help="of each client's order of requests")
    parser.add_argument("--data", type=Path, default=HERE / "data", help="where benchmark data sets are kept")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    results = run(args)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "soak.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    text = report(results)
    (args.out / "soak.md").write_text(text, encoding="utf-8")
    print(text)
    ok = results["overall"]["errors"] == 0 and results["landed"]["exact"]
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
