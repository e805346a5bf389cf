"""Recording what a user learns: one function per edit, behind the page, the JSON API and the CLI.

- `set_person`: add or correct a person (name, organisation, title, department, rank and the
  trust information); a new id with a name adds the person;
- `set_tie` / `remove_tie`: add, change or remove a tie between two people (or a person's tie
  to an organisation, TIED_TO);
- `log_contact`: "met 陈虹 today at the site visit" (the contact rule below);
- `set_seat`: a member's seat on an opportunity's buying committee;
- `set_account`, `set_opportunity`: an account's tier and status, an opportunity's stage and status.

**Input.** Values come as the user typed them (text from a form or the command line; numbers
and lists from JSON): `None` leaves a field as it is, empty text clears it. A person, account or
opportunity may be named by id, exact name, email or pinyin (`graphcrm.names.resolve`).

**Checked like an import.** Each field goes through the parser of its import column
(`graphcrm.ingest.files.FILES`: one rule for both), so a bad value is an `InvalidValue` naming
the field, the value and what is expected ("strength: number out of range (got '1.5', expected a
number from 0 to 1)"); an unknown or ambiguous name is `NoMatch` / `Ambiguous` with choices.
Nothing is written before everything is checked.

**Nothing half-written.** Each edit holds the database's write lock from its first read to its
write (two edits at once leave the graph of one after the other), and writes the records, ties
and history entries (`graphcrm.history`) in ONE query (`cypher/edits/apply.cypher`): one
transaction on every engine, which bumps the graph's version like every write (`Store.write`),
so cached path arrays are rebuilt. An edit that changes nothing writes nothing.

**The contact rule.** Logging a contact of kind k between A and B sets their KNOWS tie's
`last_contact` to the contact's date (unless a later one is recorded) and strengthens it:
`strength ← s + (1 − s) · w(k)`, rounded to 3 decimals, where s is the tie's strength (0.5 for a
tie recorded without one, 0 when there was no tie: one is created) and w is
meeting 0.2, visit 0.25, call 0.1, event 0.1, message 0.05 (`CONTACT_WEIGHTS`). Each contact
closes part of the gap to 1, never reaching it: a first meeting makes a weak tie (0.2), four
more make it strong (0.67). (The ageing of ties is the analyses' business: a tie's warmth
halves every `half_life_days` since `last_contact`, see `graphcrm.settings`.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphcrm import history as H
from graphcrm import queries, words
from graphcrm.errors import InvalidValue
from graphcrm.ingest import fields as F
from graphcrm.ingest.files import FILES
from graphcrm.ingest.plan import article, find_labels
from graphcrm.ingest.stages import StageMap, closed
from graphcrm.ingest.tabular import clip
from graphcrm.kept import patched
from graphcrm.names import Ambiguous, NoMatch, resolve, search_key
from graphcrm.schema import (
    ATTITUDES,
    CONTACT_WEIGHTS,
    ROLES,
    STAGES,
    SYMMETRIC_TIES,
    TIE_TYPES,
    stage_property,
)
from graphcrm.settings import Settings
from graphcrm.store import Store

Value = str | int | float | Sequence[str] | None
_KEEP: Any = object()  # a field not given: left as it is

UNKNOWN_STRENGTH = 0.5  # a tie recorded without a strength counts as this (as the analyses do)
STAGE_TOLERANCE = 0.5  # percentage points, as the import's check of stage totals
PERSON_FIELDS = (
    "name",
    "title",
    "department",
    "rank",
    "email",
    "phone",
    "birthday",
    "hobbies",
    "channels",
    "notes",
)
TIE_FIELDS = ("strength", "context", "last_contact")
SEAT_FIELDS = ("roles", "attitude", "stance", "influence", "stage_influence")

# The import's parser of each field (graphcrm.ingest.files): one rule for imports and edits.
_PARSERS = {spec: {column.name: column.parse for column in FILES[spec].columns} for spec in FILES}
# A tie's type as users say it: the engine's name, or the words of graphcrm.words, read from
# the first person named ("A listens to B" is B INFLUENCES A: the ends swap).
_TIE_NAMES: dict[str, tuple[str, bool]] = {
    **{t.lower(): (t, False) for t in TIE_TYPES},
    **{t.lower().replace("_", " "): (t, False) for t in TIE_TYPES},
    **{out: (t, False) for t, (out, _) in words.TIE_WORDS.items() if t in TIE_TYPES},
    **{back: (t, True) for t, (out, back) in words.TIE_WORDS.items() if t in TIE_TYPES and back != out},
    **{noun: (t, False) for t, noun in words.TIE_NOUNS.items() if noun != "listens to"},
}


def default_user() -> str:
    """Who edits from the command line: the OS user ("unknown" where there is none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class Edit:
    """What an edit did: the record it was about (and the other end of a tie, contact or seat),
    whether it was created, and the history entries recorded (none: nothing changed)."""

    kind: str  # person, tie, contact, seat, account, opportunity
    record: str
    other: str | None
    created: bool
    changes: tuple[H.Change, ...]

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def as_text(edit: Edit) -> str:
    """The edit as the terminal shows it: one line per change, or that nothing changed."""
    if not edit.changes:
        return "nothing changed: the values given are those already recorded"
    return "\n".join(change.what() for change in edit.changes)


# -- the edits -------------------------------------------------------------------------------------


def set_person(
    store: Store,
    person: str,
    *,
    name: Value = None,
    org: Value = None,
    title: Value = None,
    department: Value = None,
    rank: Value = None,
    email: Value = None,
    phone: Value = None,
    birthday: Value = None,
    hobbies: Value = None,
    channels: Value = None,
    notes: Value = None,
    by: str | None = None,
) -> Edit:
    """Add or correct a person. `person`: an id, name or email; a new id given with a `name`
    adds the person under that id. `org`: the account or organisation they work at (a name or
    id; empty: none); it replaces their direct employer. A new name gets its search key.

    Raises `NoMatch` / `Ambiguous` for a person or organisation not named uniquely (a new
    person needs a name), `InvalidValue` for a bad value."""
    given = {
        "name": name,
        "title": title,
        "department": department,
        "rank": rank,
        "email": email,
        "phone": phone,
        "birthday": birthday,
        "hobbies": hobbies,
        "channels": channels,
        "notes": notes,
    }
    values = {k: _parse(k, v, _PARSERS["people"][k]) for k, v in given.items()}
    if values["name"] is None:
        raise InvalidValue("name: a person needs a name (got an empty name, expected their name)")
    org_text = _text("org", org)
    with store.exclusive():
        person_id, created = _person_or_new(store, person, values["name"])
        org_id = _organisation(store, org_text) if org_text else None
        record = _records(store, [person_id, *([org_id] if org_id else [])])
        now = record.get(person_id)
        edit = _Batch("person", by)
        old = dict(now.props) if now else {"id": person_id}
        new = _apply(old, values)
        if "name" in new and new.get("name") != old.get("name"):
            new["name_key"] = search_key(new["name"])
        employers = [e for e in (now.employers if now else []) if not e.get("indirect")]
        accounts = {e["id"] for e in employers} | ({org_id} if org_id else set())
        subjects = [person_id, *sorted(accounts)]
        shown_name = str(new.get("name") or person_id)
        if created:
            edit.change(person_id, shown_name, H.ADDED, None, None, subjects)
        for key in PERSON_FIELDS:
            edit.compare(person_id, shown_name, key, old.get(key), new.get(key), subjects)
        if org_text is not None and [e["id"] for e in employers] != ([org_id] if org_id else []):
            for e in employers:
                edit.remove.append({"type": "WORKS_AT", "source": person_id, "target": e["id"], "kind": None})
            if org_id:
                edit.ties.append(
                    {"type": "WORKS_AT", "source": person_id, "target": org_id, "kind": None, "props": {}}
                )
            before = "; ".join(str(e["name"] or e["id"]) for e in employers) or None
            after = str(record[org_id].props.get("name") or org_id) if org_id else None
            edit.change(person_id, shown_name, "org", before, after, subjects)
        if new != old or created:
            edit.records.append({"id": person_id, "person": created, "props": new})
        return edit.write(store, "person", person_id, None, created)


def set_tie(
    store: Store,
    a: str,
    b: str,
    type: str,
    *,
    strength: Value = None,
    context: Value = None,
    by: str | None = None,
) -> Edit:
    """Add or change the tie of `type` from person `a` to person `b` (for TIED_TO, `b` is an
    organisation and `context` the kind of tie). `type`: one of the tie types (KNOWS, ALLY,
    OPPOSES, KIN, INFLUENCES, REPORTS_TO, TIED_TO) or their words ("knows", "reports to",
    "listens to": `a` listens to `b` is `b` INFLUENCES `a`). A symmetric tie is written both
    ways. A new tie without a strength gets 0.5, as an import gives it (not a reports-to tie)."""
    tie_type, swap = tie_type_of(type)
    values = {
        "strength": _parse("strength", strength, _PARSERS["ties"]["strength"]),
        "context": _parse("context", context, _PARSERS["ties"]["context"]),
    }
    with store.exclusive():
        source, target = _ends(store, a, b, tie_type, swap)
        kind = None
        if tie_type == "TIED_TO":  # the kind names the tie: another kind is another tie
            kind = values["context"] if isinstance(values["context"], str) else "tie"
            values["context"] = _KEEP
        record = _records(store, [source, target])
        old_props = _tie(store, source, target, tie_type, kind)
        created = old_props is None
        old = dict(old_props or ({"kind": kind} if kind else {}))
        new = _apply(old, values)
        if created and tie_type != "REPORTS_TO":
            new.setdefault("strength", UNKNOWN_STRENGTH)
        edit = _Batch("tie", by)
        ctx = _TieContext(record, source, target, tie_type)
        if created:
            edit.change(source, ctx.name, H.ADDED, None, kind, ctx.subjects, **ctx.extra)
        for key in ("strength", "context"):
            edit.compare(source, ctx.name, key, old.get(key), new.get(key), ctx.subjects, **ctx.extra)
        if edit.changes:
            edit.ties += _both_ways(tie_type, source, target, kind, new)
        return edit.write(store, "tie", source, target, created)


def remove_tie(store: Store, a: str, b: str, type: str, *, by: str | None = None) -> Edit:
    """Remove the tie of `type` from `a` to `b` (both ways for a symmetric one; for TIED_TO every
    kind of tie from `a` to the organisation `b`). Raises `InvalidValue` when there is none."""
    tie_type, swap = tie_type_of(type)
    with store.exclusive():
        source, target = _ends(store, a, b, tie_type, swap)
        record = _records(store, [source, target])
        ctx = _TieContext(record, source, target, tie_type)
        found = [
            props
            for row in store.run("edits/ties", {"a": source, "b": target})
            if row["type"] == tie_type and row["direction"] == "out"
            for props in [row["props"] or {}]
        ]
        if not found:
            raise InvalidValue(
                f"{ctx.name} has no '{words.TIE_NOUNS.get(tie_type, tie_type)}' tie with {ctx.other_name} to "
                "remove (expected a tie shown on their page)"
            )
        edit = _Batch("tie", by)
        for props in found:
            kind = props.get("kind") if tie_type == "TIED_TO" else None
            held = [
                f"{H.FIELD_WORDS.get(k, k)} {H.shown(props[k])}"
                for k in TIE_FIELDS
                if props.get(k) is not None
            ]
            detail = "; ".join([kind, *held] if kind else held)
            edit.change(source, ctx.name, H.REMOVED, detail or None, None, ctx.subjects, **ctx.extra)
            for row in _both_ways(tie_type, source, target, kind, {}):
                edit.remove.append({k: row[k] for k in ("type", "source", "target", "kind")})
        return edit.write(store, "tie", source, target, False)


def log_contact(
    store: Store,
    a: str,
    b: str,
    *,
    date: Value = None,
    kind: Value = None,
    note: Value = None,
    context: Value = None,
    by: str | None = None,
    today: dt.date | None = None,
) -> Edit:
    """Log a contact between two people ("met 陈虹 today at the site visit"): `date` (YYYY-MM-DD,
    default today: `Settings.today`, GRAPHCRM_TODAY pins it), `kind` (meeting, call, visit,
    message or event; default meeting), a `note`. Their KNOWS tie gets the contact's date as its
    last contact and is strengthened by the contact rule (see the module), created when there was
    none (with `context` as how they know each other, "introduced by 宋江" say). The contact is
    recorded in the history even when the tie does not move."""
    day = today or Settings.from_env().today
    when = _parse("date", date, F.date)
    when = day.isoformat() if when in (None, _KEEP) else when
    if when > day.isoformat():
        raise InvalidValue(
            f"date: a contact in the future (got {when!r}, expected a date up to {day.isoformat()})"
        )
    how = _parse("kind", kind, F.one_of(CONTACT_WEIGHTS, "kind of contact"))
    how = "meeting" if how in (None, _KEEP) else how
    said = _parse("note", note, F.text)
    said = None if said is _KEEP else said
    with store.exclusive():
        source, target = _ends(store, a, b, "KNOWS", False)
        record = _records(store, [source, target])
        old_props = _tie(store, source, target, "KNOWS", None)
        created = old_props is None
        old = dict(old_props or {})
        new = dict(old)
        new["strength"] = strengthen(old.get("strength"), how, created)
        if created and context is not None:
            new["context"] = _parse("context", context, _PARSERS["ties"]["context"])
        if not old.get("last_contact") or str(old["last_contact"]) < when:
            new["last_contact"] = when
        edit = _Batch("tie", by)
        ctx = _TieContext(record, source, target, "KNOWS")
        edit.change(
            source,
            ctx.name,
            H.CONTACT,
            None,
            f"{how} on {when}",
            ctx.subjects,
            note=said,
            kind="contact",
            **ctx.extra,
        )
        if created:
            edit.change(source, ctx.name, H.ADDED, None, None, ctx.subjects, **ctx.extra)
        for key in ("strength", "last_contact"):
            edit.compare(source, ctx.name, key, old.get(key), new.get(key), ctx.subjects, **ctx.extra)
        edit.ties += _both_ways("KNOWS", source, target, None, new)
        return edit.write(store, "contact", source, target, created)


def strengthen(strength: Any, kind: str, new: bool = False) -> float:
    """The contact rule (see the module): `s + (1 − s) · w(kind)`, rounded to 3 decimals; s is
    0 for a new tie and 0.5 for one recorded without a strength."""
    s = 0.0 if new else (UNKNOWN_STRENGTH if strength is None else float(strength))
    return round(s + (1 - s) * CONTACT_WEIGHTS[kind], 3)


def set_seat(
    store: Store,
    opportunity: str,
    person: str,
    *,
    roles: Value = None,
    attitude: Value = None,
    stance: Value = None,
    influence: Value = None,
    stage_influence: Value | Mapping[str, Any] = None,
    by: str | None = None,
) -> Edit:
    """Set a person's seat on an opportunity's buying committee (added when missing): `roles`
    ("D;E" or "decider;evaluator"), `attitude` (A/P/R or active/passive/resistant), `stance`,
    `influence` (percent), `stage_influence` ("need=30;decide=20" or a mapping: the stages given
    are set, the others kept; empty: all cleared). Over the committee, a stage's percentages
    may not add up to more than 100 (they add up to 100 once every member is entered)."""
    if isinstance(stage_influence, Mapping):
        stage_influence = ";".join(f"{k}={v}" for k, v in stage_influence.items())
    values = {
        "roles": _parse("roles", _codes(roles, ROLES), _PARSERS["committee"]["roles"]),
        "attitude": _parse("attitude", _codes(attitude, ATTITUDES), _PARSERS["committee"]["attitude"]),
        "stance": _parse("stance", stance, _PARSERS["committee"]["stance"]),
        "influence": _parse("influence", influence, _PARSERS["committee"]["influence"]),
    }
    stages = _parse("stage_influence", stage_influence, _PARSERS["committee"]["stage_influence"])
    with store.exclusive():
        opportunity_id = resolve(store, opportunity, "opportunity")
        person_id = resolve(store, person, "person")
        record = _records(store, [opportunity_id, person_id])
        seats = {
            row["id"]: dict(row["props"] or {}) for row in store.run("edits/seats", {"id": opportunity_id})
        }
        created = person_id not in seats
        old = seats.get(person_id, {})
        new = _apply(old, values)
        if stages is None:
            for stage in STAGES:
                new.pop(stage_property(stage), None)
        elif stages is not _KEEP:
            new.update({stage_property(stage): percent for stage, percent in stages.items()})
        _check_stage_totals(opportunity_id, person_id, seats, new)
        opp, who = record[opportunity_id], record[person_id]
        subjects = sorted({person_id, opportunity_id, *who.accounts, *opp.accounts})
        extra = {"other": opportunity_id, "other_name": opp.name}
        edit = _Batch("seat", by)
        if created:
            edit.change(person_id, who.name, H.ADDED, None, None, subjects, **extra)
        for key in (*SEAT_FIELDS[:-1], *(stage_property(s) for s in STAGES)):
            edit.compare(person_id, who.name, key, old.get(key), new.get(key), subjects, **extra)
        if edit.changes:
            edit.ties.append(
                {
                    "type": "IN_COMMITTEE",
                    "source": person_id,
                    "target": opportunity_id,
                    "kind": None,
                    "props": new,
                }
            )
        return edit.write(store, "seat", person_id, opportunity_id, created)


def set_account(
    store: Store, account: str, *, tier: Value = None, status: Value = None, by: str | None = None
) -> Edit:
    """Set an account's strategic tier (A+, A, B, C) and status (prospect, active, won, lost)."""
    values = {
        "tier": _parse("tier", tier, _PARSERS["accounts"]["tier"]),
        "status": _parse("status", status, _PARSERS["accounts"]["status"]),
    }
    with store.exclusive():
        account_id = resolve(store, account, "account")
        return _set_record(store, "account", account_id, values, by)


def set_opportunity(
    store: Store, opportunity: str, *, stage: Value = None, status: Value = None, by: str | None = None
) -> Edit:
    """Set an opportunity's stage and status. `stage`: a buying stage (need … decide) or a CRM's
    stage name, mapped as an import maps it (`graphcrm.ingest.stages`: "Closed Won" is the decide
    stage, and says won when no status is given); a buying stage given drops the CRM's old one."""
    stage_text = _text("stage", stage)
    values: dict[str, Any] = {"status": _parse("status", status, _PARSERS["opportunities"]["status"])}
    if stage_text:
        mapped = _parse("stage", stage_text, StageMap().parse)
        values.update({"stage": mapped["stage"], "crm_stage": mapped.get("crm_stage")})
        if values["status"] is _KEEP and (done := closed(stage_text)):
            values["status"] = done
    elif stage_text is not None:
        values.update({"stage": None, "crm_stage": None})
    with store.exclusive():
        opportunity_id = resolve(store, opportunity, "opportunity")
        return _set_record(store, "opportunity", opportunity_id, values, by)


def tie_type_of(text: str) -> tuple[str, bool]:
    """The tie type a user names (KNOWS, "knows", "reports to"...), and whether the two people
    named swap ends ("listens to", "manages"). Raises `InvalidValue` listing the choices."""
    found = _TIE_NAMES.get(" ".join(str(text or "").split()).lower())
    if found is None:
        in_words = ", ".join(sorted({*words.TIE_NOUNS.values(), "manages"}))
        raise InvalidValue(
            f"type: unknown tie type (got {clip(str(text))!r}, expected one of {', '.join(TIE_TYPES)}, "
            f"or in words: {in_words})"
        )
    return found


# -- reading and checking ---------------------------------------------------------------------------


@dataclass
class _Record:
    id: str
    labels: list[str]
    props: dict[str, Any]
    employers: list[dict[str, Any]]
    account: str | None

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.id)

    @property
    def accounts(self) -> list[str]:
        """The accounts it belongs to: a person's employers, an opportunity's account."""
        return sorted({e["id"] for e in self.employers} | ({self.account} if self.account else set()))


