"""Import: the seeds, idempotence, encodings, workbooks, and every validation rule.

Each bad-input case asserts the exact messages and that the database is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from graphcrm.demo import seed_path
from graphcrm.importer import FILE_ORDER, InvalidInput, import_path
from tests.conftest import SEEDS, snapshot

MINI = Path(__file__).parent / "data" / "mini"


def counts(store) -> dict[str, int]:
    labels = {r["label"]: r["count"] for r in store.run("stats/labels")}
    types = {r["type"]: r["count"] for r in store.run("stats/relationships")}
    return {**labels, **types}


@pytest.mark.parametrize("seed", SEEDS)
def test_each_seed_imports_alone_and_again_without_change(store, seed):
    result = import_path(store, seed_path(seed), progress=False)
    assert result.written and result.counts["Person"] > 0
    first = snapshot(store)
    import_path(store, seed_path(seed), progress=False)
    assert snapshot(store) == first


def test_all_seeds_load_together(seeded):
    store = seeded(*SEEDS)
    got = counts(store)
    assert got["Person"] == 61 and got["Rep"] == 10
    # symmetric ties are stored both ways
    knows = store.read("MATCH (a:Person)-[:KNOWS]->(b:Person) RETURN a.id AS a, b.id AS b")
    pairs = {(r["a"], r["b"]) for r in knows}
    assert all((b, a) in pairs for a, b in pairs)


def test_mini_import_shapes_the_graph(store):
    import_path(store, MINI, progress=False)
    rows = store.read(
        "MATCH (p:Person {id: 'p2'})-[r:IN_COMMITTEE]->(o:Opportunity)-[:FOR]->(a:Account) "
        "RETURN p.name AS name, r.roles AS roles, r.stance AS stance, r.influence_need AS need, "
        "r.influence_decide AS decide, a.id AS account"
    )
    assert rows == [
        {
            "name": "刘斌 Liu Bin",
            "roles": ["D"],
            "stance": "blocker",
            "need": 60.0,
            "decide": 70.0,
            "account": "acme",
        }
    ]
    rep = store.read("MATCH (r:Rep) RETURN r.id AS id, labels(r) AS labels")
    assert rep == [{"id": "rep1", "labels": ["Node", "Person", "Rep"]}]
    tie = store.read("MATCH (:Person {id: 'p2'})-[t:TIED_TO]->(o:Org) RETURN t.kind AS kind, o.kind AS org")
    assert tie == [{"kind": "close relations", "org": "competitor"}]
    person = store.read("MATCH (p:Person {id: 'p1'}) RETURN p")[0]["p"]
    assert person["labels"] == ["Person"]
    assert person["properties"]["channels"] == ["exhibitions", "live demo"]
    assert person["properties"]["notes"] == "note, with comma"
    assert person["properties"]["rank"] == 3


def test_dry_run_writes_nothing(store):
    before = snapshot(store)
    result = import_path(store, MINI, dry_run=True, progress=False)
    assert not result.written and result.counts["Person"] == 3
    assert snapshot(store) == before


def test_reference_to_an_id_already_in_the_database(store, tmp_path):
    only_accounts = tmp_path / "a"
    only_accounts.mkdir()
    shutil.copy(MINI / "accounts.csv", only_accounts)
    import_path(store, only_accounts, progress=False)
    rest = tmp_path / "b"
    shutil.copytree(MINI, rest)
    (rest / "accounts.csv").unlink()
    import_path(store, rest, progress=False)
    assert counts(store)["WORKS_AT"] == 3


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(store, write_files, encoding):
    folder = write_files({})
    for name in MINI.iterdir():
        (folder / name.name).write_bytes(name.read_text(encoding="utf-8").encode(encoding))
    import_path(store, folder, progress=False)
    names = {r["name"] for r in store.read("MATCH (p:Person) RETURN p.name AS name")}
    assert names == {"Rep One", "李琼 Li Qiong", "刘斌 Liu Bin"}
    assert store.read("MATCH (a:Account {id: 'acme'}) RETURN a.name AS n") == [{"n": "Acme 公司"}]


def test_xlsx_workbook_with_sheets_of_the_same_names(store, tmp_path):
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name in FILE_ORDER:
            frame = pd.read_csv(MINI / f"{name}.csv", dtype=str, keep_default_na=False)
            if name == "ties":  # a real workbook holds numbers and dates as such
                frame["strength"] = pd.to_numeric(frame["strength"])
                frame["last_contact"] = pd.to_datetime(frame["last_contact"])
            frame.to_excel(writer, sheet_name=name, index=False)
    import_path(store, book, progress=False)
    from_book = snapshot(store)
    import_path(store, MINI, progress=False)
    assert snapshot(store) == from_book


def test_xlsx_problems_name_the_sheet(store, tmp_path):
    book = tmp_path / "book.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"id": ["x"], "name": ["X"], "kind": ["custmer"]}).to_excel(
            writer, sheet_name="accounts", index=False
        )
        pd.DataFrame({"id": ["y"]}).to_excel(writer, sheet_name="peopel", index=False)
    with pytest.raises(InvalidInput) as err:
        import_path(store, book, progress=False)
    assert err.value.problems == [
        "book.xlsx[peopel]: unknown sheet (expected sheets named accounts, people, ties, opportunities, "
        "committee, referrals)",
        "book.xlsx[accounts]:2:kind: unknown account kind (got 'custmer', expected one of customer, "
        "prospect, supplier, government, competitor, bank, association, consultant, media, other)",
    ]


KIND_LIST = (
    "customer, prospect, supplier, government, competitor, bank, association, consultant, media, other"
)
ACCOUNT_COLUMNS = "id, name, kind, industry, nature, tier, status, revenue, potential, region"

# name: (file, edit of its text, the exact problems)
BAD_INPUT = {
    "renamed required column": (
        "accounts.csv",
        lambda t: t.replace("id,name,kind", "id,name,type", 1),
        [
            f"accounts.csv:1:kind: required column is missing (got 'id, name, type, industry, nature, tier, "
            f"status, revenue, potential, region', expected columns {ACCOUNT_COLUMNS})",
            f"accounts.csv:1:type: unknown column (got 'type', expected columns {ACCOUNT_COLUMNS})",
        ],
    ),
    "unknown kind": (
        "accounts.csv",
        lambda t: t.replace("acme2,Beta Ltd,prospect", "acme2,Beta Ltd,prospekt"),
        [
            f"accounts.csv:5:kind: unknown account kind (got 'prospekt', expected one of {KIND_LIST})",
        ],
    ),
    "strength out of range and not a number": (
        "ties.csv",
        lambda t: t.replace("KNOWS,0.8", "KNOWS,1.5").replace("KNOWS,0.3", "KNOWS,strong"),
        [
            "ties.csv:2:strength: number out of range (got '1.5', expected a number from 0 to 1)",
            "ties.csv:3:strength: not a number (got 'strong', expected a number from 0 to 1)",
        ],
    ),
    "unknown id": (
        "ties.csv",
        lambda t: t + "p1,p9,KNOWS,,,,\n",
        [
            "ties.csv:6:target: unknown id (got 'p9', expected the id of a person defined in this import or "
            "already in the database)",
        ],
    ),
    "self-tie": (
        "ties.csv",
        lambda t: t + "p1,p1,ALLY,,,,\n",
        [
            "ties.csv:6:target: a tie from a record to itself (got 'p1', expected an id other than source)",
        ],
    ),
    "duplicate id across files": (
        "people.csv",
        lambda t: t + "acme,Someone,,,,,,,,,,,\n",
        [
            "people.csv:5:id: duplicate id (got 'acme', expected an id not already used "
            "(accounts.csv row 2))",
        ],
    ),
    "date that is not a date": (
        "ties.csv",
        lambda t: t.replace("2026-09-15", "15/09/2026"),
        [
            "ties.csv:2:last_contact: not a date (got '15/09/2026', expected a date as YYYY-MM-DD)",
        ],
    ),
    "stage influence not adding up to 100": (
        "committee.csv",
        lambda t: t.replace("need=60", "need=50"),
        [
            "committee.csv:3:stage_influence: influence in stage need of opportunity o1 does not add up "
            "to 100 "
            "over its members (got '90', expected 100)",
        ],
    ),
    "unknown stage": (
        "committee.csv",
        lambda t: t.replace("need=60", "needs=60"),
        [
            "committee.csv:3:stage_influence: unknown stage (got 'needs', expected one of need, priority, "
            "urgency, specification, consult, proposals, evaluate, negotiate, decide)",
        ],
    ),
    "unknown role, attitude and stance": (
        "committee.csv",
        lambda t: t.replace(",D,R,blocker", ",X,Q,Blocker!"),
        [
            "committee.csv:3:attitude: unknown attitude (got 'Q', expected one of A, P, R)",
            "committee.csv:3:roles: unknown role (got 'X', expected one of D, E, S, U)",
            "committee.csv:3:stance: unknown stance (got 'Blocker!', expected one of champion, supporter, "
            "neutral, enemy, blocker)",
        ],
    ),
    "unknown tier": (
        "accounts.csv",
        lambda t: t.replace("commercial,A,won", "commercial,AA,won"),
        [
            "accounts.csv:2:tier: unknown tier (got 'AA', expected one of A+, A, B, C)",
        ],
    ),
    "empty file": (
        "people.csv",
        lambda t: "",
        [
            "people.csv:1: the file is empty (got nothing, expected a header row)",
        ],
    ),
    "symmetric tie listed both ways": (
        "ties.csv",
        lambda t: t + "p1,rep1,KNOWS,0.5,,,\n",
        [
            "ties.csv:6:target: repeated KNOWS tie (got 'p1 -> rep1', expected each tie once "
            "(ties.csv row 2))",
        ],
    ),
    "tie to an account instead of a person": (
        "ties.csv",
        lambda t: t + "p1,acme,KNOWS,0.5,,,\n",
        [
            "ties.csv:6:target: the id is an Account (got 'acme', expected the id of a person)",
        ],
    ),
    "required value empty": (
        "people.csv",
        lambda t: t + ",No Id,,,,,,,,,,,\n",
        [
            "people.csv:5:id: a required value is empty (got '', expected a value)",
        ],
    ),
    "rank not a whole number": (
        "people.csv",
        lambda t: t.replace("union,3,", "union,third,"),
        [
            "people.csv:3:rank: not a whole number (got 'third', expected a whole number of at least 1)",
        ],
    ),
    "row with more cells than the header": (
        "opportunities.csv",
        lambda t: t + "o2,acme,x,consult,5,2027-01-01,open,extra\n",
        [
            "opportunities.csv:3: the row has more cells than the header has columns (got 8 cells, "
            "expected 7; quote values that hold commas)",
        ],
    ),
    "binary file named .csv": (
        "referrals.csv",
        lambda t: "\x00\x01PK\x03\x04",
        [
            "referrals.csv:1: not a CSV text file (got binary data, expected CSV text)",
        ],
    ),
    "unknown file in the folder": (
        "peoples.csv",
        lambda t: "id,name\nx,X\n",
        [
            "peoples.csv: unknown file (expected one of accounts.csv, people.csv, ties.csv, "
            "opportunities.csv, committee.csv, referrals.csv)",
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_reported_exactly_and_nothing_is_written(store, tmp_path, case):
    import_path(store, MINI, progress=False)  # a database with something in it
    before = snapshot(store)
    name, edit, expected = BAD_INPUT[case]
    folder = tmp_path / "input"
    shutil.copytree(MINI, folder)
    target = folder / name
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    target.write_text(edit(text), encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        import_path(store, folder, progress=False)
    assert err.value.problems == expected
    assert snapshot(store) == before


def test_every_problem_is_reported_not_just_the_first(store, tmp_path):
    folder = tmp_path / "input"
    shutil.copytree(MINI, folder)
    ties = folder / "ties.csv"
    ties.write_text(ties.read_text().replace("KNOWS,0.8", "KNOWS,2") + "p1,p1,KIN,,,,\np1,nobody,ALLY,,,,\n")
    with pytest.raises(InvalidInput) as err:
        import_path(store, folder, progress=False)
    assert [p.split(":", 3)[:3] for p in err.value.problems] == [
        ["ties.csv", "2", "strength"],
        ["ties.csv", "6", "target"],
        ["ties.csv", "7", "target"],
    ]
    assert snapshot(store) == ""


def test_gbk_file_with_a_byte_that_is_no_text(store, tmp_path):
    folder = tmp_path / "input"
    shutil.copytree(MINI, folder)
    (folder / "people.csv").write_bytes("id,name\nx,李\n".encode("gbk") + b"y,\xff\xff\xff\n")
    with pytest.raises(InvalidInput) as err:
        import_path(store, folder, progress=False)
    assert err.value.problems == [
        "people.csv:3: cannot read the text (got bytes that are neither UTF-8 nor GB18030, expected UTF-8 "
        "or GB18030/GBK text)"
    ]
