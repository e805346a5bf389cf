"""Access: a login when served beyond this machine, CSRF tokens on every form, slowed guessing.

On 127.0.0.1 (the default) nobody else can reach the viewer and no login is asked. On any other
address every route — pages, `/api/...` and static files — needs a session from `/login`
(password checked against PASSWORD_HASH, made by `graphcrm hash-password`). The session cookie
is HttpOnly and SameSite=Lax. Each wrong password adds a second of delay for that client
(capped at 5 s). Every POST, logged in or not, must carry the session's CSRF token.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from typing import Any

from flask import (
    Blueprint,
    Flask,
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
_failures: dict[str, int] = {}
_lock = threading.Lock()


def csrf_token() -> str:
    """The session's CSRF token, made on first use."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.before_request(_guard)


def _guard() -> Any:
    if request.method == "POST":
        sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
        expected = session.get("csrf", "")
        if not expected or not hmac.compare_digest(sent, expected):
            abort(400, "the form has expired or did not come from this site: reload the page and try again")
    if not current_app.config["REQUIRE_LOGIN"] or session.get("user") or request.endpoint == "auth.login":
        return None
    if request.path.startswith("/api/"):
        return jsonify({"error": "login required"}), 401
    return redirect(url_for("auth.login", next=request.full_path if request.path != "/" else None))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = None
    if request.method == "POST":
        client = request.remote_addr or "?"
        if check_password_hash(current_app.config["PASSWORD_HASH"] or "", request.form.get("password", "")):
            with _lock:
                _failures.pop(client, None)
            session.clear()
            session["user"] = "user"
            target = request.args.get("next") or ""
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else url_for("home.index")
            )
        with _lock:
            _failures[client] = _failures.get(client, 0) + 1
            delay = min(float(_failures[client]), MAX_DELAY_S)
        time.sleep(delay)
        error = "Wrong password."
    return render_template("auth/login.html", error=error)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
