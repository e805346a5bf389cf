"""Keeps an embedded database's server running between commands, for a while.

Each `graphcrm` command is a new process. Without a server already running, a command starts
one and waits for it to load the database (2.6 s at 100,000 people); when the command ends, the
server ends with it. So the CLI (and only the CLI: `graphcrm.cli`, `GRAPHCRM_KEEP_SERVER`
seconds, default 600) asks for a *keeper*: a small process of its own session that starts the
server as its child (the server dies with it, as with any owner: `graphcrm.store.embedded`)
and stops it once nobody used it for the given time — no client connected, no command run.
`graphcrm stop` stops it at once. A keeper killed outright takes its server with it: nothing
outlives it unasked.

Before it stops the server, the keeper compacts the database's append-only file when the writes
appended since its base file reach `COMPACT_FROM_BYTES` (`BGREWRITEAOF`: one base file holding
the graph as it is). A server replays those writes every time it starts, and after a bulk import
they leave the graph's matrices and indexes to be finished by the first queries. Measured at
scale M (load average 4–8), with the last 51 MB of an import's bulk commands appended: the
first question after each start took 0.5–10 s longer (the influencers of the 500-person account
10.7 s, 0.6 s once compacted; referrals 2.3 s, then 0.14 s), while loading one larger base file
takes 0.3–0.8 s longer (1.5–2.2 s against 1.2–1.3 s: the indexes are built as it loads).

The server is started before `redis` is imported (0.1–0.4 s): a command waiting for it waits
that much less.

    python -m graphcrm.store.keeper FOLDER SECONDS
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from graphcrm.store.embedded import EmbeddedServer, ServerInfo, _alive

if TYPE_CHECKING:
    import redis

CHECK_S = 1.0  # how often the keeper looks whether the server is in use
KEEPER_MODULE = "graphcrm.store.keeper"
COMPACT_FROM_BYTES = 4 * 2**20  # writes appended since the base file that make the keeper compact
COMPACT_WAIT_S = 120.0  # the longest the keeper waits for a compaction before it stops the server
STOP_WAIT_S = COMPACT_WAIT_S + 30.0  # how long `stop` waits for the server to end


def keep(folder: Path, idle_s: float) -> int:
    """Start the folder's server and keep it while it is used; 0 when it ran and stopped."""
    server = EmbeddedServer(folder)
    socket = server.start_or_attach()
    if not server.owner:
        return 1  # another process owns it already
    done = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: done.set())
    import redis  # once the server loads the database: see the module docstring

    client = redis.Redis(unix_socket_path=socket)
    last_used, commands = time.monotonic(), None
    try:
        while not done.wait(CHECK_S) and server.running():
            try:
                info = client.info()
            except redis.RedisError:
                break
            total = int(info["total_commands_processed"])
            others = int(info["connected_clients"]) - 1
            if others > 0 or (commands is not None and total - commands > 1):  # our INFO is 1
                last_used = time.monotonic()
            commands = total
            if time.monotonic() - last_used > idle_s:
                break
    finally:
        with contextlib.suppress(redis.RedisError):
            if server.running():
                _compact(client)
        with contextlib.suppress(redis.RedisError):
            client.close()
        server.stop()
    return 0


def _compact(client: redis.Redis) -> None:
    """Rewrite the append-only file as one base file when enough was appended since the last,
    and wait (up to `COMPACT_WAIT_S`) until it is done."""
    info = client.info("persistence")
    if int(info["aof_current_size"]) - int(info["aof_base_size"]) < COMPACT_FROM_BYTES:
        return
    if not (info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"]):
        client.bgrewriteaof()
    deadline = time.monotonic() + COMPACT_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(0.1)
        info = client.info("persistence")
        if not (info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"]):
            return


def stop(folder: Path, timeout_s: float = STOP_WAIT_S) -> str:
    """Stop the keeper of `folder` (and so its server); a line saying what was done."""
    info = ServerInfo.read(folder.resolve() / "server.json")
    if info is None or not _alive(info.server_pid, "redis-server"):
        return f"no server runs for {folder}"
    if not _alive(info.owner_pid, KEEPER_MODULE):
        return (
            f"the server of {folder} belongs to process {info.owner_pid} (a running command or "
            "viewer), which stops it when it ends"
        )
    import os

    with contextlib.suppress(ProcessLookupError):
        os.kill(info.owner_pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    # until the keeper is gone too: it reaps its server and removes server.json as it ends (a
    # server that has just exited is not running, but its process is there until reaped)
    while (_alive(info.server_pid, "redis-server") or _alive(info.owner_pid, KEEPER_MODULE)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.05)
    return f"stopped the server of {folder}"


if __name__ == "__main__":
    sys.exit(keep(Path(sys.argv[1]), float(sys.argv[2])))
