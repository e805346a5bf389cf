"""Access: a login when served beyond this machine, CSRF tokens on every form, guessing refused.

On 127.0.0.1 (the default) nobody else can reach the viewer and no login is asked. On any other
address every route — pages, `/api/...`, static files and `/vendor`, known or not — needs a
session from `/login` (password checked against PASSWORD_HASH, made by `graphcrm hash-password`);
`/login` is the only open route. Without a session a page redirects to `/login` and `/api/...`
answers 401 JSON. Which host names and sites are answered at all: `web.hosts`.

- **Sessions are held on the server.** Flask's session is a signed cookie that the server
  cannot take back, so the cookie carries only a random session id, valid while the server
  holds it: logout forgets it (a copy of the old cookie then opens nothing), a change of
  PASSWORD_HASH ends every session, and so does a restart. A session lasts at most
  SESSION_LIFETIME_S; the table holds at most MAX_SESSIONS (the oldest go first).
- **Wrong passwords earn waits, and nobody sleeps.** A wrong password is answered at once; until
  its wait has passed, a password from the same source is refused with 429 and Retry-After
  *before it is checked*, so a guesser holds a worker only for the few requests let through, and
  a logged-in user's requests never touch any of this. A password counts as wrong from the
  moment it is let through to be checked (a right one takes it back), so guesses sent in
  parallel get one check. The sources:
  - *the client*: its address (an IPv6 address by its /64, what one host is given; an
    IPv4-mapped address as IPv4). Its n-th wrong password in a row waits n seconds, at most
    MAX_DELAY_S.
  - *the account*, all clients together (there is one password): past ACCOUNT_FREE_FAILURES
    wrong passwords in a row, the n-th more makes everyone wait n seconds, at most
    ACCOUNT_MAX_DELAY_S, so guessers spread over many addresses get one check per
    ACCOUNT_MAX_DELAY_S between them.
  - *the device*: a right password gives the browser a device cookie (signed with SECRET_KEY,
    valid DEVICE_LIFETIME_S). A browser showing one is judged by its own wrong passwords only
    (the n-th waits n seconds, at most MAX_DELAY_S), not by the account's or its address's:
    guessers cannot lock the real user out of a browser that has logged in before, however long
    they go on. After DEVICE_MAX_FAILURES wrong passwords in a row the cookie is trusted no more
    (a copied cookie buys that many guesses). The price: a browser that has never logged in (or
    a restart without GRAPHCRM_SECRET_KEY, which makes old cookies unreadable) waits with the
    guessers while they go on.
  A right password clears its client's and device's counts. A count is forgotten
  FAILURE_MEMORY_S after its last failure, and the client and device tables keep at most
  MAX_CLIENTS entries each (the least recently failed go first), so an attacker cycling
  addresses or cookies cannot grow them without end.
- **Every POST** (PUT, PATCH, DELETE), logged in or not, must carry the session's CSRF token; a
  new one is made at login. The session cookie is HttpOnly and SameSite=Lax.
- **Response headers**: a Content-Security-Policy allowing scripts from this site only (no inline
  script runs even if some text were ever rendered as HTML), no framing, no MIME sniffing, no
  referrer to other sites; with a login, pages are not cached (the back button after logout
  shows nothing held on people).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.security import check_password_hash

from .hosts import WRITING_METHODS

bp = Blueprint("auth", __name__)
MAX_DELAY_S = 5.0
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_DELAY_S = 30.0
DEVICE_MAX_FAILURES = 10
DEVICE_LIFETIME_S = 30 * 24 * 3600
DEVICE_COOKIE = "graphcrm_device"
MAX_CLIENTS = 10_000
FAILURE_MEMORY_S = 15 * 60.0
MAX_SESSIONS = 1_000
SESSION_LIFETIME_S = 12 * 3600.0
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclasses.dataclass
class Failures:
    """Wrong passwords in a row from one source, when the last came, and until when it waits."""

    count: int = 0
    last: float = 0.0
    until: float = 0.0


def client_delay(count: int) -> float:
    """The wait earned by a client's (or a device's) `count`-th wrong password in a row."""
    return min(float(count), MAX_DELAY_S)


def account_delay(count: int) -> float:
    """The wait earned by the account's `count`-th wrong password in a row, from anywhere."""
    return min(float(max(0, count - ACCOUNT_FREE_FAILURES)), ACCOUNT_MAX_DELAY_S)


