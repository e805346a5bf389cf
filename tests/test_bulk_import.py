"""The bulk import (issue 17): an import into a database that holds no records yet, written at
once with FalkorDB's `GRAPH.BULK` (`graphcrm.store.bulk`), gives exactly the graph of the
batches of Cypher, with the same checks (bad input writes nothing) and a stronger atomicity (a
failure anywhere, before the swap, leaves the database as it was). On Neo4j the store has no
bulk path: the same calls write in batches, and give the same graph.

`BULK_MIN_ROWS` is lowered to 0 where a small data set must take the bulk path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.generate import SCALES, generate
from graphcrm import edits, queries
from graphcrm.demo import seed_names, seed_path
from graphcrm.ingest import plan as plan_module
from graphcrm.ingest.files import InvalidInput, import_path
from graphcrm.store import Store, bulk, open_store
from graphcrm.store.falkordb import FalkorDBStore
from graphcrm.store.lock import LockLost
from tests.conftest import snapshot
from tests.test_import import MINI

# Every node's id and search key (`name_key` is derived: exports leave it out, the graph has it).
KEYS = "MATCH (n:Node) RETURN n.id AS id, n.name_key AS key, labels(n) AS labels ORDER BY id"


def graph(store: Store) -> tuple[str, list[dict[str, Any]]]:
    """The whole graph: its export and every node's search key and labels."""
    return snapshot(store), store.read(KEYS)


def scratch_keys(store: Store) -> list[Any]:
    assert isinstance(store, FalkorDBStore)
    return list(store._db.connection.scan_iter(match=f"{store.graph_name}{bulk.SCRATCH}*"))


def lock_held(store: Store) -> bool:
    """Whether anyone holds the write lock (FalkorDB: its key beside the graph; Neo4j: its node)."""
    if isinstance(store, FalkorDBStore):
        return bool(store._db.connection.exists(store.lock_key))
    return any(row["holder"] for row in store.read("MATCH (l:WriteLock) RETURN l.holder AS holder"))


def imported(
    db: str, folders: list[Path], bulk_rows: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, ...]:
    """(graph, version, bulk used) of the `folders` imported one after the other into `db`."""
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", bulk_rows)
    monkeypatch.setattr(plan_module, "BULK_COPY_MAX", 10**9)  # whatever the database holds
    used: list[bool] = []
    real = Store.bulk_create
    real_falkordb = FalkorDBStore.bulk_create

    def spy(self: Store, *args: Any, **kwargs: Any) -> bool:
        done = (real_falkordb if isinstance(self, FalkorDBStore) else real)(self, *args, **kwargs)
        used.append(done)
        return done

    monkeypatch.setattr(Store, "bulk_create", spy)
    monkeypatch.setattr(FalkorDBStore, "bulk_create", spy)
    try:
        with open_store(db) as store:
            for folder in folders:
                import_path(store, folder, progress=False)
            return graph(store), store.version()[1], any(used)
    finally:
        monkeypatch.undo()


