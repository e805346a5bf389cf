"""Read a JSON-lines export (`graphcrm export`) back as an import plan: a backup restored, or
one edited by hand or by a script.

Each line is checked as the CSV and XLSX rows are, by the same rules (`graphcrm.ingest.fields`): ids by
`identifier` (no control characters or line breaks, no invisible characters, not `.` or `..`,
stored composed), every text by `check_text` (no control characters or half characters, at
most 32,767 characters, no text damaged by a wrong encoding), every number by what the
database stores (whole numbers within 64 bits, finite). A line whose fields are of the wrong
kind (`"labels": 5`) is named with its field; a line nested deeper than `MAX_DEPTH` is refused
before it is parsed (Python's parser would run out of stack on 100,000 `[`). What the export
writes that a CSV would not (any property name, formula-like text such as `=x`, which is data
here, not a spreadsheet cell) is kept exactly, so an export imports back to the same bytes.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.plan import Plan, Where
from graphcrm.ingest.tabular import clip
from graphcrm.schema import NODE_LABELS, RELATIONSHIP_TYPES, REP_LABEL, SYMMETRIC_TIES
from graphcrm.store.params import INT_LIMIT

ALL_LABELS = (*NODE_LABELS,)
MAX_DEPTH = 8  # levels of [ and {: an export's line has 3 (the record, its properties, a list)
STORABLE = "text, a number or true/false, or a list of them (no NUL character, whole numbers within 64 bits)"
LABELS = f"one of {', '.join(ALL_LABELS)}, and {REP_LABEL} for our team"
# A JSON string (to its end, or to the end of the line when it is never closed), or a bracket:
# one pass over the line whatever it holds.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*+"?|[\[\]{}]')


def plan_jsonl(path: Path) -> tuple[Plan, list[str]]:
    """An import plan from an export file; problems name the line and field."""
    plan = Plan()
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM, as Notepad saves, is no part of line 1
    except (OSError, UnicodeDecodeError) as exc:
        return plan, [f"{name}: cannot read the file ({exc}; expected UTF-8 JSON lines)"]
    # Lines end at "\n" only: the export writes U+2028 and the like inside text as they are.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if _deeper_than(line, MAX_DEPTH):
            plan.problems.append(
                Problem(
                    name,
                    number,
                    "",
                    "JSON nested too deeply",
                    line[:80],
                    f"at most {MAX_DEPTH} levels of [ and {{ (an export's line has 3)",
                )
            )
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:  # JSONDecodeError, or a number of more than 4,300 digits
            detail = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc).split(":")[0]
            plan.problems.append(
                Problem(name, number, "", "not a JSON object", line[:80], f"JSON ({detail})")
            )
            continue
        if not isinstance(record, dict):
            plan.problems.append(Problem(name, number, "", "not a JSON object", line[:80], "a JSON object"))
            continue
        _plan_record(plan, record, Where(name, number, ""))
    return plan, []


def _deeper_than(line: str, limit: int) -> bool:
    """Whether the line's [ and { nest more than `limit` deep (those inside strings aside)."""
    depth = 0
    for token in _TOKENS.finditer(line):
        char = line[token.start()]
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _plan_record(plan: Plan, record: dict[str, Any], where: Where) -> None:
    props = record.get("properties")
    props = {} if props is None else props
    if not isinstance(props, dict):
        plan.problems.append(_problem(where, "properties", "not a map", props, "a JSON object"))
        return
    unstorable = [
        Problem(where.source, where.row, f"properties.{key}"[:60], problem, got, expected)
        for key, value in props.items()
        for problem, expected, got in _unstorable(key, value)
    ]
    plan.problems += unstorable  # checked here: the engine would refuse it mid-import
    kind = record.get("type")
    if kind == "node":
        _plan_node(plan, record, props, where, add=not unstorable)
    elif kind == "relationship":
        _plan_relationship(plan, record, props, where, add=not unstorable)
    else:
        plan.problems.append(_problem(where, "type", "unknown record type", kind, "node or relationship"))