class Throttle:
    """Wrong passwords in a row per source (a client, a device): the n-th makes the source wait
    `delay(n)`. At most `size` sources, the least recently failed forgotten first, and each
    forgotten FAILURE_MEMORY_S after its last failure. Not locked: `Access` holds the lock."""

    def __init__(self, delay: Callable[[int], float], size: int = MAX_CLIENTS) -> None:
        self.delay, self.size = delay, size
        self.table: OrderedDict[str, Failures] = OrderedDict()  # least recently failed first

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def wait(self, key: str, now: float) -> float:
        """Seconds `key` must still wait before its next password is checked."""
        entry = self.table.get(key)
        return max(0.0, entry.until - now) if entry else 0.0

    def count(self, key: str, now: float) -> int:
        """Wrong passwords in a row from `key`, not yet forgotten."""
        entry = self.table.get(key)
        return entry.count if entry and now - entry.last < FAILURE_MEMORY_S else 0

    def fail(self, key: str, now: float) -> float:
        """Count a wrong password from `key`; return the wait it earns."""
        self._forget_old(now)
        entry = self.table.pop(key, None) or Failures()
        entry.count += 1
        delay = self.delay(entry.count)
        entry.last, entry.until = now, now + delay
        self.table[key] = entry
        while len(self.table) > self.size:
            self.table.popitem(last=False)
        return delay

    def take_back(self, key: str) -> None:
        """Un-count one wrong password (it was right); its wait runs out as it was."""
        entry = self.table.get(key)
        if entry is not None:
            entry.count = max(0, entry.count - 1)

    def clear(self, key: str) -> None:
        self.table.pop(key, None)

    def _forget_old(self, now: float) -> None:
        while self.table:
            oldest = next(iter(self.table.values()))
            if now - oldest.last < FAILURE_MEMORY_S:
                return
            self.table.popitem(last=False)


@dataclasses.dataclass(frozen=True)
class Attempt:
    """A password sent to /login: `wait` > 0 if it is refused unchecked; else it is let through,
    counted as wrong until `Access.succeed` says otherwise."""

    client: str
    device: str | None  # a trusted device: judged by its own failures only
    wait: float


ACCOUNT = "*"  # the key of the one account in `Access.account`


