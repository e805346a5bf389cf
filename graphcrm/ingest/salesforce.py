"""Import a Salesforce export: accounts, contacts and their managers, opportunities with their
contact roles, and our own users as reps.

The folder is Salesforce's Data Export (Setup > Data Export: a zip of one CSV per object, to
unpack first) or the CSV files Data Loader saves, named after their objects: `Account.csv`,
`Contact.csv`, `Opportunity.csv`, `OpportunityContactRole.csv`, and, when there, `User.csv` and
`AccountContactRelation.csv`; the export's other files (`Task.csv`, `Lead.csv`, …) are left
alone. Headers are the fields' API names, in any case; the columns the graph has no use for are
ignored, and a column it needs missing (`OBJECTS`) is a problem naming the file and the column.
Rows with IsDeleted true (Data Loader's "Export All" includes the recycle bin) are left out.

- **Ids** are `sf:` and the record's 15-character id: Salesforce's ids are unique across objects,
  and the same in every export, so a re-import finds the same records. An 18-character id is the
  15-character one and 3 letters spelling which of its letters are capitals (`salesforce_id`):
  every Id and every reference is read as its 15 characters, the 3 checked, so that both forms
  are one record; `000000000000000`, Salesforce's empty key, is no reference.
- **Records already in the graph.** An account, contact or user not imported from Salesforce before
  is first looked for among the graph's other records (`graphcrm.ingest.matching`): an account
  by name, a contact by e-mail, then by name when exactly one person has it (two people of
  that name are a problem, never a guess), a user by e-mail only (a namesake at a customer is
  not made one of our reps). A record found so is linked to, and left as it is (a user found
  so becomes a rep); two records of the export found to be one are a problem.
- **Accounts**: Type gives the kind (`TYPES`: customers and prospects are accounts, partners,
  competitors, analysts, the press… organisations; a type not listed makes a prospect). An
  account with an opportunity in the export is one we sell to, so an account whatever its type
  (a customer if one of them is won). The type's text is kept as `crm_type`, ParentId as
  `parent`, AnnualRevenue as `annual_revenue` (the account's own revenue: graphcrm's `revenue`
  is ours from it), the billing city, state and country as `region`.
- **Contacts** WORK_AT their account; ReportsToId becomes REPORTS_TO, without a strength (warm
  paths give the org chart's own). A contact who reports to themself, or a cycle of managers,
  is a problem.
- **AccountContactRelation** (a contact related to a second account, Salesforce's "contacts
  to multiple accounts"): WORKS_AT when that account is a customer or prospect (an `Account`:
  its people are whom `influencers` and `committee` look at, and the relation says the contact
  takes part in its business: a consultant, a board member, a group officer of a subsidiary),
  with `indirect` true and the relation's Roles as `crm_roles`; TIED_TO when it is an
  organisation (a competitor, a partner: TIED_TO is the graph's tie to an outside
  organisation, which `committee` reads as a risk or an entry point), its kind the Roles or
  "account contact relation". The direct relation is the contact's own account (above).
- **Opportunities** are FOR their account. The status comes from IsClosed and IsWon only,
  never from the stage's name: won (both true), lost (closed, not won), open (neither); won
  but not closed is a problem, and so is a stage whose name says won or lost (Closed Won,
  Closed Lost) that IsClosed and IsWon contradict. StageName goes through the stage map
  (`graphcrm.ingest.stages`, `--stage-map FILE`); Amount is `value`, CloseDate `close_date`
  (a date-time keeps its date). The owner (OwnerId) is kept as the property `owner`, the rep's
  id: owning a deal is no tie to anyone the data names, so it makes none. With `User.csv` in
  the export the owner must be one of its users (or a person imported before).
- **Contact roles** (OpportunityContactRole) give the contact a seat in the opportunity's
  committee with the roles of the role map (`DEFAULT_ROLES`, or the user's `--roles FILE`, a CSV
  with the columns crm_role, role); the role's text is kept as `crm_role`, IsPrimary as
  `primary`. Influencer and Other give a seat with no role; a role in no map is a problem. A
  contact listed with several roles on one opportunity has one seat with all of them.
- **Users** are our team: people with the label Rep (an inactive user is a person without it)
  working at our own company, the account named by the users' CompanyName if the graph has
  it, else the organisation `sf:our-company`. Their ManagerId is not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
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
from graphcrm.ingest.stages import StageMap, closed, key, read_stage_map
from graphcrm.ingest.tabular import Table, TableError, clip, read_csv, unopenable
from graphcrm.schema import ACCOUNT_KINDS, ROLES
from graphcrm.store import Store

PREFIX = "sf:"
OUR_COMPANY = "sf:our-company"
SOURCE = "salesforce"
EMPTY_KEY = "000000000000000"  # Salesforce's id of no record
CHECKSUM_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


@dataclass(frozen=True)
class SalesforceObject:
    """One object's file: the columns read (API names), those required first."""

    name: str  # "Contact": the file is Contact.csv
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


