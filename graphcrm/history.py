"""The change history: what was edited, old → new, when and by whom, in the seller's words.

Every edit of `graphcrm.edits` records one entry per field it changed (a new record or tie: one
entry saying it was added, then one per field it was given; a removed tie: one entry saying what
it held; a logged contact: one entry with its kind and note, beside those for the fields it
moved), in the same query as the edit itself: one transaction on every engine, so there is never
an edit without its entries nor entries without their edit. An edit that changes nothing records
nothing. Imports are not recorded: an import's own report says what it wrote.

**Where.** An entry is a node labelled `Change` (`graphcrm.schema.CHANGE_LABEL`) without the
`Node` label, like the graph's version and write lock: exports, checksums, counts, searches and
the questions read `:Node` only and never see it, and it has no relationship (the records it is
about are ids in its properties). The JSON-lines backup therefore does not hold the history;
a person's record (`graphcrm export --person`) holds theirs.

**What an entry holds.** `at`: UTC, ISO 8601 with microseconds; `by`: who (the OS user on the
command line; in the viewer, see `web.blueprints.edits.who`); `kind`: person, tie, contact,
seat, account or opportunity; `record` and `other`: the ids edited (a tie's or contact's two
ends, a seat's person and opportunity); `name` and `other_name`: their names at the time, so the
entry reads the same after a rename; `type`: a tie's type; `field`, `before`, `after`: values as
text (a list as `a;b`, a number without a trailing `.0`; none when absent); `note`: a contact's
note; `subjects`: every id the entry is about, including the accounts the people and the
opportunity belonged to at the time.

**Whose history.** A person's: the entries about them. An opportunity's: its own, its seats',
and its current members' (their fields, ties and contacts). An account's (or another
organisation's): its own, its people's, its opportunities' and their seats', including entries
made while a person worked there. Forgetting a person (`graphcrm.privacy.forget`) erases every
entry about them and every entry whose text names them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graphcrm import words
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.ingest import fields as F
from graphcrm.ingest.tabular import clip
from graphcrm.names import Choice, Kind, NoMatch, resolve
from graphcrm.schema import STAGES, stage_property
from graphcrm.store import Store

# How a field reads in a sentence ("organisation APEX → Huatong").
FIELD_WORDS = {
    "org": "organisation",
    "last_contact": "last contact",
    "crm_stage": "CRM stage",
    "close_date": "close date",
    **{stage_property(stage): f"influence in {stage}" for stage in STAGES},
}
ADDED, REMOVED, CONTACT = "added", "removed", "contact"
KINDS = ("person", "tie", "contact", "seat", "account", "opportunity")
HISTORY_KINDS: tuple[Kind, ...] = ("person", "account", "opportunity", "org")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def now() -> str:
    """The time of an edit: UTC, ISO 8601 with microseconds (sorts as text)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shown(value: Any) -> str | None:
    """A value as an entry holds it: text; a list as `a;b`; a number in full without a trailing
    `.0` (15 significant digits: 1500000, 0.83); None when absent."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.15g}"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def day_words(at: str) -> str:
    """The (UTC) day of an ISO time as people write it: `3 Dec 2026`."""
    day = dt.date.fromisoformat(at[:10])
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Change:
    """One history entry: one field of one record, tie or seat, old → new (see the module)."""

    id: str
    edit: str  # shared by the entries of one edit
    seq: int  # their order within it
    at: str  # UTC, ISO 8601
    by: str
    kind: str  # one of KINDS
    record: str
    other: str | None
    type: str | None  # a tie's type (a contact's: KNOWS)
    name: str
    other_name: str | None
    field: str  # a property, or "added", "removed", "contact"
    before: str | None
    after: str | None
    note: str | None
    subjects: tuple[str, ...]

    @property
    def day(self) -> str:
        """The (UTC) day of the edit, YYYY-MM-DD."""
        return self.at[:10]

    def subject(self, within: str | None = None) -> str:
        """Who or what: a name; a tie as a sentence (`赵新 knows 陈虹`, `陈虹 influences 赵新`); a
        contact as `A ↔ B`; a seat as `A in OPP` unless the history shown is that opportunity's
        (`within`)."""
        other = self.other_name or self.other
        if self.kind == "tie":
            return f"{self.name} {words.tie(self.type or '')} {other}"
        if self.kind == CONTACT:
            return f"{self.name} ↔ {other}"
        if self.kind == "seat" and self.other != within:
            return f"{self.name} in {other}"
        return self.name

    def what(self, within: str | None = None) -> str:
        """The change in the seller's words: `陈虹 Chen Hong: stance neutral → blocker`."""
        head = self.subject(within)
        if self.field == ADDED:
            return f"{head}: added" + (f" ({self.after})" if self.after else "")
        if self.field == REMOVED:
            return f"{head}: removed" + (f" ({self.before})" if self.before else "")
        if self.field == CONTACT:
            return f"{head}: {self.after}" + (f": “{self.note}”" if self.note else "")
        label = FIELD_WORDS.get(self.field, self.field.replace("_", " "))
        return f"{head}: {label} {_value(self.field, self.before)} → {_value(self.field, self.after)}"

    def text(self, within: str | None = None) -> str:
        """`陈虹 Chen Hong: stance neutral → blocker, by alice, 3 Dec 2026`."""
        return f"{self.what(within)}, by {self.by}, {day_words(self.at)}"


