"""Import: the seeds, idempotence, encodings, workbooks, and validation as a whole.

The bad-input cases (each mistake, its exact messages, nothing written) are the corpus in
tests/bad_input/, run by tests/test_bad_input.py.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from graphcrm import queries
from graphcrm.demo import seed_path
from graphcrm.ingest.files import FILE_ORDER, InvalidInput, import_path
from graphcrm.schema import RELATIONSHIP_TYPES
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


@pytest.mark.parametrize("name", ["import/create_relationships", "import/merge_relationships"])
def test_a_batch_of_one_type_runs_that_type_s_branch_alone(name):
    """The import writes a type's rows with its FOREACH line only (issue 17: a fifth less of the
    server's time at scale M): every type has exactly one, and it is that type's."""
    for engine in ("falkordb", "neo4j"):
        full = queries.load(name, engine)
        for kind in RELATIONSHIP_TYPES:
            text = queries.branch(name, engine, kind)
            branches = [line for line in text.splitlines() if line.startswith(queries.BRANCH)]
            assert branches == [line for line in full.splitlines() if f"row.type = '{kind}' " in line]
            assert len(branches) == 1 and f":{kind}" in branches[0]
        with pytest.raises(ValueError, match="no branch"):
            queries.branch(name, engine, "FRIEND_OF")


@contextlib.contextmanager
def batches_written(store, fail_at: int | None = None) -> Iterator[list[list[str]]]:
    """The write batches (each a list of its statements' first Cypher lines) the store runs
    meanwhile; with `fail_at`, that batch (counted from 0) fails instead of running, once."""
    real, written, failed = store._transaction, [], []

    def counted(statements, batch):
        if len(written) == fail_at and not failed:
            failed.append(batch)
            raise RuntimeError("the server went away")
        written.append([query.splitlines()[0] for query, _ in statements])
        real(statements, batch)

    store._transaction = counted
    try:
        yield written
    finally:
        del store._transaction


def changed_mini(tmp_path: Path) -> Path:
    """MINI with p1's title and the strength of the tie rep1 -> p1 changed, nothing else."""
    folder = tmp_path / "changed"
    shutil.copytree(MINI, folder)
    people = (folder / "people.csv").read_text(encoding="utf-8")
    (folder / "people.csv").write_text(people.replace(",clerk,", ",head clerk,"), encoding="utf-8")
    ties = (folder / "ties.csv").read_text(encoding="utf-8")
    ties = ties.replace("rep1,p1,KNOWS,0.8,", "rep1,p1,KNOWS,0.6,")
    (folder / "ties.csv").write_text(ties, encoding="utf-8")
    return folder


def test_an_export_imported_again_writes_nothing(store):
    """A week's export is mostly last week's again: records and ties there already as the import
    would leave them are not written, and the graph (and its version) stays as it was."""
    import_path(store, MINI, progress=False)
    graph, version = snapshot(store), store.version()
    with batches_written(store) as written:
        result = import_path(store, MINI, progress=False)
    assert result.written and result.counts["Person"] == 3
    assert result.unchanged == sum(result.counts.values())  # said so: "nothing changed"
    assert written == []
    assert snapshot(store) == graph and store.version() == version


def test_an_export_imported_again_writes_only_what_changed(store, tmp_path):
    import_path(store, MINI, progress=False)
    with batches_written(store) as written:
        result = import_path(store, changed_mini(tmp_path), progress=False)
    assert result.unchanged == sum(result.counts.values()) - 2
    assert len(written) == 2  # one batch of nodes (p1), one of merged ties (rep1 -> p1)
    person = store.read("MATCH (p:Person {id: 'p1'}) RETURN p.title AS title, p.rank AS rank")
    assert person == [{"title": "head clerk", "rank": 3}]
    ties = store.read(
        "MATCH (a:Person)-[t:KNOWS]->(b:Person) WHERE a.id IN ['rep1', 'p1'] AND b.id IN ['rep1', 'p1'] "
        "RETURN a.id AS a, t.strength AS strength, t.context AS context ORDER BY a"
    )
    assert ties == [
        {"a": "p1", "strength": 0.6, "context": "neighbour"},
        {"a": "rep1", "strength": 0.6, "context": "neighbour"},
    ]
    import_path(store, MINI, progress=False)  # and back: the first import's graph again
    with batches_written(store) as written:
        import_path(store, MINI, progress=False)
    assert written == []


def test_a_re_import_failing_part_way_leaves_the_changed_records_as_they_were(store, tmp_path):
    """The undo still holds what the written batches changed when the unchanged rows are left
    out: the node batch is put back after the tie batch fails."""
    import_path(store, MINI, progress=False)
    graph = snapshot(store)
    with batches_written(store, fail_at=1) as written, pytest.raises(RuntimeError, match="went away"):
        import_path(store, changed_mini(tmp_path), progress=False)
    assert written[0][0].startswith("// An import's nodes that are in the database already")  # p1's
    assert snapshot(store) == graph  # after the undo's batches
