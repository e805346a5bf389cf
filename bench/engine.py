"""Where the benchmark's graph lives: `--db embedded` (the default) or `--db neo4j`.

- **embedded**: a fresh FalkorDBLite folder in the run's temporary folder for each import; its
  server is a child process of ours.
- **neo4j**: the Neo4j of `$NEO4J_URI` when set, which must be an empty scratch database (one
  holding any node but graphcrm's version and write-lock nodes is refused); else a local
  Neo4j Community (tools/neo4j/) started in the temporary folder with the heap and page cache
  of `NEO4J_MEMORY` for the scale, and stopped at the end. Before each import the graph is
  deleted (in batches, so that a large one fits the heap); what it held at the end is deleted
  too when the database was `$NEO4J_URI`.

Memory is the resident memory of our process plus the database's: the embedded server (our
child), or Neo4j's Java process (the one we started, or the local process listening on the
port of `$NEO4J_URI`; unknown for a remote server).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import psutil

from graphcrm.store import Store, StoreError, open_store

REPO = Path(__file__).resolve().parent.parent
LOCAL_NEO4J = REPO / "tools" / "neo4j" / "local_neo4j.py"
ENGINES = ("embedded", "neo4j")

# (JVM heap, page cache) of the local Neo4j for each scale: the store files fit the page cache
# (M's are about 1 GB); the heap holds a 5,000-row import batch and the bulk reads' results.
NEO4J_MEMORY = {"tiny": ("512m", "256m"), "S": ("1g", "512m"), "M": ("2g", "2g"), "L": ("8g", "10g")}

# Deletes 10,000 nodes with their relationships (one transaction: run until it deletes none).
WIPE = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(n) AS deleted"
# Any node but graphcrm's bookkeeping: the version node every write leaves
# (cypher/store/touch.cypher) and the write-lock node (cypher/store/lock.cypher).
DATA = "MATCH (n) WHERE NOT (n:GraphVersion OR n:WriteLock) RETURN count(n) > 0 AS held"
COMPONENTS = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
)
PROCEDURES = (
    "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' OR name STARTS WITH 'apoc.' "
    "RETURN sum(CASE WHEN name STARTS WITH 'gds.' THEN 1 ELSE 0 END) AS gds, "
    "sum(CASE WHEN name STARTS WITH 'apoc.' THEN 1 ELSE 0 END) AS apoc"
)


class Embedded:
    """A fresh embedded database per import, in `tmp`."""

    name = "embedded"
    label = "embedded"

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp

    def fresh(self, attempt: int | str) -> str:
        """The URL (here a folder) of an empty database."""
        return str(self.tmp / f"db{attempt}")

    def discard(self, url: str) -> None:
        shutil.rmtree(url, ignore_errors=True)

    def reopen(self, url: str) -> float:
        """Seconds to open the database again: start its server, which loads the files."""
        started = time.perf_counter()
        open_store(url).close()
        return time.perf_counter() - started

    def server_rss(self) -> int | None:
        return sum(child.memory_info().rss for child in psutil.Process().children(recursive=True))

    def describe(self) -> dict[str, Any]:
        return {"engine": "embedded"}


class Neo4j:
    """One Neo4j for the whole run: `$NEO4J_URI`, else a local one we start and stop."""

    name = "neo4j"
    label = "Neo4j"

    def __init__(self, uri: str, local: Any | None, heap: str | None, pagecache: str | None) -> None:
        self.uri = uri
        self.local = local  # a LocalNeo4j of tools/neo4j/local_neo4j.py when we started it
        self.heap = heap
        self.pagecache = pagecache
        self.pid = local.pid if local is not None else _listening_pid(uri)
        with open_store(uri) as store:
            if store.read(DATA)[0]["held"]:
                raise StoreError(
                    f"{store.url} holds data: the benchmark deletes everything in its database, "
                    "so give it an empty scratch Neo4j in NEO4J_URI (or unset NEO4J_URI to start "
                    "a local one)"
                )
            self.components = store.read(COMPONENTS)
            self.procedures = store.read(PROCEDURES)[0]

    def fresh(self, attempt: int | str) -> str:
        """The URI, its graph deleted (the schema stays)."""
        with open_store(self.uri) as store:
            wipe(store)
        return self.uri

    def discard(self, url: str) -> None:
        """Nothing now: the next `fresh` deletes the graph."""

    def reopen(self, url: str) -> float:
        """Seconds to open the database again: with a local Neo4j of ours, stop it and start
        it again (the server reads its files); with `$NEO4J_URI`, connect again."""
        started = time.perf_counter()
        if self.local is not None:
            self.local.stop()
            self.local = _start_local(self.local.data, self.heap, self.pagecache)
            self.uri = self.local.uri
            self.pid = self.local.pid
        open_store(self.uri).close()
        return time.perf_counter() - started

    def server_rss(self) -> int | None:
        if self.pid is None:
            return None
        with contextlib.suppress(psutil.Error):
            return psutil.Process(self.pid).memory_info().rss
        return None

    def describe(self) -> dict[str, Any]:
        kernel = next((c for c in self.components if c["name"] == "Neo4j Kernel"), {})
        return {
            "engine": "neo4j",
            "version": kernel.get("version"),
            "edition": kernel.get("edition"),
            "local": self.local is not None,
            "heap": self.heap if self.local is not None else None,
            "pagecache": self.pagecache if self.local is not None else None,
            "gds_procedures": self.procedures["gds"],
            "apoc_procedures": self.procedures["apoc"],
        }


@contextlib.contextmanager
def engine(
    db: str, scale: str, tmp: Path, heap: str | None = None, pagecache: str | None = None
) -> Iterator[Any]:
    """The run's database engine (see the module docstring); stopped or emptied at the end."""
    if db == "embedded":
        yield Embedded(tmp)
        return
    if db != "neo4j":
        raise ValueError(f"unknown engine {db!r}: expected one of {', '.join(ENGINES)}")
    uri = os.environ.get("NEO4J_URI")
    if uri:
        neo = Neo4j(uri, None, None, None)
        try:
            yield neo
        finally:
            with contextlib.suppress(StoreError), open_store(neo.uri) as store:
                wipe(store)
        return
    default_heap, default_pagecache = NEO4J_MEMORY.get(scale, NEO4J_MEMORY["M"])
    heap, pagecache = heap or default_heap, pagecache or default_pagecache
    local = _start_local(tmp / "neo4j", heap, pagecache)
    neo = None
    try:
        neo = Neo4j(local.uri, local, heap, pagecache)
        yield neo
    finally:
        (neo.local if neo is not None else local).stop()


