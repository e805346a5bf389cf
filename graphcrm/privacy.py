"""Everything held on one person, and forgetting them (DOMAIN.md §6: people in the graph never
signed up; they can ask what is held on them and to be erased).

- `person_record(store, id)`: the person's node (labels, every property), every relationship in
  and out with the other end and its properties, the referrals attributed to them
  (`REFERRED.by_person`), and the other records whose text still names them.
- `forget(store, id)`: removes the node with every relationship and the attributions naming
  them (the referral itself stays: it is between accounts), and their change history
  (`graphcrm.history`): the entries about them are deleted, and in entries about others the
  names, values and notes that name them are replaced by "(forgotten)"; in one transaction,
  then has the store rewrite its files (`Store.compact`) so the old writes holding their data
  leave the disk. Returns the record taken just before, with what was removed.
- The record (`person_record`) holds the history entries about them or naming them too.

Only people can be forgotten: accounts and organisations are not personal data. Free text in
*other* records (a colleague's notes saying "cousin of Chen Hong") is not changed: the record
lists it under `mentions`, for the user to edit.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphcrm import queries
from graphcrm.errors import NotFound
from graphcrm.ingest.plan import article
from graphcrm.names import stored
from graphcrm.schema import SYMMETRIC_TIES
from graphcrm.store import Store, StoreError
from graphcrm.store.base import BASE_LABEL

PERSON = "Person"
# A name part worth searching other records for: two CJK characters, or two Latin words.
_CJK_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]{2,}")
_LATIN_RUN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff]+(?:\s+[^\s\u2e80-\u9fff\uf900-\ufaff]+)+")


class NotAPerson(NotFound):
    """An id that names an account, organisation or opportunity, not a person."""


@dataclass
class End:
    """The other end of a relationship (or an end of a referral)."""

    id: str
    labels: list[str]
    name: str | None


@dataclass
class Link:
    """One stored relationship of the person: `out` from them to `other`, or `in` from `other`."""

    type: str
    direction: str
    other: End
    properties: dict[str, Any]


@dataclass
class Attribution:
    """A referral between two others that the person made happen (`by_person`)."""

    source: End
    target: End
    properties: dict[str, Any]


@dataclass
class Mention:
    """Another record whose text names the person: which properties (its own data, not shown)."""

    id: str
    name: str | None
    where: list[str]


@dataclass
class PersonRecord:
    """Everything held on one person."""

    id: str
    name: str | None
    labels: list[str]
    properties: dict[str, Any]
    relationships: list[Link]
    attributions: list[Attribution]
    mentions: list[Mention] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)  # change entries about or naming them


@dataclass
class Tie:
    """A relationship in the report's terms: a symmetric tie once per pair (`both`)."""

    type: str
    direction: str  # "out", "in", or "both" for KNOWS/ALLY/OPPOSES/KIN (stored once each way)
    other: End
    properties: dict[str, Any]


@dataclass
class Seat:
    """A committee seat the person held."""

    opportunity: End
    roles: list[str]
    stance: str | None
    influence: float | None


@dataclass
class ForgetReport:
    """What `forget` removed (or, with dry_run, would remove); `record` is as it was before."""

    record: PersonRecord
    dry_run: bool
    removed: dict[str, int]  # stored relationships by type (a symmetric tie counts twice)
    ties: list[Tie]  # every relationship but the committee seats, symmetric ties once
    seats: list[Seat]
    attributions: list[Attribution]
    files: str | None  # what the store did to its files (None on a dry run)


