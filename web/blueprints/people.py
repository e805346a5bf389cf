"""Person: profile, trust information, committees, and the neighbourhood (1-2 hops); everything
held on them as a download, and forgetting them (a confirm page, then a POST with the CSRF token)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from graphcrm import neighbourhood
from graphcrm.directory import person_profile
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.export import person_json
from graphcrm.privacy import forget

from ..db import get_store
from ..graphs import vis_data
from ..names import to_id_page
from ..views import api, arg_int

bp = Blueprint("people", __name__)


def _answers(person_id: str) -> dict[str, Any]:
    store = get_store()
    hops = arg_int("hops", 1, 1, 2)
    profile = person_profile(store, person_id)
    around = neighbourhood.answer(store, person_id, hops=hops, limit=current_app.config["NODE_LIMIT"])
    return {"profile": profile, "picture": neighbourhood.picture(around)}


@bp.route("/people/<path:person_id>")
def show(person_id: str) -> Any:
    """The person's page; addressed by a name (or email) instead of an id, a redirect to it."""
    try:
        answers = _answers(person_id)
    except NotFound as exc:
        return to_id_page(person_id, "person", "people.show", "person_id", exc)
    return render_template(
        "people/show.html",
        profile=answers["profile"],
        graph=vis_data(answers["picture"]),
        hops=arg_int("hops", 1, 1, 2),
    )


@bp.route("/api/people/<path:person_id>")
def show_api(person_id: str) -> Any:
    return api(**_answers(person_id))


@bp.route("/people/<path:person_id>/record.json")
def record(person_id: str) -> Any:
    """Everything held on the person, as the JSON file `graphcrm export --person` writes."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in person_id)
    return Response(
        person_json(get_store(), person_id),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="person-{safe}.json"'},
    )


@bp.route("/people/<path:person_id>/forget", methods=["GET"])
def forget_confirm(person_id: str) -> Any:
    """The confirm step: what forgetting would remove (a dry run)."""
    return render_template("people/forget.html", report=forget(get_store(), person_id, dry_run=True))


@bp.route("/people/<path:person_id>/forget", methods=["POST"])
def forget_person(person_id: str) -> Any:
    """Forget the person (after the confirm page), and report what was removed."""
    _confirmed()
    return render_template("people/forget.html", report=forget(get_store(), person_id))


@bp.route("/api/people/<path:person_id>/forget", methods=["GET"])
def forget_confirm_api(person_id: str) -> Any:
    return api(forget=forget(get_store(), person_id, dry_run=True))


@bp.route("/api/people/<path:person_id>/forget", methods=["POST"])
def forget_person_api(person_id: str) -> Any:
    _confirmed()
    return api(forget=forget(get_store(), person_id))


def _confirmed() -> None:
    if request.form.get("confirm") != "yes" and request.args.get("confirm") != "yes":
        raise InvalidValue("forgetting a person cannot be undone: confirm with confirm=yes")
