"""My next steps, and asking for an introduction from a path: thin views over
graphcrm.next_steps and graphcrm.intros."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from graphcrm import intros, lookup, next_steps, paths
from graphcrm.directory import reps
from graphcrm.errors import InvalidValue

from ..db import get_store
from ..views import api, arg_text, settings

bp = Blueprint("steps", __name__)
MAX_PATH = 10


@bp.route("/next")
def index() -> Any:
    rep = arg_text("rep")
    report = next_steps.answer(get_store(), rep=rep, settings=settings())
    return render_template("steps/index.html", report=report, reps=reps(get_store()), rep=rep)


@bp.route("/api/next")
def index_api() -> Any:
    return api(next_steps=next_steps.answer(get_store(), rep=arg_text("rep"), settings=settings()))


@bp.route("/intros/new")
def new_intro() -> Any:
    draft, path, number = _draft(request.args)
    return render_template("steps/intro.html", draft=draft, path=path, number=number, asked=request.args)


@bp.route("/intros", methods=["POST"])
def record_intro() -> Any:
    draft, _path, _number = _draft(request.form)
    message = request.form.get("message", draft.text)
    intros.ask(
        get_store(), dataclasses.replace(draft, text=message), opportunity=_text(request.form, "opportunity")
    )
    return redirect(url_for("steps.index", rep=_text(request.form, "rep")) + "#asks")


@bp.route("/intros/<ask_id>/status", methods=["POST"])
def intro_status(ask_id: str) -> Any:
    intros.set_status(get_store(), ask_id, request.form.get("status", ""))
    return redirect(url_for("steps.index", rep=_text(request.form, "rep")) + "#asks")


@bp.route("/api/intros", methods=["GET"])
def intros_api() -> Any:
    return api(asks=intros.asks(get_store(), status=arg_text("status")))


@bp.route("/api/intros", methods=["POST"])
def record_intro_api() -> Any:
    """Record an ask: JSON {"target": name or id, "path": n (from 1), "from": rep, "message": …}."""
    body = _json()
    draft, _path, _number = _draft(body)
    message = body.get("message") or draft.text
    if not isinstance(message, str):
        raise InvalidValue("message: expected text")
    ask = intros.ask(
        get_store(), dataclasses.replace(draft, text=message), opportunity=_text(body, "opportunity")
    )
    return api(ask=ask, draft=draft)


@bp.route("/api/intros/<ask_id>", methods=["PATCH"])
def intro_status_api(ask_id: str) -> Any:
    status = _json().get("status")
    if not isinstance(status, str):
        raise InvalidValue('status: send JSON such as {"status": "introduced"}')
    return api(ask=intros.set_status(get_store(), ask_id, status))


def _draft(values: Any) -> tuple[intros.Draft, paths.WarmPath, int]:
    """The draft of the first ask of path number `path` (from 1) to `target` (from `from`)."""
    target = _text(values, "target")
    if target is None:
        raise InvalidValue("target is required: the person the path leads to (a name or id)")
    raw = _text(values, "path") or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PATH:
        raise InvalidValue(f"path must be a whole number from 1 to {MAX_PATH} (got {raw!r})")
    number = int(raw)
    store = get_store()
    target_id, source = lookup.one(store, target), lookup.optional(store, _text(values, "from"))
    report = paths.answer(store, target_id, source=source, k=max(number, 3), settings=settings())
    if number > len(report.paths):
        raise InvalidValue(f"path {number}: there are {len(report.paths)} warm paths to {report.target.name}")
    path = report.paths[number - 1]
    return intros.draft(path, about=_text(values, "about")), path, number


def _text(values: Any, name: str) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int):
        raise InvalidValue(f"{name}: expected text")
    return str(value).strip() or None


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidValue("send a JSON object")
    return body
