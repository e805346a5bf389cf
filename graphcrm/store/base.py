"""What every backend offers, and the plain shapes its answers take.

A row is a dict from column name to a plain value:
- scalars, lists and maps as Python values; dates and times as ISO strings;
- a node as `{"labels": [...], "properties": {...}}` (labels sorted, without `Node`);
- a relationship as `{"type": T, "start": ID, "end": ID, "properties": {...}}` where the ends are
  the `id` properties of its nodes;
- a path as `{"nodes": [node, ...], "relationships": [relationship, ...]}` in path order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import secrets
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from graphcrm import queries
from graphcrm.errors import InvalidValue, Unavailable
from graphcrm.store.lock import WriteLock

if TYPE_CHECKING:
    from graphcrm.store.bulk import BulkNode, BulkRel, BulkRels

Row = dict[str, Any]
Statement = tuple[str, Mapping[str, Any]]


class Prepared(dict[str, Any]):
    """A query's parameters together with the form its engine sends them in (`ready`), made
    beforehand by `Store.prepare`: the same mapping to everyone else."""

    ready: Any


# Every node carries this label as well as its own: it holds the unique `id` of all nodes.
BASE_LABEL = "Node"


class StoreError(Unavailable):
    """A database that cannot be reached or used; the message says what to check. Also the
    base of `BadParameter` and `QueryWrites`, which are the user's own values (`InvalidValue`)."""


class BadParameter(StoreError, InvalidValue):
    """A query parameter the engine cannot take exactly (text with a NUL character, a whole
    number beyond 64 bits, NaN or infinity, a name that is not a plain name): refused before
    anything is sent, so that no value is silently changed or misread. A user's value: the CLI
    shows the message (exit 2), the viewer answers 400."""


class QueryWrites(StoreError, InvalidValue):
    """A query run with `read_only` tried to write; nothing was changed."""


def redact_url(url: str) -> str:
    """The URL without a password, fit for messages and logs."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", url)


CACHE_OFF = frozenset({"off", "0", "no", "none", "false"})


def server_cache(engine: str, url: str, graph: str) -> Path | None:
    """The folder on this machine where the graph `graph` of the server at `url` is kept
    between commands: `$GRAPHCRM_CACHE` (off: none), else `$XDG_CACHE_HOME/graphcrm`, else
    ~/.cache/graphcrm; one folder per server and graph, named by a hash of the two (the URL
    without its password). Without it every command of the shell reads the whole introduction
    network again: 4 minutes at scale L on Neo4j."""
    setting = os.environ.get("GRAPHCRM_CACHE", "").strip()
    if setting.lower() in CACHE_OFF:
        return None
    try:
        if setting:
            root = Path(setting).expanduser()
        else:
            base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
            root = Path(base) / "graphcrm"
    except RuntimeError:  # no home folder to be found (a service's user): nothing kept
        return None
    name = hashlib.sha256(f"{engine}|{redact_url(url)}|{graph}".encode()).hexdigest()[:20]
    return root / f"{engine}-{name}"


def plain(value: Any) -> Any:
    """Dates and times to ISO strings, containers recursively; other values unchanged."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def node_shape(labels: Iterable[str], properties: Mapping[str, Any]) -> Row:
    """The plain shape of a node."""
    return {
        "labels": sorted(label for label in labels if label != BASE_LABEL),
        "properties": plain(dict(properties)),
    }


def relationship_shape(rel_type: str, start: Any, end: Any, properties: Mapping[str, Any]) -> Row:
    """The plain shape of a relationship."""
    return {"type": rel_type, "start": start, "end": end, "properties": plain(dict(properties))}


