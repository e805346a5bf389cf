"""Validated import of the CSV / XLSX formats (a public contract: see README, "Import formats").

`import_path(store, path)` reads a folder of CSV files or one workbook, checks everything
before writing anything, and reports every problem as `file:row:column: what is wrong (got X,
expected Y)`. Only a clean input is written, in batches (one transaction each), with MERGE on
ids, so re-importing the same files changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphcrm.errors import UserError
from graphcrm.ingest import fields as F
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.plan import Absent, Plan, RelBlock, Where, no_cycle_collection
from graphcrm.ingest.stages import StageMap, closed, read_stage_map
from graphcrm.ingest.tabular import Chunk, Table, TableError, clip, read_csv, stream_csv, unopenable
from graphcrm.ingest.workbook import read_xlsx
from graphcrm.kept import patched
from graphcrm.schema import (
    ACCOUNT_KINDS,
    ACCOUNT_STATUSES,
    ATTITUDES,
    DEFAULT_STRENGTH,
    NATURES,
    OPPORTUNITY_STATUSES,
    ORG_KINDS,
    REFERRAL_OUTCOMES,
    RELATIONSHIP_TYPES,
    ROLES,
    STANCES,
    TIE_TYPES,
    TIERS,
    stage_property,
)
from graphcrm.store import Store


@dataclass(frozen=True)
class Column:
    """One column of an import file: its parser, and whether a value is required."""

    name: str
    parse: F.Parser = F.text
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    """One import file: its columns and how a parsed row enters the plan."""

    name: str
    columns: tuple[Column, ...]
    add: Callable[[Plan, dict[str, Any], Where], None] = field(compare=False)
    # `add` for the rows of a chunk checked clean, given as columns (`_checked_columns`): the
    # same plan, made faster for the files that run to a million rows. None: `add`, row by row.
    add_columns: Callable[[Plan, str, list[int], dict[str, list[Any]]], None] | None = field(
        default=None, compare=False
    )

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


class InvalidInput(UserError):
    """The input has problems; nothing was written. `problems` lists every one (one a line in
    the message)."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join(self.problems))


@dataclass
class ImportResult:
    """What an import wrote (or, with dry_run, would write): counts by label and type, and how
    many of those records and ties were there already as it would leave them (not written)."""

    counts: dict[str, int]
    written: bool
    unchanged: int = 0


def import_path(
    store: Store,
    path: Path,
    *,
    dry_run: bool = False,
    progress: bool = True,
    stage_map: Path | None = None,
) -> ImportResult:
    """Import a folder of CSV files, one CSV, a workbook, or a `.jsonl` export.

    Everything is checked first; on any problem, `InvalidInput` lists them all and nothing is
    written. With `dry_run`, a clean input is reported but not written. `stage_map`: a CSV
    mapping the CRM's stages to buying stages (`graphcrm.ingest.stages`).
    """
    with no_cycle_collection():  # the plan is let go of (when `_import_path` returns) before it is back
        return _import_path(store, path, dry_run=dry_run, progress=progress, stage_map=stage_map)


def _import_path(
    store: Store, path: Path, *, dry_run: bool, progress: bool, stage_map: Path | None
) -> ImportResult:
    if problem := unopenable(path):
        raise InvalidInput([problem])
    stages, map_problems = read_stage_map(stage_map) if stage_map is not None else (StageMap(), [])
    if map_problems:
        raise InvalidInput(map_problems)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        from graphcrm.ingest.jsonlines import plan_jsonl

        plan, read_problems = plan_jsonl(path)
    else:
        tables, read_problems = read_tables(path, stream=True)
        plan = plan_tables(tables, stages, read_problems)
        plan.complete = plan.complete and not read_problems
        plan.absent = absent_files(path, tables)
        if tables and not read_problems and not plan.problems and not plan.nodes and not plan.parts:
            read_problems = [_nothing_to_import(path, tables)]
    return apply_plan(store, plan, read_problems, dry_run=dry_run, progress=progress)


def apply_plan(
    store: Store,
    plan: Plan,
    read_problems: Sequence[str] = (),
    *,
    dry_run: bool = False,
    progress: bool = True,
) -> ImportResult:
    """Check `plan` against the database, then write it unless there is any problem or dry_run.
    A write holds the database's write lock from the check to its last batch, so that another
    writer at the same time finds the graph as it was before or after this import, never between."""
    if dry_run:
        _check(store, plan, read_problems)
        return ImportResult(plan.counts, written=False)
    with store.exclusive():  # from the check to the last write: no other writer in between
        _check(store, plan, read_problems)
        with _patched(store, plan):
            unchanged = plan.write(store, progress=progress)
    return ImportResult(plan.counts, written=True, unchanged=unchanged)