OBJECTS: dict[str, SalesforceObject] = {
    o.name: o
    for o in (
        SalesforceObject(
            "Account",
            ("Id", "Name", "Type"),
            ("ParentId", "Industry", "AnnualRevenue", "BillingCity", "BillingState", "BillingCountry"),
        ),
        SalesforceObject(
            "Contact",
            ("Id", "AccountId", "FirstName", "LastName", "ReportsToId", "Email"),
            ("Title", "Department", "Phone", "MobilePhone", "Birthdate"),
        ),
        SalesforceObject(
            "Opportunity",
            ("Id", "AccountId", "Name", "StageName", "IsClosed", "IsWon"),
            ("Amount", "CloseDate", "OwnerId"),
        ),
        SalesforceObject("OpportunityContactRole", ("OpportunityId", "ContactId", "Role"), ("IsPrimary",)),
        SalesforceObject(
            "User",
            ("Id", "FirstName", "LastName", "Email"),
            ("Title", "Department", "Phone", "CompanyName", "IsActive"),
        ),
        SalesforceObject("AccountContactRelation", ("AccountId", "ContactId"), ("Roles", "IsActive")),
    )
}
OPTIONAL_FILES = ("User", "AccountContactRelation")

# Account Type (Salesforce's default picklist, and the older one: Customer - Direct…) → kind.
TYPES = {
    "Customer": "customer",
    "Customer - Direct": "customer",
    "Customer - Channel": "customer",
    "Prospect": "prospect",
    "Partner": "supplier",
    "Channel Partner / Reseller": "supplier",
    "Installation Partner": "supplier",
    "Technology Partner": "supplier",
    "Reseller": "supplier",
    "Integrator": "supplier",
    "Competitor": "competitor",
    "Analyst": "consultant",
    "Press": "media",
    "Investor": "other",
}
TYPES_BY_KEY = {key(name): kind for name, kind in TYPES.items()}
# OpportunityContactRole's Role (Salesforce's default picklist) → committee roles; () a seat
# with no role.
DEFAULT_ROLES: dict[str, tuple[str, ...]] = {
    "Decision Maker": ("D",),
    "Economic Decision Maker": ("D",),
    "Economic Buyer": ("D",),
    "Executive Sponsor": ("D",),
    "Evaluator": ("E",),
    "Technical Buyer": ("S",),
    "Business User": ("U",),
    "Influencer": (),
    "Other": (),
}


# -- ids ----------------------------------------------------------------------------------------


def checksum(head: str) -> str:
    """The 3 letters an 18-character id adds to its 15: for each 5 characters, the letter whose
    place in A-Z0-5 has a bit set for each capital (the first character the lowest bit)."""
    return "".join(
        CHECKSUM_LETTERS[sum(1 << i for i, c in enumerate(head[start : start + 5]) if "A" <= c <= "Z")]
        for start in (0, 5, 10)
    )


def salesforce_id(text: str) -> str:
    """The 15-character form of a Salesforce id, or `fields.Invalid`.

    An 18-character id must end in the checksum of its first 15 (`checksum`). One whose letters
    a tool changed to all capitals or all small letters (the 3 letters exist to survive that:
    Excel's lookups and some databases ignore case) gets its capitals back from them; any other
    mismatch is a wrong id (a typo, or two ids pasted into one)."""
    if len(text) not in (15, 18) or not (text.isascii() and text.isalnum()):
        raise F.Invalid(
            "not a Salesforce id", "an id of 15 or 18 letters and digits, as Salesforce writes it"
        )
    head = text[:15]
    if len(text) == 15 or text[15:] == checksum(head):
        return head
    restored = _restore_case(head, text[15:].upper())
    if restored is not None and head in (head.lower(), head.upper()):
        return restored
    raise F.Invalid(
        "the last 3 characters of an 18-character id do not match its first 15",
        f"{head}{checksum(head)}, the 18-character form of {head} (or the 15 characters alone)",
    )


def _restore_case(head: str, suffix: str) -> str | None:
    """`head` with the capitals the checksum `suffix` spells, or None when it spells none."""
    if len(suffix) != 3 or any(c not in CHECKSUM_LETTERS for c in suffix):
        return None
    out = []
    for chunk, letter in enumerate(suffix):
        bits = CHECKSUM_LETTERS.index(letter)
        for i, c in enumerate(head[chunk * 5 : chunk * 5 + 5]):
            capital = bool(bits >> i & 1)
            if capital and not c.isalpha():
                return None
            out.append(c.upper() if capital else c.lower())
    return "".join(out)


