"""Opportunity: the committee's alliance map, support per stage, gaps, risks, next contacts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template

from graphcrm.committee import committee
from graphcrm.network import committee_map
from graphcrm.schema import STAGES

from ..db import get_store
from ..graphs import LEGEND, vis_data
from ..views import api, arg_text, settings

bp = Blueprint("opportunities", __name__)


def _answers(opportunity_id: str) -> dict[str, Any]:
    stage = arg_text("stage")  # `committee` refuses an unknown one (InvalidValue, a 400)
    store = get_store()
    report = committee(store, opportunity_id, stage=stage, settings=settings())
    limit = current_app.config["NODE_LIMIT"]
    picture = committee_map(store, opportunity_id, stage=stage, limit=limit, report=report)
    return {"committee": report, "picture": picture}


@bp.route("/opportunities/<path:opportunity_id>")
def show(opportunity_id: str) -> Any:
    answers = _answers(opportunity_id)
    return render_template(
        "opportunities/show.html",
        graph=vis_data(answers["picture"]),
        legend=LEGEND,
        stages=STAGES,
        report=answers["committee"],
    )


@bp.route("/api/opportunities/<path:opportunity_id>")
def show_api(opportunity_id: str) -> Any:
    return api(**_answers(opportunity_id))