def _patched(store: Store, plan: Plan) -> AbstractContextManager[None]:
    """What this process keeps (the path search's network, the referrals: `graphcrm.kept`)
    kept current by this import: the records it writes and the ends of its ties are all it
    touches."""

    def touched() -> Iterator[str]:  # made only where something is kept (a viewer)
        yield from plan.nodes
        yield from plan.ends(RELATIONSHIP_TYPES)

    return patched(store, touched())


def _check(store: Store, plan: Plan, read_problems: Sequence[str]) -> None:
    problems = [*read_problems, *map(str, plan.check(store))]
    if problems:
        raise InvalidInput(problems)


# -- how each file's rows enter the plan --------------------------------------------------------


def _add_account(plan: Plan, row: dict[str, Any], where: Where) -> None:
    label = "Account" if row["kind"] in ACCOUNT_KINDS else "Org"
    plan.add_node(row["id"], label, _props(row), where)


def _add_person(plan: Plan, row: dict[str, Any], where: Where) -> None:
    props = _props(row, drop=("org_id", "is_rep"))
    if plan.add_node(row["id"], "Person", props, where, rep=row.get("is_rep")) and row.get("org_id"):
        plan.add_rel(
            "WORKS_AT",
            row["id"],
            row["org_id"],
            {},
            where,
            target_labels=("Account", "Org"),
            columns=("id", "org_id"),
        )


def _add_tie(plan: Plan, row: dict[str, Any], where: Where) -> None:
    _plan_tie(plan, row["type"], row["source"], row["target"], _props(row, drop=_TIE_ENDS), where)


_TIE_ENDS = frozenset(("source", "target", "type"))


def _add_ties(plan: Plan, source: str, numbers: list[int], values: dict[str, list[Any]]) -> None:
    """The rows of a chunk checked clean (`_add_rows`) as one block of ties between people
    (`Plan.add_block`), each given its strength as `_plan_tie` gives it. Ties to organisations
    (TIED_TO), and a chunk the block does not take (a tie from a record to itself, or repeated):
    `_add_tie_rows`, which reports them."""
    types = values["type"]
    if "TIED_TO" in types:  # a few rows among many: those apart, the others as a block
        for chosen, add in ((False, _add_ties), (True, _add_tie_rows)):
            rows = [i for i, kind in enumerate(types) if (kind == "TIED_TO") is chosen]
            part = {name: [column[i] for i in rows] for name, column in values.items()}
            add(plan, source, [numbers[i] for i in rows], part)
        return
    props = {name: _none_for_empty(column) for name, column in values.items() if name not in _TIE_ENDS}
    strength = props.get("strength") or [None] * len(types)
    if None in strength:
        props["strength"] = [
            DEFAULT_STRENGTH if value is None and kind != "REPORTS_TO" else value
            for value, kind in zip(strength, types, strict=True)
        ]
    if not plan.add_block(RelBlock(source, numbers, types, values["source"], values["target"], props)):
        _add_tie_rows(plan, source, numbers, values)


def _add_tie_rows(plan: Plan, source: str, numbers: list[int], values: dict[str, list[Any]]) -> None:
    """`_add_tie` of each row of a chunk checked clean, its values made into the rows' dicts a
    column at a time."""
    names = [name for name in values if name not in _TIE_ENDS]
    columns = [values[name] for name in names]
    rows = (
        list(map(dict, map(zip, repeat(names), zip(*columns, strict=True))))
        if names
        else [{} for _ in numbers]
    )
    for name in names:  # the empty cells out, which leaves the others in the columns' order
        if _EMPTY in values[name]:
            for row, value in zip(rows, values[name], strict=True):
                if value is _EMPTY:
                    del row[name]
    for number, tie_source, target, kind, row in zip(
        numbers, values["source"], values["target"], values["type"], rows, strict=True
    ):
        _plan_tie(plan, kind, tie_source, target, row, Where(source, number, ""))


def _none_for_empty(column: list[Any]) -> list[Any]:
    """A column of `_checked_columns` with None for each empty cell."""
    return [None if value is _EMPTY else value for value in column] if _EMPTY in column else column


