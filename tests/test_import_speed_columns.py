"""The import's fast path (`files.check_table` on a streamed CSV): a chunk of rows is checked a
column at a time, and a chunk in which that finds anything wrong is checked again a row at a
time. Either way the plan must be the one the row-by-row checks make: the same problems in the
same order, the same rows left out, the same records with their values in the same order.

Each input is planned twice, from CSV files read whole (`read_csv`: the row-by-row checks) and
streamed in chunks of a few rows (`stream_csv`: the columns, and the rows for a bad chunk), and
the two plans are compared field by field.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate
from graphcrm.demo import seed_names, seed_path
from graphcrm.errors import UserError
from graphcrm.ingest import files, tabular
from graphcrm.ingest.files import import_path, plan_tables, read_tables
from graphcrm.ingest.plan import Plan
from graphcrm.store import Store, bulk

BAD_INPUT = Path(__file__).parent / "bad_input"


def plan_of(path: Path, stream: bool, chunk_rows: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """Everything a plan of `path` holds, in order, and the read problems."""
    monkeypatch.setattr(files, "stream_csv", functools.partial(tabular.stream_csv, chunk_rows=chunk_rows))
    tables, read_problems = read_tables(path, stream=stream)
    plan = plan_tables(tables, problems=read_problems)
    return (read_problems, *contents(plan))


def contents(plan: Plan) -> tuple[Any, ...]:
    nodes = [(n.id, n.label, list(n.props.items()), n.where, n.rep) for n in plan.nodes.values()]
    # in the order of the files' rows (a block of ties comes before the ties to organisations of
    # its rows), a tie's values as a map (a block gives a default strength its column's place)
    ordered = sorted(plan.rels, key=lambda r: (r.where.source, r.where.row))
    rels = [(r.type, r.source, r.target, r.props, r.where) for r in ordered]
    ends = [(r.source_labels, r.target_labels, r.columns, r.key) for r in ordered]
    return (
        [str(p) for p in plan.problems],
        nodes,
        rels,
        ends,
        plan.requirements,
        sorted(plan.skipped_ids),
        sorted(plan.stage_totals.items()),
        plan.complete,
    )


def assert_same_plans(
    path: Path, monkeypatch: pytest.MonkeyPatch, chunks: tuple[int, ...] = (1, 3, 50_000)
) -> None:
    whole = plan_of(path, False, 0, monkeypatch)
    for chunk_rows in chunks:
        assert plan_of(path, True, chunk_rows, monkeypatch) == whole, chunk_rows


CSV_FOLDERS = sorted(p for p in BAD_INPUT.iterdir() if p.is_dir() and any(p.glob("*.csv")))


@pytest.mark.parametrize("folder", CSV_FOLDERS, ids=lambda p: p.name)
def test_bad_input_plans_the_same_in_columns(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same_plans(folder, monkeypatch)


@pytest.mark.parametrize("seed", seed_names())
def test_seeds_plan_the_same_in_columns(seed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = seed_path(seed)
    if path.is_dir() or path.suffix == ".csv":
        assert_same_plans(path, monkeypatch)


# Cells that each make a problem, or a value `_props` leaves out (`;`: an empty list), by file
# and column.
DEFECTS = {
    "ties.csv": {
        "source": ["", " b.p-0000001", "b.p-\u200b1", "=HYPERLINK(1)", "'=1", "b.p-0000001\x07"],
        "target": ["", "..", "b.p-0000002", "b.p-9999999"],
        "type": ["", "FRIEND", "knows", "tied_to", "reports_to"],
        "strength": ["", "1.5", "high", "nan", "-0", "0"],
        "context": ["", "'", "\ufffd", "work"],
        "since": ["", "2020-13-01", "29254", "2020-01-01 00:00:00"],
        "last_contact": ["", "01/02/2020"],
    },
    "people.csv": {
        "id": ["", "b.p-0000001", "b.p-0000001 "],
        "org_id": ["", "b.acc-nope"],
        "rank": ["0", "x", "9223372036854775808"],
        "is_rep": ["maybe", "yes", ""],
        "channels": [";", " ; ", "", "email;;phone"],
    },
}


def spoiled(folder: Path, name: str, rows: int, seed: int) -> None:
    """The file `name` of `folder` with random defects in `rows` of its rows: bad cells, blank
    rows, repeated rows, reversed ones (ties: repeated when symmetric), rows whose second
    column is their first (ties: of a person to themself)."""
    pick = random.Random(seed)
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    header, body = lines[0].split(","), lines[1:]
    defects = DEFECTS[name]
    for _ in range(rows):
        at = pick.randrange(len(body))
        cells = body[at].split(",")
        what = pick.random()
        if what < 0.1:
            body[at] = "," * (len(header) - 1)  # a blank row
        elif what < 0.2:
            body.insert(at, body[pick.randrange(len(body))])  # a repeated row
        elif what < 0.3:
            cells[0], cells[1] = cells[1], cells[0]
            body.insert(at, ",".join(cells))
        elif what < 0.35:
            cells[1] = cells[0]
            body[at] = ",".join(cells)
        else:
            column = pick.choice(list(defects))
            value = pick.choice(defects[column])
            cells[header.index(column)] = f'"{value}"' if "," in value else value
            body[at] = ",".join(cells)
    path.write_text("\n".join([lines[0], *body, "", "," * (len(header) - 1)]) + "\n", encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 2])
def test_a_generated_sample_plans_the_same_in_columns(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 3 rows put a row at each place in a chunk (a chunk of one row each, which the
    # bad inputs and seeds above go through, took 3,600 of pandas' reads here: most of 12 s).
    generate(tmp_path, 600, 3_000, seed=seed)
    assert_same_plans(tmp_path, monkeypatch, (3, 50_000))  # clean
    spoiled(tmp_path, "ties.csv", 300, seed)
    spoiled(tmp_path, "people.csv", 100, seed)
    assert_same_plans(tmp_path, monkeypatch, (3, 50_000))


def test_the_bulk_encoding_keeps_minus_zero() -> None:
    """A decimal is encoded as itself, never as an equal one kept for its next appearance: 0.0
    and -0.0 are one key of a dict, and two values."""
    nodes = [bulk.BulkNode(("Person",), {"id": name, "x": x}) for name, x in (("a", 0.0), ("b", -0.0))]
    rels = [bulk.BulkRel("KNOWS", "a", "b", {"strength": x}) for x in (0.0, -0.0, 0.5, 0.5)]
    [(_, _, node_tokens, _), (_, _, _, rel_tokens)] = list(bulk.commands(nodes, rels))
    assert node_tokens[0].endswith(bulk.value("a") + bulk.value(0.0) + bulk.value("b") + bulk.value(-0.0))
    ends = bulk._ENDS.pack(0, 1)
    records = [ends + bulk.value(x) for x in (0.0, -0.0, 0.5, 0.5)]
    assert rel_tokens[0].endswith(b"".join(records))


def test_a_row_the_parser_refuses_past_the_first_chunk_leaves_the_file_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, embedded_store: Store
) -> None:
    """A streamed CSV is parsed once: a row with more cells than the header, found in a later
    chunk than the first, is reported as a whole read reports it (the file left out, so its
    other rows name nothing), and nothing is written."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,name\n" + "".join(f"p{i},Person {i}\n" for i in range(6)), encoding="utf-8"
    )
    ties = ["source,target,type,strength", *(f"p{i},p{i + 1},KNOWS,0.5" for i in range(5))]
    ties.insert(5, "p0,p5,KNOWS,0.5,extra")  # row 6
    (folder / "ties.csv").write_text("\n".join(ties) + "\n", encoding="utf-8")
    whole = plan_of(folder, False, 0, monkeypatch)
    assert whole[0] == [
        "ties.csv:6: the row has more cells than the header has columns (got 5 cells, expected 4; "
        "quote values that hold commas)"
    ]
    assert plan_of(folder, True, 2, monkeypatch) == whole
    with pytest.raises(UserError) as raised:
        import_path(embedded_store, folder, progress=False)
    assert str(raised.value).splitlines()[0] == whole[0][0]
    assert embedded_store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
