"""Fixtures: every store test runs on both engines, the embedded FalkorDB and a live Neo4j.

- `engine` is parametrised ("embedded", "neo4j"); `db` is the URL of this test's own empty
  database on it: a new folder for the embedded engine, the session's Neo4j emptied for Neo4j
  (Community has one user database, so tests share it one after the other). `store`, `seeded`
  and `cli` build on `db`, so a test that takes any of them runs twice.
- The session's Neo4j is `$NEO4J_URI` when set (an empty scratch database), else a local Neo4j
  (tools/neo4j/) started in a temporary folder on a free port and stopped at the end. When it
  cannot start, the Neo4j half fails with `CI=true` and is skipped otherwise, with one line
  saying what to install.
- `seeds(*names)` is a read-only database holding seed data sets, shared across tests (one
  per engine and set of seeds, imported once): a test that writes to it fails.
- `module_engine`, `module_db`: the same, for a database a whole module shares.
- `db_path`, `embedded_store`: the embedded engine only, for what only it has (its folder,
  its server process, its files on disk).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.demo import seed_path
from graphcrm.export import export_lines
from graphcrm.ingest.files import import_path
from graphcrm.store import Store, open_store

# Commands started by tests stop their embedded server when they end (the CLI's default keeps it
# 600 s for the next command: tests/test_keeper.py tests that).
os.environ.setdefault("GRAPHCRM_KEEP_SERVER", "0")
# What graphcrm keeps on this machine for a server's graph (`graphcrm.store.base.server_cache`)
# goes to a folder of this run, not the user's ~/.cache.
KEPT = os.environ["GRAPHCRM_CACHE"] = tempfile.mkdtemp(prefix="graphcrm-cache-")

SEEDS = ("apex", "hidden-decider", "jinchang", "kissinger", "xuri")
ON_CI = os.environ.get("CI", "").lower() == "true"
ENGINES = ("embedded", "neo4j")
ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _local_neo4j() -> Any:
    """tools/neo4j/local_neo4j.py as a module (it is a script, not part of the package), loaded
    once: its `Unavailable` is one class."""
    spec = importlib.util.spec_from_file_location("local_neo4j", ROOT / "tools" / "neo4j" / "local_neo4j.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def launch_neo4j(folder: Path, plugins: bool = False) -> Callable[[], Any]:
    """A test's local Neo4j in `folder`, starting (`LocalNeo4j.launch`: call what it gives to wait
    for it): it dies with this process, and compiles with C1 only (`brief`: minutes of small
    queries)."""
    return _local_neo4j().LocalNeo4j.launch(folder, owned=True, plugins=plugins, brief=True)


_launched: dict[str, Any] = {}  # the session's local Neo4j, started once collection ends


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the session's local Neo4j in the background as soon as the tests are known, when
    some test runs on it: the JVM takes 25-45 s to start, which the first tests (embedded) then
    hide. `neo4j_uri` waits for it."""
    if os.environ.get("NEO4J_URI") or not any("neo4j" in item.nodeid for item in session.items):
        return
    local = _local_neo4j()
    folder = session.config._tmp_path_factory.mktemp("neo4j")  # type: ignore[attr-defined]
    try:
        _launched["started"] = launch_neo4j(folder)
    except local.Unavailable as exc:
        _launched["error"] = exc


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop a Neo4j started for tests of which none ran here (another worker had them); remove
    what graphcrm kept for the servers' graphs."""
    if started := _launched.pop("started", None):
        with contextlib.suppress(Exception):
            started().stop()
    shutil.rmtree(KEPT, ignore_errors=True)


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Bolt URI of the session's Neo4j: `$NEO4J_URI`, else a local one we start and stop."""
    if uri := os.environ.get("NEO4J_URI"):
        if os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") != "1":
            pytest.fail("NEO4J_URI is one database, which parallel workers would share: run without -n")
        yield uri
        return
    local = _local_neo4j()
    try:
        if "error" in _launched:
            raise _launched["error"]
        started = _launched.pop("started", None) or launch_neo4j(tmp_path_factory.mktemp("neo4j"))
        server = started()
    except local.Unavailable as exc:
        message = f"Neo4j half not run: {exc} (or set NEO4J_URI to an empty scratch database)"
        if ON_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield server.uri
    finally:
        server.stop(at_once=True)  # its folder is thrown away: nothing to shut down cleanly


@pytest.fixture(scope="session")
def neo4j_admin(neo4j_uri: str) -> Iterator[Store]:
    """One connection to the session's Neo4j, for emptying it between tests."""
    store = open_store(neo4j_uri)
    if store.read("MATCH (n:Node) RETURN count(n) AS c")[0]["c"]:
        store.close()
        pytest.fail("NEO4J_URI points at a database with data in it: use an empty scratch database")
    yield store
    wipe(store)
    store.close()


