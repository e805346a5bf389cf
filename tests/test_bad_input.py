"""The bad-input corpus (tests/bad_input/, one folder per mistake users make): through the CLI
each case exits with status 2 and prints exactly its `expected.txt` on stderr, the library
raises `InvalidInput` with the same problems, a few reach the viewer's `/api/import` with the
same messages, and the database (holding tests/data/mini/ first) is byte for byte as it was.
"""

from __future__ import annotations

import base64
import io
import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphcrm.cli import main
from graphcrm.ingest.contacts import plan_contacts
from graphcrm.ingest.files import InvalidInput, apply_plan, import_path
from graphcrm.ingest.hubspot import plan_hubspot
from graphcrm.ingest.interactions import import_interactions
from graphcrm.ingest.linkedin import plan_linkedin
from graphcrm.ingest.salesforce import plan_salesforce
from graphcrm.store import Store
from tests.conftest import snapshot
from tests.test_import import MINI
from tests.workbooks import row, write_workbook

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
LINKEDIN = Path(__file__).parent / "data" / "linkedin" / "Connections.csv"
PEOPLE_HEADER = "id,name,org_id,title,department,rank,is_rep,email,phone,birthday,hobbies,channels,notes\n"


def fifty_megabyte_line(folder: Path) -> None:
    """people.csv whose one row carries a screenshot pasted into its note as a data: URL."""
    image = base64.b64encode(bytes(range(256)) * (150 * 1024)).decode()  # 51,200 KiB of base64
    with (folder / "people.csv").open("w", encoding="utf-8") as out:
        out.write(PEOPLE_HEADER)
        out.write(f'p7,王丹 Wang Dan,acme,CIO,IT,1,,,,,,,"data:image/png;base64,{image}"\n')


def same_table_in_two_files(folder: Path) -> None:
    """people.csv and People.csv: two files on Linux, one on Windows and macOS (so not committed)."""
    (folder / "people.csv").write_text(PEOPLE_HEADER + "p7,王丹 Wang Dan,acme,,,,,,,,,,\n")
    (folder / "People.csv").write_text(PEOPLE_HEADER + "p8,赵跃 Zhao Yue,acme,,,,,,,,,,\n")
    (folder / "ties.csv").write_text(
        "source,target,type,strength,context,since,last_contact\nrep1,p1,ALLY,,,,\n"
    )


def two_sheets_for_one_table(folder: Path) -> None:
    """Sheets named people and People, which Excel itself would not let be: a workbook made by a
    program (openpyxl renames the second, so the parts are written by hand)."""
    header = row(1, {"A": "id", "B": "name", "C": "org_id"})
    write_workbook(
        folder / "book.xlsx",
        {
            "people": [header, row(2, {"A": "p7", "B": "王丹 Wang Dan", "C": "acme"})],
            "People": [header, row(2, {"A": "p8", "B": "赵跃 Zhao Yue", "C": "acme"})],
        },
    )


def nested_100000_deep(folder: Path) -> None:
    """A backup whose second line holds a name nested in 100,000 lists (Python's JSON parser runs
    out of stack at about 1,000)."""
    name = "[" * 100_000 + '"x"' + "]" * 100_000
    (folder / "graph.jsonl").write_text(
        '{"id":"x1","labels":["Person"],"properties":{"id":"x1","name":"Fine"},"type":"node"}\n'
        f'{{"id":"x2","labels":["Person"],"properties":{{"id":"x2","name":{name}}},"type":"node"}}\n'
    )


# Cases whose files are too big to commit, or that some file systems cannot hold, or binary:
# made at run time into a folder of the case's name.
GENERATED: dict[str, Callable[[Path], None]] = {
    "49-50mb-line": fifty_megabyte_line,
    "65-same-table-in-two-files": same_table_in_two_files,
    "66-two-sheets-for-one-table": two_sheets_for_one_table,
    "68-export-nested-100000-deep": nested_100000_deep,
}


def test_the_corpus_holds_at_least_30_cases_each_with_its_expected_lines():
    assert len(CASES) >= 30
    listed = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in CASES:
        assert (CORPUS / name / "expected.txt").is_file(), name
        assert f"`{name}`" in listed, name
        files = [p for p in (CORPUS / name).iterdir() if p.name not in ("expected.txt", "command.txt")]
        assert files or name in GENERATED, name


def case_folder(name: str, tmp_path: Path) -> Path:
    if name not in GENERATED:
        return CORPUS / name
    folder = tmp_path / name
    folder.mkdir()
    GENERATED[name](folder)
    return folder


