"""Import HubSpot's CRM export: companies, contacts and deals, with the contacts' buying roles.

HubSpot exports one file per object (CRM > Companies, Contacts or Deals > Export, as CSV or
XLSX; a file name like `hubspot-crm-exports-all-deals-2026-11-30.csv`), its header either the
properties' labels ("Record ID", "Deal Stage") or their internal names (`hs_object_id`,
`dealstage`), its cells either labels ("Decision maker") or internal values (DECISION_MAKER).
Both are read, case aside. The folder's `.csv` and `.xlsx` files (every sheet of a workbook
that holds anything) are read; other files are left alone.

- **Which object a file holds** is told by its columns: a deal name or deal stage column makes
  it deals; else a first name, last name or email column contacts; else a company name or
  domain column companies. A file whose columns say none of these is told by its name (the
  word companies, contacts or deals in it); neither is a problem. Columns HubSpot exports that
  the graph has no use for (owners, analytics, the 200 others) are ignored.
- **Ids**: `hs-company:<Record ID>`, `hs-contact:<Record ID>`, `hs-deal:<Record ID>` (HubSpot's
  record ids are unique per object, not across objects), so a re-import finds the same records.
  A company or contact not imported from HubSpot before is first looked for among the graph's
  other records (`graphcrm.ingest.matching`): a company by name, a contact by email, then by
  name when exactly one person has it (two people of that name are a problem, never a guess).
  A record found so is linked to, and left as it is.
- **Companies** become accounts: a customer (status active) when their lifecycle stage is
  customer or evangelist, else a prospect.
- **Contacts** become people who WORK_AT their associated company: the primary one
  ("Associated Company IDs (Primary)", or the contact's own "Primary Associated Company ID"),
  else the first of "Associated Company IDs" (`;`-separated).
- **Deals** become opportunities FOR their associated company (the primary, else the first): a
  deal without one is a problem. Each contact in "Associated Contact IDs" gets a seat in the
  deal's committee, carrying the contact's buying roles (they sit on the contact in HubSpot):
  Decision maker, Budget holder, Executive sponsor → D; End user → U; Legal and compliance → S;
  Champion and Blocker are stances, not roles; Influencer and Other give a seat with no role.
  The Buying Role cell is kept on the seat as `crm_role`.
- **Stage and status**: the deal stage goes through the stage map (`graphcrm.ingest.stages`:
  HubSpot's default pipeline, labels and internal values, is in it; `--stage-map FILE` for your
  own). HubSpot has no IsWon: a closed-won stage makes the deal won, a closed-lost stage lost,
  any other open; HubSpot's own "Is Closed Won" (`hs_is_closed_won`) column wins when present
  (true: won; false: lost if the stage is a closed one, else open).
- **Values**: amounts as HubSpot formats them ("1,200,000.00", a currency sign or code beside
  it) with the deal's "Currency" column kept as `currency`; dates and date-times
  ("2026-11-30 14:05") keep the date.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.matching import (
    full_name,
    match_person,
    organisations_by_name,
    people_by_email,
    people_by_name,
)
from graphcrm.ingest.plan import Absent, Plan, Where, find_labels
from graphcrm.ingest.stages import StageMap, closed, read_stage_map
from graphcrm.ingest.tabular import Table, TableError, clip, read_csv, unopenable
from graphcrm.ingest.workbook import read_xlsx
from graphcrm.schema import ROLES
from graphcrm.store import Store

COMPANIES, CONTACTS, DEALS = "companies", "contacts", "deals"
KINDS = (COMPANIES, CONTACTS, DEALS)
PREFIX = {COMPANIES: "hs-company:", CONTACTS: "hs-contact:", DEALS: "hs-deal:"}
SOURCE = "hubspot"
CUSTOMER_STAGES = frozenset({"customer", "evangelist"})  # lifecycle stages of a customer


@dataclass(frozen=True)
class Field:
    """A property of a HubSpot export: its headers (the label first, then the internal name)."""

    key: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.names[0]


def _id_field() -> Field:
    return Field("id", ("Record ID", "hs_object_id"), required=True)


_PRIMARY_COMPANY = (
    "Associated Company IDs (Primary)",
    "Primary Associated Company ID",
    "associatedcompanyid",
)
FIELDS: dict[str, tuple[Field, ...]] = {
    COMPANIES: (
        _id_field(),
        Field("name", ("Company name", "name"), required=True),
        Field("domain", ("Company Domain Name", "domain")),
        Field("industry", ("Industry", "industry")),
        Field("lifecycle", ("Lifecycle Stage", "lifecyclestage")),
    ),
    CONTACTS: (
        _id_field(),
        Field("first", ("First Name", "firstname")),
        Field("last", ("Last Name", "lastname")),
        Field("email", ("Email", "email")),
        Field("title", ("Job Title", "jobtitle")),
        Field("phone", ("Phone Number", "phone")),
        Field("roles", ("Buying Role", "hs_buying_role")),
        Field("primary", _PRIMARY_COMPANY),
        Field("companies", ("Associated Company IDs",)),
    ),
    DEALS: (
        _id_field(),
        Field("name", ("Deal Name", "dealname")),
        Field("stage", ("Deal Stage", "dealstage")),
        Field("pipeline", ("Pipeline", "pipeline")),
        Field("amount", ("Amount", "amount")),
        Field("home_amount", ("Amount in company currency", "amount_in_home_currency")),
        Field("currency", ("Currency", "deal_currency_code")),
        Field("close_date", ("Close Date", "closedate")),
        Field("won", ("Is Closed Won", "hs_is_closed_won")),
        Field("primary", _PRIMARY_COMPANY[:1]),
        Field("companies", ("Associated Company IDs",)),
        Field("contacts", ("Associated Contact IDs",)),
    ),
}
# Columns that tell which object a file holds, looked for in this order.
MARKS = {
    DEALS: {"deal name", "dealname", "deal stage", "dealstage"},
    CONTACTS: {"first name", "firstname", "last name", "lastname", "email"},
    COMPANIES: {"company name", "name", "company domain name", "domain"},
}
# Buying Role (`hs_buying_role`, a multiple checkbox): its options, by `_key` of label or value,
# as (role, stance).
BUYING_ROLES: dict[str, tuple[str | None, str | None]] = {
    "decisionmaker": ("D", None),
    "budgetholder": ("D", None),
    "executivesponsor": ("D", None),
    "enduser": ("U", None),
    "legalandcompliance": ("S", None),
    "champion": (None, "champion"),
    "blocker": (None, "blocker"),
    "influencer": (None, None),
    "other": (None, None),
}
BUYING_ROLE_LABELS = (
    "Decision maker, Budget holder, Executive sponsor, End user, Legal and compliance, Champion, "
    "Blocker, Influencer, Other"
)


def plan_hubspot(
    store: Store, folder: Path, stage_map: Path | StageMap | None = None
) -> tuple[Plan, list[str]]:
    """The plan for one HubSpot export: a folder of its files (or one file), with the problems
    that stop whole files from being read. `stage_map`: the user's CSV (crm_stage, stage)."""
    if isinstance(stage_map, Path):
        stages, map_problems = read_stage_map(stage_map)
        if map_problems:
            return Plan(), [str(p) for p in map_problems]
    else:
        stages = stage_map or StageMap()
    plan = Plan(stages=stages)
    if problem := unopenable(folder):
        return plan, [problem]
    tables, problems = _read(folder)
    by_kind: dict[str, list[tuple[Table, dict[str, str]]]] = {kind: [] for kind in KINDS}
    for table, name in tables:
        kind = kind_of(table.columns, name)
        if kind is None:
            problems.append(
                f"{table.source}: cannot tell which HubSpot object the file holds (got the columns "
                f"{clip(', '.join(table.columns), 200)!r}, expected HubSpot's export of companies, "
                "contacts or deals: a Company name, First Name or Deal Name column, or the object "
                "in the file name)"
            )
            continue
        headers, missing = _headers(kind, table)
        problems += missing
        if not missing:
            by_kind[kind].append((table, headers))
    problems.sort()  # in the order of the files
    plan.complete = not problems
    if not problems and tables and not any(t.rows for t, _ in tables):
        problems.append(
            f"{_name(folder)}: nothing to import (got header rows only, expected rows under them)"
        )
    _Planner(store, plan, by_kind).run()
    plan.absent = [
        Absent(_name(folder), f"no {kind} export", labels, kind, f"HubSpot's export of {kind}")
        for kind, labels in ((COMPANIES, ("Account", "Org")), (CONTACTS, ("Person",)))
        if not by_kind[kind]
    ]
    return plan, problems