def wipe(store: Store) -> None:
    """Empty a Neo4j database (every node, the graph version too); indexes stay."""
    store.read("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine this run of the test uses: "embedded" or "neo4j"."""
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_admin")
    return str(request.param)


@pytest.fixture
def db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of this test's own empty database on `engine` (a folder, or the emptied Neo4j)."""
    if engine == "embedded":
        return str(tmp_path / "db")
    wipe(request.getfixturevalue("neo4j_admin"))
    _shared.forget("neo4j")
    return str(request.getfixturevalue("neo4j_uri"))


@pytest.fixture(scope="module", params=ENGINES)
def module_engine(request: pytest.FixtureRequest) -> str:
    """The engine of a module's shared database (`module_db`): "embedded" or "neo4j"."""
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_admin")
    return str(request.param)


@pytest.fixture(scope="module")
def module_db(
    module_engine: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str:
    """The URL of an empty database for a whole module on `module_engine` (pytest runs the
    module's tests on one engine, then on the other). On Neo4j it is the session's database:
    a module using it must not also use `db`, `store`, `seeds` or `neo4j_store`, which empty it."""
    if module_engine == "embedded":
        return str(tmp_path_factory.mktemp("module") / "db")
    wipe(request.getfixturevalue("neo4j_admin"))
    _shared.forget("neo4j")
    return str(request.getfixturevalue("neo4j_uri"))


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    """This test's empty database on `engine`, closed after the test."""
    with open_store(db) as opened:
        yield opened


@pytest.fixture
def seeded(store: Store) -> Callable[..., Store]:
    """Import the named seed data sets into the test's own database (which it may then change)."""

    def load(*names: str) -> Store:
        for name in names:
            import_path(store, seed_path(name), progress=False)
        return store

    return load


@pytest.fixture
def cli(db: str) -> Callable[..., Any]:
    """Run a `graphcrm` command on this test's database (a traceback fails the test)."""
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, [*args, "--db", db], catch_exceptions=False)

    return invoke


class _SharedSeeds:
    """Read-only seed databases shared by the tests of a session, one per engine and seed set.

    The embedded engine keeps one folder (and its server) per set of seeds for the session.
    Neo4j has one database: it holds the last set asked for, and is emptied and imported again
    when another set is asked for or a test wrote to it in between (its version moved)."""

    def __init__(self) -> None:
        self.embedded: dict[tuple[str, ...], Store] = {}
        self.neo4j: tuple[tuple[str, ...], Any, Store] | None = None

    def get(self, engine: str, names: tuple[str, ...], request: pytest.FixtureRequest) -> Store:
        if engine == "embedded":
            if names not in self.embedded:
                folder = request.getfixturevalue("tmp_path_factory").mktemp("seeds")
                store = open_store(folder / "db")
                for name in names:
                    import_path(store, seed_path(name), progress=False)
                self.embedded[names] = store
            return self.embedded[names]
        admin: Store = request.getfixturevalue("neo4j_admin")
        if self.neo4j is not None and self.neo4j[0] == names and self.neo4j[2].version() == self.neo4j[1]:
            return self.neo4j[2]
        self.forget("neo4j")
        wipe(admin)
        store = open_store(request.getfixturevalue("neo4j_uri"))
        for name in names:
            import_path(store, seed_path(name), progress=False)
        self.neo4j = (names, store.version(), store)
        return store

    def forget(self, engine: str) -> None:
        if engine == "neo4j" and self.neo4j is not None:
            self.neo4j[2].close()
            self.neo4j = None

    def close(self) -> None:
        for store in self.embedded.values():
            store.close()
        self.embedded.clear()
        self.forget("neo4j")


_shared = _SharedSeeds()


@pytest.fixture(scope="session", autouse=True)
def _close_shared_seeds() -> Iterator[None]:
    yield
    _shared.close()


@pytest.fixture
def seeds(engine: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Store]]:
    """`seeds(*names)`: a shared read-only database on `engine` holding those seed data sets.
    Faster than `seeded` (imported once per session); the test must not write to it."""
    used: list[tuple[Store, Any]] = []

    def get(*names: str) -> Store:
        store = _shared.get(engine, tuple(names), request)
        used.append((store, store.version()))
        return store

    yield get
    for store, version in used:
        assert store.version() == version, "a test wrote to a shared seed database: use `seeded`"


@pytest.fixture
def seeds_db(engine: str, seeds: Callable[..., Store]) -> Callable[..., str]:
    """`seeds_db(*names)`: the URL of the shared read-only seed database (for the CLI, the viewer)."""

    def get(*names: str) -> str:
        store = seeds(*names)
        return store.url if engine == "neo4j" else str(store.server.folder)  # type: ignore[attr-defined]

    return get


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The folder of this test's own embedded database (embedded-only tests)."""
    return tmp_path / "db"


@pytest.fixture
def embedded_store(db_path: Path) -> Iterator[Store]:
    """An empty embedded database, for what only the embedded engine has."""
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture
def neo4j_store(neo4j_admin: Store, neo4j_uri: str) -> Iterator[Store]:
    """The session's Neo4j, emptied, for tests that hold both engines side by side."""
    wipe(neo4j_admin)
    _shared.forget("neo4j")
    with open_store(neo4j_uri) as opened:
        yield opened


@pytest.fixture
def write_files(tmp_path: Path) -> Callable[..., Path]:
    """Write CSV files (name -> text) into a fresh folder, starting from a copy of a seed."""
    counter = iter(range(1000))

    def write(files: dict[str, str | bytes], base: str | None = None) -> Path:
        folder = tmp_path / f"input{next(counter)}"
        if base:
            shutil.copytree(seed_path(base), folder)
            (folder / "README.md").unlink(missing_ok=True)
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)
        return folder

    return write


def snapshot(store: Store) -> str:
    """The whole graph as export text: equal snapshots mean equal graphs."""
    return "\n".join(export_lines(store))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "neo4j_sample(step): on Neo4j, run only every step-th value of the test's parameter `i`",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked `neo4j_sample(step)` (a page shown for each hostile payload `i`, say) runs on
    Neo4j for every `step`-th payload only: the page is the same code on both engines, and each
    engine's store takes every payload in tests of its own. The others are deselected, not skipped."""
    kept, dropped = [], []
    for item in items:
        mark = item.get_closest_marker("neo4j_sample")
        spec = getattr(item, "callspec", None)
        if mark and spec and "neo4j" in spec.id and spec.params.get("i", 0) % mark.args[0]:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
