"""What search looks through, kept by a viewer and patched by the writes of its process (issue 17).

Search looks at every named record; at scale M that took up to 620 ms a search in Cypher, so
the records are kept in memory per graph version (`graphcrm.finder`) and a write that says
which records it touches (an import, an edit from the viewer) has only those read again. The
answers must then be the ones a full read gives, on both engines, whatever the write changed:
a name, a title, a place of work, a new person or organisation; and a write that does not say
what it touched has everything read again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from graphcrm import edits, finder, kept, referrals
from graphcrm.directory import Hit, search
from graphcrm.ingest.files import import_path
from graphcrm.names import KINDS
from graphcrm.store import Store

ZHAO = "jinchang.zhao-zhigang"
JINCHANG = "jinchang.jinchang"
# What a user types: a pinyin spelling, a Chinese name, a title, an organisation, a letter.
TEXTS = ("zhaozg", "qdd", "钱多多", "zhao", "manager", "jinchang", "golden", "renamed", "a", "li", "新")


def _answers(store: Store) -> dict[tuple[str, str | None], tuple[Hit, ...]]:
    return {(text, kind): search(store, text, 50, kind) for text in TEXTS for kind in (None, *KINDS)}


def _patched_by(store: Store, monkeypatch: pytest.MonkeyPatch, write: Callable[[], Any]) -> None:
    """`write` must patch what search looks through (a full read fails the test) into what a
    full read of the graph as it now is gives."""

    def refuse(*args: object) -> None:
        raise AssertionError("what search looks through was read again in full")

    with monkeypatch.context() as patched:
        patched.setattr(finder, "_read", refuse)
        write()
        answers = _answers(store)
    with monkeypatch.context() as full:
        full.setattr(finder._memory, "get", lambda store, version: None)
        assert answers == _answers(store)


@pytest.fixture
def finding(seeded) -> Store:
    """Seed 002's Jinchang, searched once: what search looks through is kept."""
    store = seeded("jinchang")
    assert [h.id for h in search(store, "zhaozg")] == [ZHAO]
    return store


def test_an_import_of_renames_new_people_and_moves_patches_what_search_keeps(
    finding, write_files, monkeypatch
):
    folder = write_files(
        {
            "accounts.csv": "id,name,kind\n"
            f"{JINCHANG},金昌 Golden Renamed Co.,prospect\n"
            "x.new,新公司 New Co,prospect\n",
            "people.csv": "id,name,org_id,title\n"
            f"{ZHAO},钱多多,x.new,Tea Manager\n"  # renamed, moved, a new title
            "x.li,李新 Li Xin,x.new,\n",
        }
    )
    _patched_by(finding, monkeypatch, lambda: import_path(finding, folder, progress=False))
    assert [h.id for h in search(finding, "qdd")] == [ZHAO]
    assert search(finding, "zhaozg") == ()
    assert search(finding, "li xin")[0] == Hit("person", "x.li", "李新 Li Xin", "新公司 New Co")
    # the people of a renamed account: shown with its new name, found by it
    shown = {h.id: h.detail for h in search(finding, "golden renamed", 50, "person")}
    assert shown["jinchang.li-qiong"] == "主任科员 Principal Staff Member · 金昌 Golden Renamed Co."
    assert len(shown) > 5 and ZHAO in shown  # an import adds a place of work: he is at both


def test_edits_from_the_viewer_patch_what_search_keeps(finding, monkeypatch):
    """A rename, a new title, a move, a new person, an account's status: each patched."""
    for edit in (
        lambda: edits.set_person(finding, ZHAO, name="钱多多"),
        lambda: edits.set_person(finding, ZHAO, title="Chief Manager of Tea"),
        lambda: edits.set_person(finding, ZHAO, org=""),  # works nowhere now
        lambda: edits.set_person(finding, "x.renamed", name="新人 Renamed Newcomer", org=JINCHANG),
        lambda: edits.set_account(finding, JINCHANG, status="won"),
    ):
        _patched_by(finding, monkeypatch, edit)
    assert search(finding, "qdd") == (Hit("person", ZHAO, "钱多多", "Chief Manager of Tea"),)
    assert [h.id for h in search(finding, "renamed newcomer")] == ["x.renamed"]


def test_a_write_that_does_not_say_what_it_touched_has_everything_read_again(finding):
    finding.write([("MATCH (p:Person {id: $id}) SET p.title = 'Tea Taster'", {"id": ZHAO})])
    assert [h.id for h in search(finding, "tea taster")] == [ZHAO]


def test_a_write_touching_too_many_records_has_everything_read_again(finding, write_files, monkeypatch):
    monkeypatch.setattr(kept, "PATCH_MAX", 1)
    reads = []
    real = finder._read
    monkeypatch.setattr(finder, "_read", lambda store: reads.append(1) or real(store))
    people = f"id,name,org_id,title\n{ZHAO},赵志刚 Zhao Zhigang,{JINCHANG},Tea Taster\n"
    import_path(finding, write_files({"people.csv": people}), progress=False)  # Zhao and Jinchang: over 1
    assert [h.id for h in search(finding, "tea taster")] == [ZHAO]
    assert reads == [1]


def test_a_served_viewer_reads_what_it_keeps_as_it_starts_and_after_another_process_writes(
    seeded, db, monkeypatch
):
    """`graphcrm serve` reads search's records in the background (`graphcrm.web.db.keep_current`),
    then reads again what it keeps that a write from elsewhere (here: another store on the same
    database, as a shell's command opens) left behind: its next search and referrals read nothing."""
    from graphcrm.web import create_app
    from graphcrm.web.db import keep_current

    writer = seeded("jinchang")
    app = create_app({"DB": db, "TESTING": True})
    store = app.extensions["graphcrm_store"]
    stop = keep_current(app, every=0.05)
    try:
        referrals.answer(store)  # the viewer's referrals page was shown
        _wait_until_kept(store)
        client = app.test_client()
        with monkeypatch.context() as reads:
            reads.setattr(finder, "_read", lambda store: pytest.fail("search read again at the first search"))
            assert [s["id"] for s in client.get("/api/suggest?q=zhaozg").get_json()["suggestions"]] == [ZHAO]
        writer.write([("MATCH (p:Person {id: $id}) SET p.title = 'Tea Taster'", {"id": ZHAO})])
        _wait_until_kept(store)
        with monkeypatch.context() as reads:
            reads.setattr(finder, "_read", lambda store: pytest.fail("search read again after the write"))
            reads.setattr(
                referrals, "_read", lambda store: pytest.fail("referrals read again after the write")
            )
            assert [h.id for h in search(store, "tea taster")] == [ZHAO]
            referrals.answer(store)
    finally:
        stop.set()
        store.close()


def _wait_until_kept(store: Store) -> None:
    """Until the viewer's thread has search's records and the referrals at the graph's version
    (a condition waited for, not a time asserted)."""
    deadline = time.monotonic() + 60
    while not (finder._memory.get(store, store.version()) and referrals._memory.get(store, store.version())):
        assert time.monotonic() < deadline, "the viewer did not catch up in 60 s"
        time.sleep(0.02)