def salesforce_date(text: str) -> str:
    """A date `YYYY-MM-DD`, or a date-time as Data Loader writes one (`2024-03-01T00:00:00.000Z`),
    its date kept."""
    match = _DATE_TIME.fullmatch(text)
    return F.date(match.group(1) if match else text)


_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


# -- the role map -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleMap:
    """Salesforce contact role → committee roles; `own` is the user's map (its file named in
    messages), which wins over `DEFAULT_ROLES`. Roles are looked up case and punctuation aside."""

    own: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    own_source: str = ""

    def roles(self, text: str) -> tuple[str, ...]:
        """The roles of a contact role (none: a seat with no role); `fields.Invalid` naming the
        value and the maps for a role in neither."""
        found = self.own.get(key(text))
        if found is None:
            found = _DEFAULT_ROLES.get(key(text))
        if found is None:
            mine = f"a role of {self.own_source}, or " if self.own_source else ""
            raise F.Invalid(
                "unknown contact role",
                f"{mine}one of Salesforce's default roles ({', '.join(DEFAULT_ROLES)}); map your own "
                "with --roles FILE (columns crm_role, role: D, E, S, U, or empty for a seat with no role)",
                got=text,
            )
        return found


_DEFAULT_ROLES = {key(name): roles for name, roles in DEFAULT_ROLES.items()}


def read_role_map(path: Path) -> tuple[RoleMap, list[Problem]]:
    """The user's map from a CSV with the columns crm_role, role (`;`-separated D, E, S, U, or
    empty for a seat with no role); problems name the file, row and column."""
    problems: list[Problem] = []

    def problem(row: int, column: str, message: str, got: str, expected: str) -> None:
        problems.append(Problem(path.name, row, column, message, got, expected))

    try:
        table = read_csv(path)
    except TableError as exc:
        return RoleMap(), [Problem(path.name, 0, "", str(exc), path.name, "a CSV file")]
    for column in ("crm_role", "role"):
        if column not in table.columns:
            problem(1, column, "a required column is missing", ", ".join(table.columns), "crm_role, role")
    if problems:
        return RoleMap(), problems
    parse = F.list_of(ROLES, "role")
    own: dict[str, tuple[str, ...]] = {}
    first: dict[str, int] = {}
    for number, row in zip(table.numbers, table.rows, strict=True):
        crm, role = row.get("crm_role", ""), row.get("role", "")
        try:
            roles = tuple(parse(role))
        except F.Invalid as exc:
            problem(number, "role", exc.problem, clip(exc.got or role), exc.expected)
            continue
        if not crm:
            problem(number, "crm_role", "a required value is empty", "", "the role as Salesforce writes it")
        elif key(crm) in first:
            problem(number, "crm_role", "a role mapped twice", crm, f"each once (row {first[key(crm)]})")
        else:
            first[key(crm)] = number
            own[key(crm)] = roles
    return RoleMap(own, path.name), problems


# -- reading the folder ---------------------------------------------------------------------------


def plan_salesforce(
    store: Store,
    folder: Path,
    stage_map: Path | StageMap | None = None,
    role_map: Path | RoleMap | None = None,
) -> tuple[Plan, list[str]]:
    """The plan for one Salesforce export folder, with the problems that stop whole files from
    being read. `stage_map`: the user's CSV (crm_stage, stage); `role_map`: (crm_role, role)."""
    map_problems: list[Problem] = []
    if isinstance(stage_map, Path):
        stages, found = read_stage_map(stage_map)
        map_problems += found
    else:
        stages = stage_map or StageMap()
    if isinstance(role_map, Path):
        roles, found = read_role_map(role_map)
        map_problems += found
    else:
        roles = role_map or RoleMap()
    if map_problems:
        return Plan(), [str(p) for p in map_problems]
    plan = Plan(stages=stages)
    if problem := unopenable(folder):
        return plan, [problem]
    tables, problems = read_export(folder)
    plan.complete = not problems
    for name, table in list(tables.items()):
        missing = _check_header(OBJECTS[name], table)
        if missing:
            problems += missing
            plan.complete = False
            del tables[name]
    if not problems and not any(t.rows for t in tables.values()):
        problems.append(
            f"{_name(folder)}: nothing to import (got header rows only, expected rows under them)"
        )
    _Planner(store, plan, tables, roles).run()
    # Accounts: those opportunities are for (contacts' and users' employers may be organisations,
    # and our own company is one this import makes, which would hide the missing file).
    plan.absent = [
        Absent(_name(folder), f"no {OBJECTS[name].file}", labels, records, OBJECTS[name].file)
        for name, labels, records in (
            ("Account", ("Account",), "accounts"),
            ("Contact", ("Person",), "contacts"),
            ("Opportunity", ("Opportunity",), "opportunities"),
        )
        if name not in tables
    ]
    return plan, problems


