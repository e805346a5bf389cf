"""Read an address book, a vCard file (.vcf: 2.1, 3.0, 4.0, by `graphcrm.ingest.vcard`) or
Google Contacts' CSV export (today's, or its older "Google CSV"), into `Contact`s for
`graphcrm.ingest.contacts` to plan.

What is read of a card: its name (FN, else N: family name first without a space for Chinese,
Japanese and Korean names), UID, ORG (its first part, the organisation), TITLE, the preferred
EMAIL and TEL (PREF=1 in 4.0, TYPE=pref in 3.0 and 2.1, Google's `* ` label; else the first),
BDAY, and its relations: 4.0's RELATED (a `urn:uuid:` or other URI is a UID, `mailto:` an
e-mail, VALUE=text or a value that is no URI a name) and Apple's `itemN.X-ABRelatedNames` with
the `X-ABLabel` of its group. PHOTO, NOTE, addresses and every other property are not read.
Company cards (4.0 KIND:org, group or location, Apple's X-ABShowAs:COMPANY and its group cards,
a Google row with an organisation and no name) are no person and are left out.

Google's columns are read by name, its numbered ones (`E-mail 2 - Value`, `Relation 1 -
Label`) whatever their number; a column Google does not write is refused (a renamed header
would lose its values without a word). Every text is held to `fields.check_text`, Google's
cells to `fields.cell` (they are spreadsheet cells: a formula is refused), as in every format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.matching import full_name
from graphcrm.ingest.plan import Where
from graphcrm.ingest.tabular import Table, TableError, clip, read_csv_text
from graphcrm.ingest.vcard import Card, Line, read_cards

# Google Contacts' CSV export: the columns of today's export that are not numbered ("E-mail 1 -
# Label" and the like are), and those of its older export ("Google CSV"), as Google writes them.
GOOGLE_NEW = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
    "Organization Department,Birthday,Notes,Photo,Labels"
)
GOOGLE_OLD = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,"
    "Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,"
    "Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,"
    "Priority,Subject,Notes,Language,Photo,Group Membership"
)
# Columns that tell the two apart, and those a file must have.
_GOOGLE_MARKS = {
    "new": {"first name", "middle name", "last name", "file as", "organization name", "labels"},
    "old": {"given name", "additional name", "family name", "group membership"},
}
_GOOGLE_REQUIRED = {"new": ("first name", "last name"), "old": ("name", "given name", "family name")}
_GOOGLE_HEADER = {
    "new": "First Name,Middle Name,Last Name,...,Organization Name,Organization Title,...,"
    "E-mail 1 - Label,E-mail 1 - Value,...,Relation 1 - Label,Relation 1 - Value",
    "old": "Name,Given Name,Additional Name,Family Name,...,Group Membership,E-mail 1 - Type,"
    "E-mail 1 - Value,...,Organization 1 - Name,Organization 1 - Title,...,Relation 1 - Type,"
    "Relation 1 - Value",
}
_NUMBERED = re.compile(r"([a-z][a-z -]*?) (\d+) - ([a-z ]+)")  # "e-mail 1 - value"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_FULL_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?:T[0-9:.,]*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
_PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2})?|--\d{2}|---\d{2}")  # a year, a month, a day alone
DATE_EXPECTED = "a date such as 1980-02-09, 19800209, or --0209 for a birthday without its year"


@dataclass
class Relation:
    """A card's relation to someone: by UID, e-mail or name, with its words (spouse, friend)."""

    where: Where
    by: str  # "uid", "email" or "name"
    value: str  # the UID (as ids are made from it), the e-mail or the name
    words: list[str]
    written: str = ""  # the value as the card writes it, for messages

    def __post_init__(self) -> None:
        self.written = self.written or self.value


@dataclass
class Contact:
    """One card (where: its BEGIN line, column FN) or CSV row (its row, the name's column)."""

    where: Where
    name: str
    uid: str = ""
    props: dict[str, str] = field(default_factory=dict)  # title, email, phone, birthday...
    organisation: str = ""
    relations: list[Relation] = field(default_factory=list)
    id: str | None = None  # the person it is, once resolved


