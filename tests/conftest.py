"""Fixtures: a temporary embedded database per test, optionally with seeds imported."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.demo import seed_path
from graphcrm.export import export_lines
from graphcrm.importer import import_path
from graphcrm.store import Store, open_store

SEEDS = ("apex", "hidden-decider", "jinchang", "kissinger", "xuri")
ON_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The folder of this test's own embedded database."""
    return tmp_path / "db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    """An empty embedded database, stopped after the test."""
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture
def cli(db_path: Path) -> Callable[..., Any]:
    """Run a `graphcrm` command on this test's database (a traceback fails the test)."""
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(main, [*args, "--db", str(db_path)], catch_exceptions=False)

    return invoke


@pytest.fixture
def neo4j_store() -> Iterator[Store]:
    """The live Neo4j of NEO4J_URI (tests using it skip without it): it must be an empty scratch
    database, and is emptied again afterwards."""
    store = open_store(os.environ["NEO4J_URI"])
    if store.read("MATCH (n:Node) RETURN count(n) AS c")[0]["c"]:
        store.close()
        pytest.fail("NEO4J_URI points at a database with data in it: use an empty scratch database")
    try:
        yield store
    finally:
        store.write([("MATCH (n) DETACH DELETE n", {})])
        store.close()


@pytest.fixture
def seeded(store: Store) -> Callable[..., Store]:
    """Import the named seed data sets into the test's database."""

    def load(*names: str) -> Store:
        for name in names:
            import_path(store, seed_path(name), progress=False)
        return store

    return load


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
