"""Pages and forms that take names: what the user typed, as ids (`graphcrm.lookup`), and what to
show when a name matches several records or none.

A form (the path finder, brokers) that gets a name matching several people is shown again as
typed, with the choices as links that run it again with that choice; a name matching none
keeps the form and says so (status 404; several: 400). Its JSON twin answers as for any user
error, `{"error": …}` (400 or 404), the message naming the choices with their ids. A page
addressed by a name (`/people/赵志刚`) redirects to the page of the one record it names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for

from graphcrm import lookup
from graphcrm.errors import NotFound
from graphcrm.names import Ambiguous, Kind, NoMatch

from .db import get_store

Unresolved = Ambiguous | NoMatch  # what `lookup` raises for a name it cannot turn into one id
UNRESOLVED = (Ambiguous, NoMatch)  # the same, to catch


@dataclasses.dataclass(frozen=True)
class Offer:
    """One choice for a name typed in a form: the record, and the form's URL with it chosen."""

    name: str
    detail: str
    id: str
    url: str


@dataclasses.dataclass(frozen=True)
class Problem:
    """Why a form's name gave no answer: which field, what was typed, the message, the choices."""

    field: str
    text: str
    message: str
    ambiguous: bool
    offers: tuple[Offer, ...]

    @property
    def status(self) -> int:
        """400 for a name matching several, 404 for one matching none (as for an unknown id)."""
        return 400 if self.ambiguous else 404


def problem(error: Unresolved, fields: tuple[str, ...]) -> Problem:
    """The problem of the form's name that `error` is about: the first of `fields` (query
    parameters, each a name or a comma-separated list of names) that holds the name typed. Each
    choice re-runs the page with that name replaced by the choice's id, the rest as typed."""

    def holds(field: str) -> bool:
        value = request.args.get(field, "")
        return value.strip() == error.text or error.text in lookup.split(value)

    field = next((f for f in fields if holds(f)), fields[0])
    typed = request.args.get(field, "")
    offers = []
    for choice in error.choices:
        if typed.strip() == error.text:
            chosen = choice.id
        else:
            chosen = ", ".join(choice.id if p == error.text else p for p in lookup.split(typed))
        args: dict[str, Any] = {**request.args.to_dict(), field: chosen}
        offers.append(Offer(choice.name, choice.detail, choice.id, url_for(str(request.endpoint), **args)))
    return Problem(field, error.text, str(error), isinstance(error, Ambiguous), tuple(offers))


def answered[T](answer: Callable[[], T], fields: tuple[str, ...]) -> tuple[T | None, Problem | None]:
    """`answer()`, or None with the problem of the form's name (one of `fields`) that it could
    not turn into one record: the page then shows the form again as typed, with the choices,
    under `Problem.status`."""
    try:
        return answer(), None
    except UNRESOLVED as exc:
        return None, problem(exc, fields)


def to_id_page(text: str, kind: Kind, endpoint: str, arg: str, missing: NotFound) -> Any:
    """A page addressed by `text` that is no id: redirect to the page of the one record that
    `text` names (the query kept). Re-raises `missing` when `text` is an id after all, raises
    `NoMatch` for a name matching none; a name matching several shows the choices (400)."""
    try:
        found = lookup.one(get_store(), text, kind)
    except Ambiguous as exc:
        offers = tuple(Offer(c.name, c.detail, c.id, _url(endpoint, arg, c.id)) for c in exc.choices)
        return render_template("_choose.html", message=str(exc), offers=offers), 400
    if found == text:
        raise missing
    return redirect(_url(endpoint, arg, found))


def _url(endpoint: str, arg: str, record: str) -> str:
    """The page `endpoint` of `record` (its `arg`), with the query as it came."""
    args: dict[str, Any] = {**request.args.to_dict(), arg: record}
    return url_for(endpoint, **args)
