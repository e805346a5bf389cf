"""One writer at a time, on every engine: a lease held inside the database.

Two imports (or an import and an edit, or two clicks on the viewer's Confirm) that check the
graph and then write it must not interleave: the second would check a graph the first is
changing (an id "new" to both, created twice). Every writer therefore holds the lock from its
check to its last write (`Store.exclusive()`); `Store.write` takes it for a single batch when
the caller does not hold it already. Readers never wait.

The lock lives in the database rather than in a file, so that it works for processes on other
machines sharing a FalkorDB or Neo4j server too, and each engine takes it in one atomic step
(`Store.claim_lock`): on Neo4j a node under a unique constraint (`cypher/store/lock.cypher`);
on FalkorDB a key beside the graph, set by a script (a node would not do there: two first
MERGEs at once each create one, and both writers held "the" lock; measured: 212 times in 300).
It is a lease: the holder renews it every `LEASE_MS / 3` from a background thread while it
holds it, and a holder that vanished (killed, its machine gone) loses it when the lease runs
out. A holder that was a process of this machine and is no longer running is replaced at once,
so that re-running an import killed with `kill -9` does not wait for the lease. Holders are
named `host|pid|thread|token`; a thread that holds the lock may take it again (it nests).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import psutil

from graphcrm.errors import Unavailable

if TYPE_CHECKING:
    from graphcrm.store.base import Store

LEASE_MS = 30_000
WAIT_S = 600.0  # how long a writer waits for another one that keeps renewing its lease
_HOST = socket.gethostname()


class LockLost(Unavailable):
    """Another writer took the lock while we held it (our lease ran out): nothing more is written."""


class WriteLock:
    """The write lock of one store; `held()` is a context manager, nesting within a thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._local = threading.local()
        # The threads of this process (a viewer's) queue here, not by polling the database: a
        # poller slept up to 0.1 s past each release (8 clients importing: p95 1.1 s).
        self._here = threading.Lock()

    @property
    def mine(self) -> bool:
        """Whether this thread holds the lock."""
        return bool(getattr(self._local, "depth", 0))

    @property
    def holder(self) -> str | None:
        """The name this thread holds the lock under, None when it does not hold it."""
        renewer = getattr(self._local, "renewer", None)
        return renewer.holder if renewer is not None and self.mine else None

    def check(self) -> None:
        """Raise `LockLost` if this thread's lease was taken by another writer."""
        renewer = getattr(self._local, "renewer", None)
        if renewer is not None and renewer.lost:
            raise LockLost(
                f"another writer took over the database {self.store.url} while this one was "
                "writing (it stopped renewing its lease): run this again"
            )

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        if self.mine:
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        if not self._here.acquire(timeout=WAIT_S):
            raise Unavailable(
                f"the database {self.store.url} is busy: another writer of this process has been "
                f"writing for over {WAIT_S:.0f} s; try again when it is done"
            )
        try:
            prefix = f"{_HOST}|{os.getpid()}|{threading.get_ident()}|"
            holder = prefix + secrets.token_hex(6)
            self._acquire(holder, prefix)
            renewer = _Renewer(self.store, holder)
            self._local.depth, self._local.renewer = 1, renewer
            renewer.start()
            try:
                yield
            finally:
                self._local.depth, self._local.renewer = 0, None
                renewer.stop()
                with contextlib.suppress(Exception):  # a server gone: the lease runs out by itself
                    self.store.release_lock(holder)
        finally:
            self._here.release()

    def _acquire(self, holder: str, prefix: str) -> None:
        deadline = time.monotonic() + WAIT_S
        pause = 0.01
        steal: str | None = None
        while True:
            current = self.store.claim_lock(holder, steal, LEASE_MS)
            if current == holder:
                return
            if isinstance(current, str) and _gone(current, prefix):
                steal = current
                continue
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"the database {self.store.url} is busy: another writer ({_describe(current)}) has "
                    f"been writing for over {WAIT_S:.0f} s; try again when it is done"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.1)  # waiters poll often: imports queue behind each other


def _gone(holder: str, prefix: str) -> bool:
    """Whether `holder` can be replaced at once: a stale hold of this very thread (its release
    was lost with the server), or a process of this machine that is no longer running."""
    if holder.startswith(prefix):
        return True
    host, _, rest = holder.partition("|")
    pid = rest.partition("|")[0]
    return host == _HOST and pid.isdigit() and not psutil.pid_exists(int(pid))


def _describe(holder: object) -> str:
    if not isinstance(holder, str):
        return "unknown"
    host, pid = holder.split("|")[:2]
    return f"process {pid} on {host}"


class _Renewer(threading.Thread):
    """Renews the lease until stopped; notes when another writer took the lock meanwhile."""

    def __init__(self, store: Store, holder: str) -> None:
        super().__init__(name="graphcrm-write-lock", daemon=True)
        self.store, self.holder = store, holder
        self.lost = False
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(LEASE_MS / 3000):
            with contextlib.suppress(Exception):  # a passing fault: the next round renews it
                if self.store.claim_lock(self.holder, None, LEASE_MS) != self.holder:
                    self.lost = True
                    return

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive() and self is not threading.current_thread():
            self.join()
