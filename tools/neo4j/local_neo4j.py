"""A local Neo4j Community DBMS (Bolt on 127.0.0.1, data in a folder) for graphcrm.

Built from `tools/neo4j/pom.xml` (Neo4j 5.26 LTS, APOC core, OpenGDS, all from Maven Central)
with the machine's Java 17+ and Maven; started as `java -cp … graphcrm.LocalNeo4j DATA PORT`.

    python tools/neo4j/local_neo4j.py start [DATA] [--port P] [--no-plugins]   # last line NEO4J_URI=…
    python tools/neo4j/local_neo4j.py stop [DATA]
    python tools/neo4j/local_neo4j.py build

`make neo4j` / `make neo4j-stop` call it with DATA = ./neo4j-data; the test suite imports it
and runs its own DBMS in a temporary folder (`LocalNeo4j.start(..., owned=True)`).
Only the standard library is used: it runs before graphcrm is installed.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
INFO = "local-neo4j.json"
LOG = "local-neo4j.log"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0
HEAP = os.environ.get("GRAPHCRM_NEO4J_HEAP", "1g")


class Unavailable(Exception):
    """Java 17+ or Maven is missing, or the build failed: the message says what to install."""


def java() -> str:
    """The `java` of JAVA_HOME, else of PATH, checked to be version 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    exe = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not exe or not os.path.exists(exe):
        raise Unavailable("the local Neo4j needs Java 17 or newer: install it (e.g. apt-get install openjdk-17-jdk)")
    out = subprocess.run([exe, "-version"], capture_output=True, text=True).stderr
    try:
        version = out.split('"')[1]
        major = int(version.split(".")[0] if not version.startswith("1.") else version.split(".")[1])
    except (IndexError, ValueError):
        major = 0
    if major < 17:
        raise Unavailable(f"the local Neo4j needs Java 17 or newer; {exe} is {out.splitlines()[0]!r}")
    return exe


def _stamp() -> Path:
    return HERE / "target" / "classpath.stamp"


