"""Between commands: the embedded server kept for a while, and the path arrays kept on disk.

Issue 17: each `graphcrm` command is a new process, which used to start the database server
(seconds at scale M) and read the path search's arrays again (seconds more). The CLI now leaves
the server to a keeper (`graphcrm.store.keeper`) that stops it when idle, or at `graphcrm
stop`, never leaving an orphan; and the arrays are kept beside the database per graph version.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from graphcrm import projection
from graphcrm.demo import seed_path
from graphcrm.ingest import import_path
from graphcrm.privacy import forget
from graphcrm.store import open_store
from graphcrm.store.base import server_cache
from graphcrm.store.embedded import ServerInfo

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 60  # a bound on waiting, never a timing assertion


def _graphcrm(*args: str, keep: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPHCRM_KEEP_SERVER": keep, "GRAPHCRM_TODAY": "2026-11-23"}
    return subprocess.run(
        [sys.executable, "-m", "graphcrm", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
    )


def _server(folder: Path) -> ServerInfo | None:
    info = ServerInfo.read(folder / "server.json")
    return info if info and psutil.pid_exists(info.server_pid) else None


def _gone(pid: int) -> bool:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_the_cli_leaves_the_server_to_a_keeper_and_stop_ends_it(tmp_path):
    db = tmp_path / "db"
    assert _graphcrm("import", str(seed_path("jinchang")), "--db", str(db), keep="600").returncode == 0
    info = _server(db)
    assert info is not None, "the server stopped with the command"
    assert "graphcrm.store.keeper" in " ".join(psutil.Process(info.owner_pid).cmdline())
    again = _graphcrm("path", "jinchang.zhao-zhigang", "--db", str(db), keep="600")
    assert again.returncode == 0 and again.stdout.startswith("Warmest paths to 赵志刚 Zhao Zhigang:")
    assert _server(db) is not None and _server(db).server_pid == info.server_pid  # the same server
    stopped = _graphcrm("stop", "--db", str(db), keep="600")
    assert stopped.stdout == f"stopped the server of {db}\n"
    assert _gone(info.server_pid) and _gone(info.owner_pid)
    assert _graphcrm("stop", "--db", str(db), keep="600").stdout == f"no server runs for {db}\n"


def test_an_idle_server_stops_by_itself(tmp_path):
    db = tmp_path / "db"
    assert _graphcrm("stats", "--db", str(db), keep="1").returncode == 0
    info = _server(db)
    assert info is not None
    assert _gone(info.server_pid) and _gone(info.owner_pid)


def test_a_keeper_killed_takes_its_server_with_it(tmp_path):
    db = tmp_path / "db"
    assert _graphcrm("stats", "--db", str(db), keep="600").returncode == 0
    info = _server(db)
    assert info is not None
    os.kill(info.owner_pid, signal.SIGKILL)
    assert _gone(info.server_pid)


def test_a_bad_keep_setting_is_one_line(tmp_path):
    result = _graphcrm("stats", "--db", str(tmp_path / "db"), keep="soon")
    assert result.returncode == 2
    assert result.stderr == "error: GRAPHCRM_KEEP_SERVER='soon': expected a number of seconds, 0 or more\n"


def test_the_path_arrays_are_kept_per_version_and_gone_after_forget(store, db, monkeypatch):
    """Beside an embedded database; for a server (Neo4j) in the user's cache on this machine,
    where a new command loads them instead of reading the network (4 minutes at scale L)."""
    import_path(store, seed_path("jinchang"), progress=False)
    first = projection.network(store)
    if store.engine == "neo4j":
        assert store.cache_dir.parent == Path(os.environ["GRAPHCRM_CACHE"])
        assert oct(store.cache_dir.stat().st_mode & 0o777) == "0o700"
    kept = store.cache_dir / projection._folder_name(first.version)
    assert sorted(p.name for p in kept.iterdir()) == [
        f"{n}.npy" for n in sorted(("contact", "ids", "org", "rep", "source", "start", "strength"))
    ]
    assert {oct(p.stat().st_mode & 0o777) for p in kept.iterdir()} == {"0o600"}

    def no_read(*args, **kwargs):
        raise AssertionError("read again")

    with open_store(db) as other:  # another process's store: loads, does not read
        monkeypatch.setattr(projection, "read_network", no_read)
        loaded = projection.network(other)
        assert loaded.ids == first.ids and (loaded.source == first.source).all()
        monkeypatch.undo()
    forget(store, "jinchang.li-qiong")
    assert not store.cache_dir.exists() or not any(store.cache_dir.iterdir())


@pytest.mark.parametrize("setting", ["off", "0"])
def test_nothing_is_kept_for_a_server_when_the_cache_is_off(neo4j_store, monkeypatch, setting):
    monkeypatch.setenv("GRAPHCRM_CACHE", setting)
    assert neo4j_store.cache_dir is None
    import_path(neo4j_store, seed_path("jinchang"), progress=False)
    version = projection.network(neo4j_store).version
    monkeypatch.undo()
    assert not (neo4j_store.cache_dir / projection._folder_name(version)).exists()


@pytest.mark.parametrize("keep", ["0"])
def test_with_no_keeping_the_server_ends_with_the_command(tmp_path, keep):
    db = tmp_path / "db"
    assert _graphcrm("stats", "--db", str(db), keep=keep).returncode == 0
    assert _server(db) is None


def test_a_server_s_graphs_are_kept_apart_in_the_user_s_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("GRAPHCRM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    one = server_cache("neo4j", "bolt://neo4j:secret@crm.example:7687", "")
    assert one.parent == tmp_path / "graphcrm" and one.name.startswith("neo4j-")
    assert one == server_cache("neo4j", "bolt://neo4j:other@crm.example:7687", "")  # the password aside
    assert (
        len(
            {
                one,
                server_cache("neo4j", "bolt://crm.example:7688", ""),
                server_cache("neo4j", "bolt://neo4j:secret@crm.example:7687", "sales"),
            }
        )
        == 3
    )
    monkeypatch.setenv("GRAPHCRM_CACHE", "off")
    assert server_cache("neo4j", "bolt://crm.example:7687", "") is None
    monkeypatch.delenv("GRAPHCRM_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", _raise_runtime)  # a service's user with no home folder
    assert server_cache("neo4j", "bolt://crm.example:7687", "") is None


def _raise_runtime() -> Path:
    raise RuntimeError("Could not determine home directory.")
