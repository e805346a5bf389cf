"""The viewer through Flask's test client: every page and its API twin, errors, import."""

from __future__ import annotations

import io
import os
import re
import time

import pytest
from graphcrm.web import create_app

from tests.conftest import SEEDS
from tests.test_import import MINI

PAGES = [
    ("/", "/api/accounts", "APEX公司 APEX Co."),
    ("/search?q=李", "/api/search?q=李", "李琼 Li Qiong"),
    ("/accounts/hd.dingsheng", "/api/accounts/hd.dingsheng", "小王 Xiao Wang"),
    (
        "/opportunities/apex.opp-apex-mobile-office",
        "/api/opportunities/apex.opp-apex-mobile-office",
        "陈虹 Chen Hong",
    ),
    (
        "/opportunities/apex.opp-apex-mobile-office?stage=evaluate",
        "/api/opportunities/apex.opp-apex-mobile-office?stage=evaluate",
        "陈虹 Chen Hong",
    ),
    ("/paths?target=jinchang.zhao-zhigang", "/api/paths?target=jinchang.zhao-zhigang", "李琼 Li Qiong"),
    (
        "/brokers?among=kissinger.farmer,kissinger.rothschild,kissinger.wb-president",
        "/api/brokers?among=kissinger.farmer,kissinger.rothschild,kissinger.wb-president",
        "基辛格 Kissinger",
    ),
    ("/referrals", "/api/referrals", "恒远物流 Hengyuan Logistics"),
    ("/people/jinchang.li-qiong?hops=2", "/api/people/jinchang.li-qiong?hops=2", "李琼 Li Qiong"),
]


