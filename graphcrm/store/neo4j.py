"""Neo4j backend through the official `neo4j` driver."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.graph
import neo4j.time

from graphcrm import queries
from graphcrm.store.base import (
    Row,
    Statement,
    Store,
    StoreError,
    node_shape,
    plain,
    redact_url,
    relationship_shape,
)


class Neo4jStore(Store):
    """A graph in Neo4j; credentials from NEO4J_USERNAME / NEO4J_PASSWORD (or the URL)."""

    engine = "neo4j"

    def __init__(self, url: str) -> None:
        self.url = redact_url(url)
        user = os.environ.get("NEO4J_USERNAME", "neo4j")
        password = os.environ.get("NEO4J_PASSWORD", "")
        self.database = os.environ.get("NEO4J_DATABASE") or None
        try:
            self._driver = neo4j.GraphDatabase.driver(url, auth=(user, password))
            self._driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError) as exc:
            raise StoreError(
                f"cannot reach Neo4j at {self.url} as user {user!r}: {exc}; check that the server "
                "runs, the URL, and NEO4J_USERNAME / NEO4J_PASSWORD"
            ) from exc

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self._driver.session(database=self.database) as session:
            result = session.run(query, dict(params or {}))
            return [{key: _convert(value) for key, value in record.items()} for record in result]

    def _transaction(self, statements: Sequence[Statement]) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            for query, params in statements:
                tx.run(query, dict(params)).consume()

        with self._driver.session(database=self.database) as session:
            session.execute_write(work)

    def ensure_schema(self) -> None:
        for statement in queries.statements(queries.load("schema", self.engine)):
            with self._driver.session(database=self.database) as session:
                session.run(statement).consume()

    def close(self) -> None:
        self._driver.close()


def _convert(value: Any) -> Any:
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