def kind_of(columns: list[str], name: str) -> str | None:
    """The HubSpot object a file holds, by its (lower-case) columns, else by its file name."""
    present = set(columns)
    for kind, marks in MARKS.items():
        if marks & present:
            return kind
    words = set(re.findall(r"[a-z]+", name.lower()))
    named = [kind for kind in KINDS if {kind, kind.removesuffix("s"), kind.replace("ies", "y")} & words]
    return named[0] if len(named) == 1 else None


def _read(folder: Path) -> tuple[list[tuple[Table, str]], list[str]]:
    """The tables of the export's files, each with its file name, and the files' problems."""
    if folder.is_dir():
        files = sorted(f for f in folder.iterdir() if not f.name.startswith(".") and f.is_file())
    elif folder.exists():
        files = [folder]
    else:
        return [], [f"{folder}: no such file or folder"]
    tables: list[tuple[Table, str]] = []
    problems: list[str] = []
    for file in files:
        suffix = file.suffix.lower()
        try:
            if suffix == ".csv":
                tables.append((read_csv(file), file.name))
            elif suffix in (".xlsx", ".xlsm"):
                tables += [(sheet, file.name) for sheet in read_xlsx(file).values()]
            elif suffix in (".xls", ".zip"):
                problems.append(_unread(file))
        except TableError as exc:
            problems.append(str(exc))
    if not tables and not problems:
        problems.append(
            f"{_name(folder)}: no HubSpot export found (expected the .csv or .xlsx files of HubSpot's "
            "export of companies, contacts and deals)"
        )
    return tables, problems


