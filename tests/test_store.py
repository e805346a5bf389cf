"""The embedded store: durability after kill -9, no orphans, shared use, plain result shapes."""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psutil
import pytest

from graphcrm.store import StoreError, open_store, redact_url
from graphcrm.store.embedded import ServerInfo

WRITE = "UNWIND range(1, $n) AS i MERGE (:Node:Person {id: $prefix + toString(i)})"
COUNT = "MATCH (n:Person) WHERE n.id STARTS WITH $prefix RETURN count(n) AS c"


def count(store, prefix: str) -> int:
    return store.read(COUNT, {"prefix": prefix})[0]["c"]


def wait_gone(pid: int, seconds: float = 30) -> bool:
    """Wait for a process to end (not a timing assertion: a bound on waiting)."""
    try:
        psutil.Process(pid).wait(timeout=seconds)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        return False
    return True


def child(db: Path, body: str) -> subprocess.Popen[str]:
    """A Python process that opens the store at `db`, runs `body`, prints READY and sleeps."""
    code = textwrap.dedent(
        f"""
        import sys, threading, time
        from graphcrm.store import open_store
        db = {str(db)!r}
        """
    ) + textwrap.dedent(body)
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent
    )


def read_until_ready(proc: subprocess.Popen[str]) -> list[str]:
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "READY":
            return lines
        lines.append(line.strip())
    raise AssertionError(f"child ended before READY: {lines}")


def test_acknowledged_writes_survive_kill_9_of_the_server(db_path):
    store = open_store(db_path)
    for i in range(50):  # 50 separately acknowledged writes
        store.write([("MERGE (:Node:Person {id: $id})", {"id": f"w{i}"})])
    pid = store.server.pid
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid)
    # the same store notices, restarts the server from its append-only file, and goes on
    assert count(store, "w") == 50
    assert store.server.pid != pid
    store.close()
    with open_store(db_path) as again:
        assert count(again, "w") == 50


def test_writes_survive_kill_9_of_our_process_and_the_server_does_not_linger(db_path):
    proc = child(
        db_path,
        """
        s = open_store(db)
        for i in range(30):
            s.write([("MERGE (:Node:Person {id: $id})", {"id": f"k{i}"})])
        print(s.server.pid, flush=True)
        print("READY", flush=True)
        time.sleep(600)
    """,
    )
    server_pid = int(read_until_ready(proc)[0])
    proc.kill()
    proc.wait()
    assert wait_gone(server_pid), "the server outlived its killed owner"
    with open_store(db_path) as store:
        assert count(store, "k") == 30


