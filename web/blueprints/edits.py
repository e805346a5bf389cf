"""Recording what a user learns, in the page and as a JSON API, and the "What changed" page:
thin views over graphcrm.edits and graphcrm.history."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("edits", __name__)
