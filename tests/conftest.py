"""Fixtures: a temporary embedded database per test, optionally with seeds imported."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

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
