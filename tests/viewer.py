"""A served viewer for the tests that need the real server (waitress), not Flask's test client."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served_viewer(db: Path, env: Mapping[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`graphcrm serve` over `db` on a free loopback port, with `env` added to the environment;
    yields (base URL, port) once it answers, and stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphcrm", "serve", "--db", str(db), "--port", str(port)],
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # a bound on waiting for it to start, not a timing assertion
            try:
                urllib.request.urlopen(base + "/favicon.ico", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            proc.kill()
            raise AssertionError(
                f"the viewer did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        yield base, port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
