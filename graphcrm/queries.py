"""Find the Cypher text of a named query in `cypher/`.

A question's query lives in `cypher/<name>.cypher`. Where an engine needs other text, the
variants sit side by side as `<name>.falkordb.cypher` and `<name>.neo4j.cypher`; the one for
the engine asking wins over the plain file.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

ENGINES = ("falkordb", "neo4j")


def cypher_dir() -> Path:
    """The folder of `.cypher` files: the source tree's, else the installed package's."""
    source = Path(__file__).resolve().parent.parent / "cypher"
    if source.is_dir():
        return source
    return Path(str(resources.files("graphcrm.cypher")))


@functools.cache
def load(name: str, engine: str) -> str:
    """The text of query `name` (e.g. "import/merge_nodes") for `engine`."""
    root = cypher_dir()
    for candidate in (root / f"{name}.{engine}.cypher", root / f"{name}.cypher"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no query {name!r} for {engine} in {root}")


def statements(text: str) -> list[str]:
    """Split a file of several statements (a schema file) at `;` line ends; drop `//` comments."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


# How a query that writes relationships of any type picks the type of each row: one line each.
BRANCH = "FOREACH (_ IN CASE WHEN row.type = "


@functools.cache
def branch(name: str, engine: str, kind: str | None) -> str:
    """Query `name` with the branch of relationship type `kind` alone. Cypher takes no type as a
    parameter, so a query writing any type tries a `FOREACH` line per type on every row (see
    import/create_relationships); a batch whose rows are all of one type runs that line
    only: at scale M, a fifth less of the server's time. The text is the file's, lines left out.
    With `kind` None, the whole file."""
    if kind is None:
        return load(name, engine)
    lines = load(name, engine).splitlines()
    kept = [line for line in lines if not line.startswith(BRANCH) or line.startswith(f"{BRANCH}'{kind}' ")]
    if len(lines) - len(kept) != sum(line.startswith(BRANCH) for line in lines) - 1:
        raise ValueError(f"query {name!r} has no branch for {kind!r}, or several")
    return "\n".join(kept)