def build(quiet: bool = True) -> str:
    """Build the project when the pom or the Java source is newer than the last build; return
    the class path. One build at a time: the test suite's workers each start a Neo4j at once,
    and two Maven runs in one folder break each other's copies (a lock file beside the build)."""
    (HERE / "target").mkdir(exist_ok=True)
    with open(HERE / "target" / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        return _build(quiet)


def _build(quiet: bool) -> str:
    sources = [HERE / "pom.xml", *sorted((HERE / "src").rglob("*.java"))]
    stamp = _stamp()
    if not stamp.exists() or max(p.stat().st_mtime for p in sources) > stamp.stat().st_mtime:
        mvn = shutil.which("mvn")
        if not mvn:
            raise Unavailable("the local Neo4j is built with Maven: install it (e.g. apt-get install maven)")
        java()
        command = [mvn, "-B", "-f", str(HERE / "pom.xml"), "package"]
        if quiet:
            command.insert(2, "-q")
        done = subprocess.run(command, capture_output=quiet, text=True)
        if done.returncode != 0:
            tail = "\n".join(((done.stdout or "") + (done.stderr or "")).splitlines()[-20:])
            raise Unavailable(f"building the local Neo4j (mvn package in {HERE}) failed:\n{tail}")
        stamp.touch()
    return f"{HERE / 'target' / 'classes'}{os.pathsep}{HERE / 'target' / 'lib' / '*'}"


def _die_with_parent() -> None:  # in the child between fork and exec: stop when the owner dies
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie is not alive
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


@dataclass
class LocalNeo4j:
    """A running local DBMS: its data folder, process id and Bolt URI."""

    data: Path
    pid: int
    uri: str
    process: subprocess.Popen[bytes] | None = None

    @classmethod
    def running(cls, data: Path) -> LocalNeo4j | None:
        """The DBMS already running on `data`, if any."""
        try:
            info = json.loads((data / INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not _alive(int(info["pid"])):
            return None
        return cls(data, int(info["pid"]), str(info["uri"]))

    @classmethod
    def start(cls, data: Path, port: int = 0, owned: bool = False, plugins: bool = False) -> LocalNeo4j:
        """Start a DBMS on `data` (or return the one running there) and wait until it accepts
        Bolt. `owned`: it stops when this process dies (for tests); otherwise it runs on in the
        background until `stop`. `plugins`: with APOC and Graph Data Science (graphcrm needs
        neither; they take ~100 MB and a few seconds more to start)."""
        return cls.launch(data, port, owned, plugins)()

    @classmethod
    def launch(
        cls, data: Path, port: int = 0, owned: bool = False, plugins: bool = False, brief: bool = False
    ) -> Callable[[], LocalNeo4j]:
        """`start` without the wait: the DBMS starts in the background, and the function returned
        waits until it accepts Bolt (the test suite runs its first tests meanwhile). `brief`: for
        minutes of small queries (the test suite's), its JIT compiles with C1 only: C2's compiler
        threads took a fifth of the CPU the suite's Neo4j half used (189 s of user time against
        147 s, the same wall time), CPU the other test worker wants on 2 cores. Not for
        benchmarks."""
        data = data.resolve()
        if (found := cls.running(data)) is not None:
            return lambda: found
        classpath = build()
        data.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (data / INFO).unlink()
        log = open(data / LOG, "ab")  # noqa: SIM115 - handed to the child
        command = [
            java(),
            f"-Xmx{HEAP}",
            "-XX:+UseParallelGC",
            *(["-XX:TieredStopAtLevel=1"] if brief else []),
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            f"-Dgraphcrm.plugins={HERE / 'target' / 'plugins' if plugins else ''}",
            "-cp",
            classpath,
            "graphcrm.LocalNeo4j",
            str(data),
            str(port),
        ]
        on_main = threading.current_thread() is threading.main_thread()
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=not owned,
            preexec_fn=_die_with_parent if owned and on_main else None,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S

        def started() -> LocalNeo4j:
            while (found := cls.running(data)) is None:
                if process.poll() is not None or time.monotonic() > deadline:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    tail = "\n".join((data / LOG).read_text(errors="replace").splitlines()[-15:])
                    raise Unavailable(f"the local Neo4j did not start (see {data / LOG}):\n{tail}")
                time.sleep(0.1)
            found.process = process
            return found

        return started

    def stop(self, at_once: bool = False) -> None:
        """Shut the DBMS down cleanly (SIGTERM) and wait for it to end; `at_once`, end it at once
        (SIGKILL), for one whose data is thrown away (the test suite's: a clean shutdown took
        about 5 s at the end of each test worker)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL if at_once else signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _alive(self.pid) and self.process is None:
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                break
            time.sleep(0.1)
        if self.process is not None:
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A local Neo4j for graphcrm")
    parser.add_argument("action", choices=("start", "stop", "build", "status"))
    parser.add_argument("data", nargs="?", default="neo4j-data", help="data folder (default ./neo4j-data)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRAPHCRM_NEO4J_PORT", "7687")))
    parser.add_argument("--no-plugins", action="store_true", help="without APOC and Graph Data Science")
    args = parser.parse_args(argv)
    data = Path(args.data).resolve()
    try:
        if args.action == "build":
            build(quiet=False)
            return 0
        if args.action == "status":
            found = LocalNeo4j.running(data)
            print(f"NEO4J_URI={found.uri}" if found else f"no local Neo4j runs on {data}")
            return 0 if found else 1
        if args.action == "stop":
            found = LocalNeo4j.running(data)
            if found is None:
                print(f"no local Neo4j runs on {data}")
                return 0
            found.stop()
            print(f"stopped the local Neo4j on {data}")
            return 0
        print(f"starting Neo4j on {data} (log: {data / LOG}) …", file=sys.stderr)
        found = LocalNeo4j.start(data, args.port, plugins=not args.no_plugins)
    except Unavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"NEO4J_URI={found.uri}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
