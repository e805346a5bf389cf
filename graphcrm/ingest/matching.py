"""Finding the records a source names among those already in the graph, one rule for all sources.

- **Organisations by name**, case aside (as the LinkedIn import always has): a company named in a
  contact or a CRM export is the account or organisation of that name, if there is one.
- **People by e-mail first** (case aside; every person's address is read and the match made
  here, so no address from a mailbox reaches the database), **then by id**, and **by name only
  when exactly one person has it**: two people of one name are reported as an ambiguity, never
  guessed. Mail and calendars match by e-mail only: every other address is dropped, not stored.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graphcrm.ingest.fields import Problem
from graphcrm.ingest.plan import article, find_labels
from graphcrm.store import Store

_CHUNK = 20_000


def organisations_by_name(store: Store) -> dict[str, str]:
    """Lower-cased name → id of every account and organisation."""
    return {
        row["name"].strip().lower(): row["id"] for row in store.run("import/organisations") if row["name"]
    }


def people_by_email(store: Store, emails: Iterable[str]) -> dict[str, str]:
    """Lower-cased e-mail → id of the person holding it (the first by id when several do).

    Every person's address is read and matched here, so that no address of `emails` (a
    mailbox's, most of them nobody's in the graph) is sent to the database as a parameter,
    where a server's query log could keep it."""
    wanted = {e.strip().lower() for e in emails if e and e.strip()}
    found: dict[str, str] = {}
    for row in sorted(store.run("import/people_by_email"), key=_by_id):
        if row["email"] in wanted:
            found.setdefault(row["email"], row["id"])
    return found


def people_by_name(store: Store, names: Iterable[str]) -> dict[str, list[str]]:
    """Lower-cased name → ids of the people of that name (several: an ambiguity)."""
    wanted = sorted({n.strip().lower() for n in names if n and n.strip()})
    found: defaultdict[str, list[str]] = defaultdict(list)
    for start in range(0, len(wanted), _CHUNK):
        for row in sorted(
            store.run("import/people_by_name", {"names": wanted[start : start + _CHUNK]}), key=_by_id
        ):
            found[row["key"]].append(row["id"])
    return dict(found)


@dataclass
class PersonMatch:
    """The person a source's record is, when there is exactly one: `id`; else why not."""

    id: str | None
    ambiguous: list[str] = field(default_factory=list)  # the ids of several people of that name


def match_person(
    email: str | None, name: str | None, by_email: dict[str, str], by_name: dict[str, list[str]]
) -> PersonMatch:
    """The rule above, over lookups made once for a whole file (`people_by_email`, `people_by_name`)."""
    if email and (found := by_email.get(email.strip().lower())):
        return PersonMatch(found)
    ids = by_name.get(name.strip().lower(), []) if name else []
    if len(ids) == 1:
        return PersonMatch(ids[0])
    return PersonMatch(None, ids if len(ids) > 1 else [])


def full_name(given: str, family: str, additional: str = "", prefix: str = "", suffix: str = "") -> str:
    """A person's name as every import writes it, so that sources match: "Given Additional
    Family", or family name first without spaces for Chinese, Japanese and Korean names
    (李 + 琼 = 李琼)."""
    if given and family and all(unicodedata.east_asian_width(c) in "WF" for c in family + given + additional):
        return family + given + additional
    return " ".join(part for part in (prefix, given, additional, family, suffix) if part)


def check_rep(store: Store, rep_id: str, whose: str) -> str | None:
    """The problem with `--rep` (None when it is a person already held): every tie an address
    book, an export or a mailbox gives starts at the rep, `whose` ("the rep whose export this is")."""
    held = find_labels(store, {rep_id}).get(rep_id)
    if held is None:
        return str(
            Problem(
                "--rep", 0, "", "unknown id", rep_id, f"the id of a person already in the database: {whose}"
            )
        )
    if "Person" not in held:
        return str(Problem("--rep", 0, "", f"the id is {article(held)}", rep_id, "the id of a person"))
    return None


def _by_id(row: dict[str, str]) -> str:
    return row["id"]
