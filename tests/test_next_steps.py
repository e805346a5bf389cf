"""My next steps and introduction requests, on the seeds, on both engines: the library, the
command and the page with its API twin."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from graphcrm.web import create_app

from graphcrm import committee, history, intros, next_steps, paths
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.privacy import forget
from graphcrm.settings import Settings
from tests.conftest import SEEDS, snapshot

TODAY = dt.date(2026, 11, 23)
APEX = "apex.opp-apex-mobile-office"


def settings(today: dt.date = TODAY) -> Settings:
    return Settings.from_env(today=today)


def steps_of(report: next_steps.NextSteps, opportunity: str) -> next_steps.OpportunitySteps:
    return next(o for o in report.opportunities if o.id == opportunity)


def test_the_team_sees_every_open_opportunity_with_whom_to_win_next(seeds):
    report = next_steps.answer(seeds(*SEEDS), settings=settings())
    closing = [o.close_date for o in report.opportunities]
    assert closing == sorted(closing) and {o.id for o in report.opportunities} >= {APEX, "xuri.opp-eis"}
    apex = steps_of(report, APEX)
    # the blocker with the most say comes first, with the first ask of the warmest path
    assert apex.win_next[0].name == "陈虹 Chen Hong"
    assert next_steps.first_ask(apex.win_next[0].path).startswith(
        "高峰 Gao Feng asks 宋江 Song Jiang to introduce"
    )
    assert len(apex.win_next) <= next_steps.WIN_NEXT
    assert apex.support == -12.5 and apex.members == 11
    # an open opportunity with no committee recorded says so, instead of "nothing to do"
    xinghai = steps_of(report, "apex.opp-xinghai-collab")
    assert xinghai.members == 0
    assert "No buying committee recorded yet" in next_steps.as_text(report)


def test_one_rep_sees_only_the_opportunities_and_asks_that_are_theirs(seeds):
    store = seeds(*SEEDS)
    report = next_steps.answer(store, rep="周明 Zhou Ming", settings=settings())
    assert report.rep_name == "周明 Zhou Ming"
    assert [o.id for o in report.opportunities] == [APEX]
    assert all(
        w.path and w.path.hops[0].source.name == "周明 Zhou Ming" for w in report.opportunities[0].win_next
    )
    text = next_steps.as_text(report)
    assert text.startswith("周明 Zhou Ming's next steps, 2026-11-23")
    assert "Win next: 赵跃 Zhao Yue" in text and "committee against us (−12.5)" in text


def test_a_rep_must_be_one_of_ours_and_named(seeds):
    store = seeds(*SEEDS)
    with pytest.raises(InvalidValue, match="is not one of our team"):
        next_steps.answer(store, rep="陈虹 Chen Hong", settings=settings())
    with pytest.raises(NotFound, match="no person is called 'Nobody'"):
        next_steps.answer(store, rep="Nobody", settings=settings())


def test_ties_with_the_people_who_matter_go_cold_after_the_half_life(seeds):
    store = seeds(*SEEDS)
    warm = next_steps.answer(store, settings=settings())
    cold = next_steps.answer(store, settings=settings(dt.date(2028, 6, 1)))
    assert sum(len(o.going_cold) for o in cold.opportunities) > sum(
        len(o.going_cold) for o in warm.opportunities
    )
    tie = next(c for o in cold.opportunities for c in o.going_cold if c.last_contact)
    assert tie.days is not None and tie.days > 365
    assert tie.why == "on the committee" or tie.why.startswith("the way in to ")
    assert "Going cold: " in next_steps.as_text(cold)


def test_our_reps_ties_are_read_once_and_each_opportunity_keeps_its_own(seeds, monkeypatch):
    """Our reps' ties to whoever matters are read once for every open opportunity (issue 17:
    one query per opportunity, 94 at scale M), and each opportunity still lists the ties going
    cold with its own members and the first people asked on the way to them, and no others."""
    store = seeds(*SEEDS)
    later = settings(dt.date(2028, 6, 1))
    asked: list[str] = []
    real = type(store).run
    with monkeypatch.context() as patched:
        patched.setattr(
            type(store), "run", lambda self, name, params=None: asked.append(name) or real(self, name, params)
        )
        report = next_steps.answer(store, settings=later)
    assert asked.count("next/rep_ties") == 1
    for opportunity in report.opportunities:
        why = next_steps._who_matters(committee.answer(store, opportunity.id, settings=later))
        ties = store.run("next/rep_ties", {"ids": sorted(why)})
        days = {(t["rep"], t["id"]): next_steps._days(t["last_contact"], later.today) for t in ties}
        expected = {tie for tie, d in days.items() if d is None or d > later.half_life_days}
        assert {(c.rep, c.id) for c in opportunity.going_cold} == expected
    assert sum(len(o.going_cold) for o in report.opportunities) > 0


def test_a_draft_asks_the_first_person_on_the_path_and_quotes_the_shared_context(seeds):
    store = seeds(*SEEDS)
    path = paths.answer(store, "apex.chen-hong", settings=settings()).paths[0]
    draft = intros.draft(path, about="the mobile office system")
    assert (draft.by_name, draft.via_name, draft.to_name) == (
        path.hops[0].source.name,
        path.hops[0].target.name,
        path.hops[1].target.name,
    )
    assert draft.text.startswith(f"Hi {draft.via_name},")
    assert f"introduce me to {draft.to_name}" in draft.text and "about the mobile office system" in draft.text
    assert f"Thank you,\n{draft.by_name}" in draft.text


def test_no_introduction_is_drafted_to_ones_own_contact(seeds):
    store = seeds(*SEEDS)
    report = paths.answer(store, "jinchang.liu-bin", settings=settings())
    one_hop = [p for p in report.paths if len(p.hops) == 1]
    assert one_hop, "the seed has a rep who knows 刘斌 Liu Bin directly"
    with pytest.raises(InvalidValue, match="no introduction is needed"):
        intros.draft(one_hop[0])


def test_an_ask_is_recorded_and_its_answer_too(seeded):
    store = seeded(*SEEDS)
    path = paths.answer(store, "apex.chen-hong", settings=settings()).paths[0]
    draft = intros.draft(path)
    ask = intros.ask(store, draft, opportunity=APEX, today=TODAY)
    assert (ask.status, ask.via_name, ask.opportunity) == ("asked", draft.via_name, APEX)
    assert [a.id for a in next_steps.answer(store, settings=settings()).asks] == [ask.id]
    declined = intros.set_status(store, ask.id, "declined", today=TODAY)
    assert declined.status == "declined"
    assert next_steps.answer(store, settings=settings()).asks == ()


def test_an_introduction_made_becomes_a_tie_and_is_in_the_history(seeded):
    store = seeded(*SEEDS)
    path = paths.answer(store, "apex.chen-hong", settings=settings()).paths[0]
    draft = intros.draft(path)
    ask = intros.ask(store, draft, today=TODAY)
    intros.set_status(store, ask.id, "introduced", today=TODAY)
    found = paths.answer(store, draft.to, source=draft.by, k=10, settings=settings()).paths
    after = next(p for p in found if len(p.hops) == 1)
    assert [p.id for p in after.people] == [draft.by, draft.to]
    assert after.hops[0].type == "KNOWS" and after.hops[0].context == f"introduced by {draft.via_name}"
    assert after.hops[0].last_contact == TODAY.isoformat()
    told = history.as_text(history.history(store, draft.to))
    assert f"introduced by {draft.via_name}" in told


@pytest.mark.parametrize("status", ["maybe", "", "INTRODUCED"])
def test_a_bad_answer_changes_nothing(seeded, status):
    store = seeded(*SEEDS)
    ask = intros.ask(store, intros.draft(paths.answer(store, "apex.chen-hong").paths[0]), today=TODAY)
    graph = snapshot(store)
    with pytest.raises(InvalidValue, match="status: expected one of asked, introduced, declined"):
        intros.set_status(store, ask.id, status)
    assert intros.asks(store)[0].status == "asked" and snapshot(store) == graph
    with pytest.raises(NotFound, match="no introduction request with id 'ask-nope'"):
        intros.set_status(store, "ask-nope", "declined")


@pytest.fixture
def client(seeded, db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", TODAY.isoformat())
    seeded(*SEEDS).close()
    app = create_app({"DB": db, "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app.test_client()
    app.extensions["graphcrm_store"].close()


def test_the_page_the_draft_and_the_answer_in_the_viewer(client):
    page = client.get("/next", query_string={"rep": "周明 Zhou Ming"}).get_data(as_text=True)
    assert "周明 Zhou Ming's next steps" in page and "Win over next" in page and "赵跃 Zhao Yue" in page
    assert client.get("/api/next").get_json()["next_steps"]["opportunities"]
    draft = client.get("/intros/new", query_string={"target": "陈虹 Chen Hong"}).get_data(as_text=True)
    assert "Copy the message" in draft and "Hi " in draft
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    sent = client.post(
        "/intros", data={"csrf_token": token, "target": "apex.chen-hong", "path": "1", "message": "Hi!"}
    )
    assert sent.status_code == 302
    asks = client.get("/api/intros").get_json()["asks"]
    assert [(a["status"], a["message"], a["target"]) for a in asks] == [("asked", "Hi!", "apex.chen-hong")]
    answered = client.patch(
        f"/api/intros/{asks[0]['id']}", json={"status": "declined"}, headers={"X-CSRF-Token": token}
    )
    assert answered.get_json()["ask"]["status"] == "declined"
    bad = client.patch(
        f"/api/intros/{asks[0]['id']}", json={"status": "maybe"}, headers={"X-CSRF-Token": token}
    )
    assert bad.status_code == 400 and "expected one of asked, introduced, declined" in bad.get_json()["error"]
    assert client.post("/intros", data={"target": "apex.chen-hong"}).status_code in (400, 403)


def test_forgetting_a_person_forgets_the_asks_about_them(seeded):
    store = seeded(*SEEDS)
    draft = intros.draft(paths.answer(store, "apex.chen-hong", settings=settings()).paths[0])
    intros.ask(store, draft, today=TODAY)
    elsewhere = intros.draft(paths.answer(store, "jinchang.zhao-zhigang", settings=settings()).paths[0])
    assert draft.to not in (elsewhere.by, elsewhere.via, elsewhere.to, elsewhere.target)
    mention = intros.ask(store, dataclasses.replace(elsewhere, text=f"as {draft.to_name} said"), today=TODAY)
    forget(store, draft.to)
    assert [(a.id, a.message) for a in intros.asks(store)] == [(mention.id, "(forgotten)")]
