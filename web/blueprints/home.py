"""Home: the accounts with their open opportunities and coverage; search, and suggestions as
the user types (the header's search box and every `<input data-suggest=…>`, web/static/suggest.js)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from flask import Blueprint, render_template, url_for

from graphcrm.directory import Hit, accounts_overview, opportunities, search
from graphcrm.names import Kind

from ..db import get_store
from ..views import api, arg_text

bp = Blueprint("home", __name__)

SUGGESTIONS = 10  # as many as a list under a text box shows without scrolling


@bp.app_template_global()
def hit_url(hit: Hit) -> str:
    """The page of a search hit: a person's, an account's (an organisation's too), an
    opportunity's."""
    if hit.kind == "person":
        return url_for("people.show", person_id=hit.id)
    if hit.kind == "opportunity":
        return url_for("opportunities.show", opportunity_id=hit.id)
    return url_for("accounts.show", account_id=hit.id)


@bp.route("/")
def index() -> Any:
    return render_template(
        "home/index.html", accounts=accounts_overview(get_store()), opportunities=opportunities(get_store())
    )


@bp.route("/api/accounts")
def index_api() -> Any:
    return api(accounts=accounts_overview(get_store()), opportunities=opportunities(get_store()))


@bp.route("/search")
def find() -> Any:
    text = arg_text("q") or ""
    return render_template("home/search.html", q=text, hits=search(get_store(), text))


@bp.route("/api/search")
def find_api() -> Any:
    return api(hits=search(get_store(), arg_text("q") or ""))


@bp.route("/api/suggest")
def suggest() -> Any:
    """What the text typed so far names (`q`), closest first, at most `SUGGESTIONS`, each with
    its page: `?q=zhaozg&kind=person` (kind: person, account, org or opportunity; any without)."""
    kind = cast(Kind | None, arg_text("kind"))  # `search` refuses any other kind (400)
    hits = search(get_store(), arg_text("q") or "", limit=SUGGESTIONS, kind=kind)
    return api(suggestions=[{**dataclasses.asdict(hit), "url": hit_url(hit)} for hit in hits])
