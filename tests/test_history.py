"""The change history (graphcrm.history) on both engines: old → new with who and when, scoped to
a person, an account or an opportunity and since a day; never in exports; erased with the person
it is about; and two writers at once both recorded, the graph as one after the other."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from graphcrm import edits
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.export import checksum
from graphcrm.history import as_text, history, record_id
from graphcrm.privacy import forget, person_record
from graphcrm.store import Store, open_store
from tests.conftest import snapshot

OPP = "apex.opp-apex-mobile-office"
CHEN, LI = "apex.chen-hong", "apex.li-qing"


def test_history_shows_old_to_new_with_who_and_when(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    edits.set_seat(store, OPP, "陈虹", stance="neutral", by="alice")
    edits.set_person(store, CHEN, title="CIO", by="bob")
    report = history(store, CHEN)
    assert [c.what() for c in report.changes] == [
        "陈虹 Chen Hong: title 信息中心主任 Director, IT Centre → CIO",
        "陈虹 Chen Hong in 移动办公系统 Mobile office system (install by 2027-01-01): "
        "stance blocker → neutral",
    ]
    assert [c.by for c in report.changes] == ["bob", "alice"]
    assert all(c.at.endswith("Z") and c.at[:4].isdigit() for c in report.changes)
    text = as_text(history(store, OPP))
    assert "陈虹 Chen Hong: stance blocker → neutral, by alice, " in text  # within its own deal, no "in …"


def test_an_accounts_history_covers_its_people_deals_and_seats(seeded: Callable[..., Store]) -> None:
    store = seeded("apex", "jinchang")
    edits.set_seat(store, OPP, "陈虹", stance="enemy")
    edits.set_opportunity(store, OPP, stage="negotiate")
    edits.set_account(store, "apex.apex", tier="B")
    edits.set_person(store, "jinchang.li-qiong", title="Union chair")  # another account's person
    fields = [c.field for c in history(store, "apex.apex").changes]
    assert fields == ["tier", "stage", "stance"]
    assert [c.field for c in history(store).changes] == ["title", "tier", "stage", "stance"]
    assert record_id(store, "APEX") == "apex.apex"
    with pytest.raises(NotFound):
        history(store, "apex.nobody")


def test_since_keeps_the_changes_of_that_day_and_after(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    edits.set_account(store, "apex.apex", tier="B")
    today = history(store).changes[0].day
    assert len(history(store, "apex.apex", since=today).changes) == 1
    assert history(store, "apex.apex", since="2999-01-01").changes == ()
    with pytest.raises(InvalidValue, match="since: not a date"):
        history(store, since="last week")


def test_the_history_is_not_in_exports_or_checksums(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    edits.set_account(store, "apex.apex", tier="B")
    edits.set_account(store, "apex.apex", tier="A")  # back as it was: the graph is the same
    assert len(history(store).changes) == 2
    assert "Change" not in checksum(store).labels
    assert not any('"Change"' in line for line in snapshot(store).splitlines())


def test_forgetting_a_person_erases_their_history(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    edits.set_seat(store, OPP, "陈虹", stance="enemy")
    edits.log_contact(store, "李青", "陈虹", note="asked about 陈虹's budget")
    edits.set_person(
        store, "apex.song-jiang", notes="cousin of 陈虹 Chen Hong"
    )  # names her in another record
    edits.set_account(store, "apex.apex", tier="B")
    record = person_record(store, CHEN)
    assert len(record.history) >= 4 and any(row["field"] == "stance" for row in record.history)
    forget(store, CHEN)
    rows = list(history(store).changes)
    assert all(CHEN not in c.subjects for c in rows)
    assert not any("陈虹" in str([c.name, c.other_name, c.before, c.after, c.note]) for c in rows)
    assert {c.field for c in rows} == {"notes", "tier"}  # Song Jiang's notes stay, redacted
    assert next(c for c in rows if c.field == "notes").after == "(forgotten)"


def test_two_writers_at_once_are_both_recorded(engine: str, seeded: Callable[..., Store], db: str) -> None:
    """Each thread has its own connection; the write lock makes their contacts one after another:
    none is lost, so the strength is the rule applied once per contact."""
    store = seeded("apex")
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            with open_store(db) as mine:
                for _ in range(4):
                    edits.log_contact(mine, CHEN, LI, kind="call", by=name)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    strength = 0.0
    for n in range(8):
        strength = edits.strengthen(strength, "call", new=n == 0)
    rows = store.read(
        "MATCH (:Person {id: $a})-[r:KNOWS]->(:Person {id: $b}) RETURN r.strength AS s", {"a": CHEN, "b": LI}
    )
    back = store.read(
        "MATCH (:Person {id: $b})-[r:KNOWS]->(:Person {id: $a}) RETURN r.strength AS s", {"a": CHEN, "b": LI}
    )
    assert [r["s"] for r in rows] == [strength] == [r["s"] for r in back]
    contacts = [c for c in history(store, CHEN).changes if c.field == "contact"]
    assert sorted(c.by for c in contacts) == ["alice"] * 4 + ["bob"] * 4