def command(folder: Path) -> list[str]:
    """The case's command line (command.txt, default `import <folder>`), paths made absolute."""
    file = CORPUS / folder.name / "command.txt"
    words = shlex.split(file.read_text(encoding="utf-8")) if file.exists() else ["import", "."]
    return [words[0], str((folder / words[1]).resolve()), *words[2:]]


def expected(name: str) -> list[str]:
    return (CORPUS / name / "expected.txt").read_text(encoding="utf-8").splitlines()


def run_library(store: Store, args: list[str]) -> None:
    """What the CLI command calls, called directly."""
    if args[0] == "import":
        import_path(store, Path(args[1]), progress=False)
    elif args[0] == "import-contacts":
        assert args[2] == "--rep"
        plan, problems = plan_contacts(store, Path(args[1]), args[3])
        apply_plan(store, plan, problems, progress=False)
    elif args[0] == "import-interactions":
        options = args[2:]
        rep = options[options.index("--rep") + 1]
        me = [options[i + 1] for i, word in enumerate(options) if word == "--me"]
        import_interactions(store, [Path(args[1])], rep, me, progress=False)
    elif args[0] == "import-hubspot":
        plan, problems = plan_hubspot(store, Path(args[1]))
        apply_plan(store, plan, problems, progress=False)
    elif args[0] == "import-salesforce":
        plan, problems = plan_salesforce(store, Path(args[1]))
        apply_plan(store, plan, problems, progress=False)
    else:
        assert args[0] == "import-linkedin" and args[2] == "--rep"
        plan, problems = plan_linkedin(store, Path(args[1]), args[3])
        apply_plan(store, plan, problems, progress=False)


@pytest.fixture
def base(store: Store) -> Store:
    """The database every case starts from: tests/data/mini/."""
    import_path(store, MINI, progress=False)
    return store


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_reported_exactly_and_nothing_is_written(base, db, tmp_path, name):
    folder = case_folder(name, tmp_path)
    args = command(folder)
    before, version = snapshot(base), base.version()
    lines = expected(name)
    assert lines[-1] == f"error: nothing was imported: {len(lines) - 1} problem(s) listed above"

    result = CliRunner().invoke(main, [*args, "--db", db], catch_exceptions=False)
    assert (result.exit_code, result.stderr.splitlines(), result.stdout) == (2, lines, "")
    assert snapshot(base) == before
    assert base.version() == version

    with pytest.raises(InvalidInput) as err:
        run_library(base, args)
    assert err.value.problems == lines[:-1]
    assert snapshot(base) == before
    assert base.version() == version


# -- the viewer's upload reaches the same messages -------------------------------------------------

WEB_CASES = [
    "02-unknown-account-kind",
    "06-duplicate-id-across-files",
    "38-gbk-read-as-utf8",
    "40-two-encodings-pasted",
    "41-xlsx-named-csv",
    "45-xlsx-missing-sheet",
    "46-formula-cells-csv",
    "48-cell-too-long",
]


