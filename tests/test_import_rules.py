"""One rule for every import format, checked for any input (hypothesis), without a database.

- What a column's parser lets through is a value the database can store: the store's own rule
  (`graphcrm.store.params.plain_params`) takes it, and its text is whole UTF-8. (It failed
  before: rank 1180591620717411303424 passed the check and failed mid-write.)
- Any JSON value in any field of an export line is a problem naming the line and field, or a
  planned record whose ids, text and numbers follow the rules of the CSV files; never a
  traceback. (It failed before: `"labels": 5` gave a TypeError, a lone surrogate a
  UnicodeEncodeError mid-write, 100,000 `[` a RecursionError.)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.files import FILES
from graphcrm.ingest.jsonlines import plan_jsonl
from graphcrm.store.params import plain_params

COLUMNS = {f"{spec.name}.{column.name}": column for spec in FILES.values() for column in spec.columns}
NUMBERS = st.from_regex(r"[+-]?[0-9]{1,30}(\.[0-9]{0,5})?([eE][+-]?[0-9]{1,4})?", fullmatch=True)
SPECIAL = st.sampled_from(
    ["nan", "inf", "-inf", "1e400", "9223372036854775807", "9223372036854775808", "1180591620717411303424"]
)
CELLS = st.one_of(st.text(min_size=1), NUMBERS, SPECIAL, st.text("0123456789_-+.,e", min_size=1))


def assert_storable(value: Any) -> None:
    """The value passes the store's own rule, and its text is whole characters."""
    plain_params({"value": value})
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            item.encode("utf-8")


@pytest.mark.parametrize("name", list(COLUMNS))
@given(text=CELLS)
@settings(max_examples=150, deadline=None)
def test_what_a_column_lets_through_the_database_can_store(name, text):
    cell = text.strip()
    if not cell:
        return  # an empty cell is no value
    try:
        value = COLUMNS[name].parse(F.cell(cell))
    except F.Invalid:
        return
    assert_storable(value)


ID_LIKE = st.text("ab0Z_.:/#-=+@' \t\n\r\x00\u200bé李", max_size=6) | st.text(max_size=4)


@given(texts=st.lists(ID_LIKE, max_size=6))
@settings(max_examples=500, deadline=None)
def test_ids_a_chunk_takes_at_once_are_ids_the_full_rules_keep_as_they_are(texts):
    """A column of ids checked in one match (`plain_ids`, issue 17) lets through only ids that
    the cell's and the id's rules would each have kept unchanged."""
    if F.plain_ids(texts):
        assert texts and all(F.storable(F.identifier(F.cell(text))) == text for text in texts)


def test_ids_a_chunk_takes_at_once():
    assert F.plain_ids(["b.p-0000001", "acme", "0015g00000XyZ", "crm:lead/7#2", "_x"])
    odd = ["", ".", "..", "-1", "=A1", "+a", "@x", "'x", " a", "a b", "a\nb", "李", "a\u200b", "x" * 201]
    for text in odd:  # each left to the full rules, with the rest of its column
        assert not F.plain_ids(["ok", text]), text
    assert not F.plain_ids([])


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
JSON = st.recursive(
    SCALARS | st.sampled_from([2**63, -(2**63) - 1, "..", "x\ny", "p\u200b1", "\ud83d", "\x1b[31m"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
RECORDS = {
    "node": {"type": "node", "id": "x1", "labels": ["Person"], "properties": {"id": "x1", "name": "A"}},
    "relationship": {"type": "relationship", "rel": "KNOWS", "start": "p1", "end": "p2", "properties": {}},
    "tied": {
        "type": "relationship",
        "rel": "TIED_TO",
        "start": "p1",
        "end": "o1",
        "properties": {"kind": "x"},
    },
}
FIELDS = ["type", "id", "labels", "properties", "rel", "start", "end", "properties.name", "properties.kind"]


def plan_of(line: str) -> tuple[Any, list[str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "graph.jsonl"
        path.write_text(line + "\n", encoding="utf-8", errors="surrogatepass")
        return plan_jsonl(path)


@given(record=st.sampled_from(list(RECORDS)), field=st.sampled_from(FIELDS), value=JSON)
@settings(max_examples=400, deadline=None)
def test_any_json_in_any_field_is_a_problem_or_a_record_the_database_can_store(record, field, value):
    line = json.loads(json.dumps(RECORDS[record]))
    if field.startswith("properties."):
        line["properties"][field.removeprefix("properties.")] = value
    else:
        line[field] = value
    plan, problems = plan_of(json.dumps(line))
    assert not problems
    if plan.problems:
        assert all(p.source == "graph.jsonl" and p.row == 1 for p in plan.problems)
        return
    for node in plan.nodes.values():
        assert F.identifier(node.id) == node.id
        for item in node.props.values():
            assert_storable(item)
    for rel in plan.rels:
        assert F.identifier(rel.source) == rel.source and F.identifier(rel.target) == rel.target
        for item in rel.props.values():
            assert_storable(item)


NODE = '{"type":"node","id":"x","labels":["Person"],"properties":'


@pytest.mark.parametrize(
    ("line", "count"),
    [
        ("[" * 100_000 + "]" * 100_000, 1),
        (NODE + '{"n":' + "[" * 3000 + "]" * 3000 + "}}", 1),
        (NODE + '{"rank":' + "9" * 5000 + "}}", 1),
        (NODE + '{"name":"' + "\\\\" * 10_000 + '[[[[[[[[[[[["}}', 0),
        (NODE + '{"name":"never closed [[[[[[[[[[[[[[', 1),
    ],
    ids=["100000-deep", "3000-deep-in-a-property", "5000-digit-number", "brackets-in-text", "never-closed"],
)
def test_lines_that_broke_the_parser_are_one_problem_each(line, count):
    """Brackets inside text are no nesting, however many escapes come before them."""
    plan, problems = plan_of(line)
    assert (problems, len(plan.problems), len(plan.nodes)) == ([], count, 1 - count)


def test_a_location_that_would_not_print_is_shown_escaped():
    """A column named with a terminal's escape code is shown as its escape, as `got` is."""
    problem = Problem("people.csv", 1, "\x1b[31mred", "unknown column", "\x1b[31mred", "columns id, name")
    assert str(problem) == (
        "people.csv:1:\\x1b[31mred: unknown column (got '\\x1b[31mred', expected columns id, name)"
    )
