"""The directory of the viewer: accounts at a glance, search, a person's profile, an account's page.

What an account manager looks up before asking any of the questions (DOMAIN.md §2, §4.6):
- **accounts** (label Account, customers and prospects) with their people, their open
  opportunities and the **committee coverage**: the share of the members of the account's open
  buying committees whom our team covers: a warm introduction path from one of our reps, as
  `graphcrm.paths` finds them (one definition, shared with the committee page and the org
  chart: `graphcrm.paths.covered`); None when the account has no open committee.
- **search**: people, accounts, organisations and opportunities by name in any script, by the
  pinyin of a Chinese name ("zhaozg" finds 赵志刚), by id; people also by title, email and
  organisation (Chinese as typed: "李" finds 李青 and 李琼);
- a **person's profile**: title, organisation, the trust information the seeds ask for
  (contact, birthday, hobbies, influence channels, notes), their committee seats and every tie;
- an **account's page** (or another organisation's): its facts, people and opportunities.

Unknown ids raise `NotFound` with the id in the message.
"""

from __future__ import annotations

import dataclasses
from typing import Any, NamedTuple

from graphcrm import finder, paths
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.names import KINDS, Kind
from graphcrm.schema import STAGES, SYMMETRIC_TIES, TIE_TYPES, stage_property
from graphcrm.settings import Settings
from graphcrm.store import Store


@dataclasses.dataclass(frozen=True)
class OpportunityRef:
    """An opportunity as lists show it; `account_id`/`account_name` where the list spans accounts."""

    id: str
    name: str
    stage: str | None
    value: float | None
    status: str | None
    account_id: str | None = None
    account_name: str | None = None
    close_date: str | None = None


@dataclasses.dataclass(frozen=True)
class AccountRow:
    """One account on the overview: people, open opportunities and committee coverage (0..1)."""

    id: str
    name: str
    kind: str | None
    tier: str | None
    status: str | None
    industry: str | None
    people: int
    open_opportunities: tuple[OpportunityRef, ...]
    coverage: float | None  # None: no open committee
    committee_members: int = 0  # distinct members of the open committees
    covered_members: int = 0  # of whom a rep reaches within 3 hops


@dataclasses.dataclass(frozen=True)
class Hit:
    """One search result; `kind` is "person", "account", "org" or "opportunity"."""

    kind: str
    id: str
    name: str
    detail: str  # people: title · organisation; accounts and orgs: their kind; opportunities: account


class PersonRef(NamedTuple):
    """A person in a list (a plain tuple too: id, name, title, rank)."""

    id: str
    name: str
    title: str | None
    rank: int | None


@dataclasses.dataclass(frozen=True)
class Seat:
    """A person's seat on one buying committee."""

    opportunity_id: str
    opportunity_name: str
    roles: tuple[str, ...]
    attitude: str | None
    stance: str | None
    influence: float | None
    status: str | None = None  # the opportunity's: open, won or lost
    account_id: str | None = None
    account_name: str | None = None
    stage_influence: dict[str, float] = dataclasses.field(default_factory=dict)  # percent by stage


@dataclasses.dataclass(frozen=True)
class TieRow:
    """One tie of a person.

    `direction`: "both" for the symmetric types (KNOWS, ALLY, OPPOSES, KIN); for the others "out"
    when the person is the tie's source (INFLUENCES out: the other listens to them; REPORTS_TO
    out: they report to the other; TIED_TO: always out, to an organisation) and "in" otherwise.
    """

    type: str
    direction: str
    other_id: str
    other_name: str
    strength: float | None
    context: str | None  # for TIED_TO, the kind of tie
    since: str | None
    last_contact: str | None
    other_kind: str = "person"  # person, rep, account, org or competitor


@dataclasses.dataclass(frozen=True)
class Profile:
    """A person: who they are, where they work, the trust information, their seats and ties."""

    id: str
    name: str
    title: str | None
    department: str | None
    rank: int | None
    is_rep: bool
    org_id: str | None
    org_name: str | None
    email: str | None
    phone: str | None
    birthday: str | None
    hobbies: str | None
    channels: tuple[str, ...]
    notes: str | None
    committees: tuple[Seat, ...]
    ties: tuple[TieRow, ...]
    org_kind: str | None = None  # the organisation's kind (customer, prospect, supplier, ...)