def read_export(folder: Path) -> tuple[dict[str, Table], list[str]]:
    """The export's tables by object name, and the problems of its files (unreadable, two files
    for one object, or no file of the export at all)."""
    if not folder.exists():
        return {}, [f"{folder}: no such folder"]
    if not folder.is_dir():
        if folder.suffix.lower() == ".zip":
            return {}, [
                f"{folder.name}: a zip file (got Salesforce's zip, expected the folder its files are in: "
                "unzip the export and import the folder)"
            ]
        return {}, [f"{folder.name}: not a folder (expected the folder of a Salesforce export: {_listing()})"]
    named: dict[str, list[Path]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv" and file.is_file():
            named.setdefault(file.stem.lower(), []).append(file)
    tables: dict[str, Table] = {}
    problems: list[str] = []
    for name in OBJECTS:
        files = named.get(name.lower(), [])
        if len(files) > 1:
            problems.append(
                f"{files[0].name}: two files for one object (got {' and '.join(f.name for f in files)}, "
                f"expected one {name}.csv: names that differ only in capitals are one file on Windows "
                "and macOS)"
            )
        elif files:
            try:
                tables[name] = read_csv(files[0])
            except TableError as exc:
                problems.append(str(exc))
    if not tables and not problems:
        problems.append(f"{_name(folder)}: no Salesforce export files found (expected {_listing()})")
    return tables, problems


def _listing() -> str:
    required = [o.file for name, o in OBJECTS.items() if name not in OPTIONAL_FILES]
    optional = [OBJECTS[name].file for name in OPTIONAL_FILES]
    return f"{', '.join(required)}, and optionally {' and '.join(optional)}"


def _check_header(obj: SalesforceObject, table: Table) -> list[str]:
    """A problem for each column the graph needs that the file lacks, or holds twice."""
    got = clip(", ".join(table.columns), 200)
    problems = [
        str(
            Problem(
                table.source,
                1,
                column,
                "required column is missing",
                got,
                f"Salesforce's columns {', '.join(obj.required)} (in any case)",
            )
        )
        for column in obj.required
        if column.lower() not in table.columns
    ]
    for column in (*obj.required, *obj.optional):
        if table.columns.count(column.lower()) > 1:
            problems.append(
                str(Problem(table.source, 1, column, "a column given twice", column, "each column once"))
            )
    return problems


def _name(path: Path) -> str:
    return path.name or path.resolve().name


# -- rows -----------------------------------------------------------------------------------------


class _Row:
    """One row of an export file: its cells by API name, each checked as every import's cells
    are (`fields.cell`), problems added to the plan; `ok` is False once one is found."""

    def __init__(self, plan: Plan, table: Table, number: int, raw: dict[str, str]) -> None:
        self.plan, self.raw = plan, raw
        self.where = Where(table.source, number, "")
        self.ok = True

    def text(self, column: str) -> str:
        """The cell's text, "" when empty or absent."""
        value = self.raw.get(column.lower(), "")
        if not value:
            return ""
        try:
            return F.cell(value)
        except F.Invalid as exc:
            self.problem(column, exc.problem, exc.got if exc.got is not None else clip(value), exc.expected)
            return ""

    def parse(self, column: str, parser: Callable[[str], Any], required: str = "") -> Any:
        """The cell parsed (and `storable`), None when empty or wrong (a problem added); an empty
        cell is a problem too when `required` says what it should hold."""
        text = self.text(column)
        if not text:
            if required and self.ok:
                self.problem(column, "a required value is empty", "", required)
            return None
        try:
            return F.storable(parser(text))
        except F.Invalid as exc:
            self.problem(column, exc.problem, clip(exc.got if exc.got is not None else text), exc.expected)
            return None

    def record(self, column: str, required: str = "") -> str | None:
        """A Salesforce id in its 15-character form; None when empty or the empty key."""
        found = self.parse(column, salesforce_id, required)
        return None if found == EMPTY_KEY else found

    def deleted(self) -> bool:
        """Whether the row is in Salesforce's recycle bin (Data Loader's "Export All")."""
        return self.raw.get("isdeleted", "").strip().lower() in ("true", "1")

    def problem(self, column: str, message: str, got: str, expected: str) -> None:
        self.plan.problems.append(Problem(self.where.source, self.where.row, column, message, got, expected))
        self.ok = False


@dataclass
class _Record:
    """An account, contact or user read from its row, before its graph id is known."""

    id: str  # 15 characters
    row: _Row
    props: dict[str, Any]
    refs: dict[str, str] = field(default_factory=dict)  # column: 15-character id
    email: str = ""


class _Planner:
    """The export's records into the plan: accounts, users and contacts are read and found in
    the graph first, then every record and tie is planned with the ids found."""

    def __init__(self, store: Store, plan: Plan, tables: dict[str, Table], roles: RoleMap) -> None:
        self.store, self.plan, self.tables, self.roles = store, plan, tables, roles
        self.ids: dict[str, str] = {}  # 15-character id: graph id
        self.deleted: set[str] = set()  # ids of rows in the recycle bin: no reference
        self.claimed: dict[str, Where] = {}  # graph records found for a record of this export
        self.labels: dict[str, str] = {}  # graph id: the label this import gives it

    def rows(self, name: str) -> Iterator[_Row]:
        table = self.tables.get(name)
        if table is None:
            return
        for number, raw in zip(table.numbers, table.rows, strict=True):
            row = _Row(self.plan, table, number, raw)
            if row.deleted():
                if (found := _quiet_id(raw.get("id", ""))) is not None:
                    self.deleted.add(found)
                continue
            yield row

    def graph_id(self, record: str) -> str:
        return self.ids.get(record, PREFIX + record)

    def ref(self, row: _Row, column: str, required: str = "") -> str | None:
        """The graph id a reference names, None when empty (a problem when `required`) or a
        record in the recycle bin."""
        record = row.record(column, required)
        return None if record is None or record in self.deleted else self.graph_id(record)

    def run(self) -> None:
        accounts = self.read_accounts()
        users = self.read_people("User")
        contacts = self.read_people("Contact")
        opportunities = self.read_opportunities()
        self.find(accounts, users, contacts)
        self.plan_accounts(accounts, opportunities)
        self.plan_users(users)
        self.plan_contacts(contacts)
        self.plan_opportunities(opportunities)
        self.plan_seats()
        self.plan_relations()

    # -- reading --------------------------------------------------------------------------------

    def read_accounts(self) -> list[_Record]:
        records = []
        for row in self.rows("Account"):
            record = row.record("Id", "the account's Id")
            name = row.text("Name").strip()
            if not name and row.ok:
                row.problem("Name", "a required value is empty", "", "the account's name")
            crm_type = row.text("Type").strip()
            region = ", ".join(
                part
                for part in (row.text(c).strip() for c in ("BillingCity", "BillingState", "BillingCountry"))
                if part
            )
            props = {
                "name": name,
                "crm_type": crm_type,
                "industry": row.text("Industry"),
                "annual_revenue": row.parse("AnnualRevenue", F.number(0)),
                "region": region,
                "source": SOURCE,
            }
            parent = row.record("ParentId")
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX + (record or row.raw.get("id", "")[:15]))
                continue
            records.append(_Record(record, row, props, {"ParentId": parent} if parent else {}))
        return records

    def read_people(self, name: str) -> list[_Record]:
        """Contacts or users: their props, their account (contacts) and manager (contacts)."""
        records = []
        what = "contact" if name == "Contact" else "user"
        for row in self.rows(name):
            record = row.record("Id", f"the {what}'s Id")
            first, last = row.text("FirstName").strip(), row.text("LastName").strip()
            if not last and row.ok:
                row.problem("LastName", "a required value is empty", "", f"the {what}'s last name")
            email = row.text("Email").strip()
            props: dict[str, Any] = {
                "name": full_name(first, last),
                "title": row.text("Title"),
                "department": row.text("Department"),
                "email": email,
                "phone": row.text("Phone") or row.text("MobilePhone"),
                "source": SOURCE,
            }
            refs: dict[str, str] = {}
            if name == "Contact":
                props["birthday"] = row.parse("Birthdate", salesforce_date)
                for column in ("AccountId", "ReportsToId"):
                    if (found := row.record(column)) is not None:
                        refs[column] = found
            else:
                props["active"] = row.parse("IsActive", F.boolean)
                props["company"] = row.text("CompanyName").strip()
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX + (record or row.raw.get("id", "")[:15]))
                continue
            records.append(_Record(record, row, props, refs, email))
        return records

    def read_opportunities(self) -> list[tuple[_Row, str, dict[str, Any], str | None, str | None]]:
        """Each opportunity: its row, id, props, account and owner (15-character ids)."""
        found = []
        for row in self.rows("Opportunity"):
            record = row.record("Id", "the opportunity's Id")
            account = row.record("AccountId", "the Id of the opportunity's account")
            owner = row.record("OwnerId")
            props: dict[str, Any] = {
                "name": row.text("Name"),
                "value": row.parse("Amount", F.number(0)),
                "close_date": row.parse("CloseDate", salesforce_date),
                "source": SOURCE,
            }
            stage = row.text("StageName")
            if stage:
                try:
                    props.update(self.plan.stages.parse(stage))
                except F.Invalid as exc:
                    row.problem("StageName", exc.problem, clip(stage), exc.expected)
            elif row.ok:
                row.problem("StageName", "a required value is empty", "", "the opportunity's stage")
            props["status"] = self.status(row, stage)
            if record is None or not row.ok:
                self.plan.skipped_ids.add(PREFIX + (record or row.raw.get("id", "")[:15]))
                continue
            found.append((row, record, props, account, owner))
        return found

    @staticmethod
    def status(row: _Row, stage: str) -> str | None:
        """open, won or lost from IsClosed and IsWon; None with a problem when they are empty,
        disagree with each other, or with a stage whose name says won or lost."""
        is_closed = row.parse("IsClosed", F.boolean, "true or false, as Salesforce exports it")
        is_won = row.parse("IsWon", F.boolean, "true or false, as Salesforce exports it")
        if is_closed is None or is_won is None:
            return None
        if is_won and not is_closed:
            row.problem(
                "IsWon",
                "an opportunity won but not closed",
                "IsWon true, IsClosed false",
                "IsClosed true on a won opportunity (Salesforce sets both from the stage: was the "
                "export edited?)",
            )
            return None
        status = "won" if is_won else "lost" if is_closed else "open"
        said = closed(stage) if stage else None
        if said is not None and said != status:
            got = f"IsClosed {str(is_closed).lower()}, IsWon {str(is_won).lower()} on the stage {stage!r}"
            row.problem(
                "IsWon" if is_closed else "IsClosed",
                f"IsClosed and IsWon say {status}, the stage says {said}",
                clip(got),
                f"IsClosed true and IsWon {str(said == 'won').lower()} on a {said} stage (Salesforce sets "
                "both from the stage: was the export edited?)",
            )
            return None
        return status

    # -- finding the graph's records ------------------------------------------------------------

    def find(self, accounts: list[_Record], users: list[_Record], contacts: list[_Record]) -> None:
        """The graph id of every account, user and contact: its own when imported before, else
        the one record of the graph's others it is (by name or e-mail), else its own."""
        held = find_labels(self.store, {PREFIX + r.id for r in (*accounts, *users, *contacts)})
        by_name = {n: i for n, i in organisations_by_name(self.store).items() if not i.startswith(PREFIX)}
        for account in accounts:
            own = PREFIX + account.id
            found = by_name.get(account.props["name"].lower()) if own not in held else None
            if found is not None and self.claim(
                found, account.row, "Name", account.props["name"], "accounts"
            ):
                self.ids[account.id] = found
        people = [*users, *contacts]
        emails = people_by_email(self.store, [p.email for p in people])
        names = people_by_name(self.store, [c.props["name"] for c in contacts])
        by_email = {e: i for e, i in emails.items() if not i.startswith(PREFIX)}
        by_names = {n: [i for i in ids if not i.startswith(PREFIX)] for n, ids in names.items()}
        users_first = [(user, None) for user in users]  # a user: by e-mail only
        for person, name in [*users_first, *((c, c.props["name"]) for c in contacts)]:
            if PREFIX + person.id in held:
                continue
            match = match_person(person.email, name, by_email, by_names)
            if match.ambiguous:
                person.row.problem(
                    "Email",
                    "the name is several people's in the graph",
                    person.props["name"],
                    f"an Email that one of them has ({', '.join(match.ambiguous)}), so that it is not "
                    "a guess",
                )
            elif match.id is not None and self.claim(
                match.id, person.row, "Email", person.email or person.props["name"], "people"
            ):
                self.ids[person.id] = match.id

    def claim(self, found: str, row: _Row, column: str, got: str, what: str) -> bool:
        """Whether `found` is this row's record: not when another row of the export found it."""
        first = self.claimed.setdefault(found, row.where)
        if first == row.where:
            return True
        row.problem(
            column,
            f"two records of the export are one in the graph ({found})",
            got,
            f"each of the graph's {what} once (the other is {first.source} row {first.row}): merge "
            "them in Salesforce",
        )
        return False

    # -- planning -------------------------------------------------------------------------------

    def plan_accounts(self, accounts: list[_Record], opportunities: list[tuple[Any, ...]]) -> None:
        sold: dict[str, bool] = {}  # account: whether one of its opportunities is won
        for _row, _record, props, account, _owner in opportunities:
            if account is not None:
                sold[account] = sold.get(account, False) or props.get("status") == "won"
        for account in accounts:
            if not account.row.ok:
                self.plan.skipped_ids.add(self.graph_id(account.id))
                continue
            own = PREFIX + account.id
            if self.graph_id(account.id) != own:
                continue  # an account or organisation from another source: linked to, left as it is
            props = account.props
            kind = TYPES_BY_KEY.get(key(props["crm_type"]), "prospect")
            if account.id in sold and kind not in ACCOUNT_KINDS:
                kind = "customer" if sold[account.id] else "prospect"
            if key(props["crm_type"]) == kind:
                props["crm_type"] = ""
            props["kind"] = kind
            if (parent := account.refs.get("ParentId")) and parent not in self.deleted:
                props["parent"] = self.graph_id(parent)
                self.plan.require(props["parent"], ("Account", "Org"), account.row.where.at("ParentId"))
            label = "Account" if kind in ACCOUNT_KINDS else "Org"
            if self.plan.add_node(own, label, _props(props), account.row.where):
                self.labels[own] = label

    def plan_users(self, users: list[_Record]) -> None:
        if not users:
            return
        company = next((u.props["company"] for u in users if u.props["company"]), "")
        ours = (organisations_by_name(self.store).get(company.lower()) if company else None) or OUR_COMPANY
        if ours == OUR_COMPANY:
            props = {"name": company or "our company", "kind": "other", "source": SOURCE}
            self.plan.add_node(ours, "Org", props, users[0].row.where)
        for user in users:
            person = self.graph_id(user.id)
            if not user.row.ok:
                self.plan.skipped_ids.add(person)
                continue
            active = user.props.pop("active") is not False
            props = _props({k: v for k, v in user.props.items() if k != "company"})
            if person != PREFIX + user.id:  # someone already in the graph: made a rep, else left as is
                if active:
                    self.plan.add_node(person, "Person", {}, user.row.where, rep=True)
                continue
            if not self.plan.add_node(person, "Person", props, user.row.where, rep=active):
                continue
            self.plan.add_rel(
                "WORKS_AT",
                person,
                ours,
                {},
                user.row.where,
                target_labels=("Account", "Org"),
                columns=("Id", "CompanyName"),
            )

    def plan_contacts(self, contacts: list[_Record]) -> None:
        managers: dict[str, tuple[str, _Record]] = {}  # contact: (manager, the contact's record)
        for contact in contacts:
            if not contact.row.ok:
                self.plan.skipped_ids.add(self.graph_id(contact.id))
                continue
            person = self.graph_id(contact.id)
            where = contact.row.where
            if person == PREFIX + contact.id and not self.plan.add_node(
                person, "Person", _props(contact.props), where
            ):
                continue
            account = contact.refs.get("AccountId")
            if account is not None and account not in self.deleted:
                self.plan.add_rel(
                    "WORKS_AT",
                    person,
                    self.graph_id(account),
                    {},
                    where.at("AccountId"),
                    target_labels=("Account", "Org"),
                    columns=("Id", "AccountId"),
                )
            manager = contact.refs.get("ReportsToId")
            if manager is not None and manager not in self.deleted:
                managers[contact.id] = (manager, contact)
        for problem in _reporting_cycles(
            {c: m for c, (m, _) in managers.items()}, {c: r for c, (_, r) in managers.items()}
        ):
            self.plan.problems.append(problem)
        for contact_id, (manager, contact) in managers.items():
            if manager == contact_id:
                continue  # reported as a cycle of one
            self.plan.add_rel(
                "REPORTS_TO",
                self.graph_id(contact_id),
                self.graph_id(manager),
                {},
                contact.row.where.at("ReportsToId"),
                columns=("Id", "ReportsToId"),
            )

    def plan_opportunities(
        self, opportunities: list[tuple[_Row, str, dict[str, Any], str | None, str | None]]
    ) -> None:
        users = "User" in self.tables
        for row, record, props, account, owner in opportunities:
            if owner is not None and owner not in self.deleted:
                props["owner"] = self.graph_id(owner)
                if users:
                    self.plan.require(props["owner"], ("Person",), row.where.at("OwnerId"))
            opportunity = PREFIX + record
            if not self.plan.add_node(opportunity, "Opportunity", _props(props), row.where):
                continue
            if account is not None:
                self.plan.add_rel(
                    "FOR",
                    opportunity,
                    self.graph_id(account),
                    {},
                    row.where.at("AccountId"),
                    source_labels=("Opportunity",),
                    target_labels=("Account",),
                    columns=("Id", "AccountId"),
                )

    def plan_seats(self) -> None:
        """One seat per contact and opportunity, however many roles Salesforce lists for it."""
        seats: dict[tuple[str, str], tuple[Where, list[str], list[str], bool]] = {}
        for row in self.rows("OpportunityContactRole"):
            opportunity = self.ref(row, "OpportunityId", "the Id of the opportunity")
            contact = self.ref(row, "ContactId", "the Id of the contact")
            text = row.text("Role").strip()
            roles: tuple[str, ...] = ()
            if text:
                try:
                    roles = self.roles.roles(text)
                except F.Invalid as exc:
                    row.problem("Role", exc.problem, clip(text), exc.expected)
            primary = row.parse("IsPrimary", F.boolean) is True
            if not row.ok or opportunity is None or contact is None:
                continue
            where, all_roles, texts, was_primary = seats.setdefault(
                (contact, opportunity), (row.where, [], [], False)
            )
            all_roles += [r for r in roles if r not in all_roles]
            texts += [text] if text and text not in texts else []
            seats[(contact, opportunity)] = (where, all_roles, texts, was_primary or primary)
        for (contact, opportunity), (where, letters, texts, primary) in seats.items():
            props = _props({"roles": sorted(letters, key=list(ROLES).index), "crm_role": "; ".join(texts)})
            if primary:
                props["primary"] = True
            self.plan.add_rel(
                "IN_COMMITTEE",
                contact,
                opportunity,
                props,
                where,
                target_labels=("Opportunity",),
                columns=("ContactId", "OpportunityId"),
            )

    def plan_relations(self) -> None:
        """AccountContactRelation: a contact's tie to an account besides their own."""
        rows = list(self.rows("AccountContactRelation"))
        planned = {(r.source, r.target) for r in self.plan.rels if r.type == "WORKS_AT"}
        accounts = []
        for row in rows:
            account = self.ref(row, "AccountId", "the Id of the account")
            contact = self.ref(row, "ContactId", "the Id of the contact")
            roles = row.text("Roles").strip()
            active = row.parse("IsActive", F.boolean)
            if row.ok and account is not None and contact is not None and active is not False:
                accounts.append((row, account, contact, roles))
        held = find_labels(self.store, {a for _, a, _, _ in accounts if a not in self.labels})
        for row, account, contact, roles in accounts:
            if (contact, account) in planned:
                continue  # the direct relation: the contact's own account
            planned.add((contact, account))
            label = self.labels.get(account) or next(iter(held.get(account, [])), "Account")
            if label == "Org":
                kind = roles or "account contact relation"
                self.plan.add_rel(
                    "TIED_TO",
                    contact,
                    account,
                    {"kind": kind},
                    row.where,
                    target_labels=("Org",),
                    columns=("ContactId", "AccountId"),
                    key=kind,
                )
            else:
                self.plan.add_rel(
                    "WORKS_AT",
                    contact,
                    account,
                    _props({"indirect": True, "crm_roles": roles}),
                    row.where,
                    target_labels=("Account", "Org"),
                    columns=("ContactId", "AccountId"),
                )


