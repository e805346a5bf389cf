"""Access to the viewer served beyond this machine: login on every route, slowed guessing,
sessions held by the server (logout and a password change end them), safe redirects, response
headers, and the upload size limit through the real server (waitress).

Delays are asserted as the seconds the server asks to sleep (`web_auth.time` is replaced by a
clock that records them), never by measuring time.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from graphcrm.web import auth as web_auth
from graphcrm.web import create_app, is_loopback
from werkzeug.security import generate_password_hash

from bench.soak import served as serve_viewer
from graphcrm.store import open_store
from tests.conftest import SEEDS, snapshot

PASSWORD = "s3cret"
# Real ids for the path arguments of the routes (by argument name).
ARGUMENTS = {
    "account_id": "hd.dingsheng",
    "opportunity_id": "apex.opp-apex-mobile-office",
    "person_id": "jinchang.li-qiong",
    "filename": None,  # per endpoint: see _url
}
FILES = {"static": "app.css", "vendor": "vis-network.min.js"}
QUERIES = {"paths.find_api": "?target=jinchang.zhao-zhigang"}  # what a route needs to answer 200


class Clock:
    """Stands in for `time` in web.auth: `sleep` records the delay asked for (and advances the
    clock by it, as a real sleep would, unless `frozen`)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []
        self.frozen = False

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        if not self.frozen:
            self.now += seconds


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """A database with every seed, kept open for the module: apps attach to its server."""
    from graphcrm.demo import seed_path
    from graphcrm.importer import import_path

    folder = tmp_path_factory.mktemp("access") / "db"
    with open_store(folder) as store:
        for seed in SEEDS:
            import_path(store, seed_path(seed), progress=False)
        yield folder


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(web_auth, "time", fake)
    return fake


def _app(folder: Path, tmp_path: Path, **config):
    return create_app(
        {
            "DB": str(folder),
            "HOST": "0.0.0.0",
            "PASSWORD_HASH": generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            **config,
        }
    )


@pytest.fixture
def app(demo_folder, tmp_path, clock):
    app = _app(demo_folder, tmp_path)
    yield app
    app.extensions["graphcrm_store"].close()


def _login_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, password: str = PASSWORD, addr: str = "192.0.2.1", next_: str | None = None):
    token = _login_token(client)
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(
        url, data={"csrf_token": token, "password": password}, environ_base={"REMOTE_ADDR": addr}
    )


def _url(rule) -> str:
    """The rule's URL with real ids for its arguments."""
    values = {}
    for name in rule.arguments:
        if name == "filename":
            values[name] = FILES[rule.endpoint]
        elif name in ARGUMENTS:
            values[name] = ARGUMENTS[name]
        else:
            raise AssertionError(f"{rule.rule}: add a real value for <{name}> to ARGUMENTS")
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^<>:]+:)?{name}>", value, url)
    return url


def _routes(app) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) for every route and every method it takes (not HEAD/OPTIONS)."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, _url(rule), rule.endpoint))
    return found


# -- login on every route -------------------------------------------------------------------------


def test_every_route_needs_a_session(app):
    """Enumerates app.url_map: a route added later is covered without editing this test."""
    client = app.test_client()
    routes = _routes(app)
    assert len(routes) >= 25
    opened = []
    for method, url, endpoint in routes:
        response = client.open(url, method=method, data={"confirm": "yes"})
        if endpoint == "auth.login":
            opened.append((method, url, response.status_code))
            continue
        if url.startswith("/api/"):
            assert (response.status_code, response.get_json()) == (401, {"error": "login required"}), url
        else:
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/login"), (method, url)
    # Only /login answers without a session (its POST needs the form's CSRF token).
    assert opened == [("GET", "/login", 200), ("POST", "/login", 400)]


@pytest.mark.parametrize(
    "url", ["/no-such-page", "/api/no-such-thing", "/static/../web/auth.py", "/vendor/x.js"]
)
def test_unknown_urls_say_nothing_without_a_session(app, url):
    """Not even whether a route exists: everything but /login sends to /login (or 401)."""
    response = app.test_client().get(url)
    assert response.status_code in (302, 401)


def test_nothing_is_written_by_a_post_without_a_session(app, demo_folder):
    with open_store(demo_folder) as store:
        before, version = snapshot(store), store.version()
        client = app.test_client()
        for method, url, _ in _routes(app):
            if method == "POST" and url != "/login":
                files = {"files": (io.BytesIO(b"id,name\nx.evil,Evil\n"), "people.csv")}
                client.post(url, data={**files, "confirm": "yes", "dry_run": "0", "token": "x" * 20})
        assert snapshot(store) == before and store.version() == version