def read_address_book(text: str, source: str) -> tuple[list[Contact], list[Problem], list[str]]:
    """The contacts of an address book's text (a vCard file when it starts with BEGIN:VCARD,
    else a Google Contacts CSV), the problems of its cards and rows, and the problems that stop
    the reading before any row (not CSV text, not Google's header)."""
    problems: list[Problem] = []
    if not text.strip():
        return [], [], [f"{source}:1: the file is empty (got nothing, expected a vCard file or a Google CSV)"]
    if _is_vcard(text):
        return _from_vcards(text, source, problems), problems, []
    try:
        table = read_csv_text(text, source)
    except TableError as exc:
        return [], [], [_not_an_address_book(source, text) if source.lower().endswith(".vcf") else str(exc)]
    if header_problems := _google_header(table):
        return [], [], [str(p) for p in header_problems]
    return _from_google(table, problems), problems, []


def _is_vcard(text: str) -> bool:
    first = next((line for line in text.removeprefix("\ufeff").splitlines() if line.strip()), "")
    return first.strip().upper().startswith("BEGIN:VCARD")


def _not_an_address_book(source: str, text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return (
        f"{source}:1: not a vCard file (got {clip(first)!r}, expected BEGIN:VCARD on its first line, "
        "as address books export .vcf files)"
    )


# -- vCard -----------------------------------------------------------------------------------------


def _from_vcards(text: str, source: str, problems: list[Problem]) -> list[Contact]:
    cards, errors = read_cards(text)
    problems += [Problem(source, e.line, "", e.problem, e.got, e.expected) for e in errors]
    if not cards and not errors:
        problems.append(Problem(source, 1, "", "no card in the file", "", "BEGIN:VCARD ... END:VCARD"))
    contacts = []
    for card in cards:
        reader = _CardReader(card, source, problems)
        if (contact := reader.contact()) is not None:
            contacts.append(contact)
    return contacts


@dataclass
class _CardReader:
    card: Card
    source: str
    problems: list[Problem]

    def contact(self) -> Contact | None:
        """The card as a contact; None for a company card, or a card without a name (a problem)."""
        card = self.card
        kind = self.text(card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")).lower()
        show_as = self.text(card.first("X-ABSHOWAS")).upper()
        if kind in ("org", "group", "location") or show_as == "COMPANY":
            return None  # a company, a group of contacts (Apple's X-ADDRESSBOOKSERVER-KIND), a place
        name = self.text(card.first("FN")) or self._name_of_n()
        if not name:
            self.problems.append(
                Problem(
                    self.source,
                    card.begin,
                    "FN",
                    "a card without a name",
                    self.text(_preferred(card.all("EMAIL")) or _preferred(card.all("TEL"))),
                    "a name (FN or N): name the contact in the address book, or delete the card",
                )
            )
            return None
        contact = Contact(Where(self.source, card.begin, "FN"), name, uid=_uid(self.text(card.first("UID"))))
        org = card.first("ORG")
        contact.organisation = (self.parts(org) or [""])[0] if org else ""
        values = {
            "title": self.text(card.first("TITLE")),
            "email": self.text(_preferred(card.all("EMAIL"))),
            "phone": self.text(_preferred(card.all("TEL"))).removeprefix("tel:"),
        }
        contact.props = {k: v for k, v in values.items() if v}
        if (bday := card.first("BDAY")) is not None and (bday.param("VALUE") or [""])[0].lower() != "text":
            contact.props.update(self.birthday(bday))
        contact.relations = [r for line in card.lines if (r := self.relation(line)) is not None]
        return contact

    def _name_of_n(self) -> str:
        n = self.card.first("N")
        parts = (self.parts(n) if n else []) + [""] * 5
        family, given, additional, prefix, suffix = parts[:5]
        return full_name(given, family, additional, prefix, suffix)

    def relation(self, line: Line) -> Relation | None:
        """A RELATED line, or Apple's X-ABRelatedNames with the X-ABLabel of its group."""
        if line.name == "X-ABRELATEDNAMES":
            label = self.card.group(line.group, "X-ABLABEL") if line.group else None
            words = [self.text(label)] if label else []
            value = self.text(line)
            return (
                Relation(Where(self.source, line.number, line.name), "name", value, words) if value else None
            )
        if line.name != "RELATED":
            return None
        value = self.text(line)
        if not value:
            return None
        where = Where(self.source, line.number, line.name)
        if (line.param("VALUE") or [""])[0].lower() == "text" or not _URI.fullmatch(value):
            return Relation(where, "name", value, line.types())
        if value.lower().startswith("mailto:"):
            return Relation(where, "email", value[len("mailto:") :], line.types(), value)
        return Relation(where, "uid", _uid(value), line.types(), value)

    def birthday(self, line: Line) -> dict[str, str]:
        omit = (line.param("X-APPLE-OMIT-YEAR") or [""])[0]
        return self._checked(line, lambda: birthday(self.text(line), omit), {})

    def text(self, line: Line | None) -> str:
        """A property's text, checked as every imported text is (`fields.check_text`)."""
        return "" if line is None else self._checked(line, lambda: F.check_text(line.text()), "")

    def parts(self, line: Line) -> list[str]:
        return self._checked(line, lambda: [F.check_text(part) for part in line.parts()], [])

    def _checked[T](self, line: Line, read: Callable[[], T], default: T) -> T:
        """What `read` returns, or `default` with the problem it raised at the line."""
        try:
            return read()
        except F.Invalid as exc:
            got = exc.got if exc.got is not None else clip(line.raw)
            self.problems.append(Problem(self.source, line.number, line.name, exc.problem, got, exc.expected))
            return default


def _preferred(lines: list[Line]) -> Line | None:
    """The preferred of several EMAIL or TEL lines: the lowest PREF (4.0), TYPE=pref (3.0 and
    2.1), else the first."""

    def rank(item: tuple[int, Line]) -> tuple[int, int]:
        order, line = item
        pref = (line.param("PREF") or [""])[0]
        if pref.isdigit():
            return int(pref), order
        return (1 if "pref" in line.types() else 101), order

    return min(enumerate(lines), key=rank)[1] if lines else None


def _uid(value: str) -> str:
    """A UID as ids are made from it: `urn:uuid:` left out, a UUID in lower case."""
    uid = re.sub(r"^urn:uuid:", "", value.strip(), flags=re.IGNORECASE)
    return uid.lower() if re.fullmatch(r"[0-9A-Fa-f-]{32,36}", uid) else uid


# -- Google Contacts CSV -------------------------------------------------------------------------------


def _google_format(columns: Iterable[str]) -> str | None:
    """ "new" (First Name, ...), "old" (Name, Given Name, ...), or None when neither."""
    present = set(columns)
    new, old = (len(_GOOGLE_MARKS[f] & present) for f in ("new", "old"))
    if not new and not old:
        return None
    return "new" if new >= old else "old"


def _google_header(table: Table) -> list[Problem]:
    """What is wrong with the header of a Google Contacts export: no export at all, a column it
    needs missing, a column Google does not write (renamed by hand: its values would be lost)."""
    source, columns = table.source, table.columns
    got = clip(", ".join(columns), 200)
    fmt = _google_format(columns)
    if fmt is None:
        return [
            Problem(
                source,
                1,
                "",
                "neither a vCard file nor a Google Contacts export",
                got,
                "BEGIN:VCARD on the first line of a vCard file, or the header of Google Contacts' "
                "export: First Name,Middle Name,Last Name,... (or Name,Given Name,... in its older one)",
            )
        ]
    written = {c.lower(): c for c in (GOOGLE_NEW if fmt == "new" else GOOGLE_OLD).split(",")}
    problems = [
        Problem(
            source,
            1,
            name,
            "Google Contacts column is missing",
            got,
            f"a column {written[name]}, as Google's export names it ({_GOOGLE_HEADER[fmt]})",
        )
        for name in _GOOGLE_REQUIRED[fmt]
        if name not in columns
    ]
    problems += [
        Problem(
            source,
            1,
            clip(name),
            "not a column of Google Contacts' export",
            clip(name),
            "a column as Google's export names it (such as Last Name or E-mail 1 - Value): "
            "was the header edited?",
        )
        for name in columns
        if name and name not in written and not _NUMBERED.fullmatch(name)
    ]
    return problems


def _from_google(table: Table, problems: list[Problem]) -> list[Contact]:
    fmt = _google_format(table.columns)
    contacts = []
    for number, raw in zip(table.numbers, table.rows, strict=True):
        row: dict[str, str] = {}
        for column, value in raw.items():
            try:
                row[column] = F.cell(value)
            except F.Invalid as exc:
                got = exc.got if exc.got is not None else clip(value)
                problems.append(Problem(table.source, number, column, exc.problem, got, exc.expected))
        if fmt == "new":
            name_column = "first name"
            name = full_name(row.get("first name", ""), row.get("last name", ""), row.get("middle name", ""))
            organisation, title = row.get("organization name", ""), row.get("organization title", "")
        else:
            name_column = "name"
            name = row.get("name") or full_name(
                row.get("given name", ""), row.get("family name", ""), row.get("additional name", "")
            )
            organisation, title = row.get("organization 1 - name", ""), row.get("organization 1 - title", "")
        where = Where(table.source, number, name_column)
        if not name:
            if not organisation:  # a row with only an organisation is a company
                got = next(iter(_numbered(row, "e-mail") + _numbered(row, "phone")), ("", ""))[1]
                problems.append(
                    Problem(
                        table.source,
                        number,
                        name_column,
                        "a contact without a name",
                        got,
                        "a name: name the contact in Google Contacts, or delete it",
                    )
                )
            continue
        values = {
            "title": title,
            "email": _google_preferred(_numbered(row, "e-mail")),
            "phone": _google_preferred(_numbered(row, "phone")),
        }
        contact = Contact(
            where, name, organisation=organisation, props={k: v for k, v in values.items() if v}
        )
        if row.get("birthday"):
            try:
                contact.props.update(birthday(row["birthday"]))
            except F.Invalid as exc:
                problems.append(
                    Problem(table.source, number, "birthday", exc.problem, row["birthday"], exc.expected)
                )
        for n, label, value in _numbered_with_n(row, "relation"):
            by = "email" if "@" in value and " " not in value else "name"
            contact.relations.append(
                Relation(Where(table.source, number, f"relation {n} - value"), by, value, [label])
            )
        contacts.append(contact)
    return contacts


def _numbered_with_n(row: dict[str, str], field_name: str) -> list[tuple[str, str, str]]:
    """(N, label, value) of the columns `<field> N - Type|Label` and `<field> N - Value`, by N."""
    found = []
    for column, value in row.items():
        match = _NUMBERED.fullmatch(column)
        if match and match.group(1) == field_name and match.group(3) == "value":
            n = match.group(2)
            label = row.get(f"{field_name} {n} - label") or row.get(f"{field_name} {n} - type") or ""
            found.append((n, label, value))
    return sorted(found, key=lambda item: int(item[0]))


def _numbered(row: dict[str, str], field_name: str) -> list[tuple[str, str]]:
    """(label, value) of each value of `<field> N`; Google joins several of one label by ` ::: `."""
    return [
        (label, part.strip())
        for _, label, value in _numbered_with_n(row, field_name)
        for part in value.split(" ::: ")
        if part.strip()
    ]


def _google_preferred(values: list[tuple[str, str]]) -> str:
    """The value whose label Google marks as primary (`* Work`), else the first."""
    primary = [value for label, value in values if label.startswith("*")]
    return (primary or [value for _, value in values] or [""])[0]


# -- the values of both formats ---------------------------------------------------------------------


def birthday(text: str, omit_year: str = "") -> dict[str, str]:
    """A birthday as stored: `{"birthday": "YYYY-MM-DD"}`, or `{"birthday_month_day": "MM-DD"}`
    for one without its year (`--MMDD`, `--MM-DD`, or Apple's year with X-APPLE-OMIT-YEAR), or
    nothing for a year or a month alone (vCard 4.0 allows them; they are no birthday to keep).
    `Invalid` for anything else (15/03/1980, 1980-02-30)."""
    value = text.strip()
    if match := _NO_YEAR.fullmatch(value):
        return {"birthday_month_day": _month_day(2000, int(match.group(1)), int(match.group(2)), value)}
    if match := _FULL_DATE.fullmatch(value):
        year, month, day = (int(g) for g in match.groups())
        if omit_year and omit_year == match.group(1):
            return {"birthday_month_day": _month_day(2000, month, day, value)}
        try:
            return {"birthday": dt.date(year, month, day).isoformat()}
        except ValueError:
            raise _not_a_date(value) from None
    if not value or _PARTIAL_DATE.fullmatch(value):
        return {}
    raise _not_a_date(value)


def _month_day(leap_year: int, month: int, day: int, value: str) -> str:
    try:
        return dt.date(leap_year, month, day).strftime("%m-%d")
    except ValueError:
        raise _not_a_date(value) from None


def _not_a_date(value: str) -> F.Invalid:
    return F.Invalid("not a date", DATE_EXPECTED, got=value)
