"""The viewer's person page: download everything held on the person, and forget them (a confirm
page, then a POST carrying the CSRF token), through Flask's test client."""

from __future__ import annotations

import json
import re

import pytest
from graphcrm.web import create_app

from graphcrm.export import person_json
from tests.conftest import snapshot

CHEN = "apex.chen-hong"


@pytest.fixture
def app(seeded, db):
    seeded("apex").close()
    app = create_app({"DB": db, "TESTING": True})
    yield app
    app.extensions["graphcrm_store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def store_of(app):
    return app.extensions["graphcrm_store"]


def csrf(client) -> str:
    return client.get("/api/csrf-token").get_json()["csrf_token"]


def test_person_page_links_to_download_and_forget(client):
    page = client.get(f"/people/{CHEN}").get_data(as_text=True)
    assert f'href="/people/{CHEN}/record.json"' in page
    assert f'href="/people/{CHEN}/forget"' in page


def test_download_is_the_person_record(client, app):
    response = client.get(f"/people/{CHEN}/record.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="person-apex.chen-hong.json"'
    assert response.get_data(as_text=True) == person_json(store_of(app), CHEN)
    assert json.loads(response.get_data(as_text=True))["name"] == "陈虹 Chen Hong"
    assert client.get("/people/nope/record.json").status_code == 404


def test_forget_confirm_then_post_removes_the_person(client, app, engine):
    before = snapshot(store_of(app))
    confirm = client.get(f"/people/{CHEN}/forget")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Forget 陈虹 Chen Hong?" in text
    assert "宋江 Song Jiang" in text and "blocker" in text
    assert snapshot(store_of(app)) == before  # the confirm page changes nothing

    form = re.search(r'<form method="post" action="([^"]+)">', text).group(1)
    assert form == f"/people/{CHEN}/forget"
    done = client.post(form, data={"csrf_token": csrf(client), "confirm": "yes"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Forgotten: 陈虹 Chen Hong" in page
    assert ("database files rewritten" if engine == "embedded" else "transaction logs") in page
    assert client.get(f"/people/{CHEN}").status_code == 404
    assert CHEN not in snapshot(store_of(app))


def test_forget_needs_the_csrf_token_and_the_confirmation(client, app):
    before = snapshot(store_of(app))
    no_token = client.post(f"/people/{CHEN}/forget", data={"confirm": "yes"})
    assert no_token.status_code == 400 and "did not come from this site" in no_token.get_data(as_text=True)
    unconfirmed = client.post(f"/people/{CHEN}/forget", data={"csrf_token": csrf(client)})
    assert unconfirmed.status_code == 400
    assert "confirm" in unconfirmed.get_data(as_text=True)
    assert snapshot(store_of(app)) == before


def test_forget_api_twin(client, app):
    dry = client.get(f"/api/people/{CHEN}/forget").get_json()["forget"]
    assert dry["dry_run"] is True and dry["record"]["id"] == CHEN
    account = client.get("/api/people/apex.apex/forget")
    assert account.status_code == 404 and "not a person" in account.get_json()["error"]
    done = client.post(
        f"/api/people/{CHEN}/forget?confirm=yes", headers={"X-CSRF-Token": csrf(client)}
    ).get_json()["forget"]
    assert done["dry_run"] is False and done["removed"] == dry["removed"]
    assert client.get(f"/api/people/{CHEN}").status_code == 404
