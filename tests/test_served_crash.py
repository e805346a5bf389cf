"""The served viewer when its embedded server dies: real processes (`graphcrm serve`, the
redis-server it starts, HTTP clients) and kill -9.

Issue 13 item 7: killing the redis-server under a viewer with 8 clients gave HTTP 500s (threads
restarting the server at once), and a server restarted from a worker thread outlived the viewer
killed with -9 (parent pid 1, holding the folder's lock)."""

from __future__ import annotations

import collections
import os
import random
import signal
import threading

from bench.soak import Session, prepare, reads, served, server_errors
from graphcrm.store import open_store
from graphcrm.store.embedded import ServerInfo
from tests.test_store import dead, server_info, servers_of, wait_for

CLIENTS = 8
KILLS = 5


def test_clients_get_no_error_while_the_server_is_killed_under_the_viewer(tmp_path):
    """Eight clients read every page and API while the redis-server is killed five times. A
    request that meets the dead server waits while one thread brings it back, then is answered:
    every answer is a 200 with the name it should show (a 503 would say the database could not be
    brought back within 30 s; a 500 is a bug)."""
    db, log = tmp_path / "db", tmp_path / "serve.log"
    prepare(db)
    answers: list[tuple[str, int, str]] = []
    stop = threading.Event()

    def client(number: int) -> None:
        session, rng = Session(base), random.Random(number)
        mix = reads(rng)
        while not stop.is_set():
            item = rng.choice(mix)
            try:
                status, text = session.request("GET", item.path)
            except Exception as exc:  # a dropped connection is an error too
                answers.append((item.path, -1, f"{type(exc).__name__}: {exc}"))
                continue
            wrong = "" if status == 200 and item.expect in text else text[:300]
            answers.append((item.path, status, wrong))
        session.close()

    with served(db, log, threads=CLIENTS) as base:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            assert wait_for(lambda: len(answers) >= CLIENTS, 60)
            for _ in range(KILLS):
                killed = server_info(db).server_pid
                os.kill(killed, signal.SIGKILL)
                assert wait_for(lambda killed=killed: dead(killed))
                seen = len(answers)

                def back(killed: int = killed, seen: int = seen) -> bool:
                    info = ServerInfo.read(db / "server.json")
                    return bool(info and info.server_pid != killed) and len(answers) > seen + 2 * CLIENTS

                assert wait_for(back, 120), "the viewer did not get going again"
        finally:
            stop.set()
            for thread in threads:
                thread.join()
    statuses = collections.Counter(status for _, status, _ in answers)
    assert [a for a in answers if a[1] != 200 or a[2]][:5] == [], statuses
    assert server_errors(log) == []


def test_a_viewer_killed_after_a_worker_thread_restarted_its_server_leaves_no_server(tmp_path):
    """The server is killed, a request brings it back from a waitress worker thread, then the
    viewer is killed with -9: the server must go too (it shuts down cleanly on SIGTERM), so that
    the folder's lock is free and the next open starts its own server."""
    db, log = tmp_path / "db", tmp_path / "serve.log"
    prepare(db)
    try:
        with served(db, log) as base:
            first = server_info(db)
            viewer = first.owner_pid
            os.kill(first.server_pid, signal.SIGKILL)
            assert wait_for(lambda: dead(first.server_pid))
            user = Session(base)
            status, text = user.request("GET", "/api/accounts")  # a worker thread restarts it
            user.close()
            assert status == 200 and "APEX" in text, text[:300]
            second = server_info(db)
            assert second.server_pid != first.server_pid and second.owner_pid == viewer

            os.kill(viewer, signal.SIGKILL)
            assert wait_for(lambda: not servers_of(db), 30), (
                f"a redis-server outlived the viewer killed with -9: {[p.pid for p in servers_of(db)]}"
            )
    finally:
        for leftover in servers_of(db):  # only when the test failed: do not leave it running
            leftover.terminate()
    with open_store(db) as store:
        assert store.server.owner  # type: ignore[attr-defined]
        assert store.read("MATCH (a:Account {id: 'apex.apex'}) RETURN a.id AS id") == [{"id": "apex.apex"}]
