"""Crashes: `kill -9` of the importer mid-import, and of the database server mid-stream.

The importer writes in batches of `graphcrm.ingest.plan.BATCH_ROWS` rows, each one transaction. A child
process imports a small data set with batches of `SMALL` rows and SIGKILLs itself at a chosen
point: after k acknowledged batches; while sending batch k+1 (only part of its bytes reach the
server); after sending batch k+1, before its reply. After reopening, the database must equal a
fresh one into which exactly the first k batches (k+1 for the unanswered batch, either) were
written, its version must have gone up once per batch, and re-running the import with the real
CLI must give exactly the graph of a clean import: no duplicate relationship. The same holds
for the real CLI killed by this process at whatever moment its first batch becomes visible.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
import redis

from bench.generate import generate
from graphcrm import queries
from graphcrm.ingest import plan as plan_module
from graphcrm.ingest.files import import_path, plan_tables, read_tables
from graphcrm.ingest.plan import Plan
from graphcrm.store import Store, open_store
from graphcrm.store.embedded import ServerInfo
from graphcrm.store.falkordb import FalkorDBStore
from tests.conftest import snapshot
from tests.test_store import child, read_until_ready, wait_gone

ROOT = Path(__file__).parent.parent
SMALL = 25  # rows per batch in the child: the small data set needs dozens of batches
PEOPLE = 150
WAIT_S = 120  # a bound on waiting for a child, never a timing assertion


def write_dataset(folder: Path) -> Path:
    """A small import folder touching every file and kind of write (nodes, creates, merges)."""
    rng = random.Random(6)
    folder.mkdir(parents=True)
    people = [f"c.p{i:03d}" for i in range(PEOPLE)]
    (folder / "accounts.csv").write_text(
        "id,name,kind,tier,status,revenue,potential\n"
        "c.acme,甲方 Acme Works,customer,A,active,500000,900000\n"
        "c.beta,乙方 Beta Trading,prospect,B,prospect,0,300000\n"
        "c.ours,our company,other,,,,\n"
        "c.rival,对手 Rival Telecom,competitor,,,,\n",
        encoding="utf-8",
    )
    rows = ["id,name,org_id,title,rank,is_rep,birthday,channels"]
    for i, pid in enumerate(people):
        rep = i < 5
        org = "c.ours" if rep else ("c.acme" if i % 3 else "c.beta")
        rows.append(
            f"{pid},人{i} Person {i},{org},title {i},{1 + i % 5},{'true' if rep else 'false'},"
            f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10},{'exhibitions;live demo' if i % 4 == 0 else ''}"
        )
    (folder / "people.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ties = ["source,target,type,strength,context,since,last_contact"]
    for i in range(PEOPLE):
        for step in (1, 7):
            ties.append(
                f"{people[i]},{people[(i + step) % PEOPLE]},KNOWS,{rng.randint(1, 99) / 100},friend,"
                f"2020-01-0{1 + i % 9},2025-0{1 + i % 9}-15"
            )
        if i % 5 == 0:
            ties.append(f"{people[i]},{people[(i + 3) % PEOPLE]},INFLUENCES,0.8,,,")
        if i >= 10:
            ties.append(f"{people[i]},{people[i // 10]},REPORTS_TO,,,,")
        if i % 25 == 0:
            ties.append(f"{people[i]},c.rival,TIED_TO,0.6,close relations,,")
    (folder / "ties.csv").write_text("\n".join(ties) + "\n", encoding="utf-8")
    (folder / "opportunities.csv").write_text(
        "id,account_id,name,stage,value,close_date,status\n"
        "c.opp,c.acme,Mobile office,evaluate,1000000,2026-12-31,open\n",
        encoding="utf-8",
    )
    (folder / "committee.csv").write_text(
        "opportunity_id,person_id,roles,attitude,stance,influence,stage_influence\n"
        "c.opp,c.p010,D;E,A,neutral,60,need=60;decide=70\n"
        "c.opp,c.p011,S,R,blocker,40,need=40;decide=30\n",
        encoding="utf-8",
    )
    (folder / "referrals.csv").write_text(
        "source,target,date,by_person,value,outcome\nc.acme,c.beta,2025-03-01,c.p012,300000,open\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("crash") / "data")


@pytest.fixture(scope="module")
def clean_export(dataset, tmp_path_factory) -> str:
    """The graph of a clean import of the data set (real batch size)."""
    with open_store(tmp_path_factory.mktemp("clean") / "db") as store:
        import_path(store, dataset, progress=False)
        return snapshot(store)


@pytest.fixture(scope="module")
def layout(dataset) -> dict[str, int]:
    """How many batches of `SMALL` rows a first import of the data set writes, nodes first."""
    tables, problems = read_tables(dataset)
    plan = plan_tables(tables)
    plan.existing = set()  # a first import: every tie has new ends
    assert not problems and not plan.problems
    nodes = -(-len(plan.nodes) // SMALL)
    total = batch_count(plan, SMALL)
    return {"first": 1, "nodes-done": nodes, "mid-rels": nodes + 3, "last": total - 1, "total": total}


def batch_count(plan: Plan, size: int, store: Store | None = None) -> int:
    """How many batches of `size` rows the plan is written in (into `store`, as it is now): the
    nodes, then the created and the merged relationships, each a type at a time. Created ties
    added at once (`Plan.appends`) are two versions: marked pending before, and after."""
    nodes, new, old = plan.rows(store)
    by_type = [Counter(row["type"] for row in rows) for rows in (new, old)]
    if store is not None and plan.appends(store, len(new)):
        by_type[0] = Counter({"appended": 2 * size})  # two versions
    return -(-len(nodes) // size) + sum(-(-count // size) for types in by_type for count in types.values())


class _Enough(Exception):
    """Raised to stop an import after the batches wanted."""


def first_batches(folder: Path, db: Path, k: int, batch_rows: int = SMALL) -> tuple[str, int | None]:
    """(export, version) of a fresh database into which exactly the first `k` batches were written."""
    with open_store(db) as store, mock.patch.object(plan_module, "BATCH_ROWS", batch_rows):
        real = store._transaction
        written = 0

        def limited(statements, batch):
            nonlocal written
            if written == k:
                raise _Enough
            real(statements, batch)
            written += 1

        store._transaction = limited  # type: ignore[method-assign]
        with contextlib.suppress(_Enough):
            import_path(store, folder, progress=False)
        return snapshot(store), store.version()[1]


def batches_of_rerun(store: Store, folder: Path) -> int:
    """How many batches (real size) a re-run of the import writes into `store` as it is now."""
    tables, _ = read_tables(folder)
    plan = plan_tables(tables)
    assert not plan.check(store)
    return batch_count(plan, plan_module.BATCH_ROWS, store)


def cli_import(folder: Path, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graphcrm", "import", str(folder), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=WAIT_S,
    )


def rerun_completes(folder: Path, db: Path, clean: str) -> None:
    """Re-running the import with the CLI gives the clean import's graph; one version per batch."""
    with open_store(db) as store:
        before = store.version()[1] or 0
        expected_batches = batches_of_rerun(store, folder)
    done = cli_import(folder, db)
    assert done.returncode == 0, done.stderr
    with open_store(db) as store:
        assert snapshot(store) == clean  # every node and tie once: no duplicate relationship
        assert store.version()[1] == before + expected_batches