def _unread(file: Path) -> str:
    if file.suffix.lower() == ".zip":
        return (
            f"{file.name}: a zip file (got a zip, expected its files: unzip HubSpot's export into the folder)"
        )
    return (
        f"{file.name}: an old Excel workbook (got an .xls file, expected CSV or XLSX: export again from "
        "HubSpot choosing CSV or XLSX)"
    )


def _headers(kind: str, table: Table) -> tuple[dict[str, str], list[str]]:
    """The header each field of `kind` is read from (the first of its names in the table), and
    a problem for each required column missing."""
    present = set(table.columns)
    headers: dict[str, str] = {}
    for field in FIELDS[kind]:
        found = next((n.lower() for n in field.names if n.lower() in present), None)
        if found is not None:
            headers[field.key] = found
    missing = [f for f in FIELDS[kind] if f.required and f.key not in headers]
    if kind == DEALS and "primary" not in headers and "companies" not in headers:
        missing.append(Field("companies", ("Associated Company IDs",)))
    got = clip(", ".join(table.columns), 200)
    return headers, [
        str(
            Problem(
                table.source,
                1,
                field.label,
                f"required column of HubSpot's {kind} export is missing",
                got,
                f"a column {' or '.join(field.names)}"
                + (": export again, including associated companies" if field.key == "companies" else ""),
            )
        )
        for field in missing
    ]


class _Row:
    """One row of an export: its cells by field, each checked as every import's cells are
    (`fields.cell`), problems added to the plan; `ok` is False once one is found."""

    def __init__(
        self, plan: Plan, kind: str, table: Table, headers: dict[str, str], number: int, raw: dict[str, str]
    ):
        self.plan, self.kind, self.headers, self.raw = plan, kind, headers, raw
        self.where = Where(table.source, number, "")
        self.ok = True

    def column(self, key: str) -> str:
        """The column a field is read from, as the file names it (else HubSpot's label)."""
        return self.headers.get(key) or next(f.label for f in FIELDS[self.kind] if f.key == key)

    def has(self, key: str) -> bool:
        """Whether the row holds a value for the field (checked or not)."""
        return bool(self.raw.get(self.headers.get(key, "")))

    def text(self, key: str) -> str:
        """The cell's text, "" when empty or absent."""
        value = self.raw.get(self.headers.get(key, ""), "")
        if not value:
            return ""
        try:
            return F.cell(value)
        except F.Invalid as exc:
            self.problem(key, exc.problem, exc.got if exc.got is not None else clip(value), exc.expected)
            return ""

    def parse(self, key: str, parser: Callable[[str], Any]) -> Any:
        """The cell parsed (and `storable`), None when empty or wrong (a problem added)."""
        text = self.text(key)
        if not text:
            return None
        try:
            return F.storable(parser(text))
        except F.Invalid as exc:
            self.problem(key, exc.problem, clip(exc.got if exc.got is not None else text), exc.expected)
            return None

    def problem(self, key: str, message: str, got: str, expected: str) -> None:
        self.plan.problems.append(
            Problem(self.where.source, self.where.row, self.column(key), message, got, expected)
        )
        self.ok = False


