"""The seed data sets (`seeds/`), and loading all of them as the demo."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from graphcrm.ingest.files import ImportResult, import_path
from graphcrm.store import Store


def seeds_dir() -> Path:
    """The folder of seed data sets: the source tree's, else the installed package's."""
    source = Path(__file__).resolve().parent.parent / "seeds"
    if source.is_dir():
        return source
    return Path(str(resources.files("graphcrm.seeds")))


def seed_names() -> list[str]:
    """The seed data sets, by folder name."""
    return sorted(p.name for p in seeds_dir().iterdir() if p.is_dir() and (p / "people.csv").exists())


def seed_path(name: str) -> Path:
    """The folder of one seed data set."""
    path = seeds_dir() / name
    if not (path / "people.csv").exists():
        raise FileNotFoundError(f"no seed data set {name!r} (expected one of {', '.join(seed_names())})")
    return path


def load_demo(store: Store, progress: bool = True) -> dict[str, ImportResult]:
    """Import every seed data set (idempotent: loading twice changes nothing)."""
    return {name: import_path(store, seed_path(name), progress=progress) for name in seed_names()}
