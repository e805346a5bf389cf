"""Asking for an introduction: a draft message from a warm path, and the asks in flight.

A warm path runs from one of our reps through people who know each other to the person we
want to meet (`graphcrm.paths`). The first step is always the same: the rep asks the first
person on the path to introduce them to the next one. `draft` writes that message (who, why,
the shared context); `ask` records it (status **asked**); `set_status` records the answer:
**introduced** (the rep has met the person introduced: logged as a meeting, the same edit a
user makes by hand, so a new "knows" tie follows the contact rule of `graphcrm.edits` and the
history shows it) or **declined**.

Asks are stored as nodes labelled `Ask` without the base label: they are our own work, not
people of the graph, and never show in searches, counts or maps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import Any

from graphcrm import queries
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.paths import WarmPath
from graphcrm.settings import Settings
from graphcrm.store import Store

STATUSES = ("asked", "introduced", "declined")


@dataclasses.dataclass(frozen=True)
class Draft:
    """The message a rep sends to ask for an introduction: to whom, about whom, and the text."""

    by: str  # our rep's id
    by_name: str
    via: str  # the person asked
    via_name: str
    to: str  # the person to be introduced to (the next on the path)
    to_name: str
    target: str  # whom the path leads to
    target_name: str
    text: str


@dataclasses.dataclass(frozen=True)
class Ask:
    """An introduction request as recorded, with the names of the people it involves."""

    id: str
    by: str
    by_name: str
    via: str
    via_name: str
    to: str
    to_name: str
    target: str
    target_name: str
    opportunity: str | None
    opportunity_name: str | None
    status: str
    message: str
    created: str
    updated: str


def draft(path: WarmPath, *, about: str | None = None) -> Draft:
    """The first ask of `path`: its rep asks the first person to introduce the next one.

    `about` says why (an opportunity's name, say); the shared context of each tie is quoted so
    the person asked sees why they are the one asked. A path of one hop needs no introduction:
    the rep already knows the person (`InvalidValue`)."""
    if len(path.hops) < 2:
        raise InvalidValue("this person is one of your own contacts: no introduction is needed")
    first, second = path.hops[0], path.hops[1]
    target = path.hops[-1].target
    onward = f", on the way to {target.name}" if target.id != second.target.id else ""
    why = f" about {about}" if about else ""
    how = [f"how we know each other: {first.context}"] if first.context else []
    how += [f"how you know {second.target.name}: {second.context}"] if second.context else []
    text = (
        f"Hi {first.target.name},\n\n"
        f"I hope you are well. Would you be willing to introduce me to {second.target.name}{onward}? "
        f"I would like to talk with them{why}.\n\n"
        f"A short note or a call to say who I am would help a lot; I am happy to send you a few "
        f"lines you can forward.\n\nThank you,\n{first.source.name}"
    )
    if how:
        text += "\n\n(" + "; ".join(how) + ")"
    return Draft(
        by=first.source.id,
        by_name=first.source.name,
        via=first.target.id,
        via_name=first.target.name,
        to=second.target.id,
        to_name=second.target.name,
        target=target.id,
        target_name=target.name,
        text=text,
    )


def ask(store: Store, request: Draft, *, opportunity: str | None = None, today: dt.date | None = None) -> Ask:
    """Record `request` as asked (its message as drafted or edited); returns it as stored."""
    if not request.text.strip():
        raise InvalidValue("message: write the message you sent (it was empty)")
    ask_id = f"ask-{secrets.token_hex(6)}"
    now = (today or Settings.from_env().today).isoformat()
    store.write(
        [
            (
                _query(store, "intros/create"),
                {
                    "id": ask_id,
                    "by": request.by,
                    "via": request.via,
                    "to": request.to,
                    "target": request.target,
                    "opportunity": opportunity,
                    "message": request.text,
                    "now": now,
                },
            )
        ]
    )
    return asks(store, ask_id=ask_id)[0]


def asks(
    store: Store, *, by: str | None = None, status: str | None = None, ask_id: str | None = None
) -> tuple[Ask, ...]:
    """The asks recorded, newest first: all, a rep's (`by`), or those with `status`."""
    if status is not None and status not in STATUSES:
        raise InvalidValue(f"status: expected one of {', '.join(STATUSES)} (got {status!r})")
    rows = store.run("intros/asks", {"by": by, "status": status, "id": ask_id})
    return tuple(_ask(row) for row in rows)


def set_status(store: Store, ask_id: str, status: str, *, today: dt.date | None = None) -> Ask:
    """Record the answer to ask `ask_id`; when introduced, the rep now knows the person."""
    if status not in STATUSES:
        raise InvalidValue(f"status: expected one of {', '.join(STATUSES)} (got {status!r})")
    now = (today or Settings.from_env().today).isoformat()
    with store.exclusive():  # the ask read, the meeting logged and the answer: one writer's
        found = asks(store, ask_id=ask_id)
        if not found:
            raise NotFound(f"no introduction request with id {ask_id!r}")
        if status == "introduced" and found[0].status != "introduced":
            _introduced(store, found[0], now)  # first: a person forgotten since stops it here
        store.write([(_query(store, "intros/set_status"), {"id": ask_id, "status": status, "now": now})])
    return asks(store, ask_id=ask_id)[0]


def as_text(items: tuple[Ask, ...]) -> str:
    """The asks as lines a sales person reads."""
    if not items:
        return "No introduction requests recorded."
    return "\n".join(
        f"{a.id}  {a.created}  {a.by_name} asked {a.via_name} to introduce {a.to_name}"
        + (f" (for {a.opportunity_name})" if a.opportunity_name else "")
        + f": {a.status}"
        for a in items
    )


def _introduced(store: Store, done: Ask, today: str) -> None:
    """Log the meeting an introduction made (creating the tie, with how they met)."""
    from graphcrm import edits  # edits imports the ingest parsers: only when an ask is answered

    how = f"introduced by {done.via_name}"
    edits.log_contact(store, done.by, done.to, date=today, kind="meeting", note=how, context=how)


def _query(store: Store, name: str) -> str:
    return queries.load(name, store.engine)


def _ask(row: dict[str, Any]) -> Ask:
    def name(key: str) -> str:
        return str(row[f"{key}_name"] or row[key] or "(forgotten)")

    return Ask(
        id=row["id"],
        by=row["by"],
        by_name=name("by"),
        via=row["via"],
        via_name=name("via"),
        to=row["to"],
        to_name=name("to"),
        target=row["target"],
        target_name=name("target"),
        opportunity=row["opportunity"],
        opportunity_name=row["opportunity_name"],
        status=row["status"],
        message=row["message"] or "",
        created=str(row["created"]),
        updated=str(row["updated"]),
    )
