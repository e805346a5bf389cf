"""DNS rebinding: a page on another site whose name is made to point at 127.0.0.1 reaches the
viewer with its own name in the Host header (and, for a form or fetch, in Origin). The viewer
answers only to the names it is served as, and refuses every writing request whose Origin (or,
without one, Referer) is another site, even with a valid CSRF token.

Flask's test client sends `Host: localhost` (a name the viewer is served as); `base_url` and
`headers` set others.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import shutil
from urllib.parse import urlsplit

import pytest
from graphcrm.web import create_app
from werkzeug.security import generate_password_hash

from bench.soak import served
from tests.conftest import ON_CI, SEEDS, snapshot
from tests.test_access import _routes

PERSON = "jinchang.li-qiong"
# Names a page on another site can get a browser to send for 127.0.0.1 (its own, rebound), and
# addresses this viewer is not served on.
FOREIGN = [
    "rebind.attacker.example:8050",
    "rebind.attacker.example",
    "127.0.0.1.attacker.example:8050",
    "localhost.attacker.example",
    "127.0.0.2:8050",
    "[::2]:8050",
    "0.0.0.0:8050",
    "[::ffff:7f00:2]:8050",
    "localhost:8050@evil.example",
    "",
]
# What a browser sends for the viewer on 127.0.0.1 (the default). (A bare `::1` is no Host
# header: an IPv6 address is written in brackets, and werkzeug reads a bare one as no host.)
SERVED_AS = [
    "127.0.0.1",
    "127.0.0.1:8050",
    "localhost",
    "localhost:8050",
    "LocalHost:8050",
    "[::1]",
    "[::1]:8050",
    "[::ffff:127.0.0.1]:8050",
    "[::ffff:7f00:1]:8050",
]


@pytest.fixture
def app(seeds_db, tmp_path):
    """The viewer on 127.0.0.1 (no login) over every seed, shared read-only: the `seeds`
    fixture fails the test if anything was written."""
    app = create_app({"DB": seeds_db(*SEEDS), "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app
    app.extensions["graphcrm_store"].close()


def _host(client, url: str, host: str, method: str = "GET", **kwargs):
    return client.open(url, method=method, headers={"Host": host, **kwargs.pop("headers", {})}, **kwargs)


# -- Host -----------------------------------------------------------------------------------------


def test_a_foreign_host_is_refused_on_every_route(app):
    """Every route of app.url_map, GET and POST, known or not: 400 before anything is read."""
    client = app.test_client()
    routes = [*_routes(app), ("GET", "/no-such-page", None), ("GET", "/api/no-such-thing", None)]
    for method, url, _ in routes:
        response = _host(client, url, "rebind.attacker.example:8050", method=method, data={"confirm": "yes"})
        assert response.status_code == 400, (method, url, response.status_code)
        text = response.get_data(as_text=True)
        assert "127.0.0.1, localhost or [::1]" in text, (method, url)
        if url.startswith("/api/"):
            assert list(response.get_json()) == ["error"], url
        assert "Set-Cookie" not in response.headers, url  # no session, no CSRF token for it


@pytest.mark.parametrize("host", FOREIGN)
def test_foreign_names_are_refused(app, host):
    assert _host(app.test_client(), "/api/accounts", host).status_code == 400


@pytest.mark.parametrize("host", SERVED_AS)
def test_the_names_the_viewer_is_served_as_are_accepted(app, host):
    assert _host(app.test_client(), "/api/accounts", host).status_code == 200


def test_the_refusal_says_which_names_are_accepted(app):
    response = _host(app.test_client(), "/", "rebind.attacker.example:8050")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "this viewer answers only as 127.0.0.1, localhost or [::1]" in page
    assert "<script" not in page and "<link" not in page  # a short page that loads nothing


def _guarded(url: str, host: str, **config):
    return create_app(
        {
            "DB": url,
            "HOST": host,
            "PASSWORD_HASH": generate_password_hash("s3cret", method="pbkdf2:sha256:1000"),
            **config,
        }
    )


def test_the_configured_host_is_accepted_too(seeds_db, monkeypatch):
    """Served on a name or address beyond this machine (with a login), that name and the
    loopback names are accepted; other names are not, unless listed in GRAPHCRM_ALLOWED_HOSTS."""
    url = seeds_db(*SEEDS)
    for host, accepted, refused in [
        (
            "crm.example.internal",
            ["crm.example.internal:8050", "CRM.example.internal", "localhost"],
            ["evil.example"],
        ),
        ("192.0.2.7", ["192.0.2.7:8050", "[::ffff:192.0.2.7]:8050", "127.0.0.1"], ["192.0.2.8:8050"]),
        ("2001:db8::7", ["[2001:db8::7]:8050", "[2001:DB8:0::7]", "[::1]"], ["[2001:db8::8]:8050"]),
        ("127.0.0.3", ["127.0.0.3:8050", "127.0.0.1"], ["127.0.0.4:8050"]),
    ]:
        app = _guarded(url, host)
        try:
            client = app.test_client()
            for name in accepted:
                assert _host(client, "/login", name).status_code == 200, (host, name)
            for name in refused:
                assert _host(client, "/login", name).status_code == 400, (host, name)
        finally:
            app.extensions["graphcrm_store"].close()
    monkeypatch.setenv("GRAPHCRM_ALLOWED_HOSTS", "crm.example.com, Other.example")
    app = _guarded(url, "192.0.2.7")
    try:
        client = app.test_client()
        for name in ("crm.example.com", "other.example:443", "192.0.2.7"):
            assert _host(client, "/login", name).status_code == 200, name
        assert _host(client, "/login", "evil.example").status_code == 400
    finally:
        app.extensions["graphcrm_store"].close()


def test_on_every_address_any_name_is_accepted_behind_the_login(seeds_db):
    """Served on 0.0.0.0 the viewer has every name of the machine, which it cannot list: the
    login guards it (a rebound name carries no session cookie, cookies belong to a name)."""
    app = _guarded(seeds_db(*SEEDS), "0.0.0.0")
    try:
        client = app.test_client()
        assert _host(client, "/login", "some-laptop.lan:8050").status_code == 200
        response = _host(client, "/api/accounts", "rebind.attacker.example:8050")
        assert response.status_code == 401
    finally:
        app.extensions["graphcrm_store"].close()


# -- Origin ---------------------------------------------------------------------------------------

CROSS_SITE = [
    {"Origin": "http://rebind.attacker.example:8050"},
    {"Origin": "http://localhost:3000"},  # another site on this machine: another origin
    {"Origin": "https://evil.example"},
    {"Origin": "null"},  # a sandboxed frame, a file:// page
    {"Origin": "http://localhost.attacker.example"},
    {"Referer": "http://rebind.attacker.example:8050/"},
    {"Referer": "http://localhost:3000/page"},
    {"Referer": "not a url"},
    {"Origin": "http://rebind.attacker.example", "Referer": "http://localhost/import"},
]
SAME_SITE = [
    {},  # no Origin, no Referer: not a browser (curl, a script); the CSRF token still counts
    {"Origin": "http://localhost"},
    {"Origin": "HTTP://LocalHost"},
    {"Referer": "http://localhost/import"},
    {"Origin": "http://localhost", "Referer": "http://evil.example/"},  # Origin decides
]


def _token(client, host: str = "localhost") -> str:
    """A CSRF token of a session held for `host` (the test client keeps cookies per host)."""
    return client.get("/api/csrf-token", headers={"Host": host}).get_json()["csrf_token"]


def _dry_run(client, token: str, headers: dict[str, str]):
    data = {"files": [(io.BytesIO(b"id,name\nx.ok,Ok\n"), "people.csv")]}
    return client.post("/api/import", data=data, headers={"X-CSRF-Token": token, **headers})


@pytest.mark.parametrize("headers", CROSS_SITE, ids=lambda h: "|".join(f"{k}={v}" for k, v in h.items()))
def test_a_cross_site_post_is_refused_even_with_the_csrf_token(app, headers):
    client = app.test_client()
    token = _token(client)
    forget = client.post(
        f"/api/people/{PERSON}/forget", data={"confirm": "yes"}, headers={"X-CSRF-Token": token, **headers}
    )
    assert forget.status_code == 403 and "error" in forget.get_json()
    assert _dry_run(client, token, headers).status_code == 403
    page = client.post("/import", data={"csrf_token": token}, headers=headers)
    assert page.status_code == 403
    assert "another site" in page.get_data(as_text=True)


@pytest.mark.parametrize("headers", SAME_SITE, ids=lambda h: "|".join(f"{k}={v}" for k, v in h.items()))
def test_a_same_site_post_passes(app, headers):
    client = app.test_client()
    checked = _dry_run(client, _token(client), headers)
    assert checked.status_code == 200 and checked.get_json()["result"]["written"] is False


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_every_writing_method_is_checked(app, method):
    client = app.test_client()
    response = client.open("/api/accounts", method=method, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403


def test_the_origin_must_match_the_port_the_request_came_to(app):
    """Two viewers (or a viewer and another local site) on two ports are two origins."""
    client = app.test_client()
    token = _token(client, "127.0.0.1:8050")
    same = _dry_run(client, token, {"Host": "127.0.0.1:8050", "Origin": "http://127.0.0.1:8050"})
    assert same.status_code == 200
    other = _dry_run(client, token, {"Host": "127.0.0.1:8050", "Origin": "http://127.0.0.1:8051"})
    assert other.status_code == 403
    token = _token(client, "[::1]:8050")
    ipv6 = _dry_run(client, token, {"Host": "[::1]:8050", "Origin": "http://[::1]:8050"})
    assert ipv6.status_code == 200


# -- through the real server: the attack of issue 13 ----------------------------------------------


def _request(port: int, method: str, url: str, headers: dict[str, str], body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, url, body=body, headers=headers)
    response = conn.getresponse()
    answer = response.status, response.getheader("Set-Cookie"), response.read().decode()
    conn.close()
    return answer


def test_a_rebound_name_reads_nothing_and_forgets_nobody(seeded, db, tmp_path):
    """`graphcrm serve` on 127.0.0.1 (no login): with `Host: rebind.attacker.example:PORT` the
    issue read a person, fetched a CSRF token and forgot her. Now each step is refused, and a
    token fetched by the viewer's own page does not let another site's page forget her."""
    store = seeded("jinchang")
    before = snapshot(store)
    with served(db, tmp_path / "serve.log") as base:
        port = urlsplit(base).port
        assert port is not None
        rebound = {"Host": f"rebind.attacker.example:{port}"}
        status, cookie, text = _request(port, "GET", f"/api/people/{PERSON}", rebound)
        assert status == 400 and PERSON not in text and cookie is None
        status, cookie, text = _request(port, "GET", "/api/csrf-token", rebound)
        assert status == 400 and "csrf_token" not in text and cookie is None
        # the viewer's own page holds a session and a token
        status, cookie, text = _request(port, "GET", "/api/csrf-token", {"Host": f"127.0.0.1:{port}"})
        assert status == 200 and cookie is not None
        own = {
            "Cookie": cookie.split(";", 1)[0],
            "X-CSRF-Token": json.loads(text)["csrf_token"],
            "Content-Type": "application/x-www-form-urlencoded",
        }
        url = f"/api/people/{PERSON}/forget"
        status, _, _ = _request(port, "POST", url, {**own, **rebound}, "confirm=yes")
        assert status == 400
        cross = {"Host": f"127.0.0.1:{port}", "Origin": f"http://rebind.attacker.example:{port}"}
        status, _, _ = _request(port, "POST", url, {**own, **cross}, "confirm=yes")
        assert status == 403
        status, _, text = _request(port, "GET", f"/api/people/{PERSON}", {"Host": f"localhost:{port}"})
        assert status == 200 and PERSON in text
    assert snapshot(store) == before


# -- in a real browser ----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None


def test_in_a_real_browser(seeds_db, tmp_path):
    """Headless Chromium told that rebind.attacker.example is 127.0.0.1, which is what rebinding
    makes a browser believe: the viewer's page under that name is refused, and so is a fetch of a
    CSRF token from it. Under 127.0.0.1 and localhost, the import form (a POST, which Chromium
    sends with an Origin header) is checked as before."""
    if not (sync_playwright and os.path.exists(CHROMIUM)):
        message = "needs playwright and Debian's chromium (make test installs both)"
        if ON_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    upload = tmp_path / "people.csv"
    upload.write_text("id,name\nx.browser,Browser Test\n", encoding="utf-8")
    with served(seeds_db("jinchang"), tmp_path / "serve.log") as base, sync_playwright() as p:
        port = urlsplit(base).port
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--host-resolver-rules=MAP rebind.attacker.example 127.0.0.1",
            ],
        )
        try:
            page = chromium.new_page()
            response = page.goto(f"http://rebind.attacker.example:{port}/people/{PERSON}")
            assert response is not None and response.status == 400
            assert "Li Qiong" not in page.content() and "127.0.0.1, localhost or [::1]" in page.content()
            assert page.evaluate("() => fetch('/api/csrf-token').then(r => r.status)") == 400
            for name in ("127.0.0.1", "localhost"):
                page.goto(f"http://{name}:{port}/import")
                page.set_input_files("input[name=files]", str(upload))
                with page.expect_navigation() as checked:
                    page.click("button[type=submit]")
                assert checked.value is not None and checked.value.status == 200, name
                assert "They would import" in page.content() and "1 person" in page.content(), name
        finally:
            chromium.close()
