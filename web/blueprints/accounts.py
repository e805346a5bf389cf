"""Account: its people as a stakeholder map, with hidden influencers, gatekeepers, figureheads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm.directory import account
from graphcrm.influencers import influencers
from graphcrm.network import account_map

from ..db import get_store
from ..graphs import vis_data
from ..views import api

bp = Blueprint("accounts", __name__)


def _answers(account_id: str) -> dict[str, Any]:
    store = get_store()
    detail = account(store, account_id)
    influence = influencers(store, account_id) if detail.is_account else None
    return {
        "account": detail,
        "influence": influence,
        "picture": account_map(store, account_id, limit=current_app.config["NODE_LIMIT"]),
    }


@bp.route("/accounts/<path:account_id>")
def show(account_id: str) -> Any:
    answers = _answers(account_id)
    return render_template(
        "accounts/show.html", graph=vis_data(answers.pop("picture"), hierarchical=True), **answers
    )


@bp.route("/api/accounts/<path:account_id>")
def show_api(account_id: str) -> Any:
    return api(**_answers(account_id))