def person_record(store: Store, person_id: str) -> PersonRecord:
    """Everything held on the person `person_id`.

    Raises `NotFound` for an unknown id and `NotAPerson` for an id of anything else.
    """
    rows = store.run("privacy/node", {"id": person_id})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    labels = sorted(label for label in rows[0]["labels"] if label != BASE_LABEL)
    if PERSON not in labels:
        raise NotAPerson(
            f"{person_id!r} is {article(labels)}, not a person: only people can be exported or "
            "forgotten (accounts and organisations are not personal data)"
        )
    properties = _sorted(stored(rows[0]["properties"]))  # without the search key: not data held
    links = [
        Link(
            row["type"],
            row["direction"],
            _end(row["other"], row["other_labels"], row["other_name"]),
            _sorted(row["properties"]),
        )
        for row in store.run("privacy/relationships", {"id": person_id})
    ]
    links.sort(key=lambda k: (k.type, k.direction, k.other.id, repr(sorted(k.properties.items()))))
    attributions = [
        Attribution(
            _end(row["source"], row["source_labels"], row["source_name"]),
            _end(row["target"], row["target_labels"], row["target_name"]),
            _sorted(row["properties"]),
        )
        for row in store.run("privacy/attributions", {"id": person_id})
    ]
    terms = search_terms(properties.get("name"), person_id, properties.get("email"), properties.get("title"))
    return PersonRecord(
        id=person_id,
        name=properties.get("name"),
        labels=labels,
        properties=properties,
        relationships=links,
        attributions=attributions,
        mentions=_mentions(store, person_id, properties),
        history=store.run("privacy/history", {"id": person_id, "terms": terms}),
    )


def forget(store: Store, person_id: str, dry_run: bool = False) -> ForgetReport:
    """Remove the person `person_id` with every relationship, and the referral attributions
    naming them, in one transaction; then rewrite the database files (`Store.compact`) so the
    person's data is gone from disk too. With `dry_run`, report and change nothing.

    Raises `NotFound` / `NotAPerson` as `person_record` does, before anything is changed.
    """
    record = person_record(store, person_id)
    files = None
    if not dry_run:
        params = {"id": person_id}
        terms = search_terms(
            record.name, person_id, record.properties.get("email"), record.properties.get("title")
        )
        store.write(
            [
                (queries.load("privacy/forget_attributions", store.engine), params),
                (queries.load("privacy/forget_person", store.engine), params),
                (queries.load("privacy/forget_history", store.engine), {**params, "terms": terms}),
                (queries.load("privacy/forget_asks", store.engine), {**params, "terms": terms}),
            ]
        )
        store.drop_cache()  # the path search's arrays hold their id, kept answers their name
        try:
            files = store.compact()
        except StoreError as exc:  # the person is gone from the graph; say what is left on disk
            files = (
                f"warning: the person was removed, but the database files could not be rewritten "
                f"({exc}): their old writes may still be on disk until the next rewrite"
            )
    return ForgetReport(
        record=record,
        dry_run=dry_run,
        removed=dict(sorted(Counter(link.type for link in record.relationships).items())),
        ties=_ties(record.relationships),
        seats=[
            Seat(
                link.other,
                list(link.properties.get("roles") or []),
                link.properties.get("stance"),
                link.properties.get("influence"),
            )
            for link in record.relationships
            if link.type == "IN_COMMITTEE"
        ],
        attributions=record.attributions,
        files=files,
    )


def forget_text(report: ForgetReport) -> str:
    """The report as the terminal shows it: who, ties by type with the other people, seats,
    attributions, what stays in others' text, and what happened to the files."""
    r = report.record
    verb = "would forget (dry run, nothing changed)" if report.dry_run else "forgot"
    total = sum(report.removed.values())
    lines = [f"{verb}: {r.name} ({r.id}), {', '.join(r.labels)}, {len(r.properties)} properties"]
    lines.append(f"relationships {'to remove' if report.dry_run else 'removed'}: {total} stored")
    by_type: dict[str, list[Tie]] = {}
    for tie in report.ties:
        by_type.setdefault(tie.type, []).append(tie)
    for rel_type, ties in by_type.items():
        stored = report.removed.get(rel_type, 0)
        if rel_type in SYMMETRIC_TIES:
            head = f"  {rel_type}: {len(ties)} tie(s) (stored once each way: {stored})"
        else:
            head = f"  {rel_type}: {stored}"
        lines.append(head + ": " + "; ".join(_tie_text(t) for t in ties))
    lines.append("committee seats:" + ("" if report.seats else " none"))
    for seat in report.seats:
        influence = f", influence {seat.influence:g}" if seat.influence is not None else ""
        roles = ",".join(seat.roles) or "no role"
        lines.append(
            f"  {seat.opportunity.name or seat.opportunity.id} ({seat.opportunity.id}): {roles}, "
            f"{seat.stance or 'no stance'}{influence}"
        )
    lines.append("referral attributions:" + ("" if report.attributions else " none"))
    for a in report.attributions:
        lines.append(
            f"  {a.source.name or a.source.id} → {a.target.name or a.target.id}"
            f" ({a.properties.get('date') or 'no date'}): the referral stays, without the person"
        )
    if r.mentions:
        lines.append("still named in other records' text (edit these by hand):")
        lines += [f"  {m.name or m.id} ({m.id}): {', '.join(m.where)}" for m in r.mentions]
    if report.files:
        lines.append(report.files)
    return "\n".join(lines)