def _reporting_cycles(manager_of: dict[str, str], records: dict[str, _Record]) -> list[Problem]:
    """One problem for each cycle of managers among the export's contacts (a contact who reports
    to themself is a cycle of one), at the first row in it, naming every row."""
    problems = []
    done: set[str] = set()
    for start in sorted(manager_of, key=lambda c: records[c].row.where.row):
        trail: list[str] = []
        at: str | None = start
        while at is not None and at not in done and at not in trail:
            trail.append(at)
            at = manager_of.get(at)
        done.update(trail)
        if at is None or at not in trail:
            continue
        cycle = trail[trail.index(at) :]
        first = min(cycle, key=lambda c: records[c].row.where.row)
        cycle = cycle[cycle.index(first) :] + cycle[: cycle.index(first)]
        where = records[first].row.where
        if len(cycle) == 1:
            problems.append(
                Problem(
                    where.source,
                    where.row,
                    "ReportsToId",
                    "a contact who reports to themself",
                    first,
                    "the Id of the contact's manager, or an empty cell",
                )
            )
            continue
        steps = " → ".join(
            f"{records[c].props['name']} (row {records[c].row.where.row})" for c in [*cycle, first]
        )
        problems.append(
            Problem(
                where.source,
                where.row,
                "ReportsToId",
                f"a reporting cycle of {len(cycle)} contacts",
                clip(steps, 300),
                "an org chart without cycles: someone in it reports to someone outside it, or to nobody",
            )
        )
    return problems


def _quiet_id(text: str) -> str | None:
    """The 15-character id of a cell, None when it is not one (no problem: the row is left out)."""
    try:
        return salesforce_id(text.strip())
    except F.Invalid:
        return None


def _props(props: dict[str, Any]) -> dict[str, Any]:
    """The non-empty values."""
    return {k: v for k, v in props.items() if v not in (None, "", [])}
