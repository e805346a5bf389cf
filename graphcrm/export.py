"""Export the whole graph as JSON lines (the exact backup), its checksum, one person's record.
(Spreadsheet exports: `graphcrm.spreadsheet`; reading an export back: `graphcrm.ingest.jsonlines`.)

One line per node, `{"type": "node", "id": ..., "labels": [...], "properties": {...}}`, then one
per relationship, `{"type": "relationship", "rel": T, "start": ID, "end": ID, "properties":
{...}}`, sorted, with sorted keys: the same graph always gives the same bytes. Symmetric ties
appear in both directions, as they are stored. Derived properties (the search key of a name,
`graphcrm.names.DERIVED`) are left out: an import makes them again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from graphcrm.names import stored
from graphcrm.privacy import person_record
from graphcrm.store import Store


def export_records(store: Store) -> Iterator[dict[str, Any]]:
    """The graph as export records: nodes by id, then relationships, sorted."""
    for row in store.run("export/nodes"):
        labels = sorted(label for label in row["labels"] if label != "Node")
        yield {"type": "node", "id": row["id"], "labels": labels, "properties": stored(row["properties"])}
    rels = store.run("export/relationships")
    rels.sort(key=lambda r: (r["start"], r["type"], r["end"], json.dumps(r["properties"], sort_keys=True)))
    for row in rels:
        yield {
            "type": "relationship",
            "rel": row["type"],
            "start": row["start"],
            "end": row["end"],
            "properties": row["properties"],
        }


def export_lines(store: Store) -> Iterator[str]:
    """The graph as JSON lines (without line ends)."""
    return map(_dump, export_records(store))


def export_to(store: Store, out: TextIO) -> int:
    """Write the export to `out`; return the number of lines."""
    count = 0
    for line in export_lines(store):
        out.write(line + "\n")
        count += 1
    return count


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass
class Checksum:
    """A fingerprint of the whole graph: equal graphs, equal checksums, on any backend."""

    sha256: str  # of the export's bytes (UTF-8, one line per record, each ending in "\n")
    lines: int
    labels: dict[str, int]  # nodes by label (a rep counts under Person and Rep)
    types: dict[str, int]  # relationships by type, as stored (a symmetric tie counts twice)


def checksum(store: Store) -> Checksum:
    """The sha256 of the canonical export (`graphcrm export` writes exactly these bytes) and
    the counts by label and relationship type: to check a backup restored exactly."""
    digest = hashlib.sha256()
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    lines = 0
    for record in export_records(store):
        digest.update(_dump(record).encode("utf-8") + b"\n")
        lines += 1
        if record["type"] == "node":
            labels.update(record["labels"])
        else:
            types[record["rel"]] += 1
    return Checksum(digest.hexdigest(), lines, dict(sorted(labels.items())), dict(sorted(types.items())))


def person_json(store: Store, person_id: str) -> str:
    """Everything held on one person (`graphcrm.privacy.person_record`) as JSON, indented,
    ending in a newline. Raises `NotFound` as `person_record` does."""
    record = person_record(store, person_id)
    return json.dumps(dataclasses.asdict(record), ensure_ascii=False, indent=2) + "\n"
