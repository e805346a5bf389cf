"""Access to the viewer served beyond this machine: login on every route, guessing refused
(per client, per account, per browser) without holding a worker, sessions held by the server
(logout and a password change end them), safe redirects, response headers, the upload size
limit through the real server (waitress), the private upload folder, and `serve --host`.

Waits are read from the server's answers (429 and Retry-After) with `web_auth.time` replaced by
a clock the test moves (and which records any sleep: none may happen), never by measuring time.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import waitress
from graphcrm.web import auth as web_auth
from graphcrm.web import create_app, is_loopback
from waitress import wasyncore
from werkzeug.security import generate_password_hash

from bench.soak import free_port
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
    "ask_id": "ask-0",
}
FILES = {"static": "app.css", "vendor": "vis-network.min.js"}
QUERIES = {
    "paths.find_api": "?target=jinchang.zhao-zhigang",
    "steps.new_intro": "?target=jinchang.zhao-zhigang",
}  # what a route needs to answer 200


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
    from graphcrm.ingest.files import import_path

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
#
# No worker ever waits: `clock.slept` stays empty. A wrong password is answered at once and earns
# a wait; a password sent during the wait is refused (429, Retry-After) before it is checked.


def _retry_after(response) -> int:
    assert response.status_code == 429, response.status_code
    return int(response.headers["Retry-After"])


def _earned(client, addr: str) -> int:
    """A wrong password from `addr`, then at once another: the seconds the second is told to wait."""
    assert "Wrong password." in login(client, "guess", addr=addr).get_data(as_text=True)
    return _retry_after(login(client, "guess", addr=addr))


def test_wrong_passwords_wait_longer_each_time_up_to_a_cap(app, clock):
    client = app.test_client()
    earned = []
    for _ in range(8):
        earned.append(_earned(client, "192.0.2.1"))
        clock.now += earned[-1]
    assert earned == [1, 2, 3, 4, 5, 5, 5, 5]
    assert web_auth.MAX_DELAY_S == 5.0
    assert clock.slept == []  # each answer came at once: no worker was held


def test_delays_are_per_client_and_a_right_password_resets_them(app, clock):
    client = app.test_client()
    earned = []
    for addr in ("192.0.2.1", "192.0.2.1", "192.0.2.1", "192.0.2.2"):  # another starts from one second
        earned.append(_earned(client, addr))
        clock.now += 10
    assert earned == [1, 2, 3, 1]
    assert login(client, PASSWORD, addr="192.0.2.1").status_code == 302
    assert _earned(app.test_client(), "192.0.2.1") == 1  # the count started again
    assert clock.slept == []


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
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
        assert "Too many wrong passwords: wait 1 s and try again." in refused.get_data(as_text=True)
    assert checked == ["guess"]
    assert client.get("/api/accounts").status_code == 401
    clock.now += 1.0
    assert login(client, PASSWORD).status_code == 302


def test_opening_the_login_page_counts_nothing(app, clock):
    clock.frozen = True
    client = app.test_client()
    for _ in range(web_auth.ACCOUNT_FREE_FAILURES + 5):
        assert client.head("/login").status_code == 200 and client.get("/login").status_code == 200
    assert login(client, PASSWORD).status_code == 302


def test_guesses_sent_at_once_get_one_check(app, clock, monkeypatch):
    """A password is counted as wrong from the moment it is let through to be checked: guesses
    arriving while it is checked are refused (429) without being checked."""
    clock.frozen = True
    inside, release = threading.Event(), threading.Event()
    checked: list[str] = []
    real = web_auth.check_password_hash

    def slow(hashed: str, password: str) -> bool:
        checked.append(password)
        if len(checked) == 1:
            inside.set()
            release.wait(60)
        return real(hashed, password)

    monkeypatch.setattr(web_auth, "check_password_hash", slow)
    first: dict[str, object] = {}
    thread = threading.Thread(target=lambda: first.setdefault("answer", login(app.test_client(), "guess")))
    thread.start()
    try:
        assert inside.wait(60)
        others = [login(app.test_client(), password) for password in ("guess2", "guess3", PASSWORD)]
    finally:
        release.set()
        thread.join(60)
    assert [r.status_code for r in others] == [429, 429, 429]
    assert checked == ["guess"]
    assert first["answer"].status_code == 200  # type: ignore[attr-defined]


def test_an_ipv6_client_is_its_64_bit_network(app, clock):
    """One IPv6 host holds a /64 of addresses: they count as one client (an IPv4-mapped address
    as its IPv4 address)."""
    clock.frozen = True
    client = app.test_client()
    login(client, "guess", addr="2001:db8:1:2::1")
    assert login(client, "guess", addr="2001:db8:1:2:ffff::9").status_code == 429
    assert login(client, "guess", addr="2001:db8:1:3::1").status_code == 200  # another network
    login(client, "guess", addr="192.0.2.77")
    assert login(client, "guess", addr="::ffff:192.0.2.77").status_code == 429


def test_guessers_from_many_addresses_are_refused_together(app, clock):
    """One password, so one account: past ACCOUNT_FREE_FAILURES wrong passwords in a row from
    anywhere, the n-th more makes every browser that has not logged in before wait n seconds
    (at most ACCOUNT_MAX_DELAY_S), whatever its address."""
    clock.frozen = True
    free = web_auth.ACCOUNT_FREE_FAILURES
    answers = [login(app.test_client(), "guess", addr=f"198.51.100.{n}").status_code for n in range(free + 5)]
    assert answers == [200] * (free + 1) + [429] * 4
    assert _retry_after(login(app.test_client(), PASSWORD, addr="198.51.100.200")) == 1  # not checked
    earned = [1]
    for n in range(40):
        clock.now += earned[-1]
        assert login(app.test_client(), "guess", addr=f"203.0.113.{n}").status_code == 200
        earned.append(_retry_after(login(app.test_client(), "guess", addr=f"203.0.113.{n + 100}")))
    cap = int(web_auth.ACCOUNT_MAX_DELAY_S)
    assert earned[:4] == [1, 2, 3, 4] and earned[cap:] == [cap] * (len(earned) - cap)
    clock.now += cap
    assert login(app.test_client(), PASSWORD, addr="203.0.113.250").status_code == 302
    assert clock.slept == []


def _lock_the_account(app, clock) -> None:
    """Guessers from ever new addresses, until the account waits ACCOUNT_MAX_DELAY_S."""
    for n in range(1000):
        response = login(app.test_client(), "guess", addr=f"198.51.{n >> 8}.{n & 255}")
        if response.status_code == 429:
            if _retry_after(response) == web_auth.ACCOUNT_MAX_DELAY_S:
                break
            clock.now += _retry_after(response)
    assert (
        _retry_after(login(app.test_client(), PASSWORD, addr="192.0.2.250")) == web_auth.ACCOUNT_MAX_DELAY_S
    )


def test_guessers_cannot_lock_out_a_browser_that_logged_in_before(app, clock):
    """A right password gives the browser a signed device cookie (DEVICE_LIFETIME_S); with it,
    only that browser's own wrong passwords make it wait, never the account's or its address's."""
    clock.frozen = True
    user = app.test_client()
    assert login(user, addr="192.0.2.50").status_code == 302
    cookie = user.get_cookie(web_auth.DEVICE_COOKIE)
    assert cookie is not None and cookie.http_only and cookie.max_age == web_auth.DEVICE_LIFETIME_S
    token = user.get("/api/csrf-token").get_json()["csrf_token"]
    user.post("/logout", data={"csrf_token": token})
    _lock_the_account(app, clock)
    # checked while the account waits, even from one of the guessers' addresses
    assert login(user, "typo", addr="198.51.0.0").status_code == 200
    assert _retry_after(login(user, PASSWORD, addr="198.51.0.0")) == 1  # its own typo's wait
    clock.now += 1
    assert login(app.test_client(), PASSWORD, addr="192.0.2.51").status_code == 429  # a new browser
    assert login(user, PASSWORD, addr="198.51.0.0").status_code == 302
    assert user.get("/api/accounts").status_code == 200