def _value(field: str, value: str | None) -> str:
    """A stored value in words: attitudes and roles spelled out, a strength with its warmth."""
    if value is None:
        return "none"
    if field == "attitude":
        return words.attitude(value)
    if field == "roles":
        return words.roles(value.split(";"))
    if field == "strength":
        try:
            return f"{float(value):g} {words.warmth(float(value))}"
        except ValueError:
            return value
    return value


def change_from_row(row: dict[str, Any]) -> Change:
    """An entry as `cypher/edits/changes.cypher` returns it."""
    return Change(
        id=row["id"],
        edit=row["edit"],
        seq=int(row["seq"]),
        at=row["at"],
        by=row["by"],
        kind=row["kind"],
        record=row["record"],
        other=row["other"],
        type=row["type"],
        name=row["name"],
        other_name=row["other_name"],
        field=row["field"],
        before=row["before"],
        after=row["after"],
        note=row["note"],
        subjects=tuple(row["subjects"] or ()),
    )


@dataclass(frozen=True)
class History:
    """The entries of one record's history (or of everything), newest first."""

    record: str | None  # the id asked for; None: everything
    name: str | None
    scope: str  # "everything", "person", "account", "organisation" or "opportunity"
    since: str | None  # a date, YYYY-MM-DD
    changes: tuple[Change, ...]

    def lines(self) -> list[str]:
        """Each entry as `as_text` shows it."""
        return [c.text(self.record if self.scope == "opportunity" else None) for c in self.changes]


def since_date(text: str | None) -> str | None:
    """A `since` date as the user typed it (YYYY-MM-DD), checked; None when not given."""
    if text is None or not text.strip():
        return None
    try:
        return F.date(F.check_text(text.strip()))
    except F.Invalid as exc:
        raise InvalidValue(f"since: {exc.problem} (got {clip(text)!r}, expected {exc.expected})") from None


def record_id(store: Store, text: str) -> str:
    """The id of the person, account, organisation or opportunity `text` names (an id, name or
    email), trying those kinds in that order; `Ambiguous` / `NoMatch` as `names.resolve`."""
    choices: list[Choice] = []
    for kind in HISTORY_KINDS:
        try:
            return resolve(store, text, kind)
        except NoMatch as exc:
            choices += exc.choices
    hint = f"; did you mean {', '.join(f'{c.name} (id {c.id})' for c in choices[:5])}?" if choices else ""
    raise NoMatch(
        f"no person, account or opportunity is called {text.strip()!r} or has that id{hint}",
        text,
        "person",
        tuple(choices[:5]),
    )


def history(store: Store, record_id: str | None = None, since: str | None = None) -> History:
    """What changed, newest first: everything, or the history of one person, account (or other
    organisation) or opportunity, by id (the module says what each covers; `graphcrm.names.resolve`
    turns a name into the id); `since` a date (YYYY-MM-DD, UTC: entries made that day or after).

    Raises `NotFound` for an unknown id, `InvalidValue` for a date that is not one."""
    start = since_date(since)
    if record_id is None:
        rows = store.run("edits/changes", {"ids": None, "since": start})
        return History(None, None, "everything", start, tuple(map(change_from_row, rows)))
    found = store.run("edits/scope", {"id": record_id})
    if not found:
        raise NotFound(f"no person, account or opportunity with id {record_id!r}")
    head = found[0]
    labels = set(head["labels"])
    if "Person" in labels:
        scope, ids = "person", [record_id]
    elif "Opportunity" in labels:
        scope, ids = "opportunity", [record_id, *sorted(head["members"])]
    else:
        scope = "account" if "Account" in labels else "organisation"
        ids = [record_id, *head["people"], *head["opportunities"]]
    changes = [change_from_row(row) for row in store.run("edits/changes", {"ids": ids, "since": start})]
    if scope == "opportunity":  # a member's seats on other deals are not this deal's news
        changes = [c for c in changes if record_id in c.subjects or c.kind not in ("seat", "opportunity")]
    return History(record_id, head["name"] or record_id, scope, start, tuple(changes))


def as_text(report: History) -> str:
    """The history as the terminal shows it: a heading, then one line per entry, newest first."""
    covers = {
        "everything": "everything",
        "person": f"{report.name}",
        "account": f"{report.name} (its people, opportunities and committee seats)",
        "organisation": f"{report.name} (its people)",
        "opportunity": f"{report.name} (its committee and its members)",
    }[report.scope]
    since = f" since {report.since}" if report.since else ""
    lines = [f"What changed: {covers}{since}"]
    lines += [f"  {line}" for line in report.lines()] or ["  nothing"]
    return "\n".join(lines)
