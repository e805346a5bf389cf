"""Access: a login when served beyond this machine, CSRF tokens on every form, slowed guessing.

On 127.0.0.1 (the default) nobody else can reach the viewer and no login is asked. On any other
address every route — pages, `/api/...`, static files and `/vendor`, known or not — needs a
session from `/login` (password checked against PASSWORD_HASH, made by `graphcrm hash-password`);
`/login` is the only open route. Without a session a page redirects to `/login` and `/api/...`
answers 401 JSON.

- **Sessions are held on the server.** Flask's session is a signed cookie that the server
  cannot take back, so the cookie carries only a random session id, valid while the server
  holds it: logout forgets it (a copy of the old cookie then opens nothing), a change of
  PASSWORD_HASH ends every session, and so does a restart. A session lasts at most
  SESSION_LIFETIME_S; the table holds at most MAX_SESSIONS (the oldest go first).
- **Wrong passwords are slowed**, per client address: the n-th failure in a row waits n seconds
  (capped at MAX_DELAY_S) before the answer, and until that delay has passed no password from
  that client is checked at all (429), so parallel guesses gain nothing. A right password
  clears the count; a count is forgotten FAILURE_MEMORY_S after its last failure, and the table
  keeps at most MAX_CLIENTS addresses (the least recently failed go first), so an attacker
  cycling source addresses cannot grow it without end.
- **Every POST**, logged in or not, must carry the session's CSRF token; a new one is made at
  login. The session cookie is HttpOnly and SameSite=Lax.
- **Response headers**: a Content-Security-Policy allowing scripts from this site only (no inline
  script runs even if some text were ever rendered as HTML), no framing, no MIME sniffing, no
  referrer to other sites; with a login, pages are not cached (the back button after logout
  shows nothing held on people).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import OrderedDict
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
from werkzeug.security import check_password_hash

bp = Blueprint("auth", __name__)
MAX_DELAY_S = 5.0
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
    """One client's wrong passwords in a row, when the last came, and until when it must wait."""

    count: int = 0
    last: float = 0.0
    until: float = 0.0


class Access:
    """The server-side state of access for one app: live sessions and failed logins."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures: OrderedDict[str, Failures] = OrderedDict()  # least recently failed first
        self.sessions: OrderedDict[str, tuple[float, str]] = OrderedDict()  # id -> (start, password)

    # -- wrong passwords --

    def wait(self, client: str, now: float) -> float:
        """Seconds `client` must still wait before its next password is checked."""
        with self.lock:
            entry = self.failures.get(client)
            return max(0.0, entry.until - now) if entry else 0.0

    def fail(self, client: str, now: float) -> float:
        """Count a wrong password from `client`; return the delay it earns."""
        with self.lock:
            self._forget_old(now)
            entry = self.failures.pop(client, None) or Failures()
            entry.count += 1
            delay = min(float(entry.count), MAX_DELAY_S)
            entry.last, entry.until = now, now + delay
            self.failures[client] = entry
            while len(self.failures) > MAX_CLIENTS:
                self.failures.popitem(last=False)
            return delay

    def succeed(self, client: str) -> None:
        with self.lock:
            self.failures.pop(client, None)

    def _forget_old(self, now: float) -> None:
        while self.failures:
            oldest = next(iter(self.failures.values()))
            if now - oldest.last < FAILURE_MEMORY_S:
                return
            self.failures.popitem(last=False)

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
    if request.method == "POST":
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
    error, status = None, 200
    if request.method == "POST":
        client = request.remote_addr or "?"
        access = _access()
        wait = access.wait(client, time.monotonic())
        if wait > 0:
            error, status = f"Too many wrong passwords: wait {math.ceil(wait)} s and try again.", 429
        elif check_password_hash(current_app.config["PASSWORD_HASH"] or "", request.form.get("password", "")):
            access.succeed(client)
            access.close_session(session.get("sid"))
            session.clear()  # a new CSRF token too
            session["sid"] = access.open_session(time.monotonic(), _password_key())
            target = safe_next(request.args.get("next") or "")
            return redirect(target or url_for("home.index"))
        else:
            time.sleep(access.fail(client, time.monotonic()))
            error = "Wrong password."
    return render_template("auth/login.html", error=error), status


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    _access().close_session(session.get("sid"))
    session.clear()
    return redirect(url_for("auth.login"))
