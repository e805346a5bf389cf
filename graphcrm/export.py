"""Export the whole graph as JSON lines (the exact backup), its checksum, one person's record;
and read an export back as an import plan. (Spreadsheet exports: `graphcrm.spreadsheet`.)

One line per node, `{"type": "node", "id": ..., "labels": [...], "properties": {...}}`, then one
per relationship, `{"type": "relationship", "rel": T, "start": ID, "end": ID, "properties":
{...}}`, sorted, with sorted keys: the same graph always gives the same bytes. Symmetric ties
appear in both directions, as they are stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from graphcrm.fields import Problem
from graphcrm.plan import Plan, Where
from graphcrm.privacy import person_record
from graphcrm.schema import NODE_LABELS, RELATIONSHIP_TYPES, REP_LABEL, SYMMETRIC_TIES
from graphcrm.store import Store

ALL_LABELS = (*NODE_LABELS,)


def export_records(store: Store) -> Iterator[dict[str, Any]]:
    """The graph as export records: nodes by id, then relationships, sorted."""
    for row in store.run("export/nodes"):
        labels = sorted(label for label in row["labels"] if label != "Node")
        yield {"type": "node", "id": row["id"], "labels": labels, "properties": row["properties"]}
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


def plan_jsonl(path: Path) -> tuple[Plan, list[str]]:
    """An import plan from an export file; problems name the line and field."""
    plan = Plan()
    name = path.name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return plan, [f"{name}: cannot read the file ({exc}; expected UTF-8 JSON lines)"]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = Where(name, number, "")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            plan.problems.append(
                Problem(name, number, "", "not a JSON object", line[:80], f"JSON ({exc.msg})")
            )
            continue
        if not isinstance(record, dict):
            plan.problems.append(Problem(name, number, "", "not a JSON object", line[:80], "a JSON object"))
            continue
        _plan_record(plan, record, where)
    return plan, []


def _plan_record(plan: Plan, record: dict[str, Any], where: Where) -> None:
    props = record.get("properties") or {}
    if not isinstance(props, dict):
        plan.problems.append(
            Problem(where.source, where.row, "properties", "not a map", str(props)[:80], "a JSON object")
        )
        return
    unstorable = [
        Problem(where.source, where.row, f"properties.{key}"[:60], problem, json.dumps(value)[:80], STORABLE)
        for key, value in props.items()
        if (problem := _unstorable(key, value))
    ]
    if unstorable:  # checked here: the engine would refuse it mid-import, after earlier batches
        plan.problems += unstorable
        return
    if record.get("type") == "node":
        labels = record.get("labels") or []
        kinds = [label for label in labels if label in ALL_LABELS]
        node_id = record.get("id")
        if not isinstance(node_id, str) or not node_id:
            plan.problems.append(
                Problem(where.source, where.row, "id", "missing id", str(node_id), "a string id")
            )
        elif len(kinds) != 1 or set(labels) - {*ALL_LABELS, REP_LABEL}:
            plan.problems.append(
                Problem(
                    where.source,
                    where.row,
                    "labels",
                    "unknown labels",
                    str(labels),
                    f"one of {', '.join(ALL_LABELS)}, and {REP_LABEL} for our team",
                )
            )
        else:
            rep = REP_LABEL in labels if kinds[0] == "Person" else None
            plan.add_node(node_id, kinds[0], props, where, rep=rep)
    elif record.get("type") == "relationship":
        rel, start, end = record.get("rel"), record.get("start"), record.get("end")
        if rel not in RELATIONSHIP_TYPES:
            plan.problems.append(
                Problem(
                    where.source,
                    where.row,
                    "rel",
                    "unknown relationship type",
                    str(rel),
                    f"one of {', '.join(RELATIONSHIP_TYPES)}",
                )
            )
        elif not isinstance(start, str) or not isinstance(end, str):
            plan.problems.append(
                Problem(where.source, where.row, "start", "missing end ids", f"{start}, {end}", "string ids")
            )
        elif rel in SYMMETRIC_TIES and start > end:
            return  # the mirror of a symmetric tie: written with its twin
        else:
            anything = (*ALL_LABELS,)
            plan.add_rel(
                rel,
                start,
                end,
                dict(props),
                where,
                source_labels=anything,
                target_labels=anything,
                columns=("start", "end"),
                key=props.get("kind") if rel == "TIED_TO" else None,
            )
    else:
        plan.problems.append(
            Problem(
                where.source,
                where.row,
                "type",
                "unknown record type",
                str(record.get("type")),
                "node or relationship",
            )
        )


STORABLE = "text, a number or true/false, or a list of them (no NUL character, whole numbers within 64 bits)"


def _unstorable(key: str, value: Any) -> str | None:
    """Why every engine could not store the property exactly (a hand-edited export), or None."""
    if not key or "`" in key or "\x00" in key:
        return "a property name that is empty or holds a backtick or NUL character"
    if isinstance(value, list) and len({type(item) for item in value}) > 1:
        return "a list mixing kinds of values"
    for item in value if isinstance(value, list) else [value]:
        if item is None or isinstance(item, list | dict):
            return "a value no property can hold"
        if isinstance(item, str) and "\x00" in item:
            return "text with a NUL character"
        if isinstance(item, float) and not math.isfinite(item):
            return "a number that is not finite"
        if type(item) is int and not -(2**63) <= item < 2**63:
            return "a whole number beyond 64 bits"
    return None
