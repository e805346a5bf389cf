"""Import an address book, a vCard file (.vcf: 3.0 or 4.0) or Google Contacts' CSV export (read
by `graphcrm.ingest.address_book`), as the people one of our reps knows.

Each card (or CSV row) is a person, with title, e-mail, phone and birthday, working at the
organisation of its ORG (the first part: `ORG:Company;Department`), matched by name as the
LinkedIn import does (`graphcrm.ingest.matching`); an organisation not in the graph becomes a new
prospect account (id `contact-org:<name>`). The rules:

- **Who a card is.** The person already in the graph with the card's e-mail (the preferred
  one: PREF=1 in 4.0, TYPE=pref in 3.0, Google's `* ` label; else the first), else the one
  with the id made from the card's UID (`vcard:<uid>`, `urn:uuid:` left out), else the one
  person with the card's name. Two people of that name is an ambiguity, reported with the card
  and both ids, never guessed. Otherwise a new person: `vcard:<uid>`, or, for a card without a
  UID and every Google row, `contact:<digest of name, organisation and e-mail>`, so that the
  same file imported again finds the same ids. Several cards that are one person are merged,
  the first card's values first.
- **What is written.** A new person gets every value; a person already in the graph only
  those it lacks, and an organisation only when it works nowhere yet: the graph is kept by
  hand or from the CRM, and an address book fills it in, never overwrites it. A birthday
  without its year (`--0927`, Apple's year 1604 with X-APPLE-OMIT-YEAR, Google's `--09-27`)
  is stored as `birthday_month_day` = `09-27`, not as `birthday`, which holds whole dates
  (`YYYY-MM-DD`) in every format. PHOTO, NOTE, addresses and every other property are not
  read; nor are company cards (4.0 KIND:org, Apple's X-ABShowAs:COMPANY, a Google row with only
  an organisation).
- **Ties.** The rep KNOWS each contact (strength `CONTACT_STRENGTH` 0.5, context "address
  book": an address book says whom the rep knows, not how well). A card's relations (4.0
  RELATED by `urn:uuid:`, `mailto:` or text, Apple's `itemN.X-ABRelatedNames` with its
  `X-ABLabel`, Google's `Relation N`) to a person of the file or the graph become KIN for
  family (spouse, parent, child, sibling, mother, brother, partner, relative..., `KIN_WORDS`)
  and KNOWS otherwise, with the relation's word as context (friend, colleague, manager...).
  A relation to nobody, or to a name two people have, is a problem at its line. **A tie that
  exists is left as it is**: it is left out of the plan, so its strength and context are
  never lowered or changed (the plan's merge SETs properties); a pair related on both cards is
  one tie.

`import_contacts` plans and writes under the database's write lock, so that the ties and people
found when planning are still the graph's when written; re-importing the same file changes
nothing.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphcrm.ingest import fields as F
from graphcrm.ingest.address_book import Contact, Relation, read_address_book
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.files import ImportResult, apply_plan
from graphcrm.ingest.matching import (
    check_rep,
    match_person,
    organisations_by_name,
    people_by_email,
    people_by_name,
)
from graphcrm.ingest.plan import Plan, Where
from graphcrm.ingest.tabular import clip, read_text
from graphcrm.store import Store

CONTACT_STRENGTH = 0.5  # the rep's tie to a contact, and a relation's: who, not how well
CONTEXT = "address book"
SOURCE = "contacts"
# Relations that are family: KIN; any other word is KNOWS with that word as context.
_KIN = """
spouse kin parent child sibling mother father brother sister partner relative husband wife son daughter
grandparent grandmother grandfather grandchild grandson granddaughter aunt uncle cousin niece nephew
stepmother stepfather stepson stepdaughter stepbrother stepsister mother-in-law father-in-law
配偶 爱人 妻子 丈夫 老婆 老公 父亲 母亲 爸爸 妈妈 父母 儿子 女儿 子女 孩子
哥哥 弟弟 姐姐 妹妹 兄弟 姐妹 亲戚 家人
"""
KIN_WORDS = frozenset(_KIN.split()) | {"domestic partner"}
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")


@dataclass
class Held:
    """A person already in the graph: their properties, and whether they work somewhere."""

    props: dict[str, Any]
    employed: bool


def import_contacts(
    store: Store, path: Path, rep_id: str, *, dry_run: bool = False, progress: bool = True
) -> ImportResult:
    """Import the address book at `path` (vCard or Google CSV) of rep `rep_id`: planned, checked
    and written under the write lock (`apply_plan`); `InvalidInput` lists every problem."""
    with store.exclusive() if not dry_run else nullcontext():
        plan, problems = plan_contacts(store, path, rep_id)
        return apply_plan(store, plan, problems, dry_run=dry_run, progress=progress)


def plan_contacts(store: Store, path: Path, rep_id: str) -> tuple[Plan, list[str]]:
    """The plan for one address book of rep `rep_id`, and the problems that stop it early."""
    plan = Plan()
    text, unread = read_text(path)
    if text is None:
        return plan, unread
    contacts, problems, refused = read_address_book(text, path.name)
    plan.problems += problems
    if refused:
        return plan, refused
    if problem := check_rep(store, rep_id, "the rep whose address book this is"):
        return plan, [problem]
    _Planner(store, plan, rep_id, path.name).add(contacts)
    return plan, []


def tie_of(words: list[str]) -> tuple[str, str]:
    """KIN or KNOWS, and the context, for a relation's words: KIN when one is a family word
    (`KIN_WORDS`), KNOWS otherwise; the context is the words (Apple's `_$!<Spouse>!$_` read as
    spouse, Google's `* ` dropped, English in lower case), or "related" when there are none."""
    cleaned = []
    for word in words:
        word = word.strip().lstrip("*").strip()
        if match := _APPLE_LABEL.fullmatch(word):
            word = match.group(1)
        if word and word.lower() != "pref":
            cleaned.append(word.lower() if word.isascii() else word)
    kind = "KIN" if any(word in KIN_WORDS for word in cleaned) else "KNOWS"
    return kind, ", ".join(dict.fromkeys(cleaned)) or "related"


# -- from contacts to a plan ---------------------------------------------------------------------------


@dataclass
class _Tie:
    type: str
    source: str
    target: str
    props: dict[str, Any]
    where: Where
    columns: tuple[str, str]


class _Planner:
    """Resolves each contact to a person (of the graph, or new) and adds people, organisations and
    ties to the plan, with the rules of the module docstring."""

    def __init__(self, store: Store, plan: Plan, rep_id: str, source: str) -> None:
        self.store, self.plan, self.rep_id, self.source = store, plan, rep_id, source
        self.held: dict[str, Held] = {}
        self.companies = organisations_by_name(store)

    def add(self, contacts: list[Contact]) -> None:
        emails = [c.props.get("email", "") for c in contacts]
        emails += [r.value for c in contacts for r in c.relations if r.by == "email"]
        names = [c.name for c in contacts] + [
            r.value for c in contacts for r in c.relations if r.by == "name"
        ]
        self.by_email = people_by_email(self.store, emails)
        self.by_name = people_by_name(self.store, names)
        made = {id(c): self._made(c) for c in contacts}
        uids = {"vcard:" + r.value for c in contacts for r in c.relations if r.by == "uid"}
        self._hold({m for m in made.values() if m} | uids)
        for contact in contacts:
            contact.id = self._resolve(contact, made[id(contact)])
        resolved = [c for c in contacts if c.id is not None]
        self._hold({c.id for c in resolved if c.id is not None} | {self.rep_id})
        people: dict[str, list[Contact]] = {}
        for contact in resolved:
            people.setdefault(str(contact.id), []).append(contact)
        for person_id, cards in people.items():
            self._add_person(person_id, cards)
        self._add_ties(contacts, people)

    # -- who each card is

    def _made(self, contact: Contact) -> str | None:
        """The id a new person of this card gets, checked as every id is; None with a problem."""
        if contact.uid:
            made, column = "vcard:" + contact.uid, "UID"
        else:
            key = "|".join((contact.name, contact.organisation, contact.props.get("email", ""))).lower()
            made, column = "contact:" + hashlib.sha1(key.encode()).hexdigest()[:12], contact.where.column
        try:
            return F.identifier(made)
        except F.Invalid as exc:
            self.plan.problems.append(
                Problem(
                    self.source,
                    contact.where.row,
                    column,
                    f"{exc.problem} made from it",
                    clip(made),
                    exc.expected,
                )
            )
            return None

    def _hold(self, ids: set[str]) -> None:
        """Read the people among `ids` the graph holds (their properties, whether employed)."""
        wanted = sorted(i for i in ids if i not in self.held)
        for start in range(0, len(wanted), 20_000):
            for row in self.store.run("import/people_held", {"ids": wanted[start : start + 20_000]}):
                self.held[row["id"]] = Held(dict(row["props"]), bool(row["employers"]))

    def _resolve(self, contact: Contact, made: str | None) -> str | None:
        """The person a card is: by e-mail, by the id made from its UID, by a name one person has;
        else new (its made id). None when ambiguous (a problem) or no id could be made."""
        email = contact.props.get("email", "")
        if email and (found := self.by_email.get(email.strip().lower())):
            return found
        if made is not None and made in self.held:
            return made
        match = match_person(None, contact.name, self.by_email, self.by_name)
        if match.ambiguous:
            ids = ", ".join(match.ambiguous)
            self.plan.problems.append(
                Problem(
                    self.source,
                    contact.where.row,
                    contact.where.column,
                    f"{len(match.ambiguous)} people in the graph have this name, and the card's e-mail "
                    "and UID are none of theirs",
                    contact.name,
                    f"one person: give the card the e-mail the one it is has in the graph ({ids})",
                )
            )
            return None
        return match.id or made

    # -- people and organisations

    def _add_person(self, person_id: str, cards: list[Contact]) -> None:
        first = cards[0]
        values: dict[str, str] = {"name": first.name}
        for card in cards:
            for key, value in card.props.items():
                values.setdefault(key, value)
        held = self.held.get(person_id)
        if held is None:
            props: dict[str, Any] = {**values, "source": SOURCE}
        else:
            props = {k: v for k, v in values.items() if held.props.get(k) in (None, "")}
            if held.props.get("birthday"):
                props.pop("birthday_month_day", None)
        if props:
            self.plan.add_node(person_id, "Person", props, first.where)
        organisation = next((c.organisation for c in cards if c.organisation), "")
        if organisation and (held is None or not held.employed):
            where = next(c.where for c in cards if c.organisation)
            column = "ORG" if where.column == "FN" else "organization"
            org_id = self._organisation(organisation, Where(where.source, where.row, column))
            if org_id is not None:
                self.plan.add_rel(
                    "WORKS_AT",
                    person_id,
                    org_id,
                    {},
                    where,
                    target_labels=("Account", "Org"),
                    columns=(where.column, column),
                )

    def _organisation(self, name: str, where: Where) -> str | None:
        """The account or organisation of that name, else a new prospect account."""
        if (found := self.companies.get(name.lower())) is not None:
            return found
        try:
            org_id = F.identifier("contact-org:" + re.sub(r"\s+", "-", name.lower()))
        except F.Invalid as exc:
            made = "contact-org:" + re.sub(r"\s+", "-", name.lower())
            self.plan.problems.append(
                Problem(
                    where.source,
                    where.row,
                    where.column,
                    f"{exc.problem} made from it",
                    clip(made),
                    exc.expected,
                )
            )
            return None
        self.companies[name.lower()] = org_id
        props = {"name": name, "kind": "prospect", "status": "prospect", "source": SOURCE}
        self.plan.add_node(org_id, "Account", props, where)
        return org_id

    # -- ties

    def _add_ties(self, contacts: list[Contact], people: dict[str, list[Contact]]) -> None:
        ties: dict[tuple[str, ...], _Tie] = {}
        cards_by: dict[tuple[str, str], list[Contact]] = {}  # the cards of each UID, e-mail, name
        for contact in contacts:
            email = contact.props.get("email", "").lower()
            for by, value in (("uid", contact.uid), ("email", email), ("name", contact.name.lower())):
                if value:
                    cards_by.setdefault((by, value), []).append(contact)
        for contact in contacts:
            if contact.id is None:
                continue
            for relation in contact.relations:
                target = self._related(relation, cards_by)
                if target == contact.id:
                    self.plan.problems.append(
                        Problem(
                            relation.where.source,
                            relation.where.row,
                            relation.where.column,
                            "a relation of a card to the person it is",
                            relation.written,
                            "another person's UID, e-mail or name",
                        )
                    )
                if target is None or target == contact.id:
                    continue
                kind, context = tie_of(relation.words)
                column = relation.where.column
                tie = _Tie(
                    kind,
                    contact.id,
                    target,
                    {"strength": CONTACT_STRENGTH, "context": context},
                    relation.where,
                    (contact.where.column, column),
                )
                ties.setdefault((kind, *sorted((contact.id, target))), tie)
        for person_id, cards in people.items():
            if person_id != self.rep_id:  # the rep's own card: no tie to themself
                where = cards[0].where
                tie = _Tie(
                    "KNOWS",
                    self.rep_id,
                    person_id,
                    {"strength": CONTACT_STRENGTH, "context": CONTEXT},
                    where,
                    ("--rep", where.column),
                )
                ties.setdefault(("KNOWS", *sorted((self.rep_id, person_id))), tie)
        known = set(self.held) | set(self.by_email.values())  # people the graph holds
        known |= {person for ids in self.by_name.values() for person in ids}
        asked = [
            {"source": t.source, "target": t.target, "type": t.type}
            for t in ties.values()
            if t.source in known and t.target in known
        ]
        existing = {
            (row["type"], *sorted((row["source"], row["target"])))
            for start in range(0, len(asked), 20_000)
            for row in self.store.run("import/ties_held", {"rows": asked[start : start + 20_000]})
        }
        for key, tie in ties.items():
            if key not in existing:  # a tie already held keeps its strength and context
                self.plan.add_rel(tie.type, tie.source, tie.target, tie.props, tie.where, columns=tie.columns)

    def _related(self, relation: Relation, cards_by: dict[tuple[str, str], list[Contact]]) -> str | None:
        """The one person a relation names, of this file or the graph; None with a problem when
        nobody or several are, or silently when the card it names has a problem of its own."""
        value = relation.value.strip()
        key = value if relation.by == "uid" else value.lower()
        cards = cards_by.get((relation.by, key), [])
        if relation.by == "uid":
            graph = ["vcard:" + value] if "vcard:" + value in self.held else []
        elif relation.by == "email":
            graph = [self.by_email[key]] if key in self.by_email else []
        else:
            graph = self.by_name.get(key, [])
        if any(c.id is None for c in cards):
            return None  # that card's own problem is reported
        found = sorted({str(c.id) for c in cards} | set(graph))
        if len(found) == 1:
            return found[0]
        where = relation.where
        if not found:
            self.plan.problems.append(
                Problem(
                    where.source,
                    where.row,
                    where.column,
                    "a relation to nobody in the graph or in this file",
                    relation.written,
                    "the UID, e-mail or name of a card in this file or of a person already in the graph: "
                    "add a card for them, import them first, or remove the relation",
                )
            )
        else:
            self.plan.problems.append(
                Problem(
                    where.source,
                    where.row,
                    where.column,
                    f"a relation to a name that {len(found)} people have",
                    relation.written,
                    f"one person, not {len(found)} ({', '.join(found)}): name them apart in the address "
                    "book, or relate the card by UID or e-mail",
                )
            )
        return None