def test_a_copied_or_forged_device_cookie_buys_few_guesses(app, clock):
    """Copied to many addresses, a device cookie shares one wait; after DEVICE_MAX_FAILURES wrong
    passwords in a row it is trusted no more (the address and account waits apply again). A
    cookie not signed by this server counts for nothing."""
    clock.frozen = True
    user = app.test_client()
    login(user, addr="192.0.2.50")
    stolen = user.get_cookie(web_auth.DEVICE_COOKIE).value
    _lock_the_account(app, clock)

    def thief(addr: str, value: str = stolen):
        client = app.test_client()
        client.set_cookie(web_auth.DEVICE_COOKIE, value)
        return login(client, "guess", addr=addr)

    assert thief("203.0.113.1").status_code == 200
    assert _retry_after(thief("203.0.113.2")) == 1  # the cookie's wait, from another address
    for n in range(web_auth.DEVICE_MAX_FAILURES - 1):
        clock.now += web_auth.MAX_DELAY_S
        assert thief(f"203.0.113.{n + 10}").status_code == 200
    _lock_the_account(app, clock)  # the account's wait again, which the cookie no longer skips
    assert thief("203.0.113.100").status_code == 429
    assert thief("203.0.113.101", stolen[:-2] + "xx").status_code == 429  # a forged cookie
    assert thief("203.0.113.102", "x").status_code == 429


