"""The path search's network kept up to date by the writes of the process that keeps it.

Issue 17: under imports landing all the time, a viewer read the whole network again after each
one (seconds at scale S). An import now reads again only the ties into the people it touched and
puts them in place (`graphcrm.projection.patch`): the result must be the network a full read
gives, array for array, on both engines.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest

from graphcrm import edits, projection
from graphcrm import kept as kept_module
from graphcrm.demo import seed_path
from graphcrm.ingest.files import import_path
from graphcrm.store import open_store


def _same(a: projection.Network, b: projection.Network) -> None:
    """The same people and the same ties into each, from the same askers, in the search's order
    (target, then source); parallel ties of one pair (knows and reports to) in either order."""
    assert a.version == b.version
    assert a.ids == b.ids and a.rep == b.rep
    assert np.array_equal(a.start, b.start) and np.array_equal(a.source, b.source)
    assert _ties(a) == _ties(b)


def _ties(net: projection.Network) -> list[tuple[float, ...]]:
    columns = (net.target, net.source, net.strength, net.contact, net.org)
    return sorted(zip(*(np.nan_to_num(c.astype(float), nan=-1.0).tolist() for c in columns), strict=True))


def _patched_by(store, monkeypatch: pytest.MonkeyPatch, write: Callable[[], object]) -> projection.Network:
    """The network kept after `write`, which must patch it (a full read fails the test), checked
    against a full read of the graph as it now is."""
    real = projection.read_network

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was read again in full")

    with monkeypatch.context() as patched:
        patched.setattr(projection, "read_network", refuse)
        patched.setattr(projection, "_load", lambda *args: None)
        write()
        kept = projection.network(store)
    _same(kept, real(store, store.version()))
    return kept


def test_an_import_patches_the_kept_network_into_what_a_full_read_gives(seeded, write_files, monkeypatch):
    store = seeded("jinchang")
    projection.network(store)
    folder = write_files(
        {
            "people.csv": "id,name,is_rep\n"
            "a.new1,新人 New One,false\n"
            "a.0new,新人 New Zero,true\n"  # sorts before every seed id: every position moves
            "jinchang.li-qiong,李琼 Li Qiong,true\n",  # an existing person becomes a rep
            "ties.csv": "source,target,type,strength,last_contact\n"
            "a.new1,jinchang.li-qiong,KNOWS,0.9,2026-11-01\n"
            "a.0new,a.new1,REPORTS_TO,,\n"
            "a.0new,jinchang.li-qiong,INFLUENCES,0.4,\n"
            "jinchang.li-qiong,a.new1,KIN,0.7,2025-01-31\n",
        }
    )
    kept = _patched_by(store, monkeypatch, lambda: import_path(store, folder, progress=False))
    assert kept.rep[kept.position["jinchang.li-qiong"]] and kept.rep[kept.position["a.0new"]]


def test_a_reimport_that_changes_a_tie_patches_it(seeded, write_files, monkeypatch):
    store = seeded("jinchang")
    net = projection.network(store)
    lo, _ = net.ties_into(net.position["jinchang.li-qiong"])
    asker = net.ids[net.source[lo]]
    tie = f"{asker},jinchang.li-qiong,KNOWS,0.15,2026-12-01"
    folder = write_files({"ties.csv": f"source,target,type,strength,last_contact\n{tie}\n"})
    _patched_by(store, monkeypatch, lambda: import_path(store, folder, progress=False))


def test_a_network_kept_at_another_version_is_not_patched_but_read_again(seeded, write_files):
    store = seeded("jinchang")
    projection.network(store)
    store.write([("MATCH (p:Person {id: 'jinchang.li-qiong'}) SET p.note = 'x'", {})])  # not an import
    folder = write_files({"people.csv": "id,name\na.new1,New One\n"})
    import_path(store, folder, progress=False)
    kept = projection.network(store)
    _same(kept, projection.read_network(store, store.version()))
    assert "a.new1" in kept.position


def test_edits_from_the_viewer_patch_the_network(seeded, monkeypatch):
    """A logged contact, a new person, a new tie to them, a removed tie: each patched, not read again."""
    store = seeded("jinchang")
    projection.network(store)
    for edit in (
        lambda: edits.log_contact(store, "jinchang.li-qiong", "jinchang.zhao-zhigang", date="2026-11-01"),
        lambda: edits.set_person(store, "x.new-friend", name="新朋友 New Friend"),
        lambda: edits.set_tie(store, "jinchang.li-qiong", "x.new-friend", "knows", strength="0.8"),
        lambda: edits.set_tie(store, "jinchang.xu-ming", "x.new-friend", "reports to"),
        lambda: edits.remove_tie(store, "jinchang.li-qiong", "jinchang.zhao-zhigang", "knows"),
    ):
        _patched_by(store, monkeypatch, edit)


def test_an_import_from_the_shell_patches_the_arrays_a_viewer_then_loads(
    embedded_store, db_path, write_files, monkeypatch
):
    """A viewer runs while an import lands from the shell (another process): the importer
    patches the arrays kept beside the database and keeps them for the new version, so the
    viewer loads them instead of reading the whole network again (issue 17). Embedded only:
    Neo4j keeps nothing beside the database."""
    store = embedded_store
    import_path(store, seed_path("jinchang"), progress=False)
    projection.network(store)  # the viewer's, kept beside the database too
    folder = write_files(
        {
            "people.csv": "id,name\na.new1,新人 New One\n",
            "ties.csv": "source,target,type,strength,last_contact\n"
            "a.new1,jinchang.li-qiong,KNOWS,0.9,2026-11-01\n",
        }
    )
    command = [sys.executable, "-m", "graphcrm", "import", "--db", str(db_path), str(folder)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    with monkeypatch.context() as patched:
        patched.setattr(projection, "read_network", lambda *args, **kwargs: pytest.fail("read in full"))
        kept = projection.network(store)
    _same(kept, projection.read_network(store, store.version()))
    assert "a.new1" in kept.position


def _kept_after_import(
    store, folder, monkeypatch: pytest.MonkeyPatch
) -> tuple[projection.Network, projection.Network]:
    """(the network kept after importing `folder`, which must not read it back; a full read),
    checked equal."""
    with monkeypatch.context() as patched:
        patched.setattr(projection, "read_network", lambda *args, **kwargs: pytest.fail("read back"))
        import_path(store, folder, progress=False)
        kept = projection.network(store)
    full = projection.read_network(store, store.version())
    _same(kept, full)
    return kept, full


def test_a_bulk_import_keeps_the_network_it_wrote_without_reading_it_back(
    embedded_store, db_path, tmp_path, monkeypatch
):
    """An import into an empty database, written at once (`GRAPH.BULK`), makes the path search's
    network from what it wrote (issue 17: the first question after an import read it back, 12 s
    at scale M): the one a full read gives, kept in the process and beside the database for the
    next command. A generated sales organisation: every kind of tie, reps, ties to non-people,
    ties with no last contact. Embedded only: Neo4j has no bulk path."""
    from bench.generate import generate
    from graphcrm.ingest import plan as plan_module

    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    folder = tmp_path / "generated"
    generate(folder, 1_200, 6_000)
    kept, full = _kept_after_import(embedded_store, folder, monkeypatch)
    assert sum(kept.rep) > 1 and kept.org.any() and np.isnan(kept.contact).any()
    # the next command loads it from beside the database
    with open_store(db_path) as again, monkeypatch.context() as patched:
        patched.setattr(projection, "read_network", lambda *args, **kwargs: pytest.fail("read back"))
        _same(projection.network(again), full)


def test_a_bulk_import_into_a_database_holding_records_keeps_the_network_of_both(
    embedded_store, db_path, tmp_path, monkeypatch
):
    """An import added at once to a database holding records (a copy of it, `GRAPH.COPY`) keeps
    the network of what was there and what it wrote, without reading it back: people already
    there tied to new ones, one of them made one of ours, another no longer; the network a
    full read gives. (An import that changes ties already there leaves it to the next question.)"""
    from bench.generate import generate
    from graphcrm.demo import seed_path
    from graphcrm.ingest import plan as plan_module

    store = embedded_store
    import_path(store, seed_path("jinchang"), progress=False)
    projection.network(store)  # a question asked: the network of the seed is kept
    folder = tmp_path / "generated"
    generate(folder, 1_000, 5_000)
    seed_people = [row["id"] for row in store.read("MATCH (p:Person) RETURN p.id AS id ORDER BY id")]
    rep = next(row["id"] for row in store.read("MATCH (p:Rep) RETURN p.id AS id"))
    with (folder / "people.csv").open("a", encoding="utf-8") as people:
        people.write(f"{seed_people[0]},李琼 Li Qiong,jinchang.jinchang,clerk,,,true,\n")
        people.write(f"{rep},Our rep,jinchang.our-company,AM,,,false,\n")
    generated = (folder / "people.csv").read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    with (folder / "ties.csv").open("a", encoding="utf-8") as ties:
        ties.write(f"{generated},{seed_people[1]},KNOWS,0.9,,,2026-01-02\n")
        ties.write(f"{seed_people[2]},{generated},INFLUENCES,,,,\n")
    monkeypatch.setattr(plan_module, "BULK_MIN_ROWS", 0)
    monkeypatch.setattr(kept_module, "PATCH_MAX", 10)  # as at scale: too many people to patch
    kept, _ = _kept_after_import(store, folder, monkeypatch)
    assert kept.rep[kept.position[seed_people[0]]] and not kept.rep[kept.position[rep]]
    assert len(kept.ids) > 1_000 and seed_people[1] in kept.ids