def servers_of(folder: Path) -> list[psutil.Process]:
    """The live processes serving `folder`: a redis-server working in it (its `--dir`), or any
    process holding its lock file open. (A redis-server's command line is its title, which
    names the socket: not the folder when the socket had to go elsewhere for a long path.)"""
    folder, lock = folder.resolve(), str(folder.resolve() / "lock")
    found = []
    for proc in psutil.process_iter(["name", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        with contextlib.suppress(psutil.Error):
            if (proc.info["name"] == "redis-server" and Path(proc.cwd()) == folder) or any(
                f.path == lock for f in proc.open_files()
            ):
                found.append(proc)
    return found


def dead(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie has: only its parent's bookkeeping is left)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_for(condition, seconds: float = 30) -> bool:
    """Poll `condition` until it holds or `seconds` pass (a bound on waiting, not a timing test)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def server_info(folder: Path) -> ServerInfo:
    """What `server.json` names, waiting while it is being replaced (a restart removes it first)."""
    found: list[ServerInfo] = []

    def named() -> bool:
        info = ServerInfo.read(folder / "server.json")
        found.extend([info] if info else [])
        return info is not None

    assert wait_for(named), "no server.json"
    return found[-1]


def test_a_server_started_from_a_thread_that_ended_dies_with_its_process(db_path):
    """The kernel's death signal (PR_SET_PDEATHSIG) fires when the *thread* that forked the
    server ends, so it was only asked for from the main thread: a server started from another
    thread outlived its process killed with -9, holding the folder's lock. Servers are now
    forked by one helper thread that lives as long as the process, whoever asks."""
    proc = child(
        db_path,
        """
        out = {}
        def work():
            s = open_store(db)
            s.write([("UNWIND range(1, 20) AS i MERGE (:Node:Person {id: 'o' + toString(i)})", {})])
            out["pid"] = s.server.pid
        t = threading.Thread(target=work)
        t.start(); t.join()
        print(out["pid"], flush=True)
        print("READY", flush=True)
        time.sleep(600)
    """,
    )
    server = int(read_until_ready(proc)[0])
    proc.kill()
    proc.wait()
    try:
        assert wait_gone(server), (
            "the server outlived its process (killed after the thread that started it ended)"
        )
    finally:
        for leftover in servers_of(db_path):
            leftover.terminate()
    with open_store(db_path) as store:
        assert count(store, "o") == 20


def test_an_orphaned_server_is_stopped_and_replaced_by_the_next_open(db_path):
    # a server without the death signal (as an older graphcrm started from a thread): kill -9
    # of its process leaves it running, an orphan holding the lock
    proc = child(
        db_path,
        """
        import graphcrm.store.embedded as embedded
        embedded._die_with = lambda parent: None
        s = open_store(db)
        s.write([("UNWIND range(1, 20) AS i MERGE (:Node:Person {id: 'o' + toString(i)})", {})])
        print(s.server.pid, flush=True)
        print("READY", flush=True)
        time.sleep(600)
    """,
    )
    orphan = int(read_until_ready(proc)[0])
    proc.kill()
    proc.wait()
    assert psutil.pid_exists(orphan)  # the situation this test is about
    with open_store(db_path) as store:
        assert count(store, "o") == 20
        assert store.server.owner and store.server.pid != orphan
    assert wait_gone(orphan)


KILLS = 8


def test_threads_finding_the_server_killed_restart_it_once_and_carry_on(db_path, monkeypatch):
    """Eight threads reading when the server is killed all lose their connection at once. One
    brings the server back, the others wait for it and use it: no error (it was
    "'NoneType' object has no attribute 'pid'" from threads restarting at once), one restart
    per kill and never two at a time, one server at the end."""
    store = open_store(db_path)
    store.write([(WRITE, {"n": 100, "prefix": "r"})])
    errors: list[str] = []
    reads = [0]
    stop = threading.Event()
    restarts = {"calls": 0, "running": 0, "most": 0}
    guard = threading.Lock()
    restart = store.server.restart

    def counted_restart() -> str:
        with guard:
            restarts["calls"] += 1
            restarts["running"] += 1
            restarts["most"] = max(restarts["most"], restarts["running"])
        try:
            return restart()
        finally:
            with guard:
                restarts["running"] -= 1

    monkeypatch.setattr(store.server, "restart", counted_restart)

    def reader() -> None:
        while not stop.is_set():
            try:
                got = count(store, "r")
                assert got == 100, got
                reads[0] += 1
            except Exception as exc:  # every error is what the test reports
                errors.append(f"{type(exc).__name__}: {exc}")
                return

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        for _ in range(KILLS):
            killed = server_info(db_path).server_pid
            os.kill(killed, signal.SIGKILL)
            seen = reads[0]

            def back(killed: int = killed, seen: int = seen) -> bool:
                info = ServerInfo.read(db_path / "server.json")
                return bool(info and info.server_pid != killed and reads[0] > seen + 16) or bool(errors)

            assert wait_for(back, 60), "the readers did not get going again"
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert (restarts["calls"], restarts["most"]) == (KILLS, 1)
    assert [p.pid for p in servers_of(db_path)] == [server_info(db_path).server_pid]
    store.close()


def test_normal_exit_leaves_no_server_behind(db_path):
    proc = child(
        db_path,
        """
        s = open_store(db)
        print(s.server.pid, flush=True)
        print("READY", flush=True)
    """,
    )
    server_pid = int(read_until_ready(proc)[0])
    assert proc.wait() == 0
    assert not psutil.pid_exists(server_pid) or psutil.Process(server_pid).status() == psutil.STATUS_ZOMBIE
    info = ServerInfo.read(db_path / "server.json")
    assert info is None


def test_stale_leftovers_of_a_dead_server_do_not_block_reopening(db_path):
    store = open_store(db_path)
    store.write([("MERGE (:Node:Person {id: 'stale'})", {})])
    pid = store.server.pid
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid)
    store.server._proc = None  # forget it, as a crashed process would
    # server.json and the socket still name the dead server
    assert ServerInfo.read(db_path / "server.json").server_pid == pid
    with open_store(db_path) as again:
        assert count(again, "stale") == 1


def test_two_processes_share_one_database(db_path):
    with open_store(db_path) as owner:
        proc = child(
            db_path,
            """
            s = open_store(db)
            for i in range(100):
                s.write([("MERGE (:Node:Person {id: $id})", {"id": f"c{i}"})])
            print(s.server.owner, flush=True)
            s.close()
            print("READY", flush=True)
        """,
        )
        for i in range(100):
            owner.write([("MERGE (:Node:Person {id: $id})", {"id": f"p{i}"})])
        lines = read_until_ready(proc)
        assert proc.wait() == 0
        assert lines == ["False"]  # the child attached to our server
        assert count(owner, "c") == 100 and count(owner, "p") == 100


def test_a_client_takes_over_when_the_owner_closes(db_path):
    first = open_store(db_path)
    second = open_store(db_path)
    assert first.server.owner and not second.server.owner
    first.write([("MERGE (:Node:Person {id: 'x1'})", {})])
    first.close()
    assert count(second, "x") == 1
    assert second.server.owner
    second.close()


def test_plain_shapes_of_nodes_relationships_and_paths(store):
    store.write(
        [
            (
                "MERGE (a:Node:Person {id: 'a', name: '李青 <b>'}) MERGE (b:Node:Person {id: 'b'}) "
                "MERGE (a)-[:KNOWS {strength: 0.5, since: '2024-01-02'}]->(b)",
                {},
            ),
        ]
    )
    row = store.read("MATCH p = (a:Person {id: 'a'})-[r:KNOWS]->(b) RETURN a, r, p, date('2024-01-02') AS d")[
        0
    ]
    node_a = {"labels": ["Person"], "properties": {"id": "a", "name": "李青 <b>"}}
    rel = {"type": "KNOWS", "start": "a", "end": "b", "properties": {"strength": 0.5, "since": "2024-01-02"}}
    assert row["a"] == node_a
    assert row["r"] == rel
    assert row["p"] == {
        "nodes": [node_a, {"labels": ["Person"], "properties": {"id": "b"}}],
        "relationships": [rel],
    }
    assert row["d"] == "2024-01-02"


def test_ids_are_unique_across_labels(store):
    store.write([("CREATE (:Node:Account {id: 'dup'})", {})])
    with pytest.raises(Exception, match=r"unique constraint|already exists with label `Node`"):
        store.write([("CREATE (:Node:Person {id: 'dup'})", {})])


def test_a_batch_is_one_transaction_on_the_engine(store):
    store.write([("CREATE (:Node:Person {id: 't1'})", {}), ("CREATE (:Node:Person {id: 't2'})", {})])
    assert count(store, "t") == 2


def test_connection_errors_name_the_url_without_password():
    with pytest.raises(StoreError) as err:
        open_store("falkordb://user:secret@127.0.0.1:1")
    message = str(err.value)
    assert "falkordb://user:***@127.0.0.1:1" in message and "secret" not in message
    assert "check that the server runs" in message


def test_unknown_url_scheme_is_a_clear_error():
    with pytest.raises(StoreError, match="unknown database URL 'postgres://x:\\*\\*\\*@h/db'"):
        open_store("postgres://x:pw@h/db")


def test_redact_url():
    assert redact_url("neo4j+s://neo4j:pa:ss@db.example:7687") == "neo4j+s://neo4j:***@db.example:7687"
    assert redact_url("bolt://localhost:7687") == "bolt://localhost:7687"


def test_neo4j_connection_error_names_the_url(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2")
    with pytest.raises(StoreError) as err:
        open_store("bolt://127.0.0.1:1")
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in str(err.value)
    assert "hunter2" not in str(err.value)


def test_data_persists_across_close_and_reopen(db):
    with open_store(db) as store:
        store.write([(WRITE, {"n": 1000, "prefix": "q"})])
    with open_store(db) as store:
        assert count(store, "q") == 1000


OPEN_AND_WRITE = """
import sys
from graphcrm.store import open_store
with open_store(sys.argv[1]) as store:
    store.write([("MERGE (:Node:Person {id: $id})", {"id": sys.argv[2]})])
"""


def test_processes_opening_a_new_database_at_the_same_moment_all_get_in(tmp_path):
    """One starts the server, the others attach to it once it accepts connections (not as soon
    as `server.json` names it: they were refused while it was starting). No timing assumed:
    whichever order the processes run in, all of them must get in."""
    for attempt in range(3):
        db = tmp_path / f"db{attempt}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AND_WRITE, str(db), f"p{i}"],
                cwd=Path(__file__).parent.parent,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(4)
        ]
        errors = [proc.communicate(timeout=120)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0, 0, 0], errors
        with open_store(db) as store:
            assert count(store, "p") == 4


# -- private files ------------------------------------------------------------------------------


def assert_private(folder: Path) -> None:
    """The folder is 0700 and nothing in it can be read, written or entered by anyone else."""
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700, oct(folder.stat().st_mode)
    for path in [*folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(folder)} is {oct(mode)}"


def test_the_database_folder_and_its_files_are_private(db_path):
    """It was 0755 with files 0644: anyone on the machine could read the graph's files."""
    old = os.umask(0o022)  # the usual umask, whatever the test runner's
    try:
        with open_store(db_path) as store:
            store.write([(WRITE, {"n": 10, "prefix": "m"})])
            store.compact()  # a rewrite makes new files: a base and an increment
            store.write([(WRITE, {"n": 20, "prefix": "m"})])
            names = {p.name for p in db_path.iterdir()}
            assert {"appendonlydir", "server.json", "server.log", "lock"} <= names
            assert_private(db_path)  # while the server runs (its socket too)
        assert_private(db_path)
    finally:
        os.umask(old)


def test_a_database_folder_made_before_is_made_private_and_keeps_working(db_path):
    with open_store(db_path) as store:
        store.write([(WRITE, {"n": 10, "prefix": "e"})])
    for path in [db_path, *db_path.rglob("*")]:  # as an older graphcrm left them
        path.chmod(0o755 if path.is_dir() else 0o644)
    with open_store(db_path) as store:
        assert count(store, "e") == 10
        store.write([(WRITE, {"n": 12, "prefix": "e"})])
        assert_private(db_path)
    with open_store(db_path) as store:
        assert count(store, "e") == 12


def test_a_folder_holding_other_files_keeps_its_own_mode(tmp_path):
    """A folder the user made for more than the database (e.g. --db .) is not theirs to lose:
    its mode stays, the database's own files are private."""
    tmp_path.chmod(0o755)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with open_store(tmp_path) as store:
        store.write([(WRITE, {"n": 1, "prefix": "f"})])
        assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
        for name in ("appendonlydir", "server.json", "server.log", "lock"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) & 0o077 == 0, name


def test_opening_a_neo4j_database_sends_only_the_schema_it_lacks(neo4j_store, neo4j_uri, monkeypatch):
    """Every command opens the database: an index that is missing is made again, and when every
    index and constraint of the schema is there, opening sends none of its statements."""
    import neo4j

    neo4j_store.read("DROP INDEX person_name")
    sent: list[str] = []
    run = neo4j.Session.run

    def spy(self, query, *args, **kwargs):
        sent.append(str(query))
        return run(self, query, *args, **kwargs)

    monkeypatch.setattr(neo4j.Session, "run", spy)
    with open_store(neo4j_uri) as store:
        assert "person_name" in store.run("store/indexes")[0]["names"]
    assert [q.split(" IF ")[0] for q in sent if q.startswith("CREATE")] == ["CREATE INDEX person_name"]
    sent.clear()
    with open_store(neo4j_uri):
        pass
    assert sent and not [q for q in sent if q.startswith("CREATE")]