@dataclasses.dataclass(frozen=True)
class AccountDetail:
    """An account (or another organisation: `kind` says which) with its people and opportunities."""

    id: str
    name: str
    kind: str | None
    industry: str | None
    nature: str | None
    tier: str | None
    status: str | None
    revenue: float | None
    potential: float | None
    region: str | None
    people: tuple[PersonRef, ...]  # by rank (unranked last), then name
    opportunities: tuple[OpportunityRef, ...]
    is_account: bool = True  # label Account; False for suppliers, competitors and other Orgs


def accounts_overview(store: Store, settings: Settings | None = None) -> tuple[AccountRow, ...]:
    """Every account (label Account) by name, with its people, open opportunities and coverage.

    Coverage = the members of the account's open committees whom our team covers (the one
    definition: `graphcrm.paths.covered`) ÷ all members of those committees, each person once;
    None when the account has no open opportunity with a committee.
    """
    open_by_account: dict[str, list[OpportunityRef]] = {}
    for opportunity in opportunities(store):
        if (opportunity.status or "open") == "open" and opportunity.account_id:
            open_by_account.setdefault(opportunity.account_id, []).append(opportunity)
    members = {row["id"]: list(row["members"]) for row in store.run("directory/coverage")}
    reached = paths.covered(store, (m for ids in members.values() for m in ids), settings=settings)
    rows = []
    for row in store.run("directory/accounts"):
        committee = members.get(row["id"], [])
        covered = sum(1 for m in committee if m in reached)
        rows.append(
            AccountRow(
                id=row["id"],
                name=row["name"] or row["id"],
                kind=row["kind"],
                tier=row["tier"],
                status=row["status"],
                industry=row["industry"],
                people=int(row["people"]),
                open_opportunities=tuple(open_by_account.get(row["id"], ())),
                coverage=round(covered / len(committee), 4) if committee else None,
                committee_members=len(committee),
                covered_members=covered,
            )
        )
    return tuple(rows)


def opportunities(store: Store, account_id: str | None = None) -> tuple[OpportunityRef, ...]:
    """Every opportunity (or one account's) with its account, by account name, then name."""
    return tuple(_opportunity(row) for row in store.run("directory/opportunities", {"account": account_id}))