# The child imports with small batches and kills itself at the chosen point:
#   after  - once batch k is acknowledged;
#   half / last-byte - while sending batch k+1: half its bytes, or all but the last byte
#            (MULTI and both statements queued, EXEC incomplete);
#   unanswered - batch k+1 fully sent, killed before reading the reply.
# With kill_server, it SIGKILLs the database server first (otherwise the server, our child,
# is stopped by the kernel's parent-death signal).
CRASHING_IMPORT = """
import os, signal, sys
import redis.connection
import graphcrm.ingest.plan
from pathlib import Path
from graphcrm.ingest.files import import_path
from graphcrm.store import open_store
from graphcrm.store.falkordb import FalkorDBStore

folder, db, mode, k, kill_server, batch_rows = sys.argv[1:]
k = int(k)
graphcrm.ingest.plan.BATCH_ROWS = int(batch_rows)
store = open_store(db)
server_pid = store.server.pid
state = {"done": 0, "armed": False}

def die():
    if kill_server == "1":
        os.kill(server_pid, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)

real_transaction = FalkorDBStore._transaction

def transaction(self, statements, batch):
    state["armed"] = mode != "after" and state["done"] == k
    real_transaction(self, statements, batch)
    state["done"] += 1
    if mode == "after" and state["done"] == k:
        die()

real_send = redis.connection.AbstractConnection.send_packed_command

def send(self, command, check_health=True):
    if not state["armed"]:
        return real_send(self, command, check_health)
    if mode == "unanswered":
        real_send(self, command, check_health)
        die()
    data = command.encode() if isinstance(command, str) else b"".join(bytes(c) for c in command)
    assert data.startswith(b"*1\\r\\n$5\\r\\nMULTI") and data.endswith(b"EXEC\\r\\n"), data[:40]
    if not self._sock:
        self.connect()
    self._sock.sendall(data[: len(data) // 2 if mode == "half" else len(data) - 1])
    die()

FalkorDBStore._transaction = transaction
redis.connection.AbstractConnection.send_packed_command = send
import_path(store, Path(folder), progress=False)
print("the import finished before the planned kill", file=sys.stderr)
"""


