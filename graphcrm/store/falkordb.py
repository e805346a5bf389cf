"""FalkorDB backend: the embedded database (`EmbeddedServer`) or a FalkorDB server by URL."""

from __future__ import annotations

import contextlib
import functools
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import falkordb
import redis
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FPath
from falkordb.query_result import QueryResult

from graphcrm import queries
from graphcrm.store.base import (
    BASE_LABEL,
    BadParameter,
    Prepared,
    QueryWrites,
    Row,
    Statement,
    Store,
    StoreError,
    node_shape,
    plain,
    redact_url,
    relationship_shape,
    server_cache,
)
from graphcrm.store.embedded import EmbeddedServer
from graphcrm.store.params import INT_LIMIT, check_keys, check_name, not_finite, nul_text, plain_kind, too_big

if TYPE_CHECKING:
    from graphcrm.store.bulk import BulkNode, BulkRel, BulkRels

T = TypeVar("T")
LOAD_TIMEOUT_S = 1800  # how long to wait for a server still loading a large database
RECOVER_S = 30.0  # how long to keep bringing back an embedded server that went away
_SCALARS = frozenset({str, int, float, bool, type(None)})
# Compact replies (`FalkorDBStore._reply_rows`): each value is [type, value]; text (2) and
# integers (3) come as they are, doubles (5) as text, booleans (4) as "true" or "false", lists
# (6) as values, maps (10) as key, value, key, value. Nodes, relationships, paths, points,
# vectors and times are left to the client (`_NotPlain`).
_DIRECT = frozenset((2, 3))


class _NotPlain(Exception):
    """A compact reply holds a value `_plain` does not read."""


def _plain(cell: list[Any]) -> Any:
    kind, value = cell
    if kind in _DIRECT:
        return value
    if kind == 10:
        pairs = iter(value)
        return {key: _plain(item) for key, item in zip(pairs, pairs, strict=True)}
    if kind == 5:
        return float(value)
    if kind == 1:
        return None
    if kind == 4:
        return value == "true"
    if kind == 6:
        return [_plain(item) for item in value]
    raise _NotPlain(kind)


