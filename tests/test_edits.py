"""Edits (graphcrm.edits) through the library, the CLI and the JSON API, on both engines: each
edit does what it says and records it; bad input (an unknown or ambiguous person, strength 1.5,
a stage or stance that does not exist) leaves the graph, its version and the history unchanged."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from graphcrm import edits
from graphcrm.directory import account, person_profile
from graphcrm.errors import InvalidValue, UserError
from graphcrm.history import history
from graphcrm.names import Ambiguous, NoMatch, resolve
from graphcrm.store import Store
from tests.conftest import snapshot

OPP = "apex.opp-apex-mobile-office"
CHEN, LI = "apex.chen-hong", "apex.li-qing"


def state(store: Store) -> tuple[str, Any, tuple[Any, ...]]:
    """The whole graph, its version and the whole history: equal states, nothing written."""
    return snapshot(store), store.version(), history(store).changes


def seat_of(store: Store, person: str, opportunity: str = OPP) -> Any:
    return next(s for s in person_profile(store, person).committees if s.opportunity_id == opportunity)


def tie_with(store: Store, person: str, other: str, tie_type: str = "KNOWS") -> Any:
    return next(
        (t for t in person_profile(store, person).ties if t.other_id == other and t.type == tie_type), None
    )


# -- the library -------------------------------------------------------------------------------


def test_each_edit_is_written_and_recorded(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    version = store.version()
    edit = edits.set_seat(store, OPP, "陈虹", stance="neutral", attitude="passive", by="alice")
    assert [(c.field, c.before, c.after, c.by) for c in edit.changes] == [
        ("attitude", "R", "P", "alice"),
        ("stance", "blocker", "neutral", "alice"),
    ]
    assert (seat_of(store, CHEN).stance, seat_of(store, CHEN).attitude) == ("neutral", "P")
    assert store.version() != version  # caches of the graph see the edit

    edits.set_person(store, "chen.hong@apex.example", title="CIO", rank="1", channels="trade press;live demo")
    profile = person_profile(store, CHEN)
    assert (profile.title, profile.rank, profile.channels) == ("CIO", 1, ("trade press", "live demo"))

    edits.set_tie(store, "陈虹", "李青", "opposes", strength="0.7", context="budget fight")
    assert tie_with(store, CHEN, LI, "OPPOSES").strength == 0.7
    assert tie_with(store, LI, CHEN, "OPPOSES").context == "budget fight"  # both ways
    edits.remove_tie(store, "李青", "陈虹", "OPPOSES")
    assert tie_with(store, CHEN, LI, "OPPOSES") is None and tie_with(store, LI, CHEN, "OPPOSES") is None

    edits.set_tie(store, "陈虹", "李青", "listens to")  # 李青 influences 陈虹
    assert tie_with(store, LI, CHEN, "INFLUENCES").direction == "out"

    edits.set_account(store, "APEX", tier="A+", status="won")
    assert (account(store, "apex.apex").tier, account(store, "apex.apex").status) == ("A+", "won")
    edit = edits.set_opportunity(store, OPP, stage="Closed Won")
    assert {(c.field, c.after) for c in edit.changes} == {
        ("stage", "decide"),
        ("crm_stage", "Closed Won"),
        ("status", "won"),
    }


def test_a_new_person_gets_an_id_a_search_key_and_an_employer(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    edit = edits.set_person(store, "apex.zhao-xin", name="赵新", org="APEX", title="CTO")
    assert edit.created and edit.changes[0].field == "added"
    assert resolve(store, "zhaoxin", "person") == "apex.zhao-xin"  # the pinyin, from name_key
    assert person_profile(store, "apex.zhao-xin").org_id == "apex.apex"
    with pytest.raises(NoMatch, match="give their new id and their name"):
        edits.set_person(store, "apex.nobody", title="CTO")
    with pytest.raises(InvalidValue, match="already used by an Account"):
        edits.set_person(store, "apex.apex", name="Not an account")


def test_an_edit_that_changes_nothing_writes_nothing(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    before = state(store)
    edit = edits.set_seat(store, OPP, CHEN, stance="blocker")
    assert not edit.changed and edits.as_text(edit).startswith("nothing changed")
    assert state(store) == before


def test_logging_contacts_strengthens_the_tie_by_the_rule(seeded: Callable[..., Store]) -> None:
    store = seeded("apex")
    assert tie_with(store, CHEN, LI) is None
    edits.log_contact(
        store, CHEN, LI, date="2026-03-01", kind="meeting", note="site visit", today=_day("2026-06-01")
    )
    tie = tie_with(store, CHEN, LI)
    assert (tie.strength, tie.last_contact) == (0.2, "2026-03-01")  # a new tie: 0 + (1 - 0) * 0.2
    edits.log_contact(store, LI, CHEN, date="2026-02-01", kind="call", today=_day("2026-06-01"))
    tie = tie_with(store, LI, CHEN)
    assert (tie.strength, tie.last_contact) == (0.28, "2026-03-01")  # 0.2 + 0.8 * 0.1; not moved back
    assert edits.strengthen(0.28, "visit") == round(0.28 + 0.72 * 0.25, 3)
    with pytest.raises(InvalidValue, match="a contact in the future"):
        edits.log_contact(store, CHEN, LI, date="2026-06-02", today=_day("2026-06-01"))
    with pytest.raises(InvalidValue, match="unknown kind of contact"):
        edits.log_contact(store, CHEN, LI, kind="dinner")


def _day(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def _two_wang(store: Store) -> None:
    edits.set_person(store, "apex.wang-dan-2", name="王丹 Wang Dan")  # a second 王丹 Wang Dan


BAD: dict[str, tuple[Callable[[Store], Any], type[UserError], str]] = {
    "unknown person": (lambda s: edits.log_contact(s, "Nobody Here", CHEN), NoMatch, "no person is called"),
    "strength 1.5": (
        lambda s: edits.set_tie(s, CHEN, LI, "KNOWS", strength="1.5"),
        InvalidValue,
        r"strength: number out of range \(got '1.5', expected a number from 0 to 1\)",
    ),
    "unknown stage": (
        lambda s: edits.set_opportunity(s, OPP, stage="signing"),
        InvalidValue,
        "stage: unknown stage",
    ),
    "unknown stance": (
        lambda s: edits.set_seat(s, OPP, CHEN, stance="hostile"),
        InvalidValue,
        "stance: unknown stance",
    ),
    "unknown tie type": (
        lambda s: edits.set_tie(s, CHEN, LI, "likes"),
        InvalidValue,
        "type: unknown tie type",
    ),
    "ambiguous name": (
        lambda s: edits.set_seat(s, OPP, "王丹 Wang Dan", stance="enemy"),
        Ambiguous,
        "2 persons",
    ),
    "stage totals": (
        lambda s: edits.set_seat(s, OPP, CHEN, stage_influence="need=90"),
        InvalidValue,
        "would add up to",
    ),
    "a tie to oneself": (lambda s: edits.set_tie(s, CHEN, "陈虹", "KNOWS"), InvalidValue, "themself"),
    "a bad date": (
        lambda s: edits.set_person(s, CHEN, birthday="1974-13-01"),
        InvalidValue,
        "birthday: not a date",
    ),
    "an empty name": (
        lambda s: edits.set_person(s, CHEN, name=" "),
        InvalidValue,
        "name: a person needs a name",
    ),
    "removing a tie not there": (
        lambda s: edits.remove_tie(s, CHEN, LI, "KIN"),
        InvalidValue,
        "has no 'family' tie",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_leaves_graph_and_history_unchanged(seeded: Callable[..., Store], case: str) -> None:
    store = seeded("apex")
    _two_wang(store)
    before = state(store)
    run, kind, message = BAD[case]
    with pytest.raises(kind, match=message) as raised:
        run(store)
    if isinstance(raised.value, Ambiguous):
        assert {c.id for c in raised.value.choices} == {"apex.wang-dan", "apex.wang-dan-2"}
    assert state(store) == before


# -- the command line ------------------------------------------------------------------------------


def test_each_edit_from_the_command_line(seeded: Callable[..., Store], cli: Callable[..., Any]) -> None:
    store = seeded("apex")
    steps = [
        (["person", "set", "陈虹", "--title", "CIO"], "title 信息中心主任 Director, IT Centre → CIO"),
        (["tie", "set", "陈虹", "李青", "--type", "KNOWS", "--strength", "0.6"], "knows 李青 Li Qing: added"),
        (["tie", "remove", "陈虹", "李青", "--type", "knows"], "removed (strength 0.6)"),
        (["contact", "陈虹", "李青", "--kind", "visit", "--note", "site visit"], "visit on"),
        (["seat", OPP, "陈虹", "--stance", "enemy", "--roles", "S;E"], "stance blocker → enemy"),
        (["account", "set", "APEX", "--tier", "B"], "tier A → B"),
        (["opportunity", "set", OPP, "--stage", "negotiate"], "stage evaluate → negotiate"),
        (["history", "APEX"], "stance blocker → enemy, by "),
    ]
    for args, expected in steps:
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert expected in result.output, (args, result.output)
    assert seat_of(store, CHEN).roles == ("S", "E")


@pytest.mark.parametrize(
    "args",
    [
        ["contact", "Nobody Here", "陈虹"],
        ["tie", "set", "陈虹", "李青", "--type", "KNOWS", "--strength", "1.5"],
        ["opportunity", "set", OPP, "--stage", "signing"],
        ["seat", OPP, "陈虹", "--stance", "hostile"],
        ["contact", "陈虹", "李青", "--kind", "dinner"],
    ],
)
def test_bad_input_on_the_command_line_is_one_line_and_exit_2(
    seeded: Callable[..., Store], cli: Callable[..., Any], args: list[str]
) -> None:
    store = seeded("apex")
    before = state(store)
    result = cli(*args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert state(store) == before


# -- the JSON API ----------------------------------------------------------------------------------


@pytest.fixture
def client(seeded: Callable[..., Store], db: str) -> Any:
    from graphcrm.web import create_app

    seeded("apex")
    app = create_app({"DB": db})
    client = app.test_client()
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    client.environ_base["HTTP_X_CSRF_TOKEN"] = token
    yield client
    app.extensions["graphcrm_store"].close()


def test_each_edit_through_the_api(client: Any, store: Store) -> None:
    calls = [
        ("patch", f"/api/people/{CHEN}", {"title": "CIO", "rank": 1}, "title"),
        ("post", "/api/people", {"id": "apex.new", "name": "New Person", "org": "APEX"}, "added"),
        ("post", "/api/ties", {"a": "陈虹", "b": "李青", "type": "ally", "strength": 0.8}, "added"),
        ("delete", "/api/ties", {"a": "陈虹", "b": "李青", "type": "ALLY"}, "removed"),
        (
            "post",
            "/api/contacts",
            {"a": "李青", "b": "陈虹", "date": "2026-01-05", "kind": "call", "note": "hi"},
            "contact",
        ),
        ("post", "/api/seats", {"opportunity": OPP, "person": "陈虹", "stance": "supporter"}, "stance"),
        ("patch", "/api/accounts/apex.apex", {"tier": "C"}, "tier"),
        ("patch", f"/api/opportunities/{OPP}", {"status": "lost"}, "status"),
    ]
    for method, url, body, field in calls:
        response = getattr(client, method)(url, json=body)
        assert response.status_code == 200, (url, response.get_json())
        assert field in [c["field"] for c in response.get_json()["edit"]["changes"]], url
    assert seat_of(store, CHEN).stance == "supporter"
    lines = client.get("/api/history", query_string={"record": "APEX"}).get_json()["lines"]
    assert any("stance blocker → supporter" in line for line in lines)


@pytest.mark.parametrize(
    ("url", "body", "message"),
    [
        ("/api/contacts", {"a": "Nobody Here", "b": "陈虹"}, "no person is called"),
        (
            "/api/ties",
            {"a": "陈虹", "b": "李青", "type": "KNOWS", "strength": 1.5},
            "strength: number out of range",
        ),
        ("/api/seats", {"opportunity": OPP, "person": "陈虹", "stance": "hostile"}, "stance: unknown stance"),
        ("/api/seats", {"opportunity": OPP, "person": "陈虹", "colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_bad_input_through_the_api_is_400_and_changes_nothing(
    client: Any, store: Store, url: str, body: dict[str, Any], message: str
) -> None:
    before = state(store)
    response = client.post(url, json=body)
    assert response.status_code == 400 and message in response.get_json()["error"]
    assert state(store) == before


def test_the_api_needs_the_csrf_token(client: Any, store: Store) -> None:
    before = state(store)
    del client.environ_base["HTTP_X_CSRF_TOKEN"]
    response = client.post("/api/contacts", json={"a": "李青", "b": "陈虹"})
    assert response.status_code == 400 and "form has expired" in response.get_json()["error"]
    assert state(store) == before


def test_a_form_with_a_bad_name_is_shown_again_with_the_input(client: Any, store: Store) -> None:
    page = client.get(f"/people/{CHEN}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    before = state(store)
    form = {"csrf_token": token, "a": "Nobody Here", "b": CHEN, "back": CHEN, "note": "met at the expo"}
    response = client.post("/contacts", data=form)
    shown = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no person is called &#39;Nobody Here&#39;" in shown
    assert 'value="Nobody Here"' in shown and 'value="met at the expo"' in shown
    assert state(store) == before
    done = client.post("/contacts", data={**form, "a": "李青"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/people/{CHEN}#contact")