def wipe(store: Store) -> None:
    """Delete every node and relationship, in transactions of 10,000 nodes (a large graph would
    not fit one transaction in the heap). Each is an auto-commit query, not `Store.write`, which
    would write the version node again."""
    while store.read(WIPE)[0]["deleted"]:
        pass


def _start_local(data: Path, heap: str | None, pagecache: str | None) -> Any:
    """Start the local Neo4j of tools/neo4j/ on `data` with this heap and page cache."""
    module = _local_neo4j()
    saved = os.environ.get("GRAPHCRM_NEO4J_PAGECACHE")
    module.HEAP = heap or module.HEAP  # read when the JVM's command line is made
    if pagecache:
        os.environ["GRAPHCRM_NEO4J_PAGECACHE"] = pagecache  # read by the JVM at start
    try:
        return module.LocalNeo4j.start(data, port=0, owned=True)
    finally:
        if saved is None:
            os.environ.pop("GRAPHCRM_NEO4J_PAGECACHE", None)
        else:
            os.environ["GRAPHCRM_NEO4J_PAGECACHE"] = saved


def _local_neo4j() -> ModuleType:
    """tools/neo4j/local_neo4j.py (not a package: loaded from its file, once)."""
    if (found := sys.modules.get("local_neo4j")) is not None:
        return found
    spec = importlib.util.spec_from_file_location("local_neo4j", LOCAL_NEO4J)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["local_neo4j"] = module
    spec.loader.exec_module(module)
    return module


def _listening_pid(uri: str) -> int | None:
    """The local process listening on the URI's port, if the server runs on this machine."""
    parts = urlsplit(uri)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    port = parts.port or 7687
    with contextlib.suppress(psutil.Error, OSError):
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    return None
