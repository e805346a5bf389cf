"""The graph as the six import files: a folder of CSV files or one XLSX workbook.

The spreadsheet export holds exactly the columns of the import formats (README, "Import
formats"; `graphcrm.ingest.files.FILES`), so that it opens in Excel and imports back: symmetric
ties (stored once each way) as one row, TIED_TO's kind in `context`, a seat's
`influence_<stage>` properties as `stage_influence` (`need=35;decide=20`), lists `;`-joined,
the Rep label as `is_rep`. Properties without a column (LinkedIn's `source` and `linkedin`)
are left out and listed in `SpreadsheetExport.left_out`: the JSON lines export is the exact
backup.

No cell runs as a formula when the file is opened: every text goes through
`graphcrm.ingest.formula_cells.neutralise` (a `'` before a leading `= + - @`, tab or CR, which the import
drops again), and the workbook's text cells are written as text, never as formulas.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as XlsxCell

from graphcrm.export import export_records
from graphcrm.ingest.files import FILE_ORDER, FILES
from graphcrm.ingest.formula_cells import neutralise
from graphcrm.schema import ACCOUNT_KINDS, REP_LABEL, STAGES, SYMMETRIC_TIES, TIE_TYPES, stage_property
from graphcrm.store import Store

Cell = str | int | float
CSV_ENCODING = "utf-8-sig"  # with a BOM: Excel then reads the Chinese names right


@dataclass
class SpreadsheetExport:
    """What an export wrote: rows per file, and what the import columns could not hold."""

    rows: dict[str, int]
    left_out: dict[str, int] = field(default_factory=dict)  # "people.csv: linkedin" -> how many
    notes: list[str] = field(default_factory=list)


@dataclass
class Tables:
    """The six tables as plain values (before neutralising), with what was left out."""

    rows: dict[str, list[dict[str, Any]]]
    left_out: Counter[str]
    notes: list[str]


def tables(store: Store) -> Tables:
    """The graph as the rows of the six import files (values not yet made into cells)."""
    nodes: dict[str, dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []
    for record in export_records(store):
        if record["type"] == "node":
            nodes[record["id"]] = record
        else:
            rels.append(record)
    left_out: Counter[str] = Counter()
    notes: list[str] = []
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in FILE_ORDER}
    works_at: dict[str, list[str]] = defaultdict(list)
    account_of: dict[str, list[str]] = defaultdict(list)
    symmetric_seen: set[tuple[str, str, str]] = set()
    for rel in rels:
        kind, start, end, props = rel["rel"], rel["start"], rel["end"], dict(rel["properties"])
        if kind == "WORKS_AT":
            works_at[start].append(end)
            _leave(left_out, "people", props, ())
        elif kind == "FOR":
            account_of[start].append(end)
            _leave(left_out, "opportunities", props, ())
        elif kind in TIE_TYPES:
            if kind in SYMMETRIC_TIES:
                pair = (kind, *sorted((start, end)))
                if pair in symmetric_seen:
                    continue  # the twin of a tie already written
                symmetric_seen.add(pair)
                start, end = pair[1], pair[2]
            if kind == "TIED_TO":
                props["context"] = props.pop("kind", None)
            out["ties"].append(
                _row("ties", {"source": start, "target": end, "type": kind, **props}, left_out)
            )
        elif kind == "IN_COMMITTEE":
            shares = [
                f"{s}={_text(props.pop(stage_property(s)))}" for s in STAGES if stage_property(s) in props
            ]
            row = {"opportunity_id": end, "person_id": start, **props, "stage_influence": ";".join(shares)}
            out["committee"].append(_row("committee", row, left_out))
        elif kind == "REFERRED":
            out["referrals"].append(_row("referrals", {"source": start, "target": end, **props}, left_out))
    for node_id, node in nodes.items():
        labels, props = node["labels"], dict(node["properties"])
        props["id"] = node_id
        if "Account" in labels or "Org" in labels:
            if not props.get("kind"):
                props["kind"] = "prospect" if "Account" in labels else "other"
                notes.append(f"accounts.csv: {node_id} had no kind: written as {props['kind']}")
            elif ("Account" in labels) != (props["kind"] in ACCOUNT_KINDS):
                notes.append(f"accounts.csv: {node_id} is {labels[0]} with kind {props['kind']}")
            out["accounts"].append(_row("accounts", props, left_out))
        elif "Person" in labels:
            orgs = sorted(works_at.get(node_id, []))
            if len(orgs) > 1:
                notes.append(f"people.csv: {node_id} works at {', '.join(orgs)}: only {orgs[0]} fits org_id")
            props.update(org_id=orgs[0] if orgs else None, is_rep=REP_LABEL in labels)
            out["people"].append(_row("people", props, left_out))
        elif "Opportunity" in labels:
            accounts = sorted(account_of.get(node_id, []))
            if len(accounts) > 1:
                notes.append(
                    f"opportunities.csv: {node_id} is for {', '.join(accounts)}: only {accounts[0]} fits"
                )
            props["account_id"] = accounts[0] if accounts else None
            out["opportunities"].append(_row("opportunities", props, left_out))
    return Tables(out, left_out, notes)


def _row(file: str, values: dict[str, Any], left_out: Counter[str]) -> dict[str, Any]:
    """The values of the file's columns; any other property is counted as left out."""
    columns = [c.name for c in FILES[file].columns]
    _leave(left_out, file, values, columns)
    return {name: values.get(name) for name in columns}


