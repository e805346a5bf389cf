"""Backup and forget on both engines side by side (the session's Neo4j, tests/conftest.py).

The embedded export imported into Neo4j must export to the same bytes
and checksum, a spreadsheet export from Neo4j must import back into the embedded database to
the same graph, and forgetting a person must leave both engines with the same graph.
"""

from __future__ import annotations

import dataclasses

import pytest

from graphcrm import privacy, spreadsheet
from graphcrm.demo import load_demo, seed_path
from graphcrm.export import checksum, export_lines, export_to
from graphcrm.ingest.files import import_path


def test_embedded_export_restores_into_neo4j_exactly(neo4j_store, embedded_store, tmp_path):
    load_demo(embedded_store, progress=False)
    backup = tmp_path / "graph.jsonl"
    with backup.open("w", encoding="utf-8") as handle:
        export_to(embedded_store, handle)
    import_path(neo4j_store, backup, progress=False)
    again = tmp_path / "again.jsonl"
    with again.open("w", encoding="utf-8") as handle:
        export_to(neo4j_store, handle)
    assert again.read_bytes() == backup.read_bytes()
    assert checksum(neo4j_store) == checksum(embedded_store)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_spreadsheet_export_from_neo4j_imports_back(neo4j_store, embedded_store, tmp_path, kind):
    load_demo(neo4j_store, progress=False)
    target = tmp_path / ("csv" if kind == "csv" else "book.xlsx")
    (spreadsheet.export_csv if kind == "csv" else spreadsheet.export_xlsx)(neo4j_store, target)
    import_path(embedded_store, target, progress=False)
    assert list(export_lines(embedded_store)) == list(export_lines(neo4j_store))


def test_forget_on_neo4j_matches_the_embedded_engine(neo4j_store, embedded_store):
    for target in (neo4j_store, embedded_store):
        import_path(target, seed_path("apex"), progress=False)
    record = privacy.person_record(neo4j_store, "apex.wu-gang")
    assert dataclasses.asdict(record) == dataclasses.asdict(
        privacy.person_record(embedded_store, "apex.wu-gang")
    )
    on_neo4j = privacy.forget(neo4j_store, "apex.wu-gang")
    on_falkordb = privacy.forget(embedded_store, "apex.wu-gang")
    assert "transaction logs" in (on_neo4j.files or "")
    assert dataclasses.replace(on_neo4j, files=None) == dataclasses.replace(on_falkordb, files=None)
    assert list(export_lines(neo4j_store)) == list(export_lines(embedded_store))
    assert checksum(neo4j_store) == checksum(embedded_store)
    with pytest.raises(privacy.NotAPerson):
        privacy.forget(neo4j_store, "apex.apex")