class Access:
    """The server-side state of access for one app: live sessions and wrong passwords."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.clients = Throttle(client_delay)
        self.devices = Throttle(client_delay)
        self.account = Throttle(account_delay, size=1)
        self.sessions: OrderedDict[str, tuple[float, str]] = OrderedDict()  # id -> (start, password)

    # -- wrong passwords --

    def admit(self, client: str, device: str | None, now: float) -> Attempt:
        """Whether a password from `client` (showing `device`, a device cookie's id, or None) may
        be checked now. If so it is counted as wrong at once, so that parallel guesses find the
        wait already set."""
        with self.lock:
            if device is not None and self.devices.count(device, now) >= DEVICE_MAX_FAILURES:
                device = None
            if device is not None:
                wait = self.devices.wait(device, now)
            else:
                wait = max(self.clients.wait(client, now), self.account.wait(ACCOUNT, now))
            if wait <= 0:
                if device is not None:
                    self.devices.fail(device, now)
                else:
                    self.clients.fail(client, now)
                    self.account.fail(ACCOUNT, now)
            return Attempt(client, device, wait)

    def wait(self, attempt: Attempt, now: float) -> float:
        """The wait a wrong `attempt` earned for its source."""
        with self.lock:
            if attempt.device is not None:
                return self.devices.wait(attempt.device, now)
            return max(self.clients.wait(attempt.client, now), self.account.wait(ACCOUNT, now))

    def succeed(self, attempt: Attempt, device: str | None) -> None:
        """The password of `attempt` was right: clear its client's and device's counts, and take
        back the account's."""
        with self.lock:
            self.clients.clear(attempt.client)
            if device is not None:
                self.devices.clear(device)
            if attempt.device is None:
                self.account.take_back(ACCOUNT)

    # -- sessions --

    def open_session(self, now: float, password: str) -> str:
        """A new session id, valid while PASSWORD_HASH stays `password`."""
        sid = secrets.token_urlsafe(32)
        with self.lock:
            while self.sessions and now - next(iter(self.sessions.values()))[0] >= SESSION_LIFETIME_S:
                self.sessions.popitem(last=False)
            self.sessions[sid] = (now, password)
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return sid

    def valid(self, sid: Any, now: float, password: str) -> bool:
        if not isinstance(sid, str):
            return False
        with self.lock:
            entry = self.sessions.get(sid)
        return (
            entry is not None
            and now - entry[0] < SESSION_LIFETIME_S
            and hmac.compare_digest(entry[1], password)
        )

    def close_session(self, sid: Any) -> None:
        if isinstance(sid, str):
            with self.lock:
                self.sessions.pop(sid, None)


def client_key(address: str | None) -> str:
    """Who a client is for wrong passwords: its IPv4 address, or the /64 network of its IPv6
    address (one host is given a whole /64), an IPv4-mapped address as IPv4."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "?"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt="graphcrm-device")


def _device() -> str | None:
    """The id in this browser's device cookie, if this server signed it within its lifetime."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    try:
        device = _devices().loads(value, max_age=DEVICE_LIFETIME_S)
    except BadData:  # not signed by this server (or another secret key), or too old
        return None
    return device if isinstance(device, str) else None


def csrf_token() -> str:
    """The session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def init_app(app: Flask) -> None:
    app.extensions["graphcrm_access"] = Access()
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["logged_in"] = logged_in
    app.before_request(_guard)
    app.after_request(_headers)


def _access() -> Access:
    return current_app.extensions["graphcrm_access"]


def _password_key() -> str:
    """Which password a session was opened under: a keyed digest of PASSWORD_HASH."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, (current_app.config["PASSWORD_HASH"] or "").encode(), hashlib.sha256).hexdigest()


def logged_in() -> bool:
    """Whether this request carries a session the server still holds."""
    return _access().valid(session.get("sid"), time.monotonic(), _password_key())


def _guard() -> Any:
    if current_app.config["REQUIRE_LOGIN"] and request.endpoint != "auth.login" and not logged_in():
        if request.path.startswith("/api/"):
            return jsonify({"error": "login required"}), 401
        target = request.full_path if request.path != "/" else None
        return redirect(url_for("auth.login", next=target))
    if request.method in WRITING_METHODS:
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent, expected):
            abort(400, "the form has expired or did not come from this site: reload the page and try again")
    return None


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["REQUIRE_LOGIN"] and request.endpoint not in ("static", "vendor"):
        response.headers["Cache-Control"] = "no-store"
    return response


def safe_next(target: str) -> str | None:
    """`target` if it is a path on this site, else None: no open redirect through `?next=`
    (`//host`, `/\\host`, control characters that browsers drop, schemes)."""
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method != "POST":  # GET, and HEAD (which Flask sends here too)
        return render_template("auth/login.html", error=None)
    access = _access()
    device = _device()
    attempt = access.admit(client_key(request.remote_addr), device, time.monotonic())
    if attempt.wait > 0:  # refused before the password is looked at: no worker waits
        seconds = math.ceil(attempt.wait)
        error = f"Too many wrong passwords: wait {seconds} s and try again."
        return render_template("auth/login.html", error=error), 429, {"Retry-After": str(seconds)}
    if not check_password_hash(current_app.config["PASSWORD_HASH"] or "", request.form.get("password", "")):
        wait = math.ceil(access.wait(attempt, time.monotonic()))
        return render_template("auth/login.html", error=f"Wrong password. The next is checked in {wait} s.")
    access.succeed(attempt, device)
    access.close_session(session.get("sid"))
    session.clear()  # a new CSRF token too
    session["sid"] = access.open_session(time.monotonic(), _password_key())
    target = safe_next(request.args.get("next") or "")
    response = redirect(target or url_for("home.index"))
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps(device or secrets.token_urlsafe(16)),
        max_age=DEVICE_LIFETIME_S,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    _access().close_session(session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))