def _plan_tie(plan: Plan, kind: str, source: str, target: str, props: dict[str, Any], where: Where) -> None:
    """A row of ties.csv into the plan: its type, ends and other values (`props`, changed)."""
    if kind != "REPORTS_TO":  # a reports-to tie without one takes Settings.org_chart_strength
        props.setdefault("strength", DEFAULT_STRENGTH)
    if kind == "TIED_TO":
        props["kind"] = props.pop("context", "") or "tie"
        plan.add_rel(
            kind,
            source,
            target,
            props,
            where,
            source_labels=("Person", "Account"),
            target_labels=("Org",),
            key=props["kind"],
        )
    else:
        plan.add_rel(kind, source, target, props, where)


def _add_opportunity(plan: Plan, row: dict[str, Any], where: Where) -> None:
    props = _props(row, drop=("account_id", "stage"))
    if row.get("stage"):
        try:
            props.update(plan.stages.parse(row["stage"]))
        except F.Invalid as exc:
            plan.problems.append(
                Problem(where.source, where.row, "stage", exc.problem, clip(row["stage"]), exc.expected)
            )
            plan.skip_row(row)
            return
        if "status" not in props and (status := closed(row["stage"])):
            props["status"] = status  # "Closed Won" with no status: won
    if not plan.add_node(row["id"], "Opportunity", props, where):
        return  # a duplicate id, reported: its account tie would be reported again
    plan.add_rel(
        "FOR",
        row["id"],
        row["account_id"],
        {},
        where,
        source_labels=("Opportunity",),
        target_labels=("Account",),
        columns=("id", "account_id"),
    )


def _add_member(plan: Plan, row: dict[str, Any], where: Where) -> None:
    props = _props(row, drop=("opportunity_id", "person_id", "stage_influence"))
    for stage, percent in (row.get("stage_influence") or {}).items():
        props[stage_property(stage)] = percent
        plan.stage_totals[(row["opportunity_id"], stage)].append((percent, where))
    plan.add_rel(
        "IN_COMMITTEE",
        row["person_id"],
        row["opportunity_id"],
        props,
        where,
        target_labels=("Opportunity",),
        columns=("person_id", "opportunity_id"),
    )


def _add_referral(plan: Plan, row: dict[str, Any], where: Where) -> None:
    props = _props(row, drop=("source", "target"))
    people_or_accounts = ("Account", "Person")
    plan.add_rel(
        "REFERRED",
        row["source"],
        row["target"],
        props,
        where,
        source_labels=people_or_accounts,
        target_labels=people_or_accounts,
    )
    if row.get("by_person"):
        plan.require(row["by_person"], ("Person",), where.at("by_person"))


def _props(row: dict[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """The row's non-empty values, minus link columns."""
    return {k: v for k, v in row.items() if k not in drop and _kept(v)}


_DROPPED: tuple[Any, ...] = (None, "", [], {})  # the values `_props` leaves out


def _kept(value: Any) -> bool:
    """Whether `_props` keeps a value: any but those of `_DROPPED` (a parsed value that is true
    is none of them, and most are)."""
    return bool(value) or value not in _DROPPED


_ID = Column("id", F.identifier, required=True)
_NAME = Column("name", required=True)

FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "accounts",
            (
                _ID,
                _NAME,
                Column("kind", F.one_of(ACCOUNT_KINDS + ORG_KINDS, "account kind"), required=True),
                Column("industry"),
                Column("nature", F.one_of(NATURES, "nature")),
                Column("tier", F.one_of(TIERS, "tier")),
                Column("status", F.one_of(ACCOUNT_STATUSES, "account status")),
                Column("revenue", F.number(0)),
                Column("potential", F.number(0)),
                Column("region"),
            ),
            _add_account,
        ),
        FileSpec(
            "people",
            (
                _ID,
                _NAME,
                Column("org_id", F.identifier),
                Column("title"),
                Column("department"),
                Column("rank", F.integer(1)),
                Column("is_rep", F.boolean),
                Column("email"),
                Column("phone"),
                Column("birthday", F.date),
                Column("hobbies"),
                Column("channels", F.semicolon_list),
                Column("notes"),
            ),
            _add_person,
        ),
        FileSpec(
            "ties",
            (
                Column("source", F.identifier, required=True),
                Column("target", F.identifier, required=True),
                Column("type", F.one_of(TIE_TYPES, "tie type"), required=True),
                Column("strength", F.number(0, 1)),
                Column("context"),
                Column("since", F.date),
                Column("last_contact", F.date),
            ),
            _add_tie,
            _add_ties,
        ),
        FileSpec(
            "opportunities",
            (
                _ID,
                Column("account_id", F.identifier, required=True),
                Column("name"),
                Column("stage"),  # the CRM's stage or a buying stage: mapped in _add_opportunity
                Column("value", F.number(0)),
                Column("close_date", F.date),
                Column("status", F.one_of(OPPORTUNITY_STATUSES, "opportunity status")),
            ),
            _add_opportunity,
        ),
        FileSpec(
            "committee",
            (
                Column("opportunity_id", F.identifier, required=True),
                Column("person_id", F.identifier, required=True),
                Column("roles", F.list_of(ROLES, "role")),
                Column("attitude", F.one_of(ATTITUDES, "attitude")),
                Column("stance", F.one_of(STANCES, "stance")),
                Column("influence", F.number(0, 100)),
                Column("stage_influence", F.stage_influence),
            ),
            _add_member,
        ),
        FileSpec(
            "referrals",
            (
                Column("source", F.identifier, required=True),
                Column("target", F.identifier, required=True),
                Column("date", F.date),
                Column("by_person", F.identifier),
                Column("value", F.number(0)),
                Column("outcome", F.one_of(REFERRAL_OUTCOMES, "outcome")),
            ),
            _add_referral,
        ),
    )
}
FILE_ORDER = tuple(FILES)