_RESOLVE_IDS = "MATCH (n) WHERE id(n) IN $ids RETURN id(n) AS internal, n.id AS id"
# The write lock (`claim_lock`): KEYS[1] the lock's key; ARGV holder, the holder to replace ("" for
# none), the lease in ms. Free when the key is absent (never taken, released, or expired).
_CLAIM = """
local current = redis.call('GET', KEYS[1])
if (not current) or current == ARGV[1] or (ARGV[2] ~= '' and current == ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return ARGV[1]
end
return current
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class FalkorDBStore(Store):
    """A graph in FalkorDB; `embedded()` runs our own server on a folder."""

    engine = "falkordb"
    writes_in_bulk = True

    def __init__(self, url: str, graph: str, server: EmbeddedServer | None = None) -> None:
        self.url = redact_url(url)
        self.graph_name = graph
        self.server = server
        self._raw_url = url
        self._db: Any = None
        self._graph: Any = None
        self._connect()

    @classmethod
    def embedded(cls, folder: Path, graph: str = "graphcrm", linger: float = 0.0) -> FalkorDBStore:
        """The embedded database in `folder` (created when missing)."""
        if "\x00" in str(folder):
            raise StoreError(f"the database folder {str(folder)!r} holds a NUL character: name another")
        return cls(str(folder), graph, EmbeddedServer(folder, linger=linger))

    @classmethod
    def connect(cls, url: str, graph: str = "graphcrm") -> FalkorDBStore:
        """A FalkorDB server at `falkordb://[user:password@]host:port`."""
        return cls(url, graph)

    def _connect(self) -> None:
        if self.server is not None:
            self._connect_embedded()
            return
        parts = urllib.parse.urlsplit(self._raw_url)
        try:
            self._db = falkordb.FalkorDB(
                host=parts.hostname or "localhost",
                port=parts.port or 6379,
                username=urllib.parse.unquote(parts.username) if parts.username else None,
                password=urllib.parse.unquote(parts.password) if parts.password else None,
                ssl=parts.scheme in ("falkordbs", "rediss"),
            )
            self._graph = self._db.select_graph(self.graph_name)
            self._wait_until_loaded()
        except redis.exceptions.RedisError as exc:
            raise self._unreachable(exc) from exc

    def _connect_embedded(self) -> None:
        """Start the folder's server or attach to the one running. The owner of the server we
        attach to may stop it between our look and our connection (a short command that ends):
        then we take over, as a client's next call would (see `_call`)."""
        assert self.server is not None
        deadline = time.monotonic() + RECOVER_S
        while True:
            try:
                db = falkordb.FalkorDB(unix_socket_path=self.server.start_or_attach())
                graph = db.select_graph(self.graph_name)
                self._wait_until_loaded(db)
                # set once it answers, the graph before the connection: a thread that sees the
                # new `_db` (see `_connect_again`) finds the new `_graph` too
                self._graph, self._db = graph, db
                return
            except redis.exceptions.ConnectionError as exc:
                if time.monotonic() > deadline:
                    raise self._unreachable(exc) from exc
                time.sleep(0.05)
            except redis.exceptions.RedisError as exc:
                raise self._unreachable(exc) from exc

    def _connect_again(self, broken: Any) -> Any:
        """Bring the embedded server back after the connection `broken` failed, and reconnect;
        return the connection to retry with. One thread at a time (the server's lock): when many
        threads lose their connection at once, the first restarts the server (or attaches to
        whoever did) and reconnects; the others, finding a connection newer than theirs, retry
        with it."""
        assert self.server is not None
        with self.server.lock:
            if self._db is None:
                raise StoreError(f"the database {self.url} was closed")
            if self._db is broken:
                self.server.restart()
                self._connect_embedded()
            return self._db

    def _wait_until_loaded(self, db: Any = None) -> None:
        """Ping until the server (of `db`, else ours) has loaded its data: a large database
        takes a while to open."""
        connection = (db or self._db).connection
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        while True:
            try:
                connection.ping()
                return
            except redis.exceptions.BusyLoadingError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _unreachable(self, exc: Exception) -> StoreError:
        if self.server is not None:
            return StoreError(
                f"cannot use the embedded database {self.url}: {exc}; see {self.server.folder / 'server.log'}"
            )
        return StoreError(
            f"cannot reach FalkorDB at {self.url}: {exc}; check that the server runs, the host "
            "and port, and the password"
        )

    @overload
    def _call(self, fn: Callable[[], T]) -> T: ...
    @overload
    def _call(self, fn: Callable[[], T], applied: Callable[[], bool]) -> T | None: ...

    def _call(self, fn: Callable[[], T], applied: Callable[[], bool] | None = None) -> T | None:
        """Run `fn`; if the embedded server went away, bring it back and retry, unless `applied`
        says that a write `fn` made is in the database already (its reply was lost).

        Bringing it back is retried for up to `RECOVER_S`, not once: a server killed under us
        drops our connection before it can be reaped (so it still looks alive for a moment),
        and another process may be restarting it at the same time. Threads of this process that
        lose their connection together bring it back once (`_connect_again`): the others wait
        for that, then retry.

        A query that opened the graph just as a bulk import put a new one in its place (RENAME,
        `graphcrm.store.bulk`) is refused by the server before it runs ("Encountered different
        graph value"): it is run again, on the new graph."""
        used = self._db
        try:
            return _again_if_swapped(fn, applied)
        except redis.exceptions.ConnectionError as exc:
            if self.server is None:
                raise self._unreachable(exc) from exc
            error: Exception = exc
        deadline = time.monotonic() + RECOVER_S
        while time.monotonic() < deadline:
            try:
                used = self._connect_again(used)
                if applied is not None and applied():
                    return None
                return fn()
            except (redis.exceptions.ConnectionError, StoreError) as again:
                if self._db is None:  # closed meanwhile: nothing to bring back
                    raise
                error = again
                time.sleep(0.05)
        if isinstance(error, StoreError):
            raise error
        raise self._unreachable(error) from error

    # -- reads ------------------------------------------------------------------------------

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        text = params_header(params) + query  # our own header: one literal writer for every path
        return self._reply_rows(self._call(lambda: self._query("GRAPH.QUERY", text)))

    def read_only(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """GRAPH.RO_QUERY: FalkorDB refuses, before running anything, a query that would write."""
        text = params_header(params) + query
        try:
            reply = self._call(lambda: self._query("GRAPH.RO_QUERY", text))
        except redis.exceptions.ResponseError as exc:
            if "read-only" not in str(exc):
                raise
            raise QueryWrites("the query writes; nothing was changed") from exc
        return self._reply_rows(reply)

    def _query(self, command: str, text: str) -> list[Any]:
        """The server's compact reply to `text`; an error it reports is raised."""
        reply = self._db.connection.execute_command(command, self.graph_name, text, "--compact")
        if isinstance(reply[-1], Exception):  # an error while running: the reply's last element
            raise reply[-1]
        return reply

    def _reply_rows(self, reply: list[Any]) -> list[Row]:
        """The rows of a compact reply, as `_rows` makes them. Rows of plain values (text,
        numbers, booleans, lists, maps: nearly every query's) are read here, three times faster
        than through the client's typed parsing (an import's undo reads tens of thousands of
        maps); a reply holding a node, relationship, path or other value goes through it."""
        if len(reply) < 3:  # statistics only: the query returns nothing
            return []
        columns = [name for _type, name in reply[0]]
        try:
            return [
                dict(zip(columns, [c[1] if c[0] in _DIRECT else _plain(c) for c in row], strict=True))
                for row in reply[1]
            ]
        except _NotPlain:
            return self._rows(QueryResult(self._graph, reply))

    def _rows(self, result: Any) -> list[Row]:
        columns = [name for _type, name in result.header]
        internal: set[int] = set()
        convert = self._convert
        rows = [
            dict(zip(columns, [v if type(v) in _SCALARS else convert(v, internal) for v in row], strict=True))
            for row in result.result_set
        ]
        if internal:
            found = self._graph.query(_RESOLVE_IDS, {"ids": sorted(internal)}).result_set
            ids = dict((i, node_id) for i, node_id in found)
            rows = [{k: _resolve(v, ids) for k, v in row.items()} for row in rows]
        return rows

    def scan(self, query_name: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Bulk read in FalkorDB's verbose reply: parsed by redis itself, ~4x faster than
        the client's typed parsing (a million rows of four columns: 1.8 s, not 6.6 s)."""
        text = params_header(params) + queries.load(query_name, self.engine)
        reply = self._call(
            lambda: self._db.connection.execute_command("GRAPH.RO_QUERY", self.graph_name, text)
        )
        return reply[1] if len(reply) == 3 else []

    def _convert(self, value: Any, internal: set[int]) -> Any:
        if type(value) in _SCALARS:
            return value
        if isinstance(value, Node):
            return node_shape(value.labels or [], value.properties)
        if isinstance(value, Edge):
            internal.update((value.src_node, value.dest_node))
            return relationship_shape(
                value.relation, _Internal(value.src_node), _Internal(value.dest_node), value.properties
            )
        if isinstance(value, FPath):
            nodes = value.nodes()
            by_internal = {n.id: n.properties.get("id") for n in nodes}
            return {
                "nodes": [node_shape(n.labels or [], n.properties) for n in nodes],
                "relationships": [
                    relationship_shape(
                        e.relation, by_internal.get(e.src_node), by_internal.get(e.dest_node), e.properties
                    )
                    for e in value.edges()
                ],
            }
        if isinstance(value, list):
            return [self._convert(v, internal) for v in value]
        if isinstance(value, Mapping):
            return {str(k): self._convert(v, internal) for k, v in value.items()}
        return plain(value)

    # -- writes -----------------------------------------------------------------------------

    def _transaction(self, statements: Sequence[Statement], batch: str) -> None:
        """One batch: a single query is atomic in FalkorDB; several run in MULTI/EXEC. Retried
        after the embedded server came back only if it was not applied before it went away."""

        def run() -> None:
            pipe = self._db.connection.pipeline(transaction=len(statements) > 1)
            for query, params in statements:
                pipe.execute_command(
                    "GRAPH.QUERY", self.graph_name, params_header(params) + query, "--compact"
                )
            for reply in pipe.execute(raise_on_error=False):
                if isinstance(reply, Exception):
                    raise reply

        self._call(run, applied=lambda: self.batch_applied(batch))

    def _ready(self, params: Mapping[str, Any]) -> str:
        return params_header(params)

    def ensure_schema(self) -> None:
        self.create_schema(self.graph_name)

    def create_schema(self, graph_name: str) -> None:
        """The indexes and the unique constraint of `cypher/schema.falkordb.cypher` on the graph
        `graph_name` (ours, or the scratch graph of a bulk import: `graphcrm.store.bulk`)."""

        def graph() -> Any:  # looked up at each call: a reconnect replaces `_db`
            return self._graph if graph_name == self.graph_name else self._db.select_graph(graph_name)

        def rows(query: str) -> list[Any]:
            return self._call(lambda: graph().query(query).result_set)

        existing = {
            (label, prop)
            for label, properties in rows("CALL db.indexes() YIELD label, properties")
            for prop in properties
        }
        text = queries.load("schema", self.engine)
        for statement in queries.statements(text):
            label, prop = _index_target(statement)
            if (label, prop) not in existing:
                self._create_unless_there(functools.partial(_run_on, graph, statement))
        constraints = {
            (label, tuple(properties))
            for label, properties in rows("CALL db.constraints() YIELD label, properties")
        }
        if (BASE_LABEL, ("id",)) not in constraints:
            self._create_unless_there(
                lambda: self._db.connection.execute_command(
                    "GRAPH.CONSTRAINT",
                    "CREATE",
                    graph_name,
                    "UNIQUE",
                    "NODE",
                    BASE_LABEL,
                    "PROPERTIES",
                    "1",
                    "id",
                )
            )

    def _create_unless_there(self, create: Callable[[], Any]) -> None:
        """Create an index or constraint; another process opening the same new database at the
        same moment may have created it between our look and our create: that is fine."""
        try:
            self._call(create)
        except redis.exceptions.ResponseError as exc:
            if "already" not in str(exc):
                raise

    @property
    def lock_key(self) -> str:
        """The key beside the graph that holds the write lock's lease (`claim_lock`)."""
        return f"{self.graph_name}.write-lock"

    def claim_lock(self, holder: str, steal: str | None, lease_ms: int) -> str | None:
        """The write lock as a key with an expiry, set by a script (atomic on the server): a
        MERGEd lock node is not, in FalkorDB (see `graphcrm.store.lock`). A bulk import's
        RENAME replaces the graph but not this key: the writer keeps its lock."""
        key = self.lock_key
        held = self._call(lambda: self._db.connection.eval(_CLAIM, 1, key, holder, steal or "", lease_ms))
        return _text(held)

    def release_lock(self, holder: str) -> None:
        key = self.lock_key
        self._call(lambda: self._db.connection.eval(_RELEASE, 1, key, holder))

    def append(self, rels: Iterable[BulkRel | BulkRels], ends: Mapping[str, Any]) -> None:
        """FalkorDB's bulk protocol into the graph itself (`graphcrm.store.bulk.append`)."""
        from graphcrm.store import bulk

        self._holding_lock("append")
        bulk.append(self, bulk.rel_commands(rels, ends))

    @contextlib.contextmanager
    def appending(
        self, rels: Iterable[BulkRel | BulkRels], ends: Mapping[str, Any]
    ) -> Iterator[Callable[[], None]]:
        """`Store.appending`: the commands encoded by a thread of their own from now on
        (`bulk.made_ahead`): at scale M, while the server writes the import's nodes."""
        from graphcrm.store import bulk

        self._holding_lock("append")
        with bulk.made_ahead(bulk.rel_commands(rels, ends)) as made:
            yield lambda: bulk.append(self, made)

    def _holding_lock(self, what: str) -> None:
        """The bulk writes assume the caller holds the write lock: a programming error if not."""
        if self.write_lock.holder is None:
            raise RuntimeError(f"{what} needs the write lock held (Store.exclusive)")

    def bulk_create(
        self,
        nodes: Iterable[BulkNode],
        rels: Iterable[BulkRel | BulkRels],
        sent: Callable[[int, int], None] | None = None,
        then: Iterable[tuple[str, str | None, Mapping[str, Any]]] = (),
    ) -> bool:
        """FalkorDB's bulk protocol (`graphcrm.store.bulk`): the graph is built beside ours (from
        a copy of ours, when it holds records) and put in its place at once; False (nothing
        done) when a value is one the protocol cannot carry exactly (the caller writes in
        batches)."""
        from graphcrm.store import bulk

        self._holding_lock("bulk_create")
        bulk.discard_scratch(self)
        statements = ((queries.branch(name, self.engine, kind), params) for name, kind, params in then)
        # a copy of ours when it holds anything: records, or only the history and the version
        append = bool(self.read("MATCH (n) RETURN 1 AS held LIMIT 1"))
        batch = secrets.token_hex(12)
        try:
            bulk.bulk_create(self, nodes, rels, sent, statements, append=append, batch=batch)
        except bulk._Unsupported:  # a value the protocol cannot carry: nothing swapped in
            bulk.discard_scratch(self)
            return False
        except redis.exceptions.ConnectionError as exc:
            # The embedded server went away mid-import (the store that started it, in this
            # process, was closed): the bulk commands are not retried, and nothing was put in
            # place unless the swap was the command whose reply was lost. Brought back, the
            # server holds either this import, whole, or the graph as it was: batches then.
            if self.server is None:
                raise self._unreachable(exc) from exc
            if self._call(lambda: self.batch_applied(batch)):
                return True
            bulk.discard_scratch(self)
            return False
        return True

    def compact(self) -> str:
        """Rewrite the append-only file (BGREWRITEAOF) and wait until it is done: the new file
        holds the graph as it is now, and the old ones, which hold every past write (a deleted
        person's name too), are removed. A server without AOF gets a new snapshot (BGSAVE).
        The embedded database also waits until the old files are gone from its folder."""
        deadline = time.monotonic() + LOAD_TIMEOUT_S
        self._forget_queries()
        info = self._persistence()
        if not info.get("aof_enabled"):
            if not self._call(lambda: self._db.connection.config_get("save")).get("save"):
                return f"FalkorDB at {self.url} keeps no files (no AOF, no snapshots): nothing to rewrite"
            saves = info.get("rdb_saves")  # a counter (Redis 7+): seconds-old timestamps can tie
            self._start_rewrite(lambda: self._db.connection.bgsave(), "rdb_bgsave_in_progress", deadline)
            self._wait(
                lambda i: (
                    not i.get("rdb_bgsave_in_progress") and (saves is None or i.get("rdb_saves") != saves)
                ),
                deadline,
            )
            if self._persistence().get("rdb_last_bgsave_status") != "ok":
                raise StoreError(f"FalkorDB at {self.url} could not write its snapshot; see its log")
            return f"FalkorDB at {self.url}: snapshot rewritten (copies elsewhere, such as backups, are not)"
        rewrites = info.get("aof_rewrites")
        self._start_rewrite(lambda: self._db.connection.bgrewriteaof(), "aof_rewrite_in_progress", deadline)
        self._wait(
            lambda i: (
                not i.get("aof_rewrite_in_progress")
                and not i.get("aof_rewrite_scheduled")
                and (rewrites is None or i.get("aof_rewrites") != rewrites)
            ),
            deadline,
        )
        if self._persistence().get("aof_last_bgrewrite_status") != "ok":
            raise StoreError(f"the database {self.url} could not rewrite its append-only file; see its log")
        if self.server is None:
            return (
                f"FalkorDB at {self.url}: append-only file rewritten (copies elsewhere, such as "
                "backups, are not)"
            )
        while stale := self.server.stale_files():
            if time.monotonic() > deadline:
                raise StoreError(f"old database files were not removed: {', '.join(map(str, stale))}")
            time.sleep(0.02)
        return f"database files rewritten: {self.server.folder} holds the graph as it is now, old files gone"

    def _forget_queries(self) -> None:
        """Empty what the server keeps of past queries' texts, which hold their parameters (a
        forgotten person's id, name, e-mail): FalkorDB's GRAPH.SLOWLOG (in memory; it cannot be
        turned off) and redis's SLOWLOG; on a FalkorDB server by URL also FalkorDB's telemetry
        stream, which the rewrite would save (the embedded server keeps none: `CMD_INFO no`).
        Each is best effort: a server may refuse one (an ACL, an empty graph)."""
        commands = (
            ("GRAPH.SLOWLOG", self.graph_name, "RESET"),
            ("SLOWLOG", "RESET"),
            ("DEL", f"telemetry{{{self.graph_name}}}"),
        )
        for command in commands:

            def run(command: tuple[str, ...] = command) -> Any:
                return self._db.connection.execute_command(*command)

            with contextlib.suppress(redis.exceptions.ResponseError):
                self._call(run)

    def _persistence(self) -> dict[str, Any]:
        return self._call(lambda: self._db.connection.info("persistence"))

    def _start_rewrite(self, command: Callable[[], Any], in_progress: str, deadline: float) -> None:
        """Start a background rewrite; if one is already running (it may have begun before our
        last write), wait for it to end, then start ours."""
        while True:
            if not self._persistence().get(in_progress):
                try:
                    self._call(command)
                    return
                except redis.exceptions.ResponseError as exc:
                    if "in progress" not in str(exc):
                        raise StoreError(f"the database {self.url} could not start a rewrite: {exc}") from exc
            if time.monotonic() > deadline:
                raise StoreError(f"the database {self.url} is still busy writing its files")
            time.sleep(0.02)

    def _wait(self, done: Callable[[dict[str, Any]], bool], deadline: float) -> None:
        """Poll INFO persistence until `done` holds."""
        while not done(self._persistence()):
            if time.monotonic() > deadline:
                raise StoreError(f"the database {self.url} did not finish rewriting its files")
            time.sleep(0.02)

    @property
    def cache_dir(self) -> Path | None:
        """`<folder>/cache` of the embedded database (its folder is private: 0700); a server's
        is in the user's cache (`server_cache`)."""
        if self.server is None:
            return server_cache(self.engine, self.url, self.graph_name)
        return self.server.folder / "cache"

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(redis.exceptions.RedisError):
                self._db.connection.close()
            self._db = None
        if self.server is not None:
            self.server.stop()


_SWAPPED = "Encountered different graph value"  # the graph was replaced while a query opened it
SWAP_RETRIES = 50


def _again_if_swapped[R](fn: Callable[[], R], applied: Callable[[], bool] | None) -> R | None:
    """`fn()`, run again when the server refused it because the graph it opened was being
    replaced by a bulk import (it did not run: a write is checked with `applied` all the same)."""
    for attempt in range(SWAP_RETRIES):
        try:
            return fn()
        except redis.exceptions.ResponseError as exc:
            if _SWAPPED not in str(exc) or attempt == SWAP_RETRIES - 1:
                raise
        time.sleep(0.002 * (attempt + 1))
        if applied is not None and applied():
            return None
    raise AssertionError("unreachable")


def params_header(params: Mapping[str, Any] | None) -> str:
    """`CYPHER k=v ...` for a query's parameters, as FalkorDB takes them: its client's rules
    (strings double-quoted, `\\` and `"` escaped; names and map keys in backticks), written for speed
    (an import's batch of 5,000 rows is stringified ~3x faster than by the client). Values are
    checked as they are written, by the rule of `graphcrm.store.params`."""
    if isinstance(params, Prepared):  # written already, by `FalkorDBStore.prepare`
        return params.ready
    if not params:
        return ""
    parts = []
    for key, value in params.items():
        check_name(key)
        try:
            parts.append(f"`{key}`={_literal(value)}")  # backticks: a name such as CYPHER is fine too
        except BadParameter as exc:
            raise BadParameter(f"parameter ${key}: {exc}") from None
    return "CYPHER " + " ".join(parts) + " "


def _literal(value: Any) -> str:
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise nul_text()
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        if -INT_LIMIT <= value < INT_LIMIT:
            return repr(value)
        raise too_big(value)
    if kind is float:
        if value - value == 0.0:  # finite: NaN and infinities give NaN (math.isfinite, without a call)
            return repr(value)
        raise not_finite(value)
    if kind is list or kind is tuple:
        ints = value and all(type(v) is int for v in value)  # ids and handles: checked at once
        if ints and min(value) >= -INT_LIMIT and max(value) < INT_LIMIT:
            return "[" + ",".join(map(repr, value)) + "]"
        return "[" + ",".join(map(_literal, value)) + "]"
    if kind is dict:
        try:
            keys = "".join(value)  # every key at once: this runs for each row of an import
        except TypeError:
            keys = "`"  # a key that is not text
        if "`" in keys or "\x00" in keys or "" in value:
            check_keys(value)
        return "{" + ",".join(f"`{k}`:{_literal(v)}" for k, v in value.items()) + "}"
    return _literal(plain_kind(value))


class _Internal(int):
    """An engine-internal node id awaiting translation to the node's `id` property."""


def _resolve(value: Any, ids: Mapping[int, Any]) -> Any:
    if isinstance(value, _Internal):
        return ids.get(int(value))
    if isinstance(value, list):
        return [_resolve(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    return value


def _run_on(graph: Callable[[], Any], statement: str) -> Any:
    return graph().query(statement)


def _index_target(statement: str) -> tuple[str, str]:
    """(label, property) of `CREATE INDEX FOR (n:Label) ON (n.prop)`."""
    label = statement.split(":", 1)[1].split(")", 1)[0].strip()
    prop = statement.rsplit(".", 1)[1].split(")", 1)[0].strip()
    return label, prop


def _text(value: Any) -> str | None:
    """A reply of redis as text (it answers bytes)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value
