"""The referrals kept by a viewer, patched by the writes of its process (issue 17).

FalkorDB finds every referral only by looking at every node (88 ms at scale M), so the answer's
rows are kept per graph version. A write that says which records it touches (an import, an edit
from the viewer) has the rows it may have changed read again and put in place
(`graphcrm.referrals._patch`): the report must then be the one a full read gives, on both
engines, whatever the write changed (a new referral, a name, a place of work, a credit, an
account's or an opportunity's status).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graphcrm import edits, kept, referrals
from graphcrm.ingest.files import import_path
from graphcrm.store import Store
from tests.test_referrals import ACCOUNTS, OPPORTUNITIES, PEOPLE, REFERRALS


def _full(store: Store, root: str | None = None) -> referrals.ReferralReport:
    """The report a full read of the graph as it now is gives."""
    return referrals._report(store, *referrals._read(store), root)


def _patched_by(store: Store, monkeypatch: pytest.MonkeyPatch, write: Callable[[], object]) -> None:
    """`write` must patch the kept referrals (a full read fails the test) into the report, and
    the report of each root, that a full read of the graph gives."""

    def refuse(*args: object) -> None:
        raise AssertionError("the referrals were read again in full")

    with monkeypatch.context() as patched:
        patched.setattr(referrals, "_read", refuse)
        write()
        report = referrals.answer(store)
        by_root = {root: referrals.answer(store, root) for root in ("t.a", "t.b", "t.c")}
    assert report == _full(store)
    for root, answer in by_root.items():
        assert answer == _full(store, root)


@pytest.fixture
def referring(store, write_files) -> Store:
    """A store holding the cascades of tests/test_referrals.py (people who speak for their
    account, a person at no account, a cycle and a diamond), its referrals asked once."""
    files = {"accounts.csv": ACCOUNTS, "people.csv": PEOPLE, "opportunities.csv": OPPORTUNITIES}
    import_path(store, write_files({**files, "referrals.csv": REFERRALS}), progress=False)
    referrals.answer(store)
    return store


def test_an_import_of_new_referrals_and_renames_patches_the_kept_referrals(
    referring, write_files, monkeypatch
):
    folder = write_files(
        {
            "accounts.csv": "id,name,kind,status\nt.c,C Renamed,prospect,won\nt.e,E Co,prospect,prospect\n",
            "people.csv": "id,name,org_id\nt.pe,Pe,t.e\nt.pb,Pb Renamed,t.b\n",
            "referrals.csv": "source,target,date,by_person,value,outcome\n"
            "t.c,t.e,2025-06-01,t.pb,40,won\n"  # from an account that only received referrals
            "t.pe,t.d,2025-07-01,,5,lost\n",  # a new person at a new account
        }
    )
    _patched_by(referring, monkeypatch, lambda: import_path(referring, folder, progress=False))
    (c,) = [r for r in referrals.answer(referring).referrers if r.party.id == "t.c"]
    assert (c.party.name, c.referrals, c.won) == ("C Renamed", 1, 1)


def test_a_changed_referral_a_shared_deal_and_a_free_agent_who_joins_an_account_are_patched(
    referring, write_files, monkeypatch
):
    folder = write_files(
        {
            "people.csv": "id,name,org_id\nt.free,Free Agent,t.c\n",
            # a won deal of B's is for C too: C becomes won
            "opportunities.csv": "id,account_id,value,close_date,status\nt.opp-b,t.c,100,2025-03-15,won\n",
            "referrals.csv": "source,target,date,by_person,value,outcome\nt.b,t.a,2025-02-01,t.pb,55,lost\n",
        }
    )
    _patched_by(referring, monkeypatch, lambda: import_path(referring, folder, progress=False))
    assert "t.free" not in {r.party.id for r in referrals.answer(referring).referrers}


def test_edits_from_the_viewer_patch_the_kept_referrals(referring, monkeypatch):
    """An account won, an opportunity won, a person who made referrals renamed or moved: each
    patched, not read again."""
    for edit in (
        lambda: edits.set_account(referring, "t.d", status="won"),  # a silent won account
        lambda: edits.set_opportunity(referring, "t.opp-b", status="lost"),  # B's days to win
        lambda: edits.set_person(referring, "t.pa", name="Pa Renamed"),  # credited with 2
        lambda: edits.set_person(referring, "t.pb", org="A Co"),  # her referral becomes A's
        lambda: edits.log_contact(referring, "t.pa", "t.pb", date="2026-11-01"),  # nothing to change
    ):
        _patched_by(referring, monkeypatch, edit)
    assert "Pa Renamed" in {p.party.name for p in referrals.answer(referring).people}


def test_a_deal_taken_from_an_account_is_patched(referring, monkeypatch):
    """A write that says it touched only the opportunity: the account it was won for, found in
    what was kept, is read again. The referral to B (2025-01-01) is won by no deal after it any
    more: B's other won deal is from 2024."""

    def unlink() -> None:
        with referring.exclusive(), kept.patched(referring, ["t.opp-b"]):
            referring.write([("MATCH (:Opportunity {id: 't.opp-b'})-[f:FOR]->() DELETE f", {})])

    _patched_by(referring, monkeypatch, unlink)
    assert referrals.answer(referring).cascades[0].generations[0].referrals[0].won_on is None


def test_a_write_that_does_not_say_what_it_touched_has_the_referrals_read_again(referring):
    referring.write([("MATCH (a:Account {id: 't.d'}) SET a.status = 'won'", {})])
    assert referrals.answer(referring) == _full(referring)
    assert "t.d" in {p.id for p in referrals.answer(referring).silent}


def test_a_write_touching_too_many_records_has_the_referrals_read_again(referring, write_files, monkeypatch):
    monkeypatch.setattr(kept, "PATCH_MAX", 1)
    referral = "t.c,t.d,2025-06-01,,1,won"
    folder = write_files({"referrals.csv": f"source,target,date,by_person,value,outcome\n{referral}\n"})
    reads = []
    real = referrals._read
    monkeypatch.setattr(referrals, "_read", lambda store: reads.append(1) or real(store))
    import_path(referring, folder, progress=False)  # t.c and t.d: over 1
    assert referrals.answer(referring) == _full(referring)
    assert len(reads) == 2  # the answer's, and _full's
