"""Workbook and CSV bombs: small files that would take gigabytes, or hours, to read.

Each file is made here at run time (nothing large is committed), and must be refused before
it costs anything, with one message naming the file (and sheet), row and column and saying what
was expected. The memory a fresh process takes to refuse each is measured, with a bound far
above normal (`PEAK_MB`; a process importing graphcrm takes about 75 MB), never the time.

Before the checks (`graphcrm/ingest/workbook.py`, the header check of `graphcrm/ingest/tabular.py`), the
process reading them peaked at: 335 MB for one cell in column XFD on 2,000 rows; over 400 s
(stopped) on 200,000 rows; 839 MB for a row numbered 10,000,000; 1.76 GB and 179 s for
5,000,000 identical rows; 361 MB for a 150 MB shared string; 410 MB for 10 million cells padded
to column 1,000; 949 MB for a CSV header of 200,000 columns; 1.2 GB for 3,000,000 elements of
no known kind; a declared dimension was not looked at.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl.utils import get_column_letter

from graphcrm.ingest.files import InvalidInput, import_path
from graphcrm.ingest.tabular import MAX_COLUMNS, TableError, read_csv
from graphcrm.ingest.workbook import (
    MAX_CELLS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_UNPACKED,
    MAX_WHOLE_PART,
    RATIO_FROM,
    WORKBOOK_HELP,
    check_parts,
    read_xlsx,
)
from tests.conftest import snapshot
from tests.workbooks import cell, row, write_workbook

ROOT = Path(__file__).resolve().parent.parent
PEAK_MB = 300
HEADER = row(1, {"A": "id", "B": "name"})
TOO_FAR_RIGHT = (
    "book.xlsx[people]:2:XFD: a cell too far right (got a cell in column XFD, column 16,384, expected at "
    f"most 1,000 columns: {WORKBOOK_HELP})"
)


def xfd_on_every_row(rows: int) -> Callable[[Path], Path]:
    """One cell in column XFD (16,384, Excel's last) on each of `rows` rows, no dimension."""

    def make(folder: Path) -> Path:
        cells = (row(n, {"A": f"p{n}", "B": "Name", "XFD": 1}) for n in range(2, rows + 2))
        return write_workbook(folder / "book.xlsx", {"people": [HEADER, *cells]})

    return make


def xfd_declared(folder: Path) -> Path:
    """A dimension of A1:XFD2001 declared, whatever the rows hold."""
    rows = [HEADER, row(2, {"A": "p1", "B": "Name"})]
    return write_workbook(folder / "book.xlsx", {"people": rows}, dimensions={"people": "A1:XFD2001"})


def row_ten_million(folder: Path) -> Path:
    """Row 1, then row 10,000,000: openpyxl hands over every row between, empty."""
    rows = [HEADER, row(10_000_000, {"A": "p1", "B": "Name"})]
    return write_workbook(folder / "book.xlsx", {"people": rows})


def identical_rows(folder: Path) -> Path:
    """3,000,000 identical rows (no `r` numbers, as the spec allows): 150 MB of XML packed
    hundreds of times smaller, as the 4.2 MB file that unpacked to 1.25 GB was."""
    same = '<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    return write_workbook(folder / "book.xlsx", {"people": [HEADER, *[same] * 3_000_000]})


def one_huge_shared_string(folder: Path) -> Path:
    """A shared string of 150 MB, which openpyxl reads as it opens the workbook."""

    def strings() -> Iterator[str]:
        yield "<si><t>"
        yield from ["A" * 1_000_000] * 150
        yield "</t></si>"

    rows = [HEADER, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>']
    return write_workbook(folder / "book.xlsx", {"people": rows}, shared_strings=strings())


def ten_million_cells(folder: Path) -> Path:
    """1,000 columns named in the header, and 10,001 rows each holding only their first and last
    cell: padded, 10,001,000 cells."""
    last = get_column_letter(MAX_COLUMNS)
    header = (
        '<row r="1">' + "".join(cell(f"{get_column_letter(c)}1", f"c{c}") for c in range(1, 1001)) + "</row>"
    )
    rows = (row(n, {"A": f"p{n}", last: 1}) for n in range(2, 10_003))
    return write_workbook(folder / "book.xlsx", {"people": [header, *rows]})


def csv_of_200000_columns(folder: Path) -> Path:
    (folder / "people.csv").write_text(",".join(f"c{i}" for i in range(200_000)) + "\np1,Name\n")
    return folder / "people.csv"


BOMBS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "xfd-on-2000-rows": (xfd_on_every_row(2_000), TOO_FAR_RIGHT),
    "xfd-on-200000-rows": (xfd_on_every_row(200_000), TOO_FAR_RIGHT),
    "xfd-declared": (
        xfd_declared,
        "book.xlsx[people]: the sheet is too big (got A1:XFD2001 as its dimension, 16,384 columns, expected "
        f"at most 1,000: {WORKBOOK_HELP})",
    ),
    "row-ten-million": (
        row_ten_million,
        "book.xlsx[people]:10000000: a row past Excel's last row (got row 10,000,000, expected at most "
        f"1,048,576 rows: {WORKBOOK_HELP})",
    ),
    "identical-rows": (identical_rows, "book.xlsx: a part of the workbook unpacks"),
    "one-huge-shared-string": (one_huge_shared_string, "book.xlsx: a part of the workbook unpacks"),
    "ten-million-cells": (
        ten_million_cells,
        "book.xlsx[people]:10001: the sheet is too big (got more than 10,000,000 cells by row 10,001, "
        "counting the empty ones left of each row's last cell, expected at most 10,000,000: "
        f"{WORKBOOK_HELP})",
    ),
    "csv-of-200000-columns": (
        csv_of_200000_columns,
        "people.csv:1: the header has too many columns (got 200,000 columns, expected at most 1,000: is "
        "this the file you meant? the import files have at most 13 columns)",
    ),
}
# Whose message holds numbers that depend on the zlib that packed it: checked by its start.
BY_START = ("identical-rows", "one-huge-shared-string")

# The peak is the process's own high-water mark (VmHWM): getrusage's ru_maxrss would count the
# memory of the test process that started it, which exec does not reset on Linux.
READ = """
import json, re, sys
from pathlib import Path
from graphcrm.ingest.files import read_tables
tables, problems = read_tables(Path(sys.argv[1]))
with open("/proc/self/status") as status:
    peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1)) // 1024
print(json.dumps({"problems": problems, "rows": sum(len(t.rows) for t in tables), "peak_mb": peak}))
"""


def read_in_a_fresh_process(path: Path) -> dict[str, object]:
    """What `read_tables` makes of `path` in a process of its own, with that process's peak
    memory (resident) in MB."""
    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc (Linux)")
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def matches(problems: object, name: str) -> bool:
    expected = BOMBS[name][1]
    if name in BY_START:
        return isinstance(problems, list) and len(problems) == 1 and problems[0].startswith(expected)
    return problems == [expected]


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_bomb_is_refused_at_its_place_before_it_costs_memory(tmp_path, name):
    path = BOMBS[name][0](tmp_path)
    result = read_in_a_fresh_process(path)
    assert matches(result["problems"], name), result["problems"]
    assert result["rows"] == 0
    assert isinstance(result["peak_mb"], int) and result["peak_mb"] < PEAK_MB


def test_elements_of_no_known_kind_cost_nothing(tmp_path):
    """3,000,000 elements openpyxl does not know inside a sheet (a 7 MB workbook packed only
    6-fold, so no zip limit applies): openpyxl kept every one (1.2 GB); they are dropped as read."""
    junk = (f'<x a="{n}"/>' for n in range(3_000_000))
    rows = [HEADER, row(2, {"A": "p1", "B": "Name"}), *junk]
    book = write_workbook(tmp_path / "book.xlsx", {"people": rows}, dimensions={"people": "A1:B2"})
    result = read_in_a_fresh_process(book)
    assert (result["problems"], result["rows"]) == ([], 1)
    assert isinstance(result["peak_mb"], int) and result["peak_mb"] < PEAK_MB


def test_a_part_unpacking_too_far_is_named_with_its_sizes(tmp_path):
    result = read_in_a_fresh_process(identical_rows(tmp_path))
    with zipfile.ZipFile(tmp_path / "book.xlsx") as book:
        part = book.getinfo("xl/worksheets/sheet1.xml")
    ratio = part.file_size // part.compress_size
    assert result["problems"] == [
        f"book.xlsx: a part of the workbook unpacks {ratio:,}-fold (got xl/worksheets/sheet1.xml, "
        f"{part.file_size:,} bytes packed into {part.compress_size:,}, expected at most 100-fold, as sheets "
        f"of real data pack: a workbook bomb? {WORKBOOK_HELP})"
    ]


def part(name: str, unpacked: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = unpacked, packed
    return info


def test_the_parts_of_a_real_crm_export_pass_and_a_workbook_past_the_limits_does_not():
    """The parts of a 100,000 × 60 export (openpyxl's, measured: 313 MB of sheet XML packed
    5.6-fold) pass, and so does a big part openpyxl does not read (a pivot table's cache); past
    `MAX_UNPACKED` in all, `MAX_RATIO`-fold in one part, or `MAX_WHOLE_PART` in a part read whole,
    they do not."""
    real = [part("xl/worksheets/sheet1.xml", 313_006_792, 56_144_342), part("xl/styles.xml", 2_785, 629)]
    check_parts("export.xlsx", real)
    check_parts("small.xlsx", [part("xl/styles.xml", RATIO_FROM, 1)])  # small parts pack as they like
    with pytest.raises(TableError, match=r"unpacks to too much \(got 1,000,002,785 bytes"):
        check_parts("big.xlsx", [part("xl/worksheets/sheet1.xml", MAX_UNPACKED, MAX_UNPACKED // 6), real[1]])
    check_parts("pivot.xlsx", [*real, part("xl/pivotCache/pivotCacheRecords1.xml", 200_000_000, 20_000_000)])
    with pytest.raises(TableError, match=r"too big \(got xl/styles.xml of 20,000,001 bytes"):
        check_parts("styles.xlsx", [part("xl/styles.xml", MAX_WHOLE_PART + 1, MAX_WHOLE_PART // 5)])
    with pytest.raises(TableError, match=r"unpacks 101-fold"):
        check_parts("bomb.xlsx", [part("xl/worksheets/sheet1.xml", 101 * RATIO_FROM, RATIO_FROM)])
    assert MAX_RATIO == 100


def test_the_limits_let_a_real_crm_export_of_100000_rows_by_60_columns_through(tmp_path):
    """100,000 rows × 60 columns is within every limit, declared or read; 2,000 such rows of a
    workbook and of a CSV file are read whole (the full size is the same check, only slower)."""
    assert MAX_COLUMNS >= 60 and MAX_ROWS >= 100_001 and MAX_CELLS >= 100_001 * 60
    letters = [get_column_letter(c) for c in range(1, 61)]
    header = row(1, {letter: f"column {n}" for n, letter in enumerate(letters, start=1)})
    rows = (row(n, {letter: f"value {n}.{c}" for c, letter in enumerate(letters)}) for n in range(2, 2002))
    book = write_workbook(
        tmp_path / "export.xlsx", {"people": [header, *rows]}, dimensions={"people": "A1:BH100001"}
    )
    sheet = read_xlsx(book)["people"]
    assert (len(sheet.columns), len(sheet.rows), sheet.rows[-1]["column 60"]) == (60, 2000, "value 2001.59")
    text = io.StringIO()
    text.write(",".join(f"column {n}" for n in range(1, 61)) + "\n")
    for n in range(2, 2002):
        text.write(",".join(f"value {n}.{c}" for c in range(60)) + "\n")
    (tmp_path / "people.csv").write_text(text.getvalue())
    table = read_csv(tmp_path / "people.csv")
    assert (len(table.columns), len(table.rows), table.rows[-1]["column 60"]) == (60, 2000, "value 2001.59")


def test_a_sheet_declaring_or_holding_just_the_limits_is_read(tmp_path):
    """Column `MAX_COLUMNS` and row `MAX_ROWS` themselves are fine."""
    last = get_column_letter(MAX_COLUMNS)
    rows = [row(1, {"A": "id", last: "far"}), row(MAX_ROWS, {"A": "p1", last: "x"})]
    book = write_workbook(tmp_path / "book.xlsx", {"people": rows}, dimensions={"people": f"A1:{last}1000"})
    table = read_xlsx(book)["people"]
    assert (table.numbers, table.rows) == ([MAX_ROWS], [{"id": "p1", "far": "x"}])


@pytest.mark.parametrize(
    "name", ["xfd-on-2000-rows", "xfd-declared", "row-ten-million", "csv-of-200000-columns"]
)
def test_a_bomb_changes_nothing_in_the_database(store, tmp_path, name):
    import_path(store, Path(__file__).parent / "data" / "mini", progress=False)
    before, version = snapshot(store), store.version()
    path = BOMBS[name][0](tmp_path)
    with pytest.raises(InvalidInput) as err:
        import_path(store, path if path.suffix == ".xlsx" else path.parent, progress=False)
    assert err.value.problems == [BOMBS[name][1]]
    assert (snapshot(store), store.version()) == (before, version)


@pytest.fixture
def web(store, db, tmp_path):
    from graphcrm.web import create_app

    store.close()
    app = create_app({"DB": db, "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["graphcrm_store"].close()


def test_the_viewer_refuses_an_uploaded_bomb_with_the_same_message(web, tmp_path):
    """A dry-run upload of the XFD workbook pushed the viewer past 2.5 GB; now a 400 and its line."""
    book = xfd_on_every_row(2_000)(tmp_path)
    client = web.test_client()
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    response = client.post(
        "/api/import",
        data={"files": [(io.BytesIO(book.read_bytes()), "book.xlsx")]},
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["problems"] == [TOO_FAR_RIGHT]
