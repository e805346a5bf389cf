"""Home: the accounts with their open opportunities and coverage; search by name."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from graphcrm.directory import accounts_overview, opportunities, search

from ..db import get_store
from ..views import api, arg_text

bp = Blueprint("home", __name__)


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
