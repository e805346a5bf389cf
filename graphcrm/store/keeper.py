"""Keeps an embedded database's server running between commands, for a while.

Each `graphcrm` command is a new process. Without a server already running, a command starts
one and waits for it to load the database (2.6 s at 100,000 people); when the command ends, the
server ends with it. So the CLI (and only the CLI: `graphcrm.cli`, `GRAPHCRM_KEEP_SERVER`
seconds, default 600) asks for a *keeper*: a small process of its own session that starts the
server as its child (the server dies with it, as with any owner: `graphcrm.store.embedded`)
and stops it once nobody used it for the given time — no client connected, no command run.
`graphcrm stop` stops it at once. A keeper killed outright takes its server with it: nothing
outlives it unasked.

    python -m graphcrm.store.keeper FOLDER SECONDS
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from pathlib import Path

import redis

from graphcrm.store.embedded import EmbeddedServer, ServerInfo, _alive

CHECK_S = 1.0  # how often the keeper looks whether the server is in use
KEEPER_MODULE = "graphcrm.store.keeper"


def keep(folder: Path, idle_s: float) -> int:
    """Start the folder's server and keep it while it is used; 0 when it ran and stopped."""
    server = EmbeddedServer(folder)
    socket = server.start_or_attach()
    if not server.owner:
        return 1  # another process owns it already
    done = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(number, lambda *_: done.set())
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
            client.close()
        server.stop()
    return 0


def stop(folder: Path, timeout_s: float = 30.0) -> str:
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
    while _alive(info.server_pid, "redis-server") and time.monotonic() < deadline:
        time.sleep(0.05)
    return f"stopped the server of {folder}"


if __name__ == "__main__":
    sys.exit(keep(Path(sys.argv[1]), float(sys.argv[2])))
