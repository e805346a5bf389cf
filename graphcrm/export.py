"""Export the whole graph as JSON lines, and read such a file back as an import plan.

One line per node, `{"type": "node", "id": ..., "labels": [...], "properties": {...}}`, then one
per relationship, `{"type": "relationship", "rel": T, "start": ID, "end": ID, "properties":
{...}}`, sorted, with sorted keys: the same graph always gives the same bytes. Symmetric ties
appear in both directions, as they are stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from graphcrm.fields import Problem
from graphcrm.plan import Plan, Where
from graphcrm.schema import NODE_LABELS, RELATIONSHIP_TYPES, REP_LABEL, SYMMETRIC_TIES
from graphcrm.store import Store

ALL_LABELS = (*NODE_LABELS,)


def export_lines(store: Store) -> Iterator[str]:
    """The graph as JSON lines (without line ends)."""
    for row in store.run("export/nodes"):
        labels = sorted(label for label in row["labels"] if label != "Node")
        yield _dump({"type": "node", "id": row["id"], "labels": labels, "properties": row["properties"]})
    rels = store.run("export/relationships")
    rels.sort(key=lambda r: (r["start"], r["type"], r["end"], json.dumps(r["properties"], sort_keys=True)))
    for row in rels:
        yield _dump(
            {
                "type": "relationship",
                "rel": row["type"],
                "start": row["start"],
                "end": row["end"],
                "properties": row["properties"],
            }
        )


def export_to(store: Store, out: TextIO) -> int:
    """Write the export to `out`; return the number of lines."""
    count = 0
    for line in export_lines(store):
        out.write(line + "\n")
        count += 1
    return count


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