@pytest.fixture
def second_db(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """Another empty database on the same engine (Neo4j: the session's one, emptied again)."""
    if engine == "embedded":
        yield str(tmp_path / "second")
        return
    from tests.conftest import wipe

    wipe(request.getfixturevalue("neo4j_admin"))
    yield str(request.getfixturevalue("neo4j_uri"))


@pytest.mark.parametrize("seed", seed_names())
def test_each_seed_in_bulk_is_the_seed_in_batches(engine, db, tmp_path, monkeypatch, seed):
    batches, batch_version, used = imported(str(tmp_path / "batches"), [seed_path(seed)], 10**9, monkeypatch)
    assert not used
    at_once, version, used = imported(db, [seed_path(seed)], 0, monkeypatch)
    assert used == (engine == "embedded")  # Neo4j has no bulk path: the same batches
    assert at_once == batches
    assert version == (1 if engine == "embedded" else batch_version)  # one write: one version


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated data set, a quarter of scale S (2,500 people, 25,000 ties): every kind of
    record and tie the generator makes, in many bulk commands when they are small."""
    people, ties = (n // 4 for n in SCALES["S"])
    folder = tmp_path_factory.mktemp("bulk") / "S4"
    generate(folder, people, ties)
    return folder


def test_a_generated_sample_in_bulk_is_the_sample_in_batches(tmp_path, monkeypatch, sample):
    batches, _, used = imported(str(tmp_path / "batches"), [sample], 10**9, monkeypatch)
    assert not used
    monkeypatch.setattr(bulk, "COMMAND_BYTES", 2**16)  # many commands
    at_once, version, used = imported(str(tmp_path / "bulk"), [sample], 0, monkeypatch)
    assert used
    assert at_once == batches
    assert version == 1


def test_the_default_threshold_takes_the_bulk_path_at_scale_s():
    """At S (10,000 people, 100,000 ties: 110,000 rows and more) an import goes in bulk."""
    people, ties = SCALES["S"]
    assert people + ties >= plan_module.BULK_MIN_ROWS


def test_seeds_after_a_bulk_import_merge_as_after_batches(engine, db, second_db, monkeypatch):
    """The first import in bulk, the others (the database holds records) in batches."""
    folders = [seed_path(name) for name in seed_names()]
    batches, _, _ = imported(second_db if engine == "neo4j" else db + "-batches", folders, 10**9, monkeypatch)
    if engine == "neo4j":
        from tests.conftest import wipe

        with open_store(db) as store:
            wipe(store)
    at_once, _, _ = imported(db, folders, 0, monkeypatch)
    assert at_once == batches


MORE = {
    # p1 changes title; n1 and n2 are new, n1 one of ours
    "people.csv": "id,name,org_id,title,is_rep\n"
    "p1,李琼 Li Qiong,acme,lead clerk,false\n"
    "n1,New One,us,AM,true\n"
    "n2,新人 New Two,acme2,buyer,\n",
    # a tie between two people already there, made warmer; one that was there already, as it
    # was; new people tied to people already there, and to each other
    "ties.csv": "source,target,type,strength,context,since,last_contact\n"
    "rep1,p1,KNOWS,0.9,neighbour,2020-01-01,2026-11-01\n"
    "p2,p1,INFLUENCES,,,,\n"
    "n1,p2,KNOWS,0.6,golf,,\n"
    "p1,n2,ALLY,0.7,,,\n"
    "n2,comp,TIED_TO,0.4,former employer,,\n"
    "n2,p2,REPORTS_TO,,,,\n",
}


def test_an_import_into_a_database_holding_records_in_bulk_is_the_import_in_batches(
    engine, db, second_db, monkeypatch, write_files
):
    """A large import into a database holding fewer records than it writes is built from a copy
    of the database, to which its new records are added at once, and in which the records it
    names that were there already are changed as the batches would: the same graph, one write.
    The history of edits, which is in the graph but no record, is kept. The records there are
    found in the copy by their internal ids, read from the database (`plan.handles`): the copy
    keeps them, holes left by deleted nodes included."""
    more = write_files(MORE)

    def history(store: Store) -> list[dict[str, Any]]:
        return store.read("MATCH (c:Change) RETURN c.record AS record, c.field AS field, c.after AS after")

    graphs, histories, versions = [], [], []
    for target, bulk_rows in ((second_db if engine == "neo4j" else db + "-batches", 10**9), (db, 0)):
        with open_store(target) as store:
            store.write([("UNWIND range(1, 7) AS i CREATE (:Scratch {i: i})", {})])
            import_path(store, MINI, progress=False)
            store.write([("MATCH (n:Scratch) WHERE n.i % 2 = 1 DELETE n", {})])  # holes before MINI's
            store.write([("MATCH (n:Scratch) DELETE n", {})])
            edits.set_person(store, "p2", title="chief buyer", by="alice")
            version = store.version()[1]
        after, after_version, used = imported(target, [more], bulk_rows, monkeypatch)
        assert used == (engine == "embedded" and bulk_rows == 0)
        with open_store(target) as store:
            histories.append(history(store))
            # the indexes hold the records added at once: found by id and by name
            found = store.read("MATCH (p:Person {id: 'n2'}) RETURN p.name AS name")
            assert found == [{"name": "新人 New Two"}]
            assert store.read("MATCH (p:Person {name: 'New One'}) RETURN p.id AS id") == [{"id": "n1"}]
            assert store.read("MATCH (n:Node {id: 'n1'}) RETURN n:Rep AS rep") == [{"rep": True}]
        graphs.append(after)
        versions.append(after_version - version)
        if engine == "neo4j":
            from tests.conftest import wipe

            with open_store(db) as store:
                wipe(store)
    assert graphs[0] == graphs[1]
    assert histories[0] == histories[1] == [{"record": "p2", "field": "title", "after": "chief buyer"}]
    if engine == "embedded":
        assert versions[1] == 1  # one write: one version
    snapshot_text = graphs[1][0]
    assert "lead clerk" in snapshot_text and "golf" in snapshot_text


def test_reimport_after_bulk_changes_nothing(store, monkeypatch):
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    import_path(store, MINI, progress=False)
    before = graph(store)
    version = store.version()[1]
    import_path(store, MINI, progress=False)  # the database holds records now
    assert graph(store) == before
    if store.writes_in_bulk:  # at once again, on a copy: a new version
        assert store.version()[1] > version
    else:  # in batches: every record there as the import would leave it, nothing written
        assert store.version()[1] == version
    assert not lock_held(store)  # the lock, kept beside the swapped graph, released


def test_bad_input_in_bulk_writes_nothing(store, tmp_path, monkeypatch):
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "people.csv").write_text("id,name\np1,Ann\np2,Bob\n", encoding="utf-8")
    (folder / "ties.csv").write_text(
        "source,target,type,strength\np1,p2,KNOWS,0.5\np1,nobody,KNOWS,0.5\np2,p1,KNOWS,2\n", encoding="utf-8"
    )
    version = store.version()
    with pytest.raises(InvalidInput) as caught:
        import_path(store, folder, progress=False)
    assert caught.value.problems == [
        "ties.csv:3:target: unknown id (got 'nobody', expected the id of a person defined in this import "
        "or already in the database)",
        "ties.csv:4:strength: number out of range (got '2', expected a number from 0 to 1)",
    ]
    assert snapshot(store) == ""
    assert store.version() == version


@pytest.mark.parametrize("holding", ["nothing", "records"])
@pytest.mark.parametrize("fail", ["after-first-command", "interrupted", "before-swap", "lock-lost"])
def test_a_bulk_import_failing_part_way_leaves_the_database_as_it_was(
    embedded_store, monkeypatch, sample, fail, holding
):
    """Into an empty database, or into one holding records (then the graph is built from a copy
    of it, `GRAPH.COPY`, to which the import is added)."""
    store = embedded_store
    if holding == "records":
        import_path(store, MINI, progress=False)
    before, version = snapshot(store), store.version()
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    monkeypatch.setattr(bulk, "COMMAND_BYTES", 2**16)  # many commands
    real_commands = bulk.commands

    def commands(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, command in enumerate(real_commands(*args, **kwargs)):
            if fail in ("after-first-command", "interrupted") and n == 1:
                raise KeyboardInterrupt if fail == "interrupted" else RuntimeError("the engine failed")
            yield command

    monkeypatch.setattr(bulk, "commands", commands)
    if fail == "before-swap":
        monkeypatch.setattr(bulk, "_wait_for_indexes", _raise(RuntimeError("the engine failed")))
    if fail == "lock-lost":
        lock = type(store.write_lock)
        monkeypatch.setattr(lock, "check", _raise(LockLost("another writer took over")))
    expected = {"interrupted": KeyboardInterrupt, "lock-lost": LockLost}.get(fail, RuntimeError)
    with pytest.raises(expected):
        import_path(store, sample, progress=False)
    monkeypatch.undo()
    assert snapshot(store) == before
    assert store.version() == version
    assert scratch_keys(store) == []
    assert not lock_held(store)


def _raise(exc: BaseException) -> Any:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise exc

    return fail


def test_a_scratch_graph_left_by_a_killed_import_is_deleted_by_the_next(embedded_store, monkeypatch):
    store = embedded_store
    dead = f"{store.graph_name}{bulk.SCRATCH}dead"
    store._db.connection.execute_command("GRAPH.BULK", dead, "BEGIN", 0, 0, 0, 0)
    assert scratch_keys(store)
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    import_path(store, MINI, progress=False)
    assert scratch_keys(store) == []
    assert store.read("MATCH (n:Node) RETURN count(n) AS n")[0]["n"] > 0


def test_a_bulk_import_and_another_at_once_give_one_after_the_other(tmp_path, monkeypatch):
    """The write lock is a node of the graph the bulk import replaces: it is swapped in held by
    the same writer, so the other waits for it all the same, and finds the graph imported (it
    then writes in batches). Neither import's records are lost.

    The second import is kept to batches (`BULK_COPY_MAX` 0): written at once it copies the
    graph (GRAPH.COPY), and when the store that started the server closes meanwhile, restarting
    the server once waited 30 s for the folder's lock (a clean-clone CI run, 2026-12-07, not
    reproduced in 55 rounds since): an open question of issue 17's fourth pass."""
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    monkeypatch.setattr(plan_module, "BULK_COPY_MAX", 0)
    other = seed_path("apex")
    expected = set()
    for order in ((MINI, other), (other, MINI)):
        with open_store(tmp_path / f"reference{len(expected)}") as store:
            for folder in order:
                import_path(store, folder, progress=False)
            expected.add(snapshot(store))
    for n in range(3):
        db = tmp_path / f"round{n}"
        open_store(db).close()
        errors: list[BaseException] = []

        def run(folder: Path, db: Path = db, errors: list[BaseException] = errors) -> None:
            try:
                with open_store(db) as store:
                    import_path(store, folder, progress=False)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(folder,)) for folder in (MINI, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, [f"{type(e).__name__}: {e}" for e in errors]
        with open_store(db) as store:
            assert snapshot(store) in expected
            assert not lock_held(store)


def test_values_the_protocol_cannot_carry_fall_back_to_batches(embedded_store, monkeypatch):
    """A value the binary protocol cannot hold (a map) is written in batches instead: the
    engine, not the bulk path, decides what a property may hold."""
    with pytest.raises(bulk._Unsupported):
        bulk.value({"a": 1})
    with pytest.raises(bulk._Unsupported):
        bulk.value("a\x00b")
    assert bulk.value(True) == b"\x01\x01"
    assert (
        bulk.value([1, "x"])
        == b"\x05" + (2).to_bytes(8, "little") + b"\x04" + (1).to_bytes(8, "little") + b"\x03x\x00"
    )


def test_the_commands_go_in_order_and_a_refused_one_stops_the_rest():
    """`bulk._Sender` sends while the next command is encoded: in order, and after a command the
    server refused, nothing more; its error comes out in the caller's thread."""
    sent: list[int] = []

    def send(command: int) -> None:
        if command == 3:
            raise RuntimeError("refused")
        sent.append(command)

    sender = bulk._Sender(send)
    with pytest.raises(RuntimeError, match="refused"):
        for command in range(10):
            sender(command)
        sender.flush()
    sender.close()
    assert sent == [0, 1, 2]
    good = bulk._Sender(sent.append)
    for command in range(4, 8):
        good(command)
    good.flush()
    good.close()
    assert sent == [0, 1, 2, 4, 5, 6, 7]


def test_commands_made_ahead_stop_with_their_context_taken_or_not():
    """The encoding thread ends when the import leaves the context: all taken, some taken (the
    maker waiting on a full queue, or done and waiting to say so), or an error raised where
    the failed item would have been taken."""

    def failing() -> Iterator[int]:
        yield 1
        raise RuntimeError("a value the protocol cannot carry")

    for size in (1, 4):
        with bulk.made_ahead(range(3), size) as items:
            assert list(items) == [0, 1, 2]
        for stop_after in (0, 1, 2):
            with bulk.made_ahead(range(3), size) as items:
                assert [next(items) for _ in range(stop_after)] == list(range(stop_after))
        with bulk.made_ahead(failing(), size) as items:
            assert next(items) == 1
            with pytest.raises(RuntimeError, match="cannot carry"):
                next(items)
    assert not [t for t in threading.enumerate() if t.name == "graphcrm-encoder"]


# -- relationships added at once to the graph itself (`Store.append`) ------------------------------


def without_ties(sample: Path, tmp_path: Path) -> Path:
    """The sample's files but ties.csv: imported first, its ties then join records all there."""
    folder = tmp_path / "no-ties"
    folder.mkdir()
    for path in sample.iterdir():
        if path.name != "ties.csv":
            (folder / path.name).write_bytes(path.read_bytes())
    return folder


def appended(
    db: str, folders: list[Path], append_min: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, list[bool]]:
    """(graph, how each import after MINI that added its relationships at once made them: "ahead"
    while the rest was written, or "then") of MINI, then `folders`."""
    monkeypatch.setattr(plan_module, "APPEND_MIN_RELS", append_min)
    monkeypatch.setattr(bulk, "COMMAND_BYTES", 2**16)  # many commands
    used: list[str] = []
    real, real_ahead = bulk.append, bulk.made_ahead
    ahead: list[bool] = []

    def made_ahead(*args: Any, **kwargs: Any) -> Any:
        ahead.append(True)
        return real_ahead(*args, **kwargs)

    def spy(store: FalkorDBStore, made: Any) -> None:
        real(store, made)
        used.append("ahead" if ahead else "then")
        ahead.clear()

    monkeypatch.setattr(bulk, "append", spy)
    monkeypatch.setattr(bulk, "made_ahead", made_ahead)
    try:
        with open_store(db) as store:
            import_path(store, MINI, progress=False)  # the database holds records
            for folder in folders:
                import_path(store, folder, progress=False)
            assert None not in store.version()
            return graph(store), used
    finally:
        monkeypatch.undo()


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated data set (600 people, 3,000 ties): every kind of record and tie."""
    folder = tmp_path_factory.mktemp("append") / "small"
    generate(folder, 600, 3_000)
    return folder


def test_ties_added_at_once_to_a_database_holding_records_are_the_ties_in_batches(
    tmp_path, monkeypatch, small_sample
):
    """Many new relationships into a database holding records, too few to copy it whole, go in
    with the bulk protocol into the graph itself: first those with a new end (the sample's
    people, accounts, opportunities), then ties between records all there already (its
    ties.csv, whose people are in, encoded while the people are written): the graph of the
    batches. (Neo4j has no such path: its imports are batches, which
    `tests/test_engines_agree.py` holds to the same graph.)"""
    folders = [without_ties(small_sample, tmp_path), small_sample]
    batches, used = appended(str(tmp_path / "batches"), folders, 10**9, monkeypatch)
    assert used == []
    at_once, used = appended(str(tmp_path / "at-once"), folders, 1, monkeypatch)
    assert used == ["then", "ahead"]  # MINI into the empty database: batches
    assert at_once == batches


@pytest.mark.parametrize("ahead", [False, True], ids=["then", "ahead"])
@pytest.mark.parametrize("fail", ["second-command", "interrupted", "version-after"])
def test_ties_added_at_once_failing_part_way_leave_the_database_as_it_was(
    embedded_store, monkeypatch, small_sample, tmp_path, fail, ahead
):
    """What the commands sent is undone, as batches are: the graph as it was, its version no
    longer pending (the undo's writes move it), the lock free. Also where the commands were
    made while the people were written (`ahead`: every end there), by a thread of their own,
    which ends with the import."""
    store = embedded_store
    import_path(store, MINI, progress=False)
    if ahead:
        import_path(store, without_ties(small_sample, tmp_path), progress=False)
    before = snapshot(store)
    monkeypatch.setattr(plan_module, "APPEND_MIN_RELS", 1)
    monkeypatch.setattr(bulk, "COMMAND_BYTES", 2**12)  # many commands
    real_commands, real_write = bulk.commands, store.write

    def commands(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for n, command in enumerate(real_commands(*args, **kwargs)):
            if fail != "version-after" and n == 1:
                raise KeyboardInterrupt if fail == "interrupted" else RuntimeError("the engine failed")
            yield command

    def write(statements: Any) -> None:
        if not statements and fail == "version-after":  # the version after the commands
            monkeypatch.setattr(store, "write", real_write)
            raise RuntimeError("the engine failed")
        real_write(statements)

    monkeypatch.setattr(bulk, "commands", commands)
    monkeypatch.setattr(store, "write", write)
    with pytest.raises(KeyboardInterrupt if fail == "interrupted" else RuntimeError):
        import_path(store, small_sample, progress=False)
    monkeypatch.undo()
    assert snapshot(store) == before
    assert None not in store.version()
    assert not lock_held(store)
    assert not [t for t in threading.enumerate() if t.name == "graphcrm-encoder"]


def test_a_graph_left_mid_append_keeps_nothing_until_the_next_write(embedded_store, monkeypatch):
    """A writer killed among its commands leaves a version marked pending: questions read the
    network afresh (it holds the new tie) and keep nothing with that version, on disk or here;
    the next write makes a version that keeps again."""
    from graphcrm import projection
    from graphcrm.ingest.plan import handles

    store = embedded_store
    import_path(store, MINI, progress=False)
    projection.network(store)  # kept at this version
    ends = handles(store, ["rep1", "p2"])
    monkeypatch.setattr(store, "write", _raise(KeyboardInterrupt()))  # killed before the version after
    with store.exclusive(), pytest.raises(KeyboardInterrupt):
        store.append([bulk.BulkRel("KNOWS", "rep1", "p2", {"strength": 0.9}, True)], ends)
    monkeypatch.undo()
    assert store.version()[1] is None
    network = projection.network(store)
    assert network.tie_count == projection.read_network(store).tie_count  # the new tie, both ways
    assert projection.network(store) is not network  # read again: nothing kept
    assert not any(p.name.endswith("-None") for p in store.cache_dir.iterdir())
    store.write([])
    assert None not in store.version()
    assert projection.network(store) is projection.network(store)  # kept again


def test_questions_asked_at_once_while_ties_go_in_read_the_network_one_at_a_time(embedded_store, monkeypatch):
    """A version marked pending keeps nothing, so each question reads the network: a viewer's
    threads asking at once read it one after the other, not all at once (at L, gigabytes each)."""
    from graphcrm import projection

    store = embedded_store
    import_path(store, MINI, progress=False)
    store._transaction([(queries.load("store/touch", store.engine), {"batch": "b", "pending": "b"})], "b")
    assert store.version()[1] is None
    reading, most, real = [0], [0], projection.read_network

    def read(*args: Any, **kwargs: Any) -> Any:
        reading[0] += 1
        most[0] = max(most[0], reading[0])
        try:
            time.sleep(0.05)  # long enough for the others to arrive: not a timing assertion
            return real(*args, **kwargs)
        finally:
            reading[0] -= 1

    monkeypatch.setattr(projection, "read_network", read)
    threads = [threading.Thread(target=projection.network, args=(store,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1
