"""Path finder: warm paths to a person hop by hop, chains of asks, and brokers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from graphcrm.chains import brokers, chains
from graphcrm.directory import reps
from graphcrm.errors import InvalidValue
from graphcrm.network import path_picture
from graphcrm.paths import warm_paths

from ..db import get_store
from ..graphs import vis_data
from ..views import api, arg_int, arg_text, settings

bp = Blueprint("paths", __name__)


def _answers() -> dict[str, Any]:
    target, source = arg_text("target"), arg_text("from")
    if target is None:
        return {}
    store = get_store()
    report = warm_paths(
        store,
        target,
        source=source,
        k=arg_int("k", 3, 1, 10),
        max_hops=arg_int("max_hops", 5, 1, 6),
        strict=bool(arg_text("strict")),
        settings=settings(),
    )
    return {"paths": report, "chains": chains(store, target, source=source, settings=settings())}


@bp.route("/paths")
def find() -> Any:
    answers = _answers()
    graph = vis_data(path_picture(answers["paths"])) if answers else None
    return render_template(
        "paths/find.html",
        graph=graph,
        reps=reps(get_store()),
        target=arg_text("target"),
        source=arg_text("from"),
        **answers,
    )


@bp.route("/api/paths")
def find_api() -> Any:
    if arg_text("target") is None:
        raise InvalidValue("target is required: the id of the person to reach")
    return api(**_answers())


def _brokers() -> Any:
    among = [p.strip() for p in (arg_text("among") or "").split(",") if p.strip()]
    opportunity = arg_text("opportunity")
    if not among and opportunity is None:
        return None
    return brokers(get_store(), among=among, opportunity=opportunity)


@bp.route("/brokers")
def brokers_page() -> Any:
    return render_template(
        "paths/brokers.html", report=_brokers(), among=arg_text("among"), opportunity=arg_text("opportunity")
    )


@bp.route("/api/brokers")
def brokers_api() -> Any:
    return api(brokers=_brokers())
