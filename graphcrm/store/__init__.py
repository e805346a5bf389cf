"""The graph store: one small interface over the embedded FalkorDB, a FalkorDB server and Neo4j.

`open_store(url)` picks the backend from the URL:

- no URL, a folder path, or `file:PATH` — the embedded FalkorDB (FalkorDBLite) in that folder,
  default `$GRAPHCRM_DB` or `./graphcrm-data/`;
- `falkordb://host:port` (or `redis://`) — a FalkorDB server;
- `neo4j://`, `neo4j+s://`, `bolt://`, `bolt+s://` — Neo4j through the official driver,
  with `NEO4J_USERNAME` / `NEO4J_PASSWORD`; `NEO4J_URI` is used when no URL is given and
  `GRAPHCRM_DB` is not set.

Every backend returns rows as dicts of plain Python values (see `graphcrm.store.base`), and
runs each `write()` batch in one transaction. Nothing outside this package imports a driver.
"""

from __future__ import annotations

import os
from pathlib import Path

from graphcrm.store.base import Store, StoreError, redact_url

__all__ = ["Store", "StoreError", "default_url", "open_store", "redact_url"]

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
FALKORDB_SCHEMES = ("falkordb://", "falkordbs://", "redis://", "rediss://")


def default_url() -> str:
    """The database used when none is named: `$GRAPHCRM_DB`, else `$NEO4J_URI`, else ./graphcrm-data."""
    return os.environ.get("GRAPHCRM_DB") or os.environ.get("NEO4J_URI") or "graphcrm-data"


def open_store(
    url: str | os.PathLike[str] | None = None, *, graph: str = "graphcrm", linger: float = 0.0
) -> Store:
    """Open the store named by `url` (see the module docstring), make sure its schema exists
    and that its named nodes carry their search keys (`graphcrm.names.fill_keys`: a graph
    written before keys existed gets them once, here).

    `linger` (embedded only): when this opens the folder's server, keep it running that many
    seconds after its last client leaves (`graphcrm.store.keeper`), so that the next command
    finds it loaded; 0, the default, stops it with this process.

    Raises `StoreError` with the URL (password removed) and what to check when it cannot connect.
    """
    target = str(url) if url is not None else default_url()
    if target.startswith(NEO4J_SCHEMES):
        from graphcrm.store.neo4j import Neo4jStore

        store: Store = Neo4jStore(target)
    elif target.startswith(FALKORDB_SCHEMES):
        from graphcrm.store.falkordb import FalkorDBStore

        store = FalkorDBStore.connect(target, graph=graph)
    elif "://" in target and not target.startswith("file://"):
        raise StoreError(
            f"unknown database URL {redact_url(target)!r}: use a folder path for the embedded "
            "database, falkordb://host:port for a FalkorDB server, or neo4j:// / bolt:// for Neo4j"
        )
    else:
        from graphcrm.store.falkordb import FalkorDBStore

        path = target.removeprefix("file://").removeprefix("file:")
        store = FalkorDBStore.embedded(Path(path), graph=graph, linger=linger)
    try:
        store.ensure_schema()
        from graphcrm.names import fill_keys  # names is library code above the store

        fill_keys(store)
    except BaseException:
        store.close()
        raise
    return store