class _Planner:
    """Companies, then contacts, then deals into the plan, each naming the ids the last made."""

    def __init__(self, store: Store, plan: Plan, tables: dict[str, list[tuple[Table, dict[str, str]]]]):
        self.store, self.plan, self.tables = store, plan, tables
        self.ids: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}  # Record ID: graph id
        self.seats: dict[str, dict[str, Any]] = {}  # person id: the seat props of their buying roles
        self.claimed: dict[str, Where] = {}  # graph records matched by a contact, and where
        self.held: set[str] = set()  # the ids this import would make that the graph holds already

    def rows(self, kind: str) -> Iterator[_Row]:
        for table, headers in self.tables[kind]:
            for number, raw in zip(table.numbers, table.rows, strict=True):
                yield _Row(self.plan, kind, table, headers, number, raw)

    def run(self) -> None:
        made = {
            PREFIX[kind] + record
            for kind in (COMPANIES, CONTACTS)
            for table, headers in self.tables[kind]
            for raw in table.rows
            if (record := raw.get(headers["id"], "").strip())
        }
        self.held = set(find_labels(self.store, made)) if made else set()
        self.companies()
        self.contacts()
        self.deals()

    def record(self, row: _Row) -> str | None:
        """The row's Record ID, or None with its problem."""
        record = row.parse("id", record_id)
        if record is None and row.ok:
            row.problem("id", "a required value is empty", "", "the record's Record ID")
        return record

    def companies(self) -> None:
        by_name = {name: i for name, i in organisations_by_name(self.store).items() if not _ours(i)}
        for row in self.rows(COMPANIES):
            record = self.record(row)
            name = row.text("name").strip()
            if not name and row.ok:
                row.problem("name", "a company without a name", "", "the company's name")
            lifecycle = row.text("lifecycle")
            props = {"name": name, "domain": row.text("domain"), "industry": row.text("industry")}
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX[COMPANIES] + (record or ""))
                continue
            own = PREFIX[COMPANIES] + record
            found = by_name.get(name.lower()) if own not in self.held else None
            self.ids[COMPANIES][record] = found or own
            if found:
                continue  # an account or organisation from another source: linked to, left as it is
            customer = _key(lifecycle) in CUSTOMER_STAGES
            props |= {
                "kind": "customer" if customer else "prospect",
                "status": "active" if customer else "prospect",
                "source": SOURCE,
            }
            self.plan.add_node(own, "Account", _props(props), row.where)

    def contacts(self) -> None:
        rows = list(self.rows(CONTACTS))
        emails = [row.raw.get(row.headers.get("email", ""), "") for row in rows]
        names = [
            full_name(
                row.raw.get(row.headers.get("first", ""), ""), row.raw.get(row.headers.get("last", ""), "")
            )
            for row in rows
        ]
        by_email = {e: i for e, i in people_by_email(self.store, emails).items() if not _ours(i)}
        by_name = {
            n: [i for i in ids if not _ours(i)] for n, ids in people_by_name(self.store, names).items()
        }
        for row in rows:
            record = self.record(row)
            email = row.text("email").strip()
            name = full_name(row.text("first").strip(), row.text("last").strip()) or email
            seat = self.seat(row)
            companies = self.associated(row, "primary", "companies")
            if not name and row.ok:
                row.problem(
                    "first", "a contact without a name or email", "", "a first or last name, or an email"
                )
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX[CONTACTS] + (record or ""))
                continue
            person = self.person(row, PREFIX[CONTACTS] + record, email, name, by_email, by_name)
            if person is None:
                self.plan.skipped_ids.add(PREFIX[CONTACTS] + record)
                continue
            self.ids[CONTACTS][record] = person
            self.seats[person] = seat
            if person == PREFIX[CONTACTS] + record:
                props = {
                    "name": name,
                    "title": row.text("title"),
                    "email": email,
                    "phone": row.text("phone"),
                    "source": SOURCE,
                }
                if not self.plan.add_node(person, "Person", _props(props), row.where):
                    continue
            if companies:
                company = self.ids[COMPANIES].get(companies[0], PREFIX[COMPANIES] + companies[0])
                column = row.column("primary" if row.has("primary") else "companies")
                self.plan.add_rel(
                    "WORKS_AT",
                    person,
                    company,
                    {},
                    row.where,
                    target_labels=("Account", "Org"),
                    columns=(row.column("id"), column),
                )

    def person(
        self,
        row: _Row,
        own: str,
        email: str,
        name: str,
        by_email: dict[str, str],
        by_name: dict[str, list[str]],
    ) -> str | None:
        """The graph id of a contact: its own when imported before, else the one person of its
        email or name among the graph's other records, else its own; None with a problem when
        several people have its name, or when another contact of this export is that person."""
        if own in self.held:
            return own
        match = match_person(email, name, by_email, by_name)
        if match.ambiguous:
            row.problem(
                "email",
                "the contact's name is several people's in the graph",
                name,
                f"an Email that one of them has ({', '.join(match.ambiguous)}), so that it is not a guess",
            )
            return None
        if match.id is None:
            return own
        first = self.claimed.setdefault(match.id, row.where)
        if first != row.where:
            row.problem(
                "email",
                f"two contacts are one person in the graph ({match.id})",
                email or name,
                f"each contact once (the other is {first.source} row {first.row}): merge them in HubSpot",
            )
            return None
        return match.id

    def seat(self, row: _Row) -> dict[str, Any]:
        """The seat a contact's buying roles give it on each of its deals."""
        text = row.text("roles")
        if not text:
            return {}
        try:
            roles, stances = buying_roles(text)
        except F.Invalid as exc:
            row.problem("roles", exc.problem, clip(exc.got or text), exc.expected)
            return {}
        if len(stances) > 1:
            row.problem(
                "roles",
                "both Champion and Blocker",
                clip(text),
                "one of them: a champion campaigns for us, a blocker against",
            )
            return {}
        crm_role = ";".join(part.strip() for part in text.split(";") if part.strip())
        return _props({"roles": roles, "stance": stances[0] if stances else "", "crm_role": crm_role})

    def associated(self, row: _Row, primary: str, listed: str) -> list[str]:
        """The Record IDs of a row's associated records: the primary first, then the others."""
        first = row.parse(primary, record_id) if primary in row.headers else None
        others = row.parse(listed, record_ids) if listed in row.headers else None
        return list(dict.fromkeys([*([first] if first else []), *(others or [])]))

    def deals(self) -> None:
        for row in self.rows(DEALS):
            record = self.record(row)
            props = self.deal(row)
            companies = self.associated(row, "primary", "companies")
            contacts = row.parse("contacts", record_ids) or []
            if not companies and row.ok:
                column = (
                    "primary" if "primary" in row.headers and "companies" not in row.headers else "companies"
                )
                row.problem(
                    column,
                    "a deal with no company",
                    "",
                    "the Record ID of the company the deal is for: associate the deal with a company in "
                    "HubSpot, then export again",
                )
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX[DEALS] + (record or ""))
                continue
            deal = PREFIX[DEALS] + record
            if not self.plan.add_node(deal, "Opportunity", props, row.where):
                continue
            account = self.ids[COMPANIES].get(companies[0], PREFIX[COMPANIES] + companies[0])
            company_column = row.column("primary" if row.has("primary") else "companies")
            self.plan.add_rel(
                "FOR",
                deal,
                account,
                {},
                row.where,
                source_labels=("Opportunity",),
                target_labels=("Account",),
                columns=(row.column("id"), company_column),
            )
            for contact in contacts:
                person = self.ids[CONTACTS].get(contact, PREFIX[CONTACTS] + contact)
                self.plan.add_rel(
                    "IN_COMMITTEE",
                    person,
                    deal,
                    dict(self.seats.get(person, {})),
                    row.where,
                    target_labels=("Opportunity",),
                    columns=(row.column("contacts"), row.column("id")),
                )

    def deal(self, row: _Row) -> dict[str, Any]:
        """An opportunity's properties from a deal row (its problems added)."""
        props: dict[str, Any] = {"name": row.text("name"), "pipeline": row.text("pipeline"), "source": SOURCE}
        stage = row.text("stage")
        if stage:
            try:
                props |= self.plan.stages.parse(stage)
            except F.Invalid as exc:
                row.problem("stage", exc.problem, clip(stage), exc.expected)
        amount = "amount" if row.has("amount") else "home_amount"
        value = row.parse(amount, money)
        if value is not None:
            props["value"] = value
            props["currency"] = row.text("currency") if amount == "amount" else ""
            props["currency"] = props["currency"] or currency_of(row.text(amount))
        props["close_date"] = row.parse("close_date", date) or ""
        won = row.parse("won", F.boolean)
        by_stage = closed(stage) if stage else None
        if won is None:
            props["status"] = by_stage or "open"
        else:
            props["status"] = "won" if won else ("lost" if by_stage else "open")
        return _props(props)


