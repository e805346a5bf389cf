"""The viewer: a Flask app over the graphcrm library, one blueprint per area.

`create_app(config)` builds it; `graphcrm serve` runs it with waitress. Bound to 127.0.0.1 by
default; served on any other address it requires a login (see `web.auth`). The web layer never
writes Cypher: every page and its `/api/...` twin call the same library function.

Its modules import each other relatively: installed, this folder is `graphcrm.web`, and the
type checker reads it where it lies, as `web`.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Flask, jsonify, render_template, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException
from werkzeug.routing import PathConverter

from graphcrm import words
from graphcrm.errors import InvalidValue, NotFound, Unavailable, UserError
from graphcrm.next_steps import first_ask

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def is_loopback(host: str) -> bool:
    """Whether `host` is only reachable from this machine (`::ffff:127.0.0.1`, 127.0.0.1 written
    as IPv6, too: Python 3.12 does not count it as loopback)."""
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class NeedsLogin(UserError, RuntimeError):
    """Serving beyond this machine without a password hash to log in with."""


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with Chinese names readable in /api/... rather than escaped."""

    ensure_ascii = False


class RecordIdConverter(PathConverter):
    """`<path:...>` for record ids, which may hold `/`: links write it as `%2F`, so that an id
    such as `x/../../import` stays one segment and a browser does not resolve its `..` into
    another page's address (the server decodes it back before routing)."""

    def to_url(self, value: Any) -> str:
        return quote(str(value), safe="!$&'()*+,:;=@")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The viewer app. Config: DB (URL or folder), HOST, PASSWORD_HASH, SECRET_KEY, NODE_LIMIT,
    ALLOWED_HOSTS (names it answers to besides HOST and loopback: see `web.hosts`), UPLOAD_DIR
    (default: a private folder of this server's, see `blueprints.imports.private_folder`)."""
    app = Flask(__name__)
    app.url_map.converters["path"] = RecordIdConverter
    app.config.from_mapping(
        DB=None,
        HOST="127.0.0.1",
        ALLOWED_HOSTS=[n.strip() for n in os.environ.get("GRAPHCRM_ALLOWED_HOSTS", "").split(",")],
        UPLOAD_DIR=None,
        SECRET_KEY=os.environ.get("GRAPHCRM_SECRET_KEY") or secrets.token_hex(32),
        PASSWORD_HASH=os.environ.get("GRAPHCRM_PASSWORD_HASH"),
        REQUIRE_LOGIN=None,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        NODE_LIMIT=1500,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    app.json = JSONProvider(app)
    if app.config["REQUIRE_LOGIN"] is None:
        app.config["REQUIRE_LOGIN"] = not is_loopback(app.config["HOST"])
    if app.config["REQUIRE_LOGIN"] and not app.config["PASSWORD_HASH"]:
        raise NeedsLogin(
            f"serving on {app.config['HOST']} (beyond this machine) needs a login: "
            "set GRAPHCRM_PASSWORD_HASH "
            "to the output of `graphcrm hash-password`"
        )

    from . import auth, db, hosts
    from .blueprints import accounts, edits, home, imports, opportunities, paths, people, referrals, steps

    db.init_app(app)
    hosts.init_app(app)  # first: a request to a name the viewer is not served as reads nothing
    auth.init_app(app)
    for blueprint in (
        home.bp,
        accounts.bp,
        opportunities.bp,
        paths.bp,
        referrals.bp,
        people.bp,
        imports.bp,
        edits.bp,
        steps.bp,
    ):
        app.register_blueprint(blueprint)
    # The seller's words (graphcrm/words.py) for every template: one place for each label.
    app.jinja_env.globals.update(words=words, first_ask=first_ask)
    _errors(app)

    from .graphs import VIS_DIR

    @app.route("/vendor/<any('vis-network.min.js', 'vis-network.css'):filename>")
    def vendor(filename: str) -> Any:
        """vis-network from pyvis's own package: no page loads anything from another host."""
        return send_from_directory(VIS_DIR, filename, max_age=3600)

    @app.route("/favicon.ico")
    def favicon() -> Any:
        return "", 204

    return app


def _errors(app: Flask) -> None:
    """A user's mistake as a page (or JSON under /api) with its message, status from `_status`.
    Any other exception is a bug: Flask logs it and answers 500, without the stack trace."""

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    def page(status: int, title: str, message: str) -> Any:
        if wants_json():
            return jsonify({"error": message}), status
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(UserError)
    def user_error(exc: UserError) -> Any:
        status, title = _status(exc)
        return page(status, title, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        return page(exc.code or 500, exc.name, exc.description or exc.name)


def _status(error: UserError) -> tuple[int, str]:
    """An unknown id is 404, a database that cannot be reached 503, any other mistake 400."""
    if isinstance(error, NotFound):
        return 404, "Not found"
    if isinstance(error, InvalidValue):  # before Unavailable: a store's BadParameter is both
        return 400, "Bad request"
    if isinstance(error, Unavailable):
        return 503, "Database unavailable"
    return 400, "Bad request"