# -- reading and checking -------------------------------------------------------------------------


def read_tables(path: Path, stream: bool = False) -> tuple[list[Table], list[str]]:
    """The import tables at `path` (a folder of CSV files, one CSV file, or a workbook). With
    `stream`, a CSV file's rows are made as they are planned (`tabular.stream_csv`: the same
    problems, found here, without holding the file as rows)."""
    read = stream_csv if stream else read_csv
    problems: list[str] = []
    tables: list[Table] = []
    if path.is_dir():
        found, problems = _csv_files(path)
        unknown = sorted(set(found) - set(FILES))
        problems += [
            f"{found[n].name}: unknown file (expected one of {', '.join(f + '.csv' for f in FILE_ORDER)})"
            for n in unknown
        ]
        if not set(found) & set(FILES) and not unknown and not problems:
            problems.append(
                f"{path}: no import files found (expected {', '.join(f + '.csv' for f in FILE_ORDER)})"
            )
        for name in FILE_ORDER:
            if name in found:
                try:
                    tables.append(read(found[name]))
                except TableError as exc:
                    problems.append(str(exc))
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = read_xlsx(path)
        except TableError as exc:
            return [], [str(exc)]
        unknown = sorted(set(sheets) - set(FILES))
        problems += [
            f"{sheets[n].source}: unknown sheet (expected sheets named {', '.join(FILE_ORDER)})"
            for n in unknown
        ]
        if not set(sheets) & set(FILES):
            problems.append(
                f"{path.name}: no import sheets found (expected sheets named {', '.join(FILE_ORDER)})"
            )
        tables = [sheets[name] for name in FILE_ORDER if name in sheets]
    elif path.suffix.lower() == ".csv":
        if path.stem.lower() not in FILES:
            return [], [
                f"{path.name}: unknown file (expected one of {', '.join(f + '.csv' for f in FILE_ORDER)})"
            ]
        try:
            tables = [read(path)]
        except TableError as exc:
            problems.append(str(exc))
    elif path.exists():
        problems.append(
            f"{path.name}: cannot import this kind of file (expected a folder of CSV files, "
            "a .csv, an .xlsx workbook or a .jsonl export)"
        )
    else:
        problems.append(f"{path}: no such file or folder")
    return tables, problems


def _csv_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """The folder's CSV files by table name (the file name in lower case, without `.csv`), and a
    problem for each table named by two files or more (`people.csv` and `People.csv`): names
    that differ only in capitals are one file on Windows and macOS, so which one was meant
    cannot be known; neither is read."""
    named: dict[str, list[Path]] = {}
    for file in sorted(folder.iterdir()):
        if file.suffix.lower() == ".csv":
            named.setdefault(file.stem.lower(), []).append(file)
    problems = [
        f"{files[0].name}: two files for one table (got {' and '.join(f.name for f in files)}, "
        f"expected one {name}.csv: names that differ only in capitals are one file on Windows and macOS)"
        for name, files in named.items()
        if len(files) > 1
    ]
    return {name: files[0] for name, files in named.items() if len(files) == 1}, problems