def test_the_failure_tables_are_bounded():
    """An attacker cycling source addresses or device cookies cannot grow them without end."""
    access = web_auth.Access()
    limit = web_auth.MAX_CLIENTS
    for table in (access.clients, access.devices):
        for n in range(limit + 5_000):
            table.fail(f"10.{n >> 16}.{(n >> 8) & 255}.{n & 255}", 1_000.0)
        assert len(table) == limit
        assert table.wait("10.0.0.0", 1_000.0) == 0.0  # the least recently failed went first
        last = limit + 4_999
        assert table.wait(f"10.{last >> 16}.{(last >> 8) & 255}.{last & 255}", 1_000.0) > 0


def test_failures_are_forgotten_after_a_while():
    access = web_auth.Access()
    for _ in range(4):
        delay = access.clients.fail("192.0.2.9", 0.0)
    assert delay == 4.0
    access.clients.fail("192.0.2.10", web_auth.FAILURE_MEMORY_S + 1)  # later, someone else fails
    assert "192.0.2.9" not in access.clients
    assert access.clients.fail("192.0.2.9", web_auth.FAILURE_MEMORY_S + 2) == 1.0


# -- a logged-in user and guessers, through the real server (waitress) ---------------------------


class Browser:
    """A client of a real server from one loopback address (Linux routes all of 127/8 to this
    machine), keeping its cookies."""

    def __init__(self, port: int, addr: str = "127.0.0.1") -> None:
        self.port, self.addr = port, addr
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict[str, str] | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(self.addr, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body, headers["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        conn.request(method, url, body=body, headers=headers)
        response = conn.getresponse()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        conn.close()
        return response.status, response.getheader("Retry-After"), text

    def login(self, password: str):
        page = self.request("GET", "/login")[2]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.request("POST", "/login", {"csrf_token": token, "password": password})


def test_a_logged_in_user_is_served_while_guessers_are_refused(app, clock, monkeypatch):
    """Waitress with 2 workers; 16 guessers from 16 addresses send 5 wrong passwords each while
    a logged-in user makes 40 requests. A wrong password used to sleep in its worker (here a
    sleep holds the worker until the test ends: two guessers stopped the user). Now nothing
    sleeps: the user gets 40 answers of 200, and of the 80 guesses exactly
    ACCOUNT_FREE_FAILURES + 1 are checked, the rest refused with 429 and Retry-After unchecked."""
    clock.frozen = True
    release = threading.Event()

    def held(seconds: float) -> None:  # a real sleep, as long as the test runs
        clock.slept.append(seconds)
        release.wait(120)

    monkeypatch.setattr(clock, "sleep", held)
    checked: list[str] = []
    real = web_auth.check_password_hash
    monkeypatch.setattr(web_auth, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    port = server.effective_port  # type: ignore[union-attr]
    running = threading.Thread(target=server.run, daemon=True)
    running.start()
    try:
        user = Browser(port)
        assert user.login(PASSWORD)[0] == 302
        checked.clear()
        start = threading.Event()
        guesses: list[tuple[int, str | None, str]] = []

        def guess(n: int) -> None:
            guesser = Browser(port, f"127.0.0.{n + 2}")
            start.wait(60)
            guesses.extend(guesser.login(f"guess{n}-{k}") for k in range(5))

        guessers = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
        for thread in guessers:
            thread.start()
        start.set()
        served = [user.request("GET", "/api/accounts")[0] for _ in range(40)]
        for thread in guessers:
            thread.join(120)
    finally:
        release.set()
        # closed in the server's own loop (its trigger runs the call there), which then ends: from
        # this thread, its select could meet a socket already closed (EBADF in its thread)
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))  # type: ignore[union-attr]
        running.join(30)
        assert not running.is_alive()
    assert served == [200] * 40
    assert clock.slept == []
    free = web_auth.ACCOUNT_FREE_FAILURES
    assert len(checked) == free + 1 and all(p.startswith("guess") for p in checked)
    assert len(guesses) == 80
    assert sorted(status for status, _, _ in guesses) == [200] * (free + 1) + [429] * (79 - free)
    assert all(int(wait) >= 1 for status, wait, _ in guesses if status == 429)  # type: ignore[arg-type]


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
        assert [p for uploads in tmpdir.glob("graphcrm-uploads*") for p in uploads.iterdir()] == []
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
    assert response.status == 200 and answer["result"] == {
        "counts": {"Person": 1},
        "written": False,
        "unchanged": 0,
    }


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
    assert [p for uploads in tmpdir.glob("graphcrm-uploads*") for p in uploads.iterdir()] == []


# -- the upload folder ----------------------------------------------------------------------------


def _upload(client) -> None:
    """A checked upload, kept until it is confirmed."""
    token = client.get("/api/csrf-token").get_json()["csrf_token"]
    data = {"csrf_token": token, "files": [(io.BytesIO(b"id,name\nx.up,Up\n"), "people.csv")]}
    assert client.post("/import", data=data).status_code == 200


def test_uploads_go_to_a_private_folder_of_each_server(demo_folder, tmp_path, monkeypatch):
    """A `graphcrm-uploads` folder left in the temporary directory by someone else (here open to
    all) is not used: each server makes its own on its first upload (mkdtemp, 0700, named with
    its process id), and makes a new one if that is removed or replaced. It is removed when the
    server stops (see test_serving_on_an_ipv4_mapped_loopback_address_works), and a folder of a
    server that is gone (killed -9) is removed by the next one."""
    from graphcrm.web.blueprints import imports

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    squatted = tmp_path / "graphcrm-uploads"
    squatted.mkdir()
    squatted.chmod(0o777)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    orphan = tmp_path / f"graphcrm-uploads-{int(gone.stdout)}-abc"  # a server's, killed -9
    (orphan / "token").mkdir(mode=0o700, parents=True)
    orphan.chmod(0o700)
    living = tmp_path / f"graphcrm-uploads-{os.getpid()}-abc"  # a server's that still runs
    living.mkdir(mode=0o700)
    folders = []
    for _ in range(2):
        app = create_app({"DB": str(demo_folder), "TESTING": True})
        try:
            client = app.test_client()
            assert app.extensions.get("graphcrm_uploads") is None  # nothing made before an upload
            _upload(client)
            folder = Path(app.extensions.get("graphcrm_uploads") or squatted)
            folders.append(folder)
            shutil.rmtree(folder)  # a cleaner of the temporary directory removed it
            folder.mkdir(mode=0o755)  # and someone else made one under its name
            _upload(client)
            assert Path(app.extensions["graphcrm_uploads"]) != folder
            folders.append(Path(app.extensions["graphcrm_uploads"]))
            assert list(folder.iterdir()) == []
        finally:
            app.extensions["graphcrm_store"].close()
    assert list(squatted.iterdir()) == []
    assert len(set(folders)) == 4
    for folder in folders[1::2]:
        assert folder.parent == tmp_path and folder.name.startswith(f"graphcrm-uploads-{os.getpid()}-")
        assert folder.stat().st_mode & 0o777 == 0o700 and folder.stat().st_uid == os.getuid()
        assert len(list(folder.iterdir())) == 1  # the upload waiting for its confirmation
    assert not orphan.exists() and living.exists()
    assert imports.PREFIX == "graphcrm-uploads-"


# -- serve --host ---------------------------------------------------------------------------------


def _serve(db: Path, *args: str, tmpdir: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "graphcrm", "serve", "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **({"TMPDIR": str(tmpdir)} if tmpdir else {})},
    )


def test_serving_on_an_ipv4_mapped_loopback_address_works(db_path, tmp_path):
    """`::ffff:127.0.0.1` is 127.0.0.1 written as IPv6: served there (no login), and the name
    is accepted in the Host header; this used to end in a traceback (waitress cannot bind it).
    The server's private upload folder is gone once it has stopped."""
    port = free_port()
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc = _serve(db_path, "--host", "::ffff:127.0.0.1", "--port", str(port), tmpdir=tmpdir)
    try:
        for _ in range(600):  # until it answers, or stops
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/accounts", headers={"Host": f"[::ffff:127.0.0.1]:{port}"})
                response = conn.getresponse()
                answer = response.status, json.loads(response.read())
                conn.close()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                threading.Event().wait(0.1)
        else:
            raise AssertionError("the viewer did not answer")
        cookie, token = _session(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = (
            b'--b\r\nContent-Disposition: form-data; name="files"; filename="people.csv"\r\n\r\n'
            b"id,name\r\nx.kept,Kept\r\n\r\n--b--\r\n"
        )
        headers = {"Content-Type": "multipart/form-data; boundary=b", "Cookie": cookie, "X-CSRF-Token": token}
        conn.request("POST", "/import", body=body, headers=headers)  # checked, kept until confirmed
        assert conn.getresponse().status == 200
        conn.close()
        assert [len(list(f.iterdir())) for f in tmpdir.glob("graphcrm-uploads*")] == [1]
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    assert "Traceback" not in output, output
    assert answer[0] == 200 and answer[1]["accounts"] == [], output
    assert f"http://127.0.0.1:{port}/" in output
    assert list(tmpdir.glob("graphcrm-uploads*")) == []


def test_an_address_that_cannot_be_served_on_is_one_line(db_path):
    """A port in use: one line saying so, exit 2, never a traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(db_path, "--port", str(port))
        output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 2 and "Traceback" not in output, output
    assert output.endswith(f"\nerror: cannot serve on 127.0.0.1:{port}: address already in use\n")
