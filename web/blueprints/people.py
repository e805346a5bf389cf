"""Person: profile, trust information, committees, and the ego network (1-2 hops)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm.directory import person_profile
from graphcrm.network import ego_network
from web.db import get_store
from web.graphs import vis_data
from web.views import api, arg_int

bp = Blueprint("people", __name__)


def _answers(person_id: str) -> dict[str, Any]:
    store = get_store()
    hops = arg_int("hops", 1, 1, 2)
    return {
        "profile": person_profile(store, person_id),
        "picture": ego_network(store, person_id, hops=hops, limit=current_app.config["NODE_LIMIT"]),
    }


@bp.route("/people/<path:person_id>")
def show(person_id: str) -> Any:
    answers = _answers(person_id)
    return render_template(
        "people/show.html",
        profile=answers["profile"],
        graph=vis_data(answers["picture"]),
        hops=arg_int("hops", 1, 1, 2),
    )


@bp.route("/api/people/<path:person_id>")
def show_api(person_id: str) -> Any:
    return api(**_answers(person_id))