def crash_import(
    folder: Path, db: Path, mode: str, k: int, kill_server: bool, batch_rows: int = SMALL
) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASHING_IMPORT,
            str(folder),
            str(db),
            mode,
            str(k),
            str(int(kill_server)),
            str(batch_rows),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=WAIT_S,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr


@pytest.mark.parametrize(
    ("mode", "at", "kill_server"),
    [
        ("after", "first", False),
        ("after", "nodes-done", False),
        ("after", "mid-rels", True),
        ("half", "nodes-done", False),
        ("last-byte", "first", True),
        ("last-byte", "mid-rels", False),
        ("unanswered", "nodes-done", False),
        ("unanswered", "last", True),
    ],
)
def test_an_import_killed_holds_whole_batches_and_a_rerun_completes_it(
    dataset, clean_export, layout, tmp_path, mode, at, kill_server
):
    k = layout[at]
    db = tmp_path / "db"
    crash_import(dataset, db, mode, k, kill_server)
    with open_store(db) as store:
        got, version = snapshot(store), store.version()[1]
    # batch k+1 was sent whole in "unanswered": the server may have run it before going away
    possible = (k, k + 1) if mode == "unanswered" else (k,)
    assert version in possible  # one version per whole batch
    assert got == first_batches(dataset, tmp_path / f"expected{version}", version)[0]
    if version < layout["total"]:
        assert got != clean_export
    rerun_completes(dataset, db, clean_export)


