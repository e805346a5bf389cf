"""Path finder: warm paths to a person hop by hop, chains of asks, and brokers.

The forms take names (`web.names`): the target, the start and the parties are turned into ids
once, then `graphcrm.paths`, `graphcrm.chains` and `graphcrm.brokers` answer, and the page
draws `paths.picture` of the very report it lists.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from graphcrm import brokers, chains, lookup, paths
from graphcrm.directory import reps
from graphcrm.errors import InvalidValue

from ..db import get_store
from ..graphs import vis_data
from ..names import answered
from ..views import api, arg_int, arg_text, settings

bp = Blueprint("paths", __name__)


def _answers() -> dict[str, Any]:
    typed = arg_text("target")
    if typed is None:
        return {}
    store = get_store()
    target = lookup.one(store, typed)
    source = lookup.optional(store, arg_text("from"))
    report = paths.answer(
        store,
        target,
        source=source,
        k=arg_int("k", 3, 1, 10),
        max_hops=arg_int("max_hops", 5, 1, 6),
        strict=bool(arg_text("strict")),
        settings=settings(),
    )
    return {"paths": report, "chains": chains.answer(store, target, source=source, settings=settings())}


@bp.route("/paths")
def find() -> Any:
    answers, unresolved = answered(_answers, ("target", "from"))
    answers = answers or {}
    page = render_template(
        "paths/find.html",
        graph=vis_data(paths.picture(answers["paths"]), layered=True) if answers else None,
        reps=reps(get_store()),
        target=arg_text("target"),
        source=arg_text("from"),
        problem=unresolved,
        **answers,
    )
    return page, unresolved.status if unresolved else 200


@bp.route("/api/paths")
def find_api() -> Any:
    if arg_text("target") is None:
        raise InvalidValue("target is required: the id of the person to reach")
    return api(**_answers())


def _brokers() -> brokers.BrokerReport | None:
    among, opportunity = lookup.split(arg_text("among")), arg_text("opportunity")
    if not among and opportunity is None:
        return None
    store = get_store()
    return brokers.answer(
        store,
        among=lookup.several(store, among),
        opportunity=lookup.optional(store, opportunity, "opportunity"),
    )


@bp.route("/brokers")
def brokers_page() -> Any:
    report, unresolved = answered(_brokers, ("among", "opportunity"))
    page = render_template(
        "paths/brokers.html",
        report=report,
        among=arg_text("among"),
        opportunity=arg_text("opportunity"),
        problem=unresolved,
    )
    return page, unresolved.status if unresolved else 200


@bp.route("/api/brokers")
def brokers_api() -> Any:
    return api(brokers=_brokers())