@pytest.fixture
def app(seeded, db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", "2026-11-23")
    seeded(*SEEDS).close()
    app = create_app({"DB": db, "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["graphcrm_store"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client) -> str:
    return client.get("/api/csrf-token").get_json()["csrf_token"]


@pytest.mark.parametrize(("page", "twin", "shown"), PAGES)
def test_page_and_its_api_twin(client, page, twin, shown):
    html = client.get(page)
    assert html.status_code == 200 and shown in html.get_data(as_text=True)
    data = client.get(twin)
    assert data.status_code == 200 and shown in data.get_data(as_text=True)
    # nothing loaded from another host (the word "cdn" can turn up in a page's random tokens)
    assert not FROM_ELSEWHERE.findall(html.get_data(as_text=True))


FROM_ELSEWHERE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE
)


def test_committee_api_is_the_committee_answer(client):
    data = client.get("/api/opportunities/apex.opp-apex-mobile-office").get_json()
    assert data["committee"]["support"] == -12.5
    assert data["committee"]["risks"][0]["name"] == "陈虹 Chen Hong"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/accounts/nope", "no account with id &#39;nope&#39;"),
        ("/opportunities/nope", "no opportunity with id &#39;nope&#39;"),
        ("/people/nope", "no person with id &#39;nope&#39;"),
        ("/paths?target=nope", "no person with id &#39;nope&#39;"),
        ("/no-such-page", "Not Found"),
    ],
)
def test_unknown_ids_are_a_404_page(client, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_ids_in_the_api_are_json_404(client):
    response = client.get("/api/people/nope")
    assert response.status_code == 404 and response.get_json() == {"error": "no person with id 'nope'"}


def test_bad_parameters_are_400(client):
    assert client.get("/opportunities/apex.opp-apex-mobile-office?stage=later").status_code == 400
    assert client.get("/paths?target=jinchang.li-qiong&k=zero").status_code == 400
    assert client.get("/api/paths").get_json() == {
        "error": "target is required: the id of the person to reach"
    }


def test_vis_network_is_served_by_us(client):
    assert client.get("/vendor/vis-network.min.js").status_code == 200
    assert client.get("/vendor/other.js").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []


def test_import_dry_run_then_confirm(client, app):
    token = csrf(client)
    files = [
        (io.BytesIO((MINI / f"{n}.csv").read_bytes()), f"{n}.csv") for n in ("accounts", "people", "ties")
    ]
    report = client.post(
        "/import", data={"csrf_token": token, "files": files}, content_type="multipart/form-data"
    )
    text = report.get_data(as_text=True)
    assert report.status_code == 200 and "are clean" in text
    upload = re.search(r'name="token" value="([^"]+)"', text).group(1)
    assert client.get("/api/search?q=Rep One").get_json()["hits"] == []
    done = client.post("/import/confirm", data={"csrf_token": token, "token": upload})
    assert "Imported" in done.get_data(as_text=True)
    assert client.get("/api/search?q=Rep One").get_json()["hits"][0]["id"] == "rep1"
    files = [  # the same files again: the page says nothing changed
        (io.BytesIO((MINI / f"{n}.csv").read_bytes()), f"{n}.csv") for n in ("accounts", "people", "ties")
    ]
    report = client.post(
        "/import", data={"csrf_token": token, "files": files}, content_type="multipart/form-data"
    )
    upload = re.search(r'name="token" value="([^"]+)"', report.get_data(as_text=True)).group(1)
    again = client.post("/import/confirm", data={"csrf_token": token, "token": upload}).get_data(as_text=True)
    assert "; all of it was there already, as it is: nothing changed.</p>" in again


def test_import_problems_are_listed_and_nothing_is_written(client):
    token = csrf(client)
    bad = io.BytesIO(b"id,name,kind\nx1,X,custmer\n")
    report = client.post(
        "/import",
        data={"csrf_token": token, "files": [(bad, "accounts.csv")]},
        content_type="multipart/form-data",
    )
    text = report.get_data(as_text=True)
    assert "Nothing was imported: 1 problem(s)" in text
    assert "accounts.csv:2:kind: unknown account kind (got &#39;custmer&#39;" in text
    assert client.get("/api/search?q=x1").get_json()["hits"] == []


def test_import_rejects_odd_names_and_path_traversal(client):
    token = csrf(client)
    for name in ("../../etc/passwd", "notes.txt", "../people.csv/x"):
        response = client.post(
            "/import",
            data={"csrf_token": token, "files": [(io.BytesIO(b"id\n"), name)]},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400
    bogus = client.post("/import/confirm", data={"csrf_token": token, "token": "../../etc"})
    assert bogus.status_code == 400


def test_upload_size_is_limited(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    token = csrf(client)
    big = io.BytesIO(b"id,name\n" + b"x" * 5000)
    response = client.post(
        "/import",
        data={"csrf_token": token, "files": [(big, "people.csv")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_posts_without_csrf_token_are_refused(client):
    response = client.post("/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "reload the page" in response.get_data(as_text=True)


def test_hostile_text_is_escaped(client, app):
    store = app.extensions["graphcrm_store"]
    store.write(
        [
            (
                "MERGE (p:Node:Person {id: 'evil'}) SET p.name = $n, p.notes = $n",
                {"n": "<script>alert(1)</script>"},
            )
        ]
    )
    page = client.get("/people/evil").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# Access (login, slowed passwords, logout, loopback) is tested in tests/test_access.py.


def test_uploads_never_confirmed_are_removed_after_an_hour(client, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir(exist_ok=True)
    stale, fresh = uploads / "stale-upload-000000000", uploads / "fresh-upload-000000000"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "people.csv").write_text("id,name\nx,Someone\n")
    hours_ago = time.time() - 2 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    files = [(io.BytesIO((MINI / "accounts.csv").read_bytes()), "accounts.csv")]
    report = client.post(
        "/import", data={"csrf_token": csrf(client), "files": files}, content_type="multipart/form-data"
    )
    assert report.status_code == 200
    assert not stale.exists() and fresh.exists()


def test_brokers_are_explained_in_a_sentence_with_the_measures_in_details(client):
    """Issue 16: brokers in a sentence, Burt's terms only in a details view."""
    page = client.get(
        "/brokers", query_string={"among": "kissinger.farmer,kissinger.rothschild,kissinger.wb-president"}
    ).get_data(as_text=True)
    listed, details = page.split("<details data-ours>")
    text = re.sub(r"<[^>]+>", "", listed)
    assert "基辛格 Kissinger connects 3 pairs of them who do not know each other" in text
    assert "Effective size" not in listed and "Constraint" not in listed and "structural" not in listed
    assert "Effective size" in details and "Constraint" in details


def test_an_account_s_facts_are_labelled_and_leave_out_what_is_not_recorded(client):
    def facts(account: str) -> str:
        page = client.get(f"/accounts/{account}").get_data(as_text=True)
        return re.search(r'<p class="facts">(.*?)</p>', page).group(1)

    assert facts("apex.apex") == (
        "prospect · electronic equipment manufacturing · tier A · status: prospect · revenue 0 · "
        "potential 1,500,000"
    )
    assert facts("apex.our-company") == "other · telecommunications (enterprise services) · tier –"


def test_the_referrals_page_names_who_referred_and_whom_to_ask_next(client):
    """What the terminal shows is on the page too: the people who made the referrals, and the won
    accounts that have referred no one yet (the next ones to ask)."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/referrals").get_data(as_text=True)))
    people = text.split("People who made the referrals", 1)[1]
    assert "郑伟 Zheng Wei 恒远物流 Hengyuan Logistics 2 1 800,000 5" in people
    asking = text.split("Won accounts that have referred no one yet", 1)[1]
    assert "The next ones to ask for a referral. 康宁医院 Kangning Hospital" in asking


def test_the_referrals_page_takes_an_account_s_name(client):
    page = client.get("/referrals", query_string={"from": "Jiahe Construction"}).get_data(as_text=True)
    assert re.findall(r"<h2>From <a[^>]*>([^<]+)</a>", page) == ["嘉禾建设 Jiahe Construction"]
    assert 'value="Jiahe Construction"' in page and "every won account" in page
    quiet = client.get("/referrals", query_string={"from": "apex.xinghai"}).get_data(as_text=True)
    assert "星海建筑设计院 Xinghai Architectural Design Institute has referred no one yet." in quiet
    unknown = client.get("/referrals", query_string={"from": "Nowhere Ltd"})
    assert unknown.status_code == 404
    body = unknown.get_data(as_text=True)
    assert 'class="problem"' in body and 'value="Nowhere Ltd"' in body and "<h2>From" not in body