def _records(store: Store, ids: list[str]) -> dict[str, _Record]:
    rows = store.run("edits/records", {"ids": sorted(set(ids))})
    return {
        row["id"]: _Record(
            row["id"],
            list(row["labels"]),
            dict(row["props"] or {}),
            [e for e in row["employers"] if e],
            row["account_id"],
        )
        for row in rows
    }


class _TieContext:
    """The names and subjects of a tie's history entries."""

    def __init__(self, record: dict[str, _Record], source: str, target: str, tie_type: str) -> None:
        a, b = record[source], record[target]
        self.name, self.other_name = a.name, b.name
        self.subjects = sorted({source, target, *a.accounts, *(b.accounts if "Person" in b.labels else [])})
        self.extra = {"other": target, "other_name": b.name, "type": tie_type}


def _tie(store: Store, source: str, target: str, tie_type: str, kind: str | None) -> dict[str, Any] | None:
    """The properties of the tie from `source` to `target`, None when there is none."""
    for row in store.run("edits/ties", {"a": source, "b": target}):
        props = row["props"] or {}
        if (
            row["type"] == tie_type
            and row["direction"] == "out"
            and (kind is None or props.get("kind") == kind)
        ):
            return dict(props)
    return None


def _both_ways(
    tie_type: str, source: str, target: str, kind: str | None, props: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = [{"type": tie_type, "source": source, "target": target, "kind": kind, "props": props}]
    if tie_type in SYMMETRIC_TIES:
        rows.append({"type": tie_type, "source": target, "target": source, "kind": kind, "props": props})
    return rows


def _ends(store: Store, a: str, b: str, tie_type: str, swap: bool) -> tuple[str, str]:
    """The ids of a tie's two ends: people, but for TIED_TO the second is an organisation."""
    first = resolve(store, a, "person")
    second = _organisation(store, b) if tie_type == "TIED_TO" else resolve(store, b, "person")
    if first == second:
        raise InvalidValue(
            f"a tie from a person to themself (got {clip(a)!r} twice, expected two different people)"
        )
    return (second, first) if swap else (first, second)


def _organisation(store: Store, text: str) -> str:
    """The id of the account or other organisation `text` names (`NoMatch` / `Ambiguous`)."""
    try:
        return resolve(store, text, "account")
    except NoMatch as first:
        try:
            return resolve(store, text, "org")
        except NoMatch as second:
            choices = (*first.choices, *second.choices)[:5]
            hint = f"; did you mean {', '.join(f'{c.name} (id {c.id})' for c in choices)}?" if choices else ""
            raise NoMatch(
                f"no account or organisation is called {text.strip()!r} or has that id{hint}",
                text,
                "account",
                choices,
            ) from None


def _person_or_new(store: Store, text: str, name: Any) -> tuple[str, bool]:
    """The id of the person `text` names, or (with a name given) a new person's id."""
    try:
        return resolve(store, text, "person"), False
    except Ambiguous:
        raise
    except NoMatch as exc:
        if name in (None, _KEEP):
            raise NoMatch(
                f"{exc}; to add a new person, give their new id and their name (--name)",
                exc.text,
                exc.kind,
                exc.choices,
            ) from None
        new_id = _parse("id", text, F.identifier)
        held = find_labels(store, {new_id}).get(new_id)
        if held:
            raise InvalidValue(
                f"id: already used by {article(held)} (got {clip(new_id)!r}, expected a new id "
                "for the new person)"
            ) from None
        return new_id, True


def _check_stage_totals(
    opportunity: str, person: str, seats: dict[str, dict[str, Any]], new: dict[str, Any]
) -> None:
    """A stage's percentages over the committee may not pass 100 (the import's rule is that
    they add up to 100; an edit changes one member at a time)."""
    for stage in STAGES:
        key = stage_property(stage)
        others = sum(float(props.get(key) or 0) for pid, props in seats.items() if pid != person)
        mine = float(new.get(key) or 0)
        if others + mine > 100 + STAGE_TOLERANCE:
            raise InvalidValue(
                f"stage_influence: influence in stage {stage} of opportunity {opportunity} would add up to "
                f"{others + mine:g} over its members (got {stage}={mine:g}, expected at most "
                f"{max(0, 100 - others):g}: the other members hold {others:g})"
            )


def _set_record(store: Store, kind: str, record_id: str, values: dict[str, Any], by: str | None) -> Edit:
    """Set plain fields of an account or opportunity (under the caller's lock)."""
    record = _records(store, [record_id])[record_id]
    old = dict(record.props)
    new = _apply(old, values)
    edit = _Batch(kind, by)
    subjects = sorted({record_id, *record.accounts})
    for key in values:
        edit.compare(record_id, record.name, key, old.get(key), new.get(key), subjects)
    if edit.changes:
        edit.records.append({"id": record_id, "person": False, "props": new})
    return edit.write(store, kind, record_id, None, False)


# -- values ----------------------------------------------------------------------------------------


def _text(name: str, value: Value) -> str | None:
    """A value given as text (None: not given), stripped."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(f"{name}: expected text (got {clip(repr(value))})")
    return value.strip()


def _parse(name: str, value: Any, parse: Callable[[str], Any]) -> Any:
    """A field's value checked by its import parser: `_KEEP` when not given, None when empty
    (cleared), else the value to store; `InvalidValue` naming the field otherwise."""
    if value is None:
        return _KEEP
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, int | float):
        value = repr(value)
    elif isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    if not isinstance(value, str):
        raise InvalidValue(f"{name}: expected text or a number (got {clip(repr(value))})")
    text = value.strip()
    if not text:
        return None
    try:
        return F.storable(parse(F.check_text(text)))
    except F.Invalid as exc:
        got = exc.got if exc.got is not None else text
        raise InvalidValue(f"{name}: {exc.problem} (got {clip(got)!r}, expected {exc.expected})") from None


def _codes(value: Any, table: Mapping[str, str]) -> Any:
    """Roles or an attitude typed as words ("decider;evaluator", "active") as their codes."""
    if not isinstance(value, str | list | tuple):
        return value
    by_word = {word.lower(): code for code, word in table.items()}
    parts = value.split(";") if isinstance(value, str) else [str(v) for v in value]
    return ";".join(by_word.get(p.strip().lower(), p.strip()) for p in parts)


def _apply(old: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """`old` with the values given set (None: removed; `_KEEP`: left)."""
    new = dict(old)
    for key, value in values.items():
        if value is _KEEP:
            continue
        if value is None:
            new.pop(key, None)
        else:
            new[key] = value
    return new


# -- writing ---------------------------------------------------------------------------------------


@dataclass
class _Batch:
    """One edit being built: what to write and its history entries, written in one query."""

    kind: str
    by: str | None
    records: list[dict[str, Any]] = field(default_factory=list)
    ties: list[dict[str, Any]] = field(default_factory=list)
    remove: list[dict[str, Any]] = field(default_factory=list)
    changes: list[H.Change] = field(default_factory=list)
    edit: str = field(default_factory=lambda: secrets.token_hex(8))
    at: str = field(default_factory=H.now)

    def change(
        self,
        record: str,
        name: str,
        field_name: str,
        before: str | None,
        after: str | None,
        subjects: Sequence[str],
        *,
        other: str | None = None,
        other_name: str | None = None,
        type: str | None = None,
        note: str | None = None,
        kind: str | None = None,
    ) -> None:
        self.changes.append(
            H.Change(
                id=f"{self.edit}-{len(self.changes)}",
                edit=self.edit,
                seq=len(self.changes),
                at=self.at,
                by=self.by or default_user(),
                kind=kind or self.kind,
                record=record,
                other=other,
                type=type,
                name=name,
                other_name=other_name,
                field=field_name,
                before=before,
                after=after,
                note=note,
                subjects=tuple(subjects),
            )
        )

    def compare(
        self, record: str, name: str, key: str, old: Any, new: Any, subjects: Sequence[str], **extra: Any
    ) -> None:
        """An entry for `key` if its value changed (as shown: 0.5 and 0.50 are one value)."""
        before, after = H.shown(old), H.shown(new)
        if before != after:
            self.change(record, name, key, before, after, subjects, **extra)

    def write(self, store: Store, kind: str, record: str, other: str | None, created: bool) -> Edit:
        """Write it all in one query (nothing when nothing changed) and say what was done."""
        if self.changes:
            params = {
                "remove": self.remove,
                "records": self.records,
                "ties": self.ties,
                "changes": [{**dataclasses.asdict(c), "subjects": list(c.subjects)} for c in self.changes],
            }
            touched = [record, other, *(r["id"] for r in self.records)]
            touched += [end for tie in (*self.ties, *self.remove) for end in (tie["source"], tie["target"])]
            with patched(store, touched):
                store.write([(queries.load("edits/apply", store.engine), params)])
        return Edit(kind, record, other, created, tuple(self.changes))