# Parsed cells kept per column for their next appearance (an id, a date, a tie type recur
# thousands of times in a large file): at most this many per parser (`check_table`).
_SEEN_LIMIT = 200_000
_SCALARS = (str, int, float, bool)  # parsed values safe to share between rows (lists are not)
_EMPTY: Any = object()  # a cell left empty, in the columns of `_checked_columns`
# (column name, its parser, whether required, its parsed cells by text): the state of the checks
# of one table, shared by its chunks.
_Column = tuple[str, F.Parser, bool, dict[str, Any]]


def check_table(spec: FileSpec, table: Table, plan: Plan) -> None:
    """Check one table's header and cells, adding its rows to `plan` and its problems too.

    A cell's parsed value is remembered per parser and reused when the same text comes again in
    a column it parses (the parsers are pure): at a million ties, most cells are ids, types and
    dates seen before, and the rows then share one value instead of holding a copy each.

    A table read in chunks (`tabular.stream_csv`) is checked a column at a time, each distinct
    cell once (`_checked_columns`); a chunk in which that finds anything wrong is checked again
    a row at a time (`_check_rows`), which reports it, so the problems and the rows left out are
    the same either way."""
    if not _check_header(spec, table, plan):
        return
    seen: dict[F.Parser, dict[str, Any]] = {}  # columns of one parser (ids) share their cells
    columns: list[_Column] = [
        (c.name, c.parse, c.required, seen.setdefault(c.parse, {})) for c in spec.columns
    ]
    if table.chunks is None:
        _check_rows(spec, table.source, table.records(), columns, plan)
        return
    at = {name: table.columns.index(name) for name, _, _, _ in columns if name in table.columns}
    for chunk in table.chunks():
        values = _checked_columns(chunk, at, columns)
        if values is None:
            _check_rows(spec, table.source, chunk.records(table.columns), columns, plan)
        else:
            _add_rows(spec, table.source, chunk.numbers, values, plan)


def _check_rows(
    spec: FileSpec,
    source: str,
    records: Iterable[tuple[int, dict[str, str]]],
    columns: list[_Column],
    plan: Plan,
) -> None:
    """Check rows one at a time, adding each to `plan`, or its problems and what it names."""
    add, problems = spec.add, plan.problems
    for number, raw in records:
        row: dict[str, Any] = {}
        ok = True
        for name, parse, required, seen in columns:
            cell = raw.get(name, "")
            if not cell:
                if required:
                    problems.append(Problem(source, number, name, "a required value is empty", "", "a value"))
                    ok = False
                continue
            value = seen.get(cell, seen)
            if value is seen:
                try:
                    value = F.storable(parse(F.cell(cell)))
                except F.Invalid as exc:
                    got = exc.got if exc.got is not None and exc.got != cell else cell
                    problems.append(Problem(source, number, name, exc.problem, clip(got), exc.expected))
                    ok = False
                    continue
                if type(value) in _SCALARS and len(seen) < _SEEN_LIMIT:
                    seen[cell] = value
            row[name] = value
        if ok:
            add(plan, row, Where(source, number, ""))
        else:
            plan.skip_row(row)


def _checked_columns(chunk: Chunk, at: dict[str, int], columns: list[_Column]) -> dict[str, list[Any]] | None:
    """The parsed value of every cell of the chunk by column (`_EMPTY` for an empty cell), each
    distinct text parsed once; None when a cell has a problem (a required value empty, a value
    its parser refuses) or parses to a value `_props` would leave out, for `_check_rows` to
    handle. A column not in the table is absent; a parser that makes lists or maps parses every
    cell, so that each row holds its own, as `_check_rows` gives them."""
    values: dict[str, list[Any]] = {}
    for name, parse, required, seen in columns:
        if name not in at:
            continue
        cells = chunk.cells[at[name]]
        if parse is F.identifier and F.plain_ids(cells):  # most id columns: every cell as it is
            values[name] = cells
            continue
        # each text once, in the order of the rows (pandas hashes them four times faster)
        codes, texts = pd.factorize(np.asarray(cells, dtype=object), use_na_sentinel=False)
        parsed = np.empty(len(texts), dtype=object)
        shared = True
        for i, text in enumerate(texts.tolist()):
            value = seen.get(text, seen)
            if value is seen:  # a text not seen before (a value kept there is never left out)
                if not text:
                    if required:
                        return None
                    parsed[i] = _EMPTY
                    continue
                try:
                    value = F.storable(parse(F.cell(text)))
                except F.Invalid:
                    return None
                if not _kept(value):
                    return None
                if type(value) not in _SCALARS:
                    shared = False
                elif len(seen) < _SEEN_LIMIT:
                    seen[text] = value
            parsed[i] = value
        if shared:
            values[name] = parsed.take(codes).tolist()
        else:
            values[name] = [F.storable(parse(F.cell(text))) if text else _EMPTY for text in cells]
    return values