# -- cell parsers ---------------------------------------------------------------------------------


def record_id(text: str) -> str:
    """A HubSpot Record ID: a whole number, as text."""
    value = text.strip()
    if not _RECORD_ID.fullmatch(value):
        raise F.Invalid(
            "not a HubSpot Record ID", "a record id as HubSpot exports it, e.g. 18734523412", got=value
        )
    return value


def record_ids(text: str) -> list[str]:
    """`;`-separated Record IDs (spaces around them aside), each once, in order."""
    return list(dict.fromkeys(record_id(part) for part in text.split(";") if part.strip()))


def buying_roles(text: str) -> tuple[list[str], list[str]]:
    """A Buying Role cell (labels or internal values, `;`-separated) as (roles, stances)."""
    roles: list[str] = []
    stances: list[str] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        found = BUYING_ROLES.get(_key(part))
        if found is None:
            raise F.Invalid(
                "unknown buying role",
                f"HubSpot's buying roles: {BUYING_ROLE_LABELS} (or their internal values, e.g. "
                "DECISION_MAKER)",
                got=part.strip(),
            )
        role, stance = found
        if role:
            roles.append(role)
        if stance and stance not in stances:
            stances.append(stance)
    return [r for r in ROLES if r in roles], stances


def money(text: str) -> float:
    """An amount as HubSpot formats it: thousands separated by commas (or spaces), a currency
    sign or code before or after it ("$1,200,000.00", "1,200,000.00 USD")."""
    match = _MONEY.fullmatch(text.strip())
    if match is None or (match.group(1) and match.group(3)):
        raise F.Invalid(
            "not an amount", "an amount such as 1,200,000.00 (its currency in the Currency column)"
        )
    value: float = F.number(0)(re.sub(r"[\s\u00a0\u202f]", "", match.group(2)))
    return value


