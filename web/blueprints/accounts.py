"""Account: its people as a stakeholder map, with hidden influencers, gatekeepers, figureheads.

The influence analysis runs once per page: its report is listed and drawn
(`graphcrm.influencers.picture`). Another organisation (a supplier, say) has no analysis: its
org chart is drawn. The page is also found by the account's name (a redirect to its id).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm import influencers, words
from graphcrm.directory import account
from graphcrm.errors import NotFound

from ..db import get_store
from ..graphs import vis_data
from ..names import to_id_page
from ..views import api

bp = Blueprint("accounts", __name__)


def _answers(account_id: str) -> dict[str, Any]:
    store = get_store()
    detail = account(store, account_id)
    influence = influencers.answer(store, account_id) if detail.is_account else None
    drawn = influence if influence is not None else influencers.org_chart(store, account_id)
    picture = influencers.picture(drawn, limit=current_app.config["NODE_LIMIT"])
    return {"account": detail, "influence": influence, "picture": picture}


@bp.app_template_global()
def reaches(chart: influencers.OrgChart) -> dict[str, str]:
    """How our team reaches each person of an org chart, in words ("via 王磊, 2 steps")."""
    return {
        p.id: words.reach(p.cover.rep_name, p.cover.hops) if p.cover else words.reach(None, None)
        for p in chart.people
    }


@bp.route("/accounts/<path:account_id>")
def show(account_id: str) -> Any:
    try:
        answers = _answers(account_id)
    except NotFound as exc:
        return to_id_page(account_id, "account", "accounts.show", "account_id", exc)
    return render_template(
        "accounts/show.html", graph=vis_data(answers.pop("picture"), hierarchical=True, cards=True), **answers
    )


@bp.route("/api/accounts/<path:account_id>")
def show_api(account_id: str) -> Any:
    return api(**_answers(account_id))