def _add_rows(
    spec: FileSpec, source: str, numbers: list[int], values: dict[str, list[Any]], plan: Plan
) -> None:
    """Add the rows of a chunk checked by `_checked_columns` to `plan`, as `_check_rows` would."""
    if spec.add_columns is not None:
        spec.add_columns(plan, source, numbers, values)
        return
    add, names = spec.add, list(values)
    for number, *cells in zip(numbers, *values.values(), strict=True):
        row = {name: value for name, value in zip(names, cells, strict=True) if value is not _EMPTY}
        add(plan, row, Where(source, number, ""))


def _check_header(spec: FileSpec, table: Table, plan: Plan) -> bool:
    """Problems of the header row: columns missing, unknown or given twice. Whether the rows
    can be read."""
    expected = ", ".join(c.name for c in spec.columns)
    known = {c.name for c in spec.columns}
    missing = [name for name in spec.required if name not in table.columns]
    for name in missing:
        plan.problems.append(
            Problem(
                table.source,
                1,
                name,
                "required column is missing",
                clip(", ".join(table.columns), 200),
                f"columns {expected}",
            )
        )
        plan.complete = False
    for position, name in enumerate(table.columns, start=1):
        if name and name not in known:
            plan.problems.append(
                Problem(table.source, 1, clip(name), "unknown column", clip(name), f"columns {expected}")
            )
        elif name and table.columns.index(name) + 1 < position:
            plan.problems.append(
                Problem(
                    table.source,
                    1,
                    name,
                    "a column given twice",
                    f"{name} as column {table.columns.index(name) + 1} and {position}",
                    "each column once",
                )
            )
            plan.complete = False
            missing.append(name)
    return not missing


# The file whose rows define the records of these labels, and what they are called.
DEFINED_IN = {
    "accounts": (("Account", "Org"), "accounts or organisations"),
    "people": (("Person",), "people"),
    "opportunities": (("Opportunity",), "opportunities"),
}


def absent_files(path: Path, tables: Sequence[Table]) -> list[Absent]:
    """The files (or sheets) of `DEFINED_IN` that the import at `path` does not hold."""
    present = {_stem(table.source) for table in tables}
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    return [
        Absent(
            _name(path),
            f"no {name} sheet" if workbook else f"no {name}.csv",
            labels,
            records,
            f"a sheet named {name}" if workbook else f"{name}.csv",
        )
        for name, (labels, records) in DEFINED_IN.items()
        if name not in present
    ]


def _nothing_to_import(path: Path, tables: Sequence[Table]) -> str:
    """The problem of an import whose every file holds a header and no rows."""
    names = ", ".join(table.source for table in tables)
    got = "only a header row" if len(tables) == 1 else f"only header rows in {names}"
    return f"{_name(path)}: nothing to import (got {got}, expected at least one row under the header)"


def _stem(source: str) -> str:
    """The table a source is: "people" for "people.csv" and "book.xlsx[people]"."""
    if source.endswith("]"):
        return source.rsplit("[", 1)[-1][:-1].strip().lower()
    return Path(source).stem.lower()


def _name(path: Path) -> str:
    return path.name or path.resolve().name


def plan_tables(
    tables: list[Table], stages: StageMap | None = None, problems: list[str] | None = None
) -> Plan:
    """Check every table and gather what they would write (not yet checked against the db).

    A table read as it is planned (`tabular.stream_csv`) that turns out unreadable part-way is
    left out, as `read_tables` leaves out one it finds unreadable: it is taken from `tables`,
    its problem is added to `problems`, and the plan is made again without it."""
    while True:
        plan = Plan(stages=stages or StageMap())
        for table in tables:
            try:
                check_table(FILES[_stem(table.source)], table, plan)
            except TableError as exc:
                if problems is None:
                    raise
                problems.append(str(exc))
                tables.remove(table)
                break
        else:
            plan.check_stage_totals()
            return plan
