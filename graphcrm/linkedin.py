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

import datetime as dt
import hashlib
import re
import unicodedata
from pathlib import Path

from graphcrm.fields import Problem
from graphcrm.plan import Plan, Where
from graphcrm.store import Store
from graphcrm.tabular import TableError, decode, read_csv_text

HEADER = ["first name", "last name", "url", "email address", "company", "position", "connected on"]
LINKEDIN_STRENGTH = 0.3


def plan_linkedin(store: Store, path: Path, rep_id: str) -> tuple[Plan, list[str]]:
    """The plan for one Connections.csv export of rep `rep_id`."""
    plan = Plan()
    try:
        text = decode(path.read_bytes(), path.name)
    except OSError as exc:
        return plan, [f"{path.name}: cannot read the file ({exc.strerror})"]
    except TableError as exc:
        return plan, [str(exc)]
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lower().startswith("first name,")), None)
    if start is None:
        return plan, [
            f"{path.name}:1: no LinkedIn header found (got {lines[0][:60] if lines else ''!r}, "
            f"expected a line 'First Name,Last Name,URL,Email Address,Company,Position,"
            f"Connected On' after the Notes lines)"
        ]
    try:
        table = read_csv_text(text, path.name, skip_lines=start)
    except TableError as exc:
        return plan, [str(exc)]
    missing = [c for c in HEADER if c not in table.columns]
    if missing:
        return plan, [
            str(
                Problem(
                    path.name,
                    start + 1,
                    missing[0],
                    "LinkedIn column is missing",
                    ", ".join(table.columns),
                    ", ".join(HEADER),
                )
            )
        ]
    plan.require(rep_id, ("Person",), Where("--rep", 0, ""))
    companies = {row["name"].strip().lower(): row["id"] for row in store.run("import/organisations")}
    for number, row in zip(table.numbers, table.rows, strict=True):
        where = Where(path.name, number, "")
        name = _full_name(row["first name"], row["last name"])
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
        person_id = _person_id(row["url"], name, company)
        props = {
            "name": name,
            "title": row["position"],
            "email": row["email address"],
            "linkedin": row["url"],
            "source": "linkedin",
        }
        plan.add_node(person_id, "Person", {k: v for k, v in props.items() if v}, where)
        if company:
            org_id = companies.get(company.lower())
            if org_id is None:
                org_id = "li-org:" + re.sub(r"\s+", "-", company.lower())
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
    return plan, []


def _full_name(first: str, last: str) -> str:
    """ "First Last", or family name first without a space for Chinese, Japanese, Korean names."""
    if first and last and all(unicodedata.east_asian_width(c) in "WF" for c in first + last):
        return last + first
    return f"{first} {last}".strip()


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
