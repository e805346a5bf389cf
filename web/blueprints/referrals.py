"""Referrals: the cascade from won accounts as a tree, generations and values, the best
referrers and the people who made the referrals, and the won accounts to ask next.

One `graphcrm.referrals.answer` per page, listed and drawn (`referrals.picture`); `from` takes
an account's name or id (a name matching several or none keeps the form and says so).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm import lookup, referrals

from ..db import get_store
from ..graphs import vis_data
from ..names import answered
from ..views import api, arg_text

bp = Blueprint("referrals", __name__)


def _answers() -> dict[str, Any]:
    store = get_store()
    report = referrals.answer(store, lookup.optional(store, arg_text("from"), "account"))
    return {"report": report, "picture": referrals.picture(report, limit=current_app.config["NODE_LIMIT"])}


@bp.route("/referrals")
def show() -> Any:
    answers, unresolved = answered(_answers, ("from",))
    page = render_template(
        "referrals/show.html",
        report=answers["report"] if answers else None,
        graph=vis_data(answers["picture"], hierarchical=True) if answers else None,
        root=arg_text("from"),
        problem=unresolved,
    )
    return page, unresolved.status if unresolved else 200


@bp.route("/api/referrals")
def show_api() -> Any:
    return api(**_answers())