def _plan_node(plan: Plan, record: dict[str, Any], props: dict[str, Any], where: Where, add: bool) -> None:
    node_id = _id(plan, record, "id", where)
    labels = record.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
        plan.problems.append(_problem(where, "labels", "not a list of labels", labels, f"a list: {LABELS}"))
        return
    kinds = [label for label in labels if label in ALL_LABELS]
    if len(kinds) != 1 or set(labels) - {*ALL_LABELS, REP_LABEL}:
        plan.problems.append(
            Problem(where.source, where.row, "labels", "unknown labels", str(labels)[:80], LABELS)
        )
    elif node_id is not None and add:
        rep = REP_LABEL in labels if kinds[0] == "Person" else None
        plan.add_node(node_id, kinds[0], props, where, rep=rep)


def _plan_relationship(
    plan: Plan, record: dict[str, Any], props: dict[str, Any], where: Where, add: bool
) -> None:
    rel = record.get("rel")
    if not isinstance(rel, str) or rel not in RELATIONSHIP_TYPES:
        expected = f"one of {', '.join(RELATIONSHIP_TYPES)}"
        plan.problems.append(_problem(where, "rel", "unknown relationship type", rel, expected))
        return
    start, end = _id(plan, record, "start", where), _id(plan, record, "end", where)
    kind = props.get("kind") if rel == "TIED_TO" else None
    if kind is not None and not isinstance(kind, str):
        plan.problems.append(
            _problem(where, "properties.kind", "a kind of tie that is not text", kind, "text, e.g. supplier")
        )
        return
    if start is None or end is None or not add:
        return
    if rel in SYMMETRIC_TIES and start > end:
        return  # the mirror of a symmetric tie: written with its twin
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
        key=kind,
    )


def _id(plan: Plan, record: dict[str, Any], field: str, where: Where) -> str | None:
    """The id in `field` as stored (`graphcrm.ingest.fields.identifier`), or None with its problem."""
    value = record.get(field)
    if not isinstance(value, str) or not value:
        message = "missing id" if value in (None, "") else "an id that is not text"
        plan.problems.append(_problem(where, field, message, value, "an id as text"))
        return None
    try:
        return F.identifier(F.check_text(value))
    except F.Invalid as exc:
        got = exc.got if exc.got is not None else clip(value)
        plan.problems.append(Problem(where.source, where.row, field, exc.problem, got, exc.expected))
        return None


def _problem(where: Where, field: str, message: str, value: Any, expected: str) -> Problem:
    """A problem with a JSON value, shown as JSON (at most 8 levels deep: `MAX_DEPTH`)."""
    return Problem(where.source, where.row, field, message, json.dumps(value)[:80], expected)


def _unstorable(key: str, value: Any) -> list[tuple[str, str, str]]:
    """Why no engine could store the property exactly (none, or one problem), as (problem,
    expected, what to show of the value)."""
    shown = json.dumps(value)[:80]
    if not key or "`" in key or "\x00" in key:
        return [("a property name that is empty or holds a backtick or NUL character", STORABLE, shown)]
    try:
        F.check_text(key)
    except F.Invalid as exc:
        return [(f"{exc.problem} in the property name", exc.expected, shown)]
    if isinstance(value, list) and len({type(item) for item in value}) > 1:
        return [("a list mixing kinds of values", STORABLE, shown)]
    for item in value if isinstance(value, list) else [value]:
        if item is None or isinstance(item, list | dict):
            return [("a value no property can hold", STORABLE, shown)]
        if isinstance(item, str):
            try:
                F.check_text(item)
            except F.Invalid as exc:
                return [(exc.problem, exc.expected, exc.got or shown)]
        if isinstance(item, float) and not math.isfinite(item):
            return [("a number that is not finite", STORABLE, shown)]
        if type(item) is int and not -INT_LIMIT <= item < INT_LIMIT:
            return [("a whole number beyond 64 bits", STORABLE, shown)]
    return []