def test_the_cli_import_killed_whenever_its_first_batch_shows_holds_whole_batches(tmp_path):
    data = tmp_path / "data"
    manifest = generate(data, people=4000, ties=20_000)
    batch = plan_module.BATCH_ROWS
    db = tmp_path / "db"
    errors = tmp_path / "stderr"
    with errors.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "graphcrm", "import", str(data), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=ROOT,
        )
    try:
        # Let the CLI start the server, so that the kill stops the database too and reopening
        # is a restart. Wait for its socket as well: a client attaching between server.json
        # and the socket fails (a race of EmbeddedServer.start_or_attach, see the report).
        info = None
        while proc.poll() is None and not (
            info and info.owner_pid == proc.pid and os.path.exists(info.socket)
        ):
            time.sleep(0.01)
            info = ServerInfo.read(db / "server.json")
        if proc.poll() is None:
            watcher = FalkorDBStore.embedded(db)  # a second client, of the CLI's server
            try:
                while proc.poll() is None:
                    if any(row["count"] > 0 for row in watcher.run("stats/labels")):
                        proc.kill()  # the first batch is visible: kill, wherever the import is
                        break
            finally:
                watcher.close()
        proc.wait(timeout=WAIT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode in (0, -signal.SIGKILL), errors.read_text()
    with open_store(db) as store:
        got, version = snapshot(store), store.version()[1]
    assert version is not None and version >= 1
    expected, expected_version = first_batches(data, tmp_path / "expected", version, batch)
    assert expected_version == version  # as many batches as the import has, at most
    assert got == expected
    with open_store(tmp_path / "clean") as store:
        import_path(store, data, progress=False)
        clean = snapshot(store)
    assert sum(json.loads(line)["type"] == "node" for line in clean.splitlines()) == manifest["graph"]["Node"]
    rerun_completes(data, db, clean)


# -- kill -9 of the database server while another process streams writes ---------------------------

STREAM = """
import os
s = open_store(db)
print(s.server.pid if s.server.owner else 0, flush=True)
print("READY", flush=True)
i = 0
while not os.path.exists(os.path.join(db, "stop-writing")):
    s.write([("MERGE (:Node:Person {id: $id})", {"id": f"s{i}"})])
    print(i, flush=True)  # acknowledged
    i += 1
s.close()
"""


@pytest.mark.parametrize("owner", ["writer", "this process"])
def test_writes_acknowledged_before_a_kill_9_of_the_server_mid_stream_are_all_kept(db_path, owner):
    """The server dies while another process streams writes (its owner, or a client of ours): the
    writer's store brings it back from its append-only file and goes on; no acknowledged write is lost."""
    ours = open_store(db_path) if owner == "this process" else None
    try:
        proc = child(db_path, STREAM)
        assert proc.stdout is not None
        server_pid = int(read_until_ready(proc)[0]) or ours.server.pid  # type: ignore[union-attr]
        acks: list[int] = []
        for line in proc.stdout:  # the writer never pauses: the kill lands mid-stream
            acks.append(int(line))
            if len(acks) == 50:
                os.kill(server_pid, signal.SIGKILL)
            elif len(acks) == 150:  # 100 more acknowledged after the kill: tell it to stop
                (db_path / "stop-writing").touch()
        assert proc.wait(timeout=WAIT_S) == 0
        assert wait_gone(server_pid)
    finally:
        if ours is not None:
            ours.close()
    assert acks == list(range(len(acks))) and len(acks) >= 150
    with open_store(db_path) as store:
        ids = {r["id"] for r in store.read("MATCH (n:Person) RETURN n.id AS id")}
    # every write was acknowledged in the end (the one in flight at the kill was retried): all there
    assert ids == {f"s{i}" for i in acks}


def test_a_batch_whose_reply_was_lost_is_not_written_twice(embedded_store, monkeypatch):
    """The server made a batch durable and died before answering: the store brings the server
    back and must not run the batch again (a CREATE would make every tie of it twice)."""
    store = embedded_store
    store.write([("MERGE (:Node:Person {id: 'a'}) MERGE (:Node:Person {id: 'b'})", {})])
    version = store.version()[1]
    pipeline = type(store._db.connection.pipeline())
    real_execute = pipeline.execute
    lost: list[bool] = []

    def execute(self, *args, **kwargs):
        replies = real_execute(self, *args, **kwargs)
        if not lost:  # the first batch after this point: applied, then its reply lost
            lost.append(True)
            raise redis.exceptions.ConnectionError("Connection reset by peer (the reply was lost)")
        return replies

    monkeypatch.setattr(pipeline, "execute", execute)
    create = "MATCH (a:Person {id: 'a'}), (b:Person {id: 'b'}) CREATE (a)-[:KNOWS]->(b)"
    store.write([(create, {})])
    assert lost == [True]
    ties = store.read("MATCH (:Person {id: 'a'})-[k:KNOWS]->(:Person {id: 'b'}) RETURN count(k) AS n")
    assert ties == [{"n": 1}] and store.version()[1] == version + 1
    store.write([(create, {})])  # a batch whose reply arrives runs as before
    assert store.read("MATCH (:Person {id: 'a'})-[k:KNOWS]->() RETURN count(k) AS n") == [{"n": 2}]


# -- Neo4j ---------------------------------------------------------------------------------------


def test_neo4j_runs_a_batch_retried_after_its_commit_only_once(neo4j_store):
    """The driver runs a transaction function again when the connection broke, also after the
    server committed it (its reply lost): the batch token makes the second run a no-op."""
    store = neo4j_store
    store.write([("MERGE (:Node:Person {id: 'a'}) MERGE (:Node:Person {id: 'b'})", {})])
    create = "MATCH (a:Person {id: 'a'}), (b:Person {id: 'b'}) CREATE (a)-[:KNOWS]->(b)"
    touch = (queries.load("store/touch", store.engine), {"batch": "retried-batch", "pending": None})
    store._transaction([(create, {}), touch], "retried-batch")
    version = store.version()
    store._transaction([(create, {}), touch], "retried-batch")  # the driver's retry
    assert store.read("MATCH (:Person {id: 'a'})-[k:KNOWS]->() RETURN count(k) AS n") == [{"n": 1}]
    assert store.version() == version


def test_neo4j_keeps_acknowledged_writes_after_a_kill_9(tmp_path):
    """A local Neo4j of its own, killed with SIGKILL after acknowledged batches: after a restart
    on the same folder, every acknowledged batch is there (Neo4j's transaction log). This one
    runs with APOC and Graph Data Science loaded, as `make neo4j` starts it (the suite's own
    Neo4j runs without them: graphcrm needs neither)."""
    from tests.conftest import _local_neo4j, launch_neo4j

    local = _local_neo4j()
    try:
        server = launch_neo4j(tmp_path / "neo4j", plugins=True)()
    except local.Unavailable as exc:
        pytest.fail(f"the local Neo4j did not start: {exc}")
    try:
        with open_store(server.uri) as store:
            assert store.read("RETURN gds.version() AS gds, apoc.version() AS apoc") == [
                {"gds": "2.13.9", "apoc": "5.26.19"}
            ]
            for batch in range(20):
                store.write([(WRITE_BATCH, {"ids": [f"k{batch}.{i}" for i in range(50)]})])
            version = store.version()
            os.kill(server.pid, signal.SIGKILL)
            server.process.wait(timeout=WAIT_S)
        server = launch_neo4j(tmp_path / "neo4j")()
        with open_store(server.uri) as store:
            assert store.read("MATCH (p:Person) RETURN count(p) AS n") == [{"n": 1000}]
            assert store.version() == version
    finally:
        server.stop()


WRITE_BATCH = "UNWIND $ids AS id CREATE (:Node:Person {id: id})"
