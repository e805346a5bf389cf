"""Import LinkedIn's own `Connections.csv` export as people known to one of our reps.

The export begins with a few "Notes:" lines before its header `First Name,Last Name,URL,
Email Address,Company,Position,Connected On`. Each connection becomes a person (id
`li:<profile slug>`, or a name-and-company key when the URL is missing) working at their
company, matched by name (case-insensitive) to an account or organisation in the database;
a company not found becomes a new prospect account (id `li-org:<name>`). The rep KNOWS each
connection (context "linkedin", strength 0.3: a connection is a weak tie until you say
otherwise; `since` = Connected On).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.matching import check_rep, full_name, organisations_by_name
from graphcrm.ingest.plan import Plan, Where
from graphcrm.ingest.tabular import TableError, clip, read_csv_text, read_text
from graphcrm.store import Store

HEADER = ["first name", "last name", "url", "email address", "company", "position", "connected on"]
LINKEDIN_STRENGTH = 0.3
HEADER_SEARCH_LINES = 50  # LinkedIn writes three lines before its header


def plan_linkedin(store: Store, path: Path, rep_id: str) -> tuple[Plan, list[str]]:
    """The plan for one Connections.csv export of rep `rep_id`."""
    plan = Plan()
    text, problems = read_text(path)
    if text is None:
        return plan, problems
    start, problem = find_header(text.splitlines(), path.name)
    if problem:
        return plan, [problem]
    try:
        table = read_csv_text(text, path.name, skip_lines=start)
    except TableError as exc:
        return plan, [str(exc)]
    missing = [c for c in HEADER if c not in table.columns]
    if missing:
        got = ", ".join(table.columns)
        return plan, [
            str(Problem(path.name, start + 1, column, "LinkedIn column is missing", got, ", ".join(HEADER)))
            for column in missing
        ]
    if problem := check_rep(store, rep_id, "the rep whose export this is"):
        return plan, [problem]
    companies = organisations_by_name(store)
    pasted: int | None = None  # the row where a second export's Notes lines begin
    for number, raw in zip(table.numbers, table.rows, strict=True):
        where = Where(path.name, number, "")
        notes = raw.get("first name", "").lower() == "notes:"
        if pasted is not None or notes or _header_score(raw.values()) >= 3:
            pasted = number if pasted is None else pasted
            if _header_score(raw.values()) >= 3:  # the second export's header ends its Notes
                plan.problems.append(_pasted(path.name, pasted, number))
                pasted = None
            continue
        row = _cells(plan, raw, where)
        if row is None:
            continue
        name = full_name(row["first name"], row["last name"])
        if not name:
            plan.problems.append(
                Problem(
                    path.name, number, "first name", "a connection without a name", "", "a first or last name"
                )
            )
            continue
        since = _linkedin_date(row["connected on"])
        if row["connected on"] and since is None:
            plan.problems.append(
                Problem(
                    path.name,
                    number,
                    "connected on",
                    "not a date",
                    row["connected on"],
                    "a date like 15 Mar 2023",
                )
            )
            continue
        company = row["company"].strip()
        person_id = _made_id(plan, _person_id(row["url"], name, company), where.at("url"))
        org_id = companies.get(company.lower())
        if company and org_id is None:
            org_id = _made_id(plan, "li-org:" + re.sub(r"\s+", "-", company.lower()), where.at("company"))
        if person_id is None or (company and org_id is None):
            continue
        props = {
            "name": name,
            "title": row["position"],
            "email": row["email address"],
            "linkedin": row["url"],
            "source": "linkedin",
        }
        if not plan.add_node(person_id, "Person", {k: v for k, v in props.items() if v}, where):
            continue  # the same profile twice: reported once, as a duplicate id
        if company and org_id is not None:
            if company.lower() not in companies:
                companies[company.lower()] = org_id
                plan.add_node(
                    org_id,
                    "Account",
                    {"name": company, "kind": "prospect", "status": "prospect", "source": "linkedin"},
                    where,
                )
            plan.add_rel(
                "WORKS_AT",
                person_id,
                org_id,
                {},
                where,
                target_labels=("Account", "Org"),
                columns=("company", "company"),
            )
        tie = {"strength": LINKEDIN_STRENGTH, "context": "linkedin"}
        if since:
            tie["since"] = since
        plan.add_rel("KNOWS", rep_id, person_id, tie, where, columns=("url", "url"))
    if pasted is not None:
        plan.problems.append(_pasted(path.name, pasted, None))
    return plan, []


def find_header(lines: list[str], source: str) -> tuple[int, str | None]:
    """The index of LinkedIn's header line, or a problem naming the line where it should be.

    The header is the first line holding the most of LinkedIn's column names (at least three:
    a renamed column is then reported as missing), wherever the Notes lines before it were
    edited, translated or removed. Without one: a header separated by `;` or tabs (Excel in
    many countries saves so), a file starting with connections (the header was deleted with
    the Notes), or whatever stands where LinkedIn puts its header (translated, renamed...).
    """
    head = lines[:HEADER_SEARCH_LINES]
    scores = [_header_score(_split(line)) for line in head]
    if scores and max(scores) >= 3:
        return scores.index(max(scores)), None
    expected = ",".join(c.title().replace("Url", "URL") for c in HEADER)
    for number, line in enumerate(head, start=1):
        for separator in (";", "\t"):
            if _header_score(_split(line, separator)) >= 3:
                name = "tabs" if separator == "\t" else repr(separator)
                return 0, (
                    f"{source}:{number}: no LinkedIn header found: this line is separated by {name}, "
                    f"not by commas (got {clip(line)!r}, expected {expected}: save the file as CSV "
                    "with commas)"
                )
    # Where LinkedIn puts its header: after the blank line that ends the Notes, else line 1.
    blank = next((i for i, line in enumerate(head) if not line.strip()), None)
    at = next((i for i in range(blank + 1, len(head)) if head[i].strip()), 0) if blank is not None else 0
    got = head[at] if at < len(head) else ""
    if "linkedin.com/in/" in got.lower():
        return 0, (
            f"{source}:{at + 1}: no LinkedIn header found: this line is already a connection (got "
            f"{clip(got)!r}, expected the line {expected} above the connections; was it deleted with "
            "the Notes lines?)"
        )
    return 0, (
        f"{source}:{at + 1}: no LinkedIn header found (got {clip(got)!r}, expected the line "
        f"{expected} after the Notes lines, in English as LinkedIn writes it)"
    )


def _split(line: str, separator: str = ",") -> list[str]:
    return next(csv.reader([line], delimiter=separator), [])


def _header_score(cells: Iterable[str]) -> int:
    """How many of LinkedIn's column names the cells hold."""
    return len({c.strip().lower() for c in cells} & set(HEADER))


