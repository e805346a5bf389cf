"""Opportunity: the committee's alliance map, support per stage, gaps, risks, next contacts.

One `graphcrm.committee.answer` per page: the page lists it and draws its `picture`; each
member links to the path finder with them as the target.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm import committee
from graphcrm.errors import NotFound
from graphcrm.schema import STAGES

from ..db import get_store
from ..graphs import vis_data
from ..names import to_id_page
from ..views import api, arg_text, settings

bp = Blueprint("opportunities", __name__)


def _answers(opportunity_id: str) -> dict[str, Any]:
    stage = arg_text("stage")  # `committee` refuses an unknown one (InvalidValue, a 400)
    report = committee.answer(get_store(), opportunity_id, stage=stage, settings=settings())
    picture = committee.picture(report, limit=current_app.config["NODE_LIMIT"])
    return {"committee": report, "picture": picture}


@bp.route("/opportunities/<path:opportunity_id>")
def show(opportunity_id: str) -> Any:
    try:
        answers = _answers(opportunity_id)
    except NotFound as exc:
        return to_id_page(opportunity_id, "opportunity", "opportunities.show", "opportunity_id", exc)
    return render_template(
        "opportunities/show.html",
        graph=vis_data(answers["picture"]),
        stages=STAGES,
        report=answers["committee"],
    )


@bp.route("/api/opportunities/<path:opportunity_id>")
def show_api(opportunity_id: str) -> Any:
    return api(**_answers(opportunity_id))
