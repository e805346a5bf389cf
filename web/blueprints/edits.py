"""Recording what a user learns, in the page and as a JSON API, and the "What changed" pages:
thin views over graphcrm.edits and graphcrm.history.

Every edit is one library function, called here by a form (the person page's profile, ties and
"log a contact" forms; the account page's tier and status; the seat page) and by its JSON twin:

| API | body | library |
|---|---|---|
| `PATCH /api/people/<id>` (`POST /api/people` with `id`) | name, org, title, … | `set_person` |
| `POST /api/ties` | a, b, type, strength, context | `set_tie` |
| `DELETE /api/ties` (or `POST /api/ties/remove`) | a, b, type | `remove_tie` |
| `POST /api/contacts` | a, b, date, kind, note | `log_contact` |
| `POST /api/seats` | opportunity, person, roles, attitude, stance, influence, stage_influence | `set_seat` |
| `PATCH /api/accounts/<id>` | tier, status | `set_account` |
| `PATCH /api/opportunities/<id>` | stage, status | `set_opportunity` |
| `GET /api/history?record=…&since=…` | | `history` |

The CSRF token rides as for every writing request (`web.auth`: the form's `csrf_token`, or the
`X-CSRF-Token` header from `/api/csrf-token`). A user's mistake is a 400 with `{"error": …}`
(an unknown or ambiguous name also lists `choices`); a form is shown again with the message and
what was typed. Who edited (`who`): the OS user of the server when it is served on this machine
only; behind the login, which has one password for everyone, the client's address.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from graphcrm import edits, words
from graphcrm.directory import opportunities, person_profile
from graphcrm.errors import InvalidValue, NotFound, UserError
from graphcrm.history import day_words, history, record_id
from graphcrm.names import Ambiguous, NoMatch, resolve
from graphcrm.schema import (
    ACCOUNT_STATUSES,
    ATTITUDES,
    OPPORTUNITY_STATUSES,
    STAGES,
    STANCES,
    TIE_TYPES,
    TIERS,
)

from ..auth import client_key, safe_next
from ..db import get_store
from ..views import api, arg_text

bp = Blueprint("edits", __name__)

PERSON_FORM = ("name", "org", *edits.PERSON_FIELDS[1:])
TIE_FORM = ("strength", "context")
CONTACT_FORM = ("date", "kind", "note")
SEAT_FORM = edits.SEAT_FIELDS


@bp.app_context_processor
def _words() -> dict[str, Any]:
    """What the edit forms show, for every template (the person and account pages hold forms)."""
    return {
        "tie_choices": tie_choices,
        "contact_kinds": lambda: tuple(edits.CONTACT_WEIGHTS),
        "day_words": day_words,
        "warmth": words.warmth,
        "tie_words": words.tie,
        "account_tiers": TIERS,
        "account_statuses": ACCOUNT_STATUSES,
    }


def tie_choices() -> list[tuple[str, str]]:
    """The tie types a form offers, in words, read from the person whose page it is."""
    choices = [(t, words.tie(t)) for t in TIE_TYPES if t != "TIED_TO"]
    return [*choices, ("listens to", "listens to"), ("manages", "manages")]


def who() -> str:
    """Who is editing, for the history (see the module)."""
    if current_app.config["REQUIRE_LOGIN"]:
        return f"viewer@{client_key(request.remote_addr)}"
    return edits.default_user()


def _body(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object of an API request, with only `allowed` fields (else a 400 naming them)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidValue("send a JSON object (Content-Type: application/json)")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InvalidValue(f"unknown field {', '.join(map(repr, unknown))} (expected {', '.join(allowed)})")
    return body


def _answer(run: Callable[[], edits.Edit]) -> Any:
    """Run an edit for the API: its entries as JSON, or the user's mistake as a 400."""
    try:
        edit = run()
    except (Ambiguous, NoMatch) as exc:
        return api(error=str(exc), choices=exc.choices), 400
    except UserError as exc:
        return api(error=str(exc)), 400
    return api(edit=edit, text=edits.as_text(edit))


def _form(fields: tuple[str, ...]) -> dict[str, str]:
    """The form's values for `fields` (absent ones left out: left as they are)."""
    return {k: request.form[k] for k in fields if k in request.form}