def _ties(links: list[Link]) -> list[Tie]:
    """Relationships other than seats; a symmetric tie (stored both ways) once, as `both`."""
    ties: list[Tie] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        if link.type == "IN_COMMITTEE":
            continue
        if link.type in SYMMETRIC_TIES:
            if (link.type, link.other.id) in seen:
                continue
            seen.add((link.type, link.other.id))
            ties.append(Tie(link.type, "both", link.other, link.properties))
        else:
            ties.append(Tie(link.type, link.direction, link.other, link.properties))
    return ties


def _tie_text(tie: Tie) -> str:
    name = tie.other.name or tie.other.id
    arrow = {"out": "→ ", "in": "← ", "both": ""}[tie.direction]
    detail = tie.properties.get("context") or tie.properties.get("kind") or tie.properties.get("date")
    return f"{arrow}{name}" + (f" ({detail})" if detail else "")


def _mentions(store: Store, person_id: str, properties: dict[str, Any]) -> list[Mention]:
    """Other records whose name, title, department, notes or hobbies, or ties whose context,
    hold the person's name, a part of it (two CJK characters, or two Latin words), their id
    or their email: those words stay after `forget` until the user edits them."""
    terms = search_terms(properties.get("name"), person_id, properties.get("email"), properties.get("title"))
    if not terms:
        return []
    params = {"id": person_id, "terms": terms}
    found: dict[str, Mention] = {}
    for row in store.run("privacy/mentions", params):
        found[row["id"]] = Mention(row["id"], row["name"], list(row["keys"]))
    for row in store.run("privacy/tie_mentions", params):
        if row["type"] in SYMMETRIC_TIES and row["start"] > row["end"]:
            continue  # the twin of a symmetric tie, listed from its other end
        where = f"{row['type']} tie with {row['end_name'] or row['end']} ({row['end']}): context"
        mention = found.setdefault(row["start"], Mention(row["start"], row["start_name"], []))
        if where not in mention.where:
            mention.where.append(where)
    return sorted(found.values(), key=lambda m: m.id)


def search_terms(
    name: str | None, person_id: str, email: str | None = None, title: str | None = None
) -> list[str]:
    """The lower-case words that would name the person in other records' text: the name, its
    parts, the id and the email. Left out, as they would match too much: a term shorter than 4
    characters without CJK characters (an id like `p1`), and a part of the name that is also in
    their title (副总裁 in "副总裁 A Vice-President A" names every vice-president)."""
    own_title = (title or "").lower()
    parts = set()
    if name:
        parts.add(name.strip())
        parts.update(m.group(0) for m in _CJK_RUN.finditer(name))
        parts.update(m.group(0).strip() for m in _LATIN_RUN.finditer(name))
    terms = {person_id.lower(), (email or "").lower()}
    terms.update(p.lower() for p in parts if p.lower() not in own_title)
    return sorted(t for t in terms if len(t.strip()) >= 4 or _CJK_RUN.search(t))


def _end(node_id: str, labels: list[str], name: str | None) -> End:
    return End(node_id, sorted(label for label in labels if label != BASE_LABEL), name)


def _sorted(properties: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(properties.items()))