def currency_of(text: str) -> str:
    """The currency sign or code written beside an amount ("$", "USD"), "" when none."""
    match = _MONEY.fullmatch(text.strip())
    return (match.group(1) or match.group(3) or "").strip() if match else ""


def date(text: str) -> str:
    """A date or a date-time as HubSpot exports it ("2026-11-30 14:05"): the date."""
    match = _DATE_TIME.fullmatch(text.strip())
    return F.date(match.group(1) if match else text.strip())


_RECORD_ID = re.compile(r"\d{1,20}")
_MONEY = re.compile(
    r"([A-Z]{3}\s*|[$€£¥₹]\s*)?"  # a currency code or sign before...
    r"((?:\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+|\d+)(?:\.\d+)?)"  # thousands in groups of three
    r"(\s*[A-Z]{3}|\s*[$€£¥₹])?"  # ...or after
)
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


# -- small helpers --------------------------------------------------------------------------------


def _key(text: str) -> str:
    """A label or internal value without case, spaces or punctuation: "End user" = "END_USER"."""
    return re.sub(r"[\W_]+", "", text.casefold())


def _ours(node_id: str) -> bool:
    """Whether an id was made by this import (matched by Record ID, never by name or email)."""
    return node_id.startswith(tuple(PREFIX.values()))


def _props(props: dict[str, Any]) -> dict[str, Any]:
    """The non-empty values."""
    return {k: v for k, v in props.items() if v not in (None, "", [])}


def _name(path: Path) -> str:
    return path.name or path.resolve().name
