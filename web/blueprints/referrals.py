"""Referrals: the cascade from won accounts as a tree, generations and values.

One `graphcrm.referrals.answer` per page, listed and drawn (`referrals.picture`); `from` takes
an account's name or id.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm import lookup, referrals

from ..db import get_store
from ..graphs import vis_data
from ..views import api, arg_text

bp = Blueprint("referrals", __name__)


def _answers() -> dict[str, Any]:
    store = get_store()
    report = referrals.answer(store, lookup.optional(store, arg_text("from"), "account"))
    return {"report": report, "picture": referrals.picture(report, limit=current_app.config["NODE_LIMIT"])}


@bp.route("/referrals")
def show() -> Any:
    answers = _answers()
    return render_template(
        "referrals/show.html",
        report=answers["report"],
        graph=vis_data(answers["picture"], hierarchical=True),
        root=arg_text("from"),
    )


@bp.route("/api/referrals")
def show_api() -> Any:
    return api(**_answers())