def _leave(left_out: Counter[str], file: str, values: dict[str, Any], columns: Iterable[str]) -> None:
    known = set(columns)
    for key, value in values.items():
        if key not in known and value not in (None, ""):
            left_out[f"{file}.csv: {key}"] += 1


def _text(value: Any) -> str:
    """A value as the text of a cell: numbers as the import reads them back, lists `;`-joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return ";".join(_text(v) for v in value)
    return str(value)


def _csv_cell(value: Any) -> str:
    return str(neutralise(_text(value)))


def export_csv(store: Store, folder: Path) -> SpreadsheetExport:
    """Write the six import files into `folder` (created when missing), UTF-8 with a BOM."""
    found = tables(store)
    folder.mkdir(parents=True, exist_ok=True)
    for name in FILE_ORDER:
        columns = [c.name for c in FILES[name].columns]
        with (folder / f"{name}.csv").open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(columns)
            writer.writerows([_csv_cell(row[c]) for c in columns] for row in found.rows[name])
    return _summary(found)


def export_xlsx(store: Store, path: Path) -> SpreadsheetExport:
    """Write one workbook with a sheet per import file; text cells as text, numbers as numbers."""
    found = tables(store)
    book = Workbook(write_only=True)
    replaced = 0
    for name in FILE_ORDER:
        sheet = book.create_sheet(name)
        columns = [c.name for c in FILES[name].columns]
        sheet.append([_xlsx_cell(sheet, c) for c in columns])
        for row in found.rows[name]:
            cells = []
            for column in columns:
                value = row[column]
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cells.append(WriteOnlyCell(sheet, value=value))
                    continue
                text = _csv_cell(value)
                clean = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
                replaced += clean != text
                cells.append(_xlsx_cell(sheet, clean))
            sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    summary = _summary(found)
    if replaced:
        summary.notes.append(
            f"{replaced} cell(s) held control characters a workbook cannot hold: written as \ufffd "
            "(the JSON lines export keeps them)"
        )
    return summary


def _xlsx_cell(sheet: Any, text: str) -> XlsxCell:
    """A text cell that stays text: openpyxl would make a string starting with `=` a formula."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def _summary(found: Tables) -> SpreadsheetExport:
    return SpreadsheetExport(
        rows={name: len(rows) for name, rows in found.rows.items()},
        left_out=dict(sorted(found.left_out.items())),
        notes=list(found.notes),
    )