class Store(ABC):
    """A graph database holding one graphcrm graph.

    `read` runs a query and returns rows; `write` runs statements as one transaction;
    `run` / `run_write` do the same with a named file of `cypher/` (see `graphcrm.queries`).
    """

    engine: str  # "falkordb" or "neo4j": picks engine-specific Cypher files
    writes_in_bulk = False  # whether `bulk_create` can write at all
    url: str  # for messages: never holds a password

    @abstractmethod
    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one query and return its rows as plain dicts."""

    @abstractmethod
    def read_only(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a query that must not write (a user's own Cypher) and return its rows; the engine
        itself refuses a query that would write (`QueryWrites`), and nothing is changed."""

    def write(self, statements: Sequence[Statement]) -> None:
        """Run the statements in order as one transaction (one batch); the version goes up.

        The transaction also records a random batch token on the version node, so that a
        backend retrying a batch whose reply was lost (the server died after making it durable,
        before answering) can tell it was applied and not apply it twice (`batch_applied`)."""
        batch = secrets.token_hex(12)
        with self.exclusive():
            self.write_lock.check()
            touch = (queries.load("store/touch", self.engine), {"batch": batch, "pending": None})
            self._transaction([*statements, touch], batch)

    @property
    def write_lock(self) -> WriteLock:
        """The database's write lock, as this store takes it (see `graphcrm.store.lock`)."""
        lock = self.__dict__.get("_write_lock")
        if lock is None:
            lock = self.__dict__.setdefault("_write_lock", WriteLock(self))
        return lock

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the database's write lock (waiting for another writer to finish): a writer that
        checks the graph and then writes it in several batches holds it from check to last
        write, so that two writers leave the graph as if one ran after the other. Nests."""
        return self.write_lock.held()

    def claim_lock(self, holder: str, steal: str | None, lease_ms: int) -> str | None:
        """Take or renew the write lock's lease for `holder` (see `graphcrm.store.lock`) when it is
        free, ours, expired or held by `steal`; in one atomic step. Who holds it afterwards."""
        rows = self.run("store/lock", {"holder": holder, "steal": steal, "lease": lease_ms})
        return rows[0]["holder"]

    def release_lock(self, holder: str) -> None:
        """Release the write lock if `holder` still holds it."""
        self.run("store/unlock", {"holder": holder})

    def batch_applied(self, batch: str) -> bool:
        """Whether the last batch written to the graph was the one with token `batch`."""
        rows = self.run("store/version")
        return bool(rows) and rows[0].get("batch") == batch

    def version(self) -> tuple[Any, Any]:
        """(created, version) of the graph: it changes with every write through `write`. The
        version is None while relationships are added in bulk in the graph itself (`append`),
        which the version does not count: nothing is kept with a version holding a None."""
        rows = self.run("store/version")
        if not rows:
            return (None, None)
        return (rows[0]["created"], None if rows[0]["pending"] else rows[0]["version"])

    def scan(self, query_name: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Rows of scalars only, as lists, for bulk reads: ints and strings as such, other
        values possibly as text (the caller converts). Faster than `run` on large results."""
        return [list(row.values()) for row in self.run(query_name, params)]

    def bulk_create(
        self,
        nodes: Iterable[BulkNode],
        rels: Iterable[BulkRel | BulkRels],
        sent: Callable[[int, int], None] | None = None,
        then: Iterable[tuple[str, str | None, Mapping[str, Any]]] = (),
    ) -> bool:
        """Create `nodes` and `rels` all at once, faster than batches of Cypher, then run `then`
        (query name, relationship type of its rows or None, parameters: the changes to records
        the graph held), as one change: a failure part-way (or a `kill -9`) leaves the graph as
        it was. None of `nodes` is in the graph. The caller holds the write lock (`exclusive`)
        and has checked the rows. False when this backend has no such path: nothing was written,
        and the caller writes in batches. `sent(nodes, relationships)` reports progress."""
        return False

    def append(self, rels: Iterable[BulkRel | BulkRels], ends: Mapping[str, Any]) -> None:
        """Add `rels`, between nodes in the graph (`ends`: their handles, `import/handles`), to
        the graph itself, faster than batches of Cypher; only where `writes_in_bulk`. Unlike
        `bulk_create`, a failure part-way leaves what was sent: the caller undoes it, as it
        undoes batches. The caller holds the write lock and has checked the rows."""
        raise NotImplementedError(f"{self.engine} writes relationships in batches")

    @contextlib.contextmanager
    def appending(
        self, rels: Iterable[BulkRel | BulkRels], ends: Mapping[str, Any]
    ) -> Iterator[Callable[[], None]]:
        """`append`, whose ends are all in the graph already, made ready from now on where the
        engine can (FalkorDB encodes its commands in a thread of their own while the caller
        writes what comes before), done by the call this gives."""
        yield lambda: self.append(rels, ends)

    @property
    def cache_dir(self) -> Path | None:
        """A private folder for what is worth keeping between processes (the path search's
        arrays and the answers kept with them: `graphcrm.projection`), or None where there is
        none. A server's is on this machine, in the user's cache (`server_cache`)."""
        return None

    def drop_cache(self) -> None:
        """Remove what `cache_dir` keeps (after `graphcrm forget`: it holds the forgotten's ids,
        and answers naming them)."""
        if self.cache_dir is not None:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    def compact(self) -> str:
        """Rewrite the database's files so that deleted data is gone from disk (after
        `graphcrm forget`), where the backend can; return a one-line note saying what was done
        or why it cannot be."""
        return f"{self.engine} at {self.url}: graphcrm cannot rewrite this database's files"

    @abstractmethod
    def _transaction(self, statements: Sequence[Statement], batch: str) -> None:
        """Run the statements in order as one transaction; `batch` is its token (see `write`)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection; the embedded backend also stops its server."""

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the indexes and constraints of `cypher/schema.*.cypher` where missing."""

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Read with the query file `cypher/<name>.cypher` (or its engine variant)."""
        return self.read(queries.load(name, self.engine), params)

    def prepare(self, params: Mapping[str, Any]) -> Mapping[str, Any]:
        """`params` checked and put in the form the engine sends them in, ahead of the query
        (read or write) that takes them (`Prepared`), so that a caller of many batches makes the
        next one ready while the server runs this one (`graphcrm.ingest.plan._Ahead`): at scale
        M an import's 100,000 ties spent about 1 s writing their parameters. Raises
        `BadParameter` as the query would."""
        prepared = Prepared(params)
        prepared.ready = self._ready(params)
        return prepared

    def _ready(self, params: Mapping[str, Any]) -> Any:
        """The engine's form of `params` (`prepare`)."""
        return params

    def run_write(self, name: str, batches: Iterable[Mapping[str, Any]], branch: str | None = None) -> None:
        """Write with the query file `name`, one transaction per parameter set; with `branch`, its
        rows are all of that relationship type and run its branch alone (`queries.branch`)."""
        text = queries.branch(name, self.engine, branch)
        for params in batches:
            self.write([(text, params)])

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