def test_with_a_session_every_page_works(app):
    client = app.test_client()
    assert login(client).status_code == 302
    for method, url, endpoint in _routes(app):
        if method != "GET" or endpoint == "auth.login":
            continue
        response = client.get(url + QUERIES.get(endpoint, ""))
        assert response.status_code in (200, 204), (url, response.status_code)
    # and a POST with the CSRF token passes the guard (here: a dry-run import of one file)
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    data = {"files": [(io.BytesIO(b"id,name\nx.ok,Ok\n"), "people.csv")]}
    checked = client.post("/api/import", data=data, headers={"X-CSRF-Token": token})
    assert checked.status_code == 200 and checked.get_json()["result"]["written"] is False


def test_the_login_page_loads_nothing_that_needs_a_session(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "<link" not in page and "src=" not in page  # no stylesheet, image or script to fetch
    assert "<script" not in page


def test_loopback_needs_no_login(demo_folder, tmp_path):
    app = _app(demo_folder, tmp_path, HOST="127.0.0.1")
    try:
        assert app.test_client().get("/api/accounts").status_code == 200
    finally:
        app.extensions["graphcrm_store"].close()


# -- wrong passwords ------------------------------------------------------------------------------


def test_wrong_passwords_wait_longer_each_time_up_to_a_cap(app, clock):
    client = app.test_client()
    for _ in range(8):
        response = login(client, "guess")
        assert response.status_code == 200 and "Wrong password." in response.get_data(as_text=True)
    assert clock.slept == [1.0, 2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0]
    assert web_auth.MAX_DELAY_S == 5.0


def test_delays_are_per_client_and_a_right_password_resets_them(app, clock):
    client = app.test_client()
    for _ in range(3):
        login(client, "guess", addr="192.0.2.1")
    login(client, "guess", addr="192.0.2.2")  # another client starts from one second
    assert clock.slept == [1.0, 2.0, 3.0, 1.0]
    assert login(client, PASSWORD, addr="192.0.2.1").status_code == 302
    assert clock.slept == [1.0, 2.0, 3.0, 1.0]  # a right password is not slowed
    login(client, "guess", addr="192.0.2.1")
    assert clock.slept[-1] == 1.0  # the count started again


def test_no_password_is_checked_while_a_client_must_wait(app, clock, monkeypatch):
    """Guesses sent in parallel gain nothing: during the delay even the right one is refused."""
    checked = []
    real = web_auth.check_password_hash
    monkeypatch.setattr(web_auth, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    clock.frozen = True  # as if the next guesses came while the first one's delay runs
    client = app.test_client()
    login(client, "guess")
    for password in ("guess2", PASSWORD):
        refused = login(client, password)
        assert refused.status_code == 429
        assert "Too many wrong passwords: wait 1 s and try again." in refused.get_data(as_text=True)
    assert checked == ["guess"]
    assert client.get("/api/accounts").status_code == 401
    clock.now += 1.0
    assert login(client, PASSWORD).status_code == 302


def test_the_failure_table_is_bounded():
    """An attacker cycling source addresses cannot grow it without end."""
    access = web_auth.Access()
    for n in range(web_auth.MAX_CLIENTS + 5_000):
        access.fail(f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}", 1_000.0)
    assert len(access.failures) == web_auth.MAX_CLIENTS
    assert access.wait("10.0.0.0", 1_000.0) == 0.0  # the least recently failed went first
    assert (
        access.wait(
            f"10.0.{(web_auth.MAX_CLIENTS + 4_999) >> 8 & 255}.{(web_auth.MAX_CLIENTS + 4_999) & 255}",
            1_000.0,
        )
        > 0
    )


def test_failures_are_forgotten_after_a_while():
    access = web_auth.Access()
    for _ in range(4):
        delay = access.fail("192.0.2.9", 0.0)
    assert delay == 4.0
    access.fail("192.0.2.10", web_auth.FAILURE_MEMORY_S + 1)  # later, someone else fails
    assert "192.0.2.9" not in access.failures
    assert access.fail("192.0.2.9", web_auth.FAILURE_MEMORY_S + 2) == 1.0


# -- sessions -------------------------------------------------------------------------------------


def test_logout_ends_the_session_and_a_copied_cookie_too(app):
    client = app.test_client()
    login(client)
    assert client.get("/api/accounts").status_code == 200
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/api/accounts").status_code == 200  # a copy works while the session lives
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/api/accounts").status_code == 401
    assert thief.get("/api/accounts").status_code == 401  # the server forgot the session
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 302


def test_a_password_change_ends_every_session(app):
    first, second = app.test_client(), app.test_client()
    login(first)
    login(second)
    app.config["PASSWORD_HASH"] = generate_password_hash("n3w", method="pbkdf2:sha256:1000")
    assert first.get("/api/accounts").status_code == 401
    assert second.get("/api/accounts").status_code == 401
    assert login(first, "n3w").status_code == 302 and first.get("/api/accounts").status_code == 200


def test_a_restart_ends_every_session(demo_folder, tmp_path, clock):
    """A new app (a restarted server) with the same secret key does not know old session ids."""
    key = secrets.token_hex(16)
    before = _app(demo_folder, tmp_path, SECRET_KEY=key)
    client = before.test_client()
    login(client)
    cookie = client.get_cookie("session").value
    before.extensions["graphcrm_store"].close()
    after = _app(demo_folder, tmp_path, SECRET_KEY=key)
    try:
        again = after.test_client()
        again.set_cookie("session", cookie)
        assert again.get("/api/accounts").status_code == 401
    finally:
        after.extensions["graphcrm_store"].close()


def test_a_session_ends_after_its_lifetime(app, clock):
    client = app.test_client()
    login(client)
    clock.now += web_auth.SESSION_LIFETIME_S - 1
    assert client.get("/api/accounts").status_code == 200
    clock.now += 1
    assert client.get("/api/accounts").status_code == 401


def test_the_session_table_is_bounded(app, monkeypatch):
    monkeypatch.setattr(web_auth, "MAX_SESSIONS", 3)
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login(client)
    assert [c.get("/api/accounts").status_code for c in clients] == [401, 200, 200, 200]
    assert len(app.extensions["graphcrm_access"].sessions) == 3


def test_a_forged_session_id_opens_nothing(app):
    client = app.test_client()
    login(client)
    with client.session_transaction() as session:
        session["sid"] = "x" * 43
        session["user"] = "user"  # what the session held before sessions were kept server-side
    assert client.get("/api/accounts").status_code == 401


def test_logging_in_makes_a_new_csrf_token(app):
    client = app.test_client()
    before = _login_token(client)
    login(client)
    after = client.get("/api/csrf-token").get_json()["csrf_token"]
    assert after != before


# -- redirects after login ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_login_never_redirects_off_this_site(app, target):
    client = app.test_client()
    token = _login_token(client)
    response = client.post(
        "/login", query_string={"next": target}, data={"csrf_token": token, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the accounts, not the target


def test_an_encoded_backslash_stays_a_path_on_this_site(app):
    """`/%5Cevil.example` is the path `/\\evil.example` of this site to a browser, not a host."""
    client = app.test_client()
    token = _login_token(client)
    response = client.post(
        "/login", query_string={"next": "/%5Cevil.example"}, data={"csrf_token": token, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/%5Cevil.example"


def test_login_returns_to_the_page_asked_for(app):
    client = app.test_client()
    first = client.get("/accounts/hd.dingsheng?x=1")
    assert first.headers["Location"] == "/login?next=/accounts/hd.dingsheng?x%3D1"
    token = _login_token(client)
    done = client.post(first.headers["Location"], data={"csrf_token": token, "password": PASSWORD})
    assert done.headers["Location"] == "/accounts/hd.dingsheng?x=1"


# -- response headers -----------------------------------------------------------------------------


def test_pages_carry_the_security_headers(app):
    client = app.test_client()
    login(client)
    for url in ("/", "/api/accounts", "/login", "/static/app.css"):
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == web_auth.CONTENT_SECURITY_POLICY, url
        assert "script-src 'self';" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_no_page_has_inline_script_or_handlers(app):
    """The Content-Security-Policy would refuse them: behaviour lives in /static/graph.js."""
    client = app.test_client()
    login(client)
    for method, url, endpoint in _routes(app):
        if method != "GET" or url.startswith(("/api/", "/static/", "/vendor/")) or endpoint == "favicon":
            continue
        page = client.get(url).get_data(as_text=True)
        scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", page)
        assert scripts == [], url
        assert re.findall(r"\son[a-z]+\s*=", page) == [], url


# -- moved from tests/test_web.py, assertions unchanged -------------------------------------------


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


def test_off_loopback_needs_a_password_hash(db_path):
    with pytest.raises(RuntimeError, match="needs a login"):
        create_app({"DB": str(db_path), "HOST": "0.0.0.0", "PASSWORD_HASH": None})


@pytest.fixture
def guarded(seeded, db, monkeypatch):
    seeded("apex").close()
    monkeypatch.setattr("graphcrm.web.auth.MAX_DELAY_S", 0.01)
    app = create_app({"DB": db, "HOST": "0.0.0.0", "PASSWORD_HASH": generate_password_hash("s3cret")})
    yield app.test_client()
    app.extensions["graphcrm_store"].close()


def test_login_is_enforced_on_every_route(guarded):
    for url in ("/", "/accounts/apex.apex", "/vendor/vis-network.min.js", "/static/app.css", "/import"):
        response = guarded.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert guarded.get("/api/accounts").status_code == 401


def test_login_wrong_password_slowed_then_right_then_logout(guarded):
    page = guarded.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = guarded.post("/login", data={"csrf_token": token, "password": "guess"})
    assert "Wrong password." in wrong.get_data(as_text=True)
    right = guarded.post("/login", data={"csrf_token": token, "password": "s3cret"})
    assert right.status_code == 302
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert guarded.get("/api/accounts").status_code == 200
    token = guarded.get("/api/csrf-token").get_json()["csrf_token"]
    guarded.post("/logout", data={"csrf_token": token})
    assert guarded.get("/api/accounts").status_code == 401


# -- the upload size limit through the real server ------------------------------------------------


@pytest.fixture(scope="module")
def served(demo_folder, tmp_path_factory):
    """`graphcrm serve` (waitress) on a free loopback port over the module's database; uploads
    go under its own temporary folder (TMPDIR)."""
    tmpdir = tmp_path_factory.mktemp("served-tmp")
    env = {"TMPDIR": str(tmpdir), "GRAPHCRM_TODAY": "2026-11-23"}
    with serve_viewer(demo_folder, tmpdir / "serve.log", env=env) as base:
        yield urlsplit(base).port, tmpdir


def _session(port: int) -> tuple[str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/api/csrf-token")
    response = conn.getresponse()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = json.loads(response.read())["csrf_token"]
    conn.close()
    return cookie, token


def _multipart(size: int) -> tuple[bytes, str]:
    boundary = "graphcrm" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="people.csv"\r\n'
        "Content-Type: text/csv\r\n\r\nid,name\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    filler = b"x" * (size - len(head) - len(tail))
    return head + filler + tail, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("route", ["/import", "/api/import"])
def test_an_upload_over_20_mb_gets_413_from_the_real_server(served, demo_folder, route, chunked):
    from graphcrm.web import MAX_UPLOAD_BYTES

    port, tmpdir = served
    with open_store(demo_folder) as store:
        before, version = snapshot(store), store.version()
        cookie, token = _session(port)
        body, content_type = _multipart(MAX_UPLOAD_BYTES + 1024 * 1024)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": content_type, "Cookie": cookie, "X-CSRF-Token": token}
        if chunked:
            conn.putrequest("POST", route)
            for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
                conn.putheader(name, value)
            conn.endheaders()
            for start in range(0, len(body), 1 << 20):
                piece = body[start : start + (1 << 20)]
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.send(b"0\r\n\r\n")
        else:
            conn.request("POST", route, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        assert response.status == 413
        if route.startswith("/api/"):
            assert json.loads(text) == {"error": json.loads(text)["error"]}
        else:
            assert "Request Entity Too Large" in text
        uploads = tmpdir / "graphcrm-uploads"
        assert not uploads.exists() or list(uploads.iterdir()) == []
        assert snapshot(store) == before and store.version() == version


def test_an_upload_under_the_limit_is_taken_by_the_real_server(served):
    """The positive control of the test above: the same request, small, gets through."""
    port, _ = served
    cookie, token = _session(port)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="people.csv"\r\n\r\n'
        b"id,name\r\nx.small,Small\r\n\r\n--b--\r\n"
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "multipart/form-data; boundary=b", "Cookie": cookie, "X-CSRF-Token": token}
    conn.request("POST", "/api/import", body=body, headers=headers)
    response = conn.getresponse()
    answer = json.loads(response.read())
    assert response.status == 200 and answer["result"] == {"counts": {"Person": 1}, "written": False}


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(served):
    """waitress reads a whole request before the app sees it: past 4 × the upload limit it
    answers 413 from the headers alone, so nobody can make the server buffer gigabytes."""
    from graphcrm.web import MAX_UPLOAD_BYTES

    port, tmpdir = served
    cookie, token = _session(port)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", "/api/import")
    for name, value in {
        "Content-Type": "multipart/form-data; boundary=b",
        "Content-Length": str(4 * MAX_UPLOAD_BYTES + 1),
        "Cookie": cookie,
        "X-CSRF-Token": token,
    }.items():
        conn.putheader(name, value)
    conn.endheaders()  # and not one byte of the body
    response = conn.getresponse()
    assert response.status == 413
    conn.close()
    uploads = tmpdir / "graphcrm-uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
