"""Neo4j backend through the official `neo4j` driver."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.graph
import neo4j.time

from graphcrm import queries
from graphcrm.store.base import (
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
from graphcrm.store.params import plain_params


class Neo4jStore(Store):
    """A graph in Neo4j; credentials from NEO4J_USERNAME / NEO4J_PASSWORD (or the URL)."""

    engine = "neo4j"

    def __init__(self, url: str) -> None:
        self.url = redact_url(url)
        user = os.environ.get("NEO4J_USERNAME", "neo4j")
        password = os.environ.get("NEO4J_PASSWORD", "")
        self.database = os.environ.get("NEO4J_DATABASE") or None
        self._columns: dict[str, tuple[str, ...]] = {}  # of each query `scan` has run
        try:
            # No server notifications on stderr (a "label does not exist" warning on a new
            # graph is not the user's business), and no driver telemetry sent to the server.
            self._driver = neo4j.GraphDatabase.driver(
                url, auth=(user, password), notifications_min_severity="OFF", telemetry_disabled=True
            )
            self._driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as exc:
            raise StoreError(
                f"cannot reach Neo4j at {self.url} as user {user!r}: {exc}; check that the server "
                "runs, the URL, and NEO4J_USERNAME / NEO4J_PASSWORD"
            ) from exc

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self._driver.session(database=self.database) as session:
            result = session.run(query, _plain(params))
            return [{key: _convert(value) for key, value in record.items()} for record in result]

    def read_only(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """A transaction in READ access mode: the server refuses a query that would write."""
        checked = _plain(params)

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            result = tx.run(query, checked)
            return [{key: _convert(value) for key, value in record.items()} for record in result]

        try:
            with self._driver.session(
                database=self.database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return session.execute_read(work)
        except neo4j.exceptions.ClientError as exc:
            if "AccessMode" not in (exc.code or ""):  # Neo.ClientError.Statement.AccessMode
                raise
            raise QueryWrites("the query writes; nothing was changed") from exc

    def scan(self, query_name: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """The query's rows collected into one list on the server, sent as one record: the
        driver spends about 30 µs on each record it receives (6 s for 200,000 ties), and
        unpacks one large record in a fraction of that."""
        query = queries.load(query_name, self.engine)
        if query not in self._columns:
            with self._driver.session(database=self.database) as session:
                self._columns[query] = session.run(f"EXPLAIN {query}").keys()
        columns = ", ".join(f"`{column.replace('`', '``')}`" for column in self._columns[query])
        rows = self.read(f"CALL {{\n{query}\n}}\nRETURN collect([{columns}]) AS rows", params)
        return rows[0]["rows"]

    def _transaction(self, statements: Sequence[Statement], batch: str) -> None:
        """One transaction function; the driver retries it after a lost connection, so it first
        checks that this batch is not already the last one written (its commit was lost)."""
        version = queries.load("store/version", self.engine)
        checked = [(query, _plain(params)) for query, params in statements]  # before sending

        def work(tx: neo4j.ManagedTransaction) -> None:
            last = tx.run(version).single()
            if last is not None and last["batch"] == batch:
                return
            for query, params in checked:
                tx.run(query, params).consume()

        with self._driver.session(database=self.database) as session:
            session.execute_write(work)

    def _ready(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return plain_params(params)

    def ensure_schema(self) -> None:
        """The schema's statements that name an index or constraint not there yet: every command
        opens the database, and one question costs one round trip where ten cost 15 ms."""
        statements = queries.statements(queries.load("schema", self.engine))
        try:
            there = set(self.run("store/indexes")[0]["names"])
        except neo4j.exceptions.Neo4jError:  # not allowed to list them: each statement says
            there = set()
        for statement in statements:
            named = _SCHEMA_NAME.match(statement)
            if named is not None and named[1] in there:
                continue
            with self._driver.session(database=self.database) as session:
                session.run(statement).consume()

    @property
    def cache_dir(self) -> Path | None:
        """In the user's cache on this machine (`server_cache`), per server and database."""
        return server_cache(self.engine, self.url, self.database or "")

    def compact(self) -> str:
        """Nothing a client can do: Neo4j keeps deleted data in its transaction logs until they
        are rotated and pruned, and in its store files until the space is reused."""
        return (
            f"Neo4j at {self.url}: deleted data stays in its transaction logs until they are rotated "
            "and pruned (db.tx_log.rotation.retention_policy) and in its store files until the space "
            "is reused; graphcrm cannot rewrite them: ask the database's administrator (and check backups)"
        )

    def close(self) -> None:
        self._driver.close()


# The name a schema statement gives its index or constraint (schema.neo4j.cypher names each one).
_SCHEMA_NAME = re.compile(r"CREATE (?:CONSTRAINT|INDEX) (\w+) IF NOT EXISTS")

# Values the driver already gives in their plain shape: returned as they are, first, since
# they are most values and the checks below cost a few microseconds each (on 100,000 rows, seconds).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def _convert(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if type(value) is list:
        return [v if type(v) in _PLAIN else _convert(v) for v in value]
    if isinstance(value, neo4j.graph.Node):
        return node_shape(value.labels, dict(value))
    if isinstance(value, neo4j.graph.Relationship):
        start, end = value.start_node, value.end_node
        return relationship_shape(
            value.type, start.get("id") if start else None, end.get("id") if end else None, dict(value)
        )
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [_convert(n) for n in value.nodes],
            "relationships": [_convert(r) for r in value.relationships],
        }
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime | neo4j.time.Time):
        return value.iso_format()
    if isinstance(value, list):
        return [_convert(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _convert(v) for k, v in value.items()}
    return plain(value)


def _plain(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """`plain_params`, unless `Neo4jStore.prepare` made them so already."""
    return params.ready if isinstance(params, Prepared) else plain_params(params)