def _page(run: Callable[[], edits.Edit], form: str, back: Callable[[], Any], done: str | None = None) -> Any:
    """Run an edit from a form: back to the page with what changed, or the page shown again
    (`back`) with the message and the input kept (`g.edit`, read by the templates)."""
    try:
        edit = run()
    except UserError as exc:
        choices = exc.choices if isinstance(exc, Ambiguous | NoMatch) else ()
        g.edit = {"form": form, "error": str(exc), "values": request.form.to_dict(), "choices": choices}
        page = back()
        return (page[0], 400) if isinstance(page, tuple) else (page, 400)
    flash(edits.as_text(edit))
    target = done or safe_next(request.form.get("next") or "") or url_for("home.index")
    return redirect(target, code=303)


def _person_page(person_id: str) -> Callable[[], Any]:
    def show() -> Any:
        from .people import show as person_page

        return person_page(person_id)

    return show


def _back() -> Callable[[], Any]:
    """The page a tie or contact form was on: the person page of `back`."""
    return _person_page(request.form.get("back", ""))


def _back_url(anchor: str) -> str | None:
    back = request.form.get("back")
    return url_for("people.show", person_id=back, _anchor=anchor) if back else None


# -- pages -----------------------------------------------------------------------------------------


@bp.route("/people/<path:person_id>/edit", methods=["POST"])
def person_form(person_id: str) -> Any:
    def run() -> edits.Edit:
        return edits.set_person(get_store(), person_id, by=who(), **_form(PERSON_FORM))

    return _page(run, "profile", _person_page(person_id), url_for("people.show", person_id=person_id))


@bp.route("/ties", methods=["POST"])
def tie_form() -> Any:
    def run() -> edits.Edit:
        f = request.form
        return edits.set_tie(
            get_store(), f.get("a", ""), f.get("b", ""), f.get("type", ""), by=who(), **_form(TIE_FORM)
        )

    return _page(run, "tie:" + request.form.get("row", "new"), _back(), _back_url("ties"))


@bp.route("/ties/remove", methods=["POST"])
def tie_remove_form() -> Any:
    def run() -> edits.Edit:
        f = request.form
        return edits.remove_tie(get_store(), f.get("a", ""), f.get("b", ""), f.get("type", ""), by=who())

    return _page(run, "tie:" + request.form.get("row", "new"), _back(), _back_url("ties"))


@bp.route("/contacts", methods=["POST"])
def contact_form() -> Any:
    def run() -> edits.Edit:
        f = request.form
        return edits.log_contact(
            get_store(),
            f.get("a", ""),
            f.get("b", ""),
            date=f.get("date"),
            kind=f.get("kind"),
            note=f.get("note"),
            by=who(),
        )

    return _page(run, "contact", _back(), _back_url("contact"))


@bp.route("/seats/edit", methods=["GET"])
def seat_page() -> Any:
    """A committee seat's form: `?opportunity=…&person=…` (names or ids) fill it in."""
    opportunity, person = arg_text("opportunity") or "", arg_text("person") or ""
    return _seat_form(opportunity, person, _seat(opportunity, person))


def _seat_form(opportunity: str, person: str, seat: Any) -> str:
    return render_template(
        "edits/seat.html",
        opportunity=opportunity,
        person=person,
        seat=seat,
        attitudes=ATTITUDES,
        stances=STANCES,
    )


def _seat(opportunity: str, person: str) -> Any:
    """The seat named, for the form's values (None when it is not there yet)."""
    if not person or not opportunity:
        return None
    store = get_store()
    try:
        pid, oid = resolve(store, person, "person"), resolve(store, opportunity, "opportunity")
    except UserError:
        return None
    return next((s for s in person_profile(store, pid).committees if s.opportunity_id == oid), None)


@bp.route("/seats/edit", methods=["POST"])
def seat_form() -> Any:
    def run() -> edits.Edit:
        f = request.form
        return edits.set_seat(
            get_store(), f.get("opportunity", ""), f.get("person", ""), by=who(), **_form(SEAT_FORM)
        )

    def again() -> Any:
        return _seat_form(request.form.get("opportunity", ""), request.form.get("person", ""), None)

    return _page(run, "seat", again)


@bp.route("/accounts/<path:account_id>/edit", methods=["POST"])
def account_form(account_id: str) -> Any:
    def run() -> edits.Edit:
        return edits.set_account(get_store(), account_id, by=who(), **_form(("tier", "status")))

    def again() -> Any:
        from .accounts import show as account_page

        return account_page(account_id)

    return _page(run, "account", again, url_for("accounts.show", account_id=account_id))