def search(store: Store, text: str, limit: int = 20, kind: Kind | None = None) -> tuple[Hit, ...]:
    """People, accounts, organisations and opportunities that `text` names (or only one `kind`).

    Found by name in any script and whatever the case ("wang" finds 王丹 Wang Dan, "李" finds
    李青 and 李琼), by the pinyin of a Chinese name, full or by initials, with or without spaces
    ("zhaozg", "zhao zhigang" find 赵志刚 even when no Latin name is recorded: the name's
    search key, `graphcrm.names.search_key`), by id, and people also by title, email and the
    name of their organisation.

    Closest first: the name, id or email is the text (or the text is a whole pinyin spelling),
    then names with a word that is the text ("li": 李琼 Li Qiong before 刘军 Liu Jun), then
    names starting with it, then names containing it, then people whose title, email or
    organisation holds it, then ids containing it (ids share prefixes such as `apex.`); within
    each, people, accounts, organisations,
    opportunities, by name. At most `limit` hits; empty or blank text finds nothing. The rule
    is `graphcrm.finder`'s, in Python over the records it keeps: the same answers on every
    engine, and the text never goes into a query.
    """
    text = text.strip()
    if not text:
        return ()
    if limit < 1:
        raise InvalidValue(f"limit must be 1 or more (got {limit})")
    if kind is not None and kind not in KINDS:
        raise InvalidValue(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    hits = []
    for found in finder.find(store, text, limit, kind):
        if found.kind == "person":
            detail = " · ".join(part for part in (found.title, found.place) if part)
        elif found.kind == "opportunity":
            detail = found.place or ""
        else:
            detail = found.org_kind or ""
        hits.append(Hit(found.kind, found.id, found.name, detail))
    return tuple(hits)


def reps(store: Store) -> tuple[PersonRef, ...]:
    """Our own team (label Rep), by name: whom an introduction path may start from."""
    return tuple(_person_ref(r["id"], r["name"], r["title"], r["rank"]) for r in store.run("directory/reps"))


def person_profile(store: Store, person_id: str) -> Profile:
    """Everything held about one person: profile, trust information, committee seats, ties.

    Ties are listed by type (KNOWS, ALLY, OPPOSES, KIN, INFLUENCES, REPORTS_TO, TIED_TO), then
    direction, then the other's name; a symmetric tie appears once, with direction "both".
    Raises `NotFound` for an unknown person.
    """
    rows = store.run("directory/person", {"id": person_id})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    row = rows[0]
    org_ids, org_names, org_kinds = row["org_ids"] or [], row["org_names"] or [], row["org_kinds"] or []
    return Profile(
        id=row["id"],
        name=row["name"] or row["id"],
        title=row["title"],
        department=row["department"],
        rank=None if row["rank"] is None else int(row["rank"]),
        is_rep=bool(row["is_rep"]),
        org_id=org_ids[0] if org_ids else None,
        org_name=(org_names[0] or org_ids[0]) if org_ids else None,
        email=row["email"],
        phone=row["phone"],
        birthday=row["birthday"],
        hobbies=row["hobbies"],
        channels=tuple(row["channels"] or ()),
        notes=row["notes"],
        committees=tuple(_seat(seat) for seat in store.run("directory/seats", {"id": person_id})),
        ties=_ties(store.run("directory/ties", {"id": person_id})),
        org_kind=org_kinds[0] if org_kinds else None,
    )


def account(store: Store, account_id: str) -> AccountDetail:
    """One account (or another organisation: a supplier, a competitor...) with its people and
    opportunities. Raises `NotFound` for an id that is neither."""
    rows = store.run("directory/account", {"id": account_id})
    if not rows:
        raise NotFound(f"no account with id {account_id!r}")
    head = rows[0]
    people = tuple(
        _person_ref(r["person_id"], r["person_name"], r["person_title"], r["person_rank"])
        for r in rows
        if r["person_id"]
    )
    return AccountDetail(
        id=head["id"],
        name=head["name"] or head["id"],
        kind=head["kind"],
        industry=head["industry"],
        nature=head["nature"],
        tier=head["tier"],
        status=head["status"],
        revenue=_number(head["revenue"]),
        potential=_number(head["potential"]),
        region=head["region"],
        people=tuple(sorted(people, key=lambda p: (p.rank is None, p.rank or 0, p.name, p.id))),
        opportunities=opportunities(store, account_id) if head["is_account"] else (),
        is_account=bool(head["is_account"]),
    )


# -- shaping rows ---------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _person_ref(id_: str, name: str | None, title: str | None, rank: Any) -> PersonRef:
    return PersonRef(id_, name or id_, title, None if rank is None else int(rank))


def _opportunity(row: dict[str, Any]) -> OpportunityRef:
    return OpportunityRef(
        id=row["id"],
        name=row["name"] or row["id"],
        stage=row["stage"],
        value=_number(row["value"]),
        status=row["status"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        close_date=row["close_date"],
    )


def _seat(row: dict[str, Any]) -> Seat:
    seat = row["seat"] or {}
    return Seat(
        opportunity_id=row["opportunity_id"],
        opportunity_name=row["opportunity_name"] or row["opportunity_id"],
        roles=tuple(seat.get("roles") or ()),
        attitude=seat.get("attitude"),
        stance=seat.get("stance"),
        influence=_number(seat.get("influence")),
        status=row["status"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        stage_influence={s: float(seat[stage_property(s)]) for s in STAGES if seat.get(stage_property(s))},
    )


def _other_kind(row: dict[str, Any]) -> str:
    if row["person"]:
        return "rep" if row["rep"] else "person"
    if row["account"]:
        return "account"
    return "competitor" if row["org_kind"] == "competitor" else "org"


def _ties(rows: list[dict[str, Any]]) -> tuple[TieRow, ...]:
    ties = [
        TieRow(
            type=row["type"],
            direction="both" if row["type"] in SYMMETRIC_TIES else row["side"],
            other_id=row["other_id"],
            other_name=row["other_name"] or row["other_id"],
            strength=_number(row["strength"]),
            context=row["context"],
            since=row["since"],
            last_contact=row["last_contact"],
            other_kind=_other_kind(row),
        )
        for row in rows
    ]
    order = {t: i for i, t in enumerate(TIE_TYPES)}
    directions = {"both": 0, "out": 1, "in": 2}
    return tuple(
        sorted(ties, key=lambda t: (order.get(t.type, 99), directions[t.direction], t.other_name, t.other_id))
    )