def _pasted(source: str, first: int, last: int | None) -> Problem:
    """The problem of a second export's Notes lines and header among the connections."""
    rows = f"rows {first}-{last}" if last and last != first else f"row {first}"
    return Problem(
        source,
        first,
        "",
        "LinkedIn's Notes lines and header again, among the connections",
        f"{rows}",
        "one export per file: were two exports pasted together? import each on its own with "
        "the --rep it belongs to",
    )


def _cells(plan: Plan, raw: dict[str, str], where: Where) -> dict[str, str] | None:
    """A row's cells as stored (`graphcrm.ingest.fields.cell`), or None with its problems added."""
    row: dict[str, str] = {}
    for column in HEADER:
        try:
            row[column] = F.cell(raw[column]) if raw.get(column) else ""
        except F.Invalid as exc:
            got = exc.got if exc.got is not None else clip(raw[column])
            plan.problems.append(Problem(where.source, where.row, column, exc.problem, got, exc.expected))
    return row if len(row) == len(HEADER) else None


def _made_id(plan: Plan, made: str, where: Where) -> str | None:
    """An id made from a connection's URL or company, held to the rule every id is
    (`graphcrm.ingest.fields.identifier`: no invisible characters...), or None with its problem."""
    try:
        return F.identifier(made)
    except F.Invalid as exc:
        plan.problems.append(
            Problem(
                where.source, where.row, where.column, f"{exc.problem} made from it", clip(made), exc.expected
            )
        )
        return None


def _person_id(url: str, name: str, company: str) -> str:
    if match := re.search(r"linkedin\.com/in/([^/?#]+)", url):
        return "li:" + match.group(1).lower()
    digest = hashlib.sha1(f"{name}|{company}".lower().encode()).hexdigest()[:12]
    return f"li:{digest}"


def _linkedin_date(text: str) -> str | None:
    for fmt in ("%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None