@pytest.fixture
def web(base, db, tmp_path):
    from graphcrm.web import create_app

    base.close()
    app = create_app({"DB": db, "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["graphcrm_store"].close()


@pytest.mark.parametrize("name", WEB_CASES)
def test_the_upload_reaches_the_same_messages(web, name):
    store = web.extensions["graphcrm_store"]
    before, version = snapshot(store), store.version()
    client = web.test_client()
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    files = [
        (io.BytesIO(p.read_bytes()), p.name)
        for p in sorted((CORPUS / name).iterdir())
        if p.name not in ("expected.txt", "command.txt")
    ]
    response = client.post(
        "/api/import",
        data={"files": files, "dry_run": "0"},
        headers={"X-CSRF-Token": token},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.get_json()["problems"] == expected(name)[:-1]
    assert snapshot(store) == before
    assert store.version() == version


# -- near misses: what looks wrong but is fine ------------------------------------------------------


def test_a_header_only_file_beside_files_with_rows_is_no_problem(base, tmp_path):
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE_HEADER + "p7,王丹 Wang Dan,acme,CIO,,,,,,,,,\n")
    (folder / "ties.csv").write_text("source,target,type,strength,context,since,last_contact\n")
    assert import_path(base, folder, progress=False).counts == {"Person": 1, "WORKS_AT": 1}


def test_text_kept_with_a_quote_imports_without_it(base, tmp_path):
    """A `'` before a formula keeps it as text (and is dropped), as a spreadsheet does; phone
    numbers and notes starting with + or - are text."""
    people = tmp_path / "people.csv"
    people.write_text(
        PEOPLE_HEADER + "p7,王丹 Wang Dan,acme,'=chief,IT,1,,,+86 138 0000 0001,,,,- met at the expo\n"
        "p8,赵跃 Zhao Yue,acme,'@SUM(A1),,,,,,,,,''=x\n"
    )
    import_path(base, people, progress=False)
    rows = base.read(
        "MATCH (p:Person) WHERE p.id IN ['p7', 'p8'] RETURN p.id AS id, p.title AS title, "
        "p.phone AS phone, p.notes AS notes ORDER BY id"
    )
    assert rows == [
        {"id": "p7", "title": "=chief", "phone": "+86 138 0000 0001", "notes": "- met at the expo"},
        {"id": "p8", "title": "@SUM(A1)", "phone": None, "notes": "'=x"},
    ]


def test_a_quote_prefixed_cell_of_a_workbook_is_text(base, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "people"
    sheet.append(["id", "name", "title"])
    sheet.append(["p7", "王丹 Wang Dan", "=kept"])
    sheet["C2"].data_type = "s"
    sheet["C2"].quotePrefix = True  # what Excel stores for a cell typed as '=kept
    book.save(tmp_path / "book.xlsx")
    import_path(base, tmp_path / "book.xlsx", progress=False)
    assert base.read("MATCH (p:Person {id: 'p7'}) RETURN p.title AS t") == [{"t": "=kept"}]


def test_an_empty_extra_sheet_of_a_workbook_is_no_problem(base, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "people"
    book.active.append(["id", "name", "org_id"])
    book.active.append(["p7", "王丹 Wang Dan", "acme"])
    book.create_sheet("Sheet2")
    book.save(tmp_path / "book.xlsx")
    assert import_path(base, tmp_path / "book.xlsx", progress=False).counts == {"Person": 1, "WORKS_AT": 1}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: t.split("\n\n", 1)[1], id="notes removed"),
        pytest.param(lambda t: "注意：\n" + t.split("\n", 2)[2], id="notes translated"),
        pytest.param(
            lambda t: t.replace("Notes:", "Notes: First Name,Last Name,Company are shown as given"),
            id="notes with commas that look like a header",
        ),
    ],
)
def test_linkedin_notes_lines_edited_still_import(base, tmp_path, edit):
    file = tmp_path / "Connections.csv"
    file.write_text(edit(LINKEDIN.read_text(encoding="utf-8")), encoding="utf-8")
    plan, problems = plan_linkedin(base, file, "rep1")
    result = apply_plan(base, plan, problems, progress=False)
    assert result.counts["Person"] == 2 and result.counts["KNOWS"] == 2


def test_gbk_and_gb18030_files_are_not_taken_for_two_encodings(base, tmp_path):
    """Every seed data set saved as GBK reads as one encoding (the two-encodings check)."""
    from graphcrm.demo import seed_path
    from graphcrm.ingest.tabular import encoding_of

    for name in ("apex", "hidden-decider", "jinchang", "kissinger", "xuri"):
        for file in seed_path(name).glob("*.csv"):
            data = file.read_text(encoding="utf-8").encode("gb18030")
            assert encoding_of(data, file.name) == ("utf-8-sig" if data.isascii() else "gb18030")


def test_an_id_typed_decomposed_is_the_same_id_typed_composed(base, tmp_path):
    """José with é as one character (NFC) in people.csv, as e and an accent (NFD, as macOS and
    some input methods write it) in ties.csv: one id, stored composed."""
    folder = tmp_path / "input"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE_HEADER + "jos\u00e9,José Ruiz,acme,,,,,,,,,,\n")
    (folder / "ties.csv").write_text(
        "source,target,type,strength,context,since,last_contact\nrep1,jose\u0301,KNOWS,0.5,,,\n"
    )
    assert import_path(base, folder, progress=False).counts == {"Person": 1, "WORKS_AT": 1, "KNOWS": 1}
    found = base.read(
        "MATCH (:Person {id: 'rep1'})-[:KNOWS]->(p:Person) WHERE p.id <> 'p1' RETURN p.id AS id"
    )
    assert found == [{"id": "jos\u00e9"}]


def test_a_backup_saved_with_a_bom_and_text_holding_line_separators_imports_exactly(base, tmp_path):
    """A JSON-lines backup saved by Notepad (a BOM before line 1), with text holding U+2028 and
    U+2029 (the export writes them as they are; they end no line) and text a spreadsheet would
    run as a formula (data in a backup, kept as it is)."""
    record = {
        "id": "x1",
        "labels": ["Person"],
        "properties": {"id": "x1", "name": "Line\u2028Para\u2029End", "title": "=chief"},
        "type": "node",
    }
    (tmp_path / "graph.jsonl").write_text(
        "\ufeff" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    import_path(base, tmp_path / "graph.jsonl", progress=False)
    found = base.read("MATCH (p:Person {id: 'x1'}) RETURN p.name AS name, p.title AS title")
    assert found == [{"name": "Line\u2028Para\u2029End", "title": "=chief"}]