@bp.route("/opportunities/<path:opportunity_id>/edit", methods=["POST"])
def opportunity_form(opportunity_id: str) -> Any:
    def run() -> edits.Edit:
        return edits.set_opportunity(get_store(), opportunity_id, by=who(), **_form(("stage", "status")))

    return _page(run, "opportunity", lambda: opportunity_page(opportunity_id))


@bp.route("/opportunities/<path:opportunity_id>/edit", methods=["GET"])
def opportunity_page(opportunity_id: str) -> Any:
    """An opportunity's stage and status form (the committee page links to it)."""
    found = [o for o in opportunities(get_store()) if o.id == opportunity_id]
    if not found:
        raise NotFound(f"no opportunity with id {opportunity_id!r}")
    return render_template(
        "edits/opportunity.html", opportunity=found[0], stages=STAGES, statuses=OPPORTUNITY_STATUSES
    )


@bp.route("/accounts/<path:account_id>/changes")
def account_changes(account_id: str) -> Any:
    """What changed at an account (its people, opportunities and seats), since a date."""
    return _changes(account_id)


@bp.route("/opportunities/<path:opportunity_id>/changes")
def opportunity_changes(opportunity_id: str) -> Any:
    """What changed on an opportunity (its committee and its members), since a date."""
    return _changes(opportunity_id)


@bp.route("/people/<path:person_id>/changes")
def person_changes(person_id: str) -> Any:
    """What changed about a person, since a date."""
    return _changes(person_id)


def _changes(record: str) -> Any:
    report = history(get_store(), record, since=arg_text("since"))
    return render_template("edits/changes.html", report=report)


# -- the JSON API ----------------------------------------------------------------------------------


@bp.route("/api/people/<path:person_id>", methods=["PATCH"])
def person_api(person_id: str) -> Any:
    body = _body(PERSON_FORM)
    return _answer(lambda: edits.set_person(get_store(), person_id, by=who(), **body))


@bp.route("/api/people", methods=["POST"])
def person_add_api() -> Any:
    """A new person (or a correction): `id` and the fields of `PATCH /api/people/<id>`."""
    body = _body(("id", *PERSON_FORM))
    person = str(body.pop("id", "") or "")
    return _answer(lambda: edits.set_person(get_store(), person, by=who(), **body))


@bp.route("/api/ties", methods=["POST"])
def tie_api() -> Any:
    body = _body(("a", "b", "type", *TIE_FORM))
    ends = [str(body.pop(k, "") or "") for k in ("a", "b", "type")]
    return _answer(lambda: edits.set_tie(get_store(), *ends, by=who(), **body))


@bp.route("/api/ties", methods=["DELETE"])
@bp.route("/api/ties/remove", methods=["POST"])
def tie_remove_api() -> Any:
    body = _body(("a", "b", "type"))
    ends = [str(body.get(k, "") or "") for k in ("a", "b", "type")]
    return _answer(lambda: edits.remove_tie(get_store(), *ends, by=who()))


@bp.route("/api/contacts", methods=["POST"])
def contact_api() -> Any:
    body = _body(("a", "b", *CONTACT_FORM))
    ends = [str(body.pop(k, "") or "") for k in ("a", "b")]
    return _answer(lambda: edits.log_contact(get_store(), *ends, by=who(), **body))


@bp.route("/api/seats", methods=["POST"])
def seat_api() -> Any:
    body = _body(("opportunity", "person", *SEAT_FORM))
    ends = [str(body.pop(k, "") or "") for k in ("opportunity", "person")]
    return _answer(lambda: edits.set_seat(get_store(), *ends, by=who(), **body))


@bp.route("/api/accounts/<path:account_id>", methods=["PATCH"])
def account_api(account_id: str) -> Any:
    body = _body(("tier", "status"))
    return _answer(lambda: edits.set_account(get_store(), account_id, by=who(), **body))


@bp.route("/api/opportunities/<path:opportunity_id>", methods=["PATCH"])
def opportunity_api(opportunity_id: str) -> Any:
    body = _body(("stage", "status"))
    return _answer(lambda: edits.set_opportunity(get_store(), opportunity_id, by=who(), **body))


@bp.route("/api/history")
def history_api() -> Any:
    """`?record=` a person, account or opportunity (name or id; none: everything), `?since=` a day."""
    text = arg_text("record")
    store = get_store()
    report = history(store, record_id(store, text) if text else None, since=arg_text("since"))
    return api(history=report, lines=report.lines())
