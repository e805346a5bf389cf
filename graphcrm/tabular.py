"""Read the import files: CSV (UTF-8, UTF-8 with BOM, or GB18030/GBK) and XLSX sheets.

Every cell comes back as a stripped string ("" when empty), every row with the number a
spreadsheet shows for it (the header is row 1), so that messages can point at it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ENCODINGS = ("utf-8-sig", "gb18030")


class TableError(Exception):
    """A file that cannot be read as a table at all; the message names it."""


@dataclass
class Table:
    """One CSV file or XLSX sheet: its name for messages, header and rows."""

    source: str  # "people.csv" or "book.xlsx[people]"
    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[int] = field(default_factory=list)  # spreadsheet row number of each row

    def __post_init__(self) -> None:
        if not self.numbers:
            self.numbers = list(range(2, len(self.rows) + 2))


def decode(data: bytes, source: str) -> str:
    """Text of a CSV file in one of `ENCODINGS`, found by trying each strictly in turn.

    UTF-8 comes first: GBK text is almost never valid UTF-8, while UTF-8 text often decodes
    as (wrong) GB18030.
    """
    if b"\x00" in data[:8192]:
        raise TableError(f"{source}:1: not a CSV text file (got binary data, expected CSV text)")
    furthest = 0  # where the encoding that read furthest stopped: the likely bad byte
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            furthest = max(furthest, exc.start)
    line = data[:furthest].count(b"\n") + 1
    raise TableError(
        f"{source}:{line}: cannot read the text (got bytes that are neither UTF-8 nor GB18030, "
        "expected UTF-8 or GB18030/GBK text)"
    )


def read_csv_text(text: str, source: str, skip_lines: int = 0) -> Table:
    """Parse CSV text; `skip_lines` lines before the header are ignored (and counted)."""
    body = "".join(text.splitlines(keepends=True)[skip_lines:])
    if not body.strip():
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    try:
        frame = pd.read_csv(
            io.StringIO(body),
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            header=None,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())
        if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail):
            want, line, saw = match.groups()
            raise TableError(
                f"{source}:{int(line) + skip_lines}: the row has more cells than the header has columns "
                f"(got {saw} cells, expected {want}; quote values that hold commas)"
            ) from exc
        raise TableError(
            f"{source}:{_parser_line(detail, skip_lines)}: not valid CSV ({detail}; expected "
            "comma-separated values, with double quotes around values that hold commas)"
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)") from exc
    records = [[str(c).strip() for c in row] for row in frame.itertuples(index=False)]
    return _table(source, records, first_number=skip_lines + 1)


def _parser_line(message: str, skip_lines: int) -> str:
    """The file line a pandas parser message points at ("line N" counts from 1, "row N" from 0)."""
    if match := re.search(r"line (\d+)", message):
        return str(int(match.group(1)) + skip_lines)
    if match := re.search(r"row (\d+)", message):
        return str(int(match.group(1)) + 1 + skip_lines)
    return "1"


def _table(source: str, records: list[list[str]], first_number: int) -> Table:
    """A table from rows of cells; the first record is the header, numbered `first_number`."""
    if not records or not any(records[0]):
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    header = [c.strip().lower() for c in records[0]]
    while header and not header[-1]:
        header.pop()
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, record in enumerate(records[1:], start=first_number + 1):
        if not any(record):
            continue
        extra = [c for c in record[len(header) :] if c]
        if extra:
            raise TableError(
                f"{source}:{number}: the row has more cells than the header has columns "
                f"(got extra {extra[0]!r}, expected {len(header)} columns; quote values that "
                "hold commas)"
            )
        rows.append(dict(zip(header, record, strict=False)))
        numbers.append(number)
    return Table(source, header, rows, numbers)


def read_csv(path: Path) -> Table:
    """A CSV file, its encoding detected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    return read_csv_text(decode(data, path.name), path.name)


def read_xlsx(path: Path) -> dict[str, Table]:
    """Every sheet of a workbook, by lower-case sheet name."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(f"{path.name}: cannot read the workbook ({exc}; expected an .xlsx file)") from exc
    tables: dict[str, Table] = {}
    for name, frame in sheets.items():
        records = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
        tables[str(name).strip().lower()] = _table(f"{path.name}[{name}]", records, 1)
    return tables


def _cell(value: object) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
