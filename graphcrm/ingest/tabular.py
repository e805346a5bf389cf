"""Read CSV import files (UTF-8, UTF-8 with BOM, or GB18030/GBK) as tables; workbooks are read
by `graphcrm.ingest.workbook` into the same `Table`.

Every cell comes back as a stripped string, every row with the number a spreadsheet shows for
it (the header is row 1), so that messages can point at it; a row keeps its non-empty cells
only. A file that is not CSV text (a workbook or UTF-16 text named .csv, binary data, a file
whose lines are in two encodings) is refused here with what it is and what to do, and so is a
header of more than `MAX_COLUMNS` columns, before it is parsed.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd

from graphcrm.errors import UserError

ENCODINGS = ("utf-8-sig", "gb18030")
# What some files that are not CSV text start with.
ZIP = b"PK\x03\x04"  # .xlsx (a zip of XML files)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls, or a password-protected .xlsx
UTF16 = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode Text" (UTF-16, tab-separated)
CSV_HELP = 'save it from Excel as "CSV UTF-8 (Comma delimited)"'
# The most columns a table may have (an import file has at most 13; a wide CRM export 60 or so):
# checked on the header line before the parser makes a column of every field (a CSV of 200,000
# columns took 25 s and 1 GB to refuse for its unknown columns), and on every row of a workbook.
MAX_COLUMNS = 1_000
STREAM_ROWS = 50_000  # rows parsed at a time by `stream_csv`
# How pandas reads a CSV for the checks: every cell as the text written, none taken for NaN,
# blank rows kept (they have row numbers), no header (the checks read it as row 1).
_PARSE_ERRORS = (pd.errors.ParserError, pd.errors.EmptyDataError)  # raised as `TableError`
_AS_TEXT: dict[str, Any] = {
    "dtype": str,
    "keep_default_na": False,
    "skip_blank_lines": False,
    "header": None,
    "engine": "c",
}


def read_text(path: Path) -> tuple[str | None, list[str]]:
    """A small text file (an export of contacts) decoded as `decode` does, or the problem that
    stops its import: missing, unreadable or not text."""
    if problem := unopenable(path):
        return None, [problem]
    try:
        return decode(path.read_bytes(), path.name), []
    except OSError as exc:
        return None, [f"{path.name}: cannot read the file ({exc.strerror})"]
    except TableError as exc:
        return None, [str(exc)]


class TableError(UserError):
    """A file that cannot be read as a table at all; the message names it."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows of a CSV file read by `stream_csv`, as columns: the spreadsheet row number of each
    row and, for each column of the header in its place, the stripped cell of each row. Blank
    rows are left out, as `Table.records` leaves them."""

    numbers: list[int]
    cells: list[list[str]]

    def records(self, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows as `Table.records` gives them: each row's non-empty cells by column."""
        for number, *record in zip(self.numbers, *self.cells, strict=True):
            yield number, {column: value for column, value in zip(header, record, strict=True) if value}


@dataclass
class Table:
    """One CSV file or XLSX sheet: its name for messages, header and rows."""

    source: str  # "people.csv" or "book.xlsx[people]"
    columns: list[str]
    rows: list[dict[str, str]]  # the non-empty cells of each row by column: an empty cell is absent
    numbers: list[int] = field(default_factory=list)  # spreadsheet row number of each row

    # A table read by `stream_csv`: its rows, made a chunk at a time as they are taken.
    chunks: Callable[[], Iterator[Chunk]] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.numbers:
            self.numbers = list(range(2, len(self.rows) + 2))

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row with its number, in order (read as they come when the table streams)."""
        if self.chunks is not None:
            return (record for chunk in self.chunks() for record in chunk.records(self.columns))
        return zip(self.numbers, self.rows, strict=True)


def unopenable(path: Path) -> str | None:
    """Why the file or folder at `path` cannot even be looked at (a NUL character in the path,
    a name too long, no permission), as a message naming it; None when it can (or is not
    there: the caller says so in its own words)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # "embedded null byte"
        shown = str(path).replace("\x00", "\\0")
        return f"{shown}: not a usable path (got a NUL character in it, expected a file or folder name)"
    except OSError as exc:
        return f"{clip(path.name or str(path))}: cannot open the path ({exc.strerror})"
    return None


def encoding_of(data: bytes, source: str) -> str:
    """The encoding of a CSV file's bytes, one of `ENCODINGS`, found by trying each strictly.

    UTF-8 comes first: GBK text is almost never valid UTF-8, while UTF-8 text often decodes
    as (wrong) GB18030. A file that only GB18030 reads is checked line by line for lines in
    UTF-8 (two files pasted together), which GB18030 would read, silently, as nonsense.
    """
    _refuse_what_is_not_text(data, source)
    if data.isascii():
        return ENCODINGS[0]
    furthest = 0  # where the encoding that read furthest stopped: the likely bad byte
    for encoding in ENCODINGS:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            furthest = max(furthest, exc.start)
            continue
        if encoding != ENCODINGS[0]:
            _refuse_two_encodings(data, source)
        return encoding
    line = data[:furthest].count(b"\n") + 1
    raise TableError(
        f"{source}:{line}: cannot read the text (got bytes that are neither UTF-8 nor GB18030, "
        "expected UTF-8 or GB18030/GBK text)"
    )


def decode(data: bytes, source: str) -> str:
    """Text of a CSV file in one of `ENCODINGS` (see `encoding_of`)."""
    return data.decode(encoding_of(data, source))


def _refuse_what_is_not_text(data: bytes, source: str) -> None:
    """A workbook, UTF-16 text or binary data named .csv, said as what it is."""
    if data.startswith(ZIP):
        raise TableError(
            f"{source}:1: the file is an Excel workbook (.xlsx), not CSV text (got a workbook named "
            f".csv, expected CSV text: import the workbook under a name ending in .xlsx, or {CSV_HELP})"
        )
    if data.startswith(OLE):
        raise TableError(
            f"{source}:1: the file is an old Excel workbook (.xls), not CSV text (got an Excel "
            f"97-2003 file named .csv, expected CSV text: {CSV_HELP})"
        )
    if data.startswith(UTF16):
        raise TableError(
            f'{source}:1: the file is UTF-16 text (Excel\'s "Unicode Text"), not UTF-8 or GBK (got '
            f"UTF-16, expected CSV text in UTF-8 or GB18030/GBK: {CSV_HELP})"
        )
    if b"\x00" in data[:8192]:
        raise TableError(f"{source}:1: not a CSV text file (got binary data, expected CSV text)")


def _refuse_two_encodings(data: bytes, source: str) -> None:
    """A file with some lines in UTF-8 and others in GBK: name the first line of each."""
    first: dict[str, int] = {}
    for number, line in enumerate(data.split(b"\n"), start=1):
        encoding = _line_encoding(line)
        if encoding is not None:
            first.setdefault(encoding, number)
            if len(first) == 2:
                break
    if len(first) == 2:
        (one, at), (other, then) = sorted(first.items(), key=lambda item: item[1])
        raise TableError(
            f"{source}:{then}: the file mixes two encodings (got {one} from line {at} and {other} "
            f"from line {then}, expected one encoding throughout: two files pasted together? save each "
            "as UTF-8, then join them again)"
        )


def _line_encoding(line: bytes) -> str | None:
    """`UTF-8` or `GBK` for a line of Chinese that can only be that, None when it cannot tell.

    A line that is not valid UTF-8 is GBK (the file as a whole read as GB18030). A valid one is
    UTF-8 when it reads as common Chinese (GB2312's characters, from U+2000 up) in UTF-8 and
    not in GB18030, which then gives rare characters: the mojibake of UTF-8 read as GBK. A GBK
    line that happens to be valid UTF-8 reads as Greek, Armenian or rare signs instead. (Latin
    accented text cannot be told apart this way: `é` in UTF-8 is `茅` in GBK.)
    """
    if line.isascii():
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return "GBK"
    wide = [c for c in text.removeprefix("\ufeff") if not c.isascii()]
    if not all(ord(c) >= 0x2000 and _common(c) for c in wide):
        return None
    return None if all(_common(c) for c in line.decode("gb18030") if not c.isascii()) else "UTF-8"


def _common(char: str) -> bool:
    """Whether a character is in GB2312, the common Chinese characters and signs."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_csv_text(text: str, source: str, skip_lines: int = 0) -> Table:
    """Parse CSV text; `skip_lines` lines before the header are ignored (and counted)."""
    body = "".join(text.splitlines(keepends=True)[skip_lines:]) if skip_lines else text
    if not body.strip():
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    header = body[: body.find("\n")] if "\n" in body else body
    _refuse_other_separator(header, source, skip_lines + 1)
    _refuse_too_many_columns(header, source, skip_lines + 1)
    return _parse(io.StringIO(body), source, None, skip_lines)


def read_csv(path: Path) -> Table:
    """A CSV file, its encoding detected.

    The bytes go to the parser as they are (a 50 MB line costs its size a few times over,
    not the four bytes a character that text in memory would take)."""
    data, encoding = _csv_bytes(path)
    return _parse(io.BytesIO(data), path.name, encoding, 0)


def stream_csv(path: Path, chunk_rows: int = STREAM_ROWS) -> Table:
    """`read_csv` for a file read once into a plan (`graphcrm.ingest.files.import_path`): the
    same checks and problems, but the rows are made `chunk_rows` at a time as `Table.records`
    takes them, so that a large file is never held as rows (a million ties as dicts of strings
    take about 700 MB). An error of the first chunk is raised here, as `read_csv` raises it; one
    after it is raised (as the same `TableError`) when the rows are taken: the caller leaves the
    table out then as it would have here (`graphcrm.ingest.files.plan_tables`), and the file is
    parsed once, not first whole for its errors (0.6 s of a million ties). A header with empty
    cells at its end (rows may have cells under them) is read whole."""
    data, encoding = _csv_bytes(path)
    source = path.name

    def frames() -> Iterator[pd.DataFrame]:
        return iter(pd.read_csv(io.BytesIO(data), encoding=encoding, chunksize=chunk_rows, **_AS_TEXT))

    try:
        width, first = 0, []
        for frame in itertools.islice(frames(), 1):
            width, first = frame.shape[1], [str(c).strip() for c in frame.iloc[0]]
    except _PARSE_ERRORS as exc:
        raise _parser_error(exc, source, 0) from exc
    if not any(first):
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    header = [c.strip().lower() for c in first]
    if not header[-1] or len(header) != width:
        return _parse(io.BytesIO(data), source, encoding, 0)

    def chunks() -> Iterator[Chunk]:
        number = 1  # of the frame's first record: the header is row 1
        try:
            for frame in frames():
                cells = [_stripped(frame.iloc[:, column]) for column in range(width)]
                numbers = list(range(number, number + len(frame)))
                number += len(frame)
                if numbers[:1] == [1]:  # the header
                    numbers, cells = numbers[1:], [column[1:] for column in cells]
                yield _without_blank_rows(numbers, cells)
        except _PARSE_ERRORS as exc:
            raise _parser_error(exc, source, 0) from exc

    return Table(source, header, [], chunks=chunks)


def _stripped(column: pd.Series) -> list[str]:
    """A column's cells as stripped text, as `_records` makes them."""
    cells = column.to_numpy(dtype=object).tolist()
    try:
        return list(map(str.strip, cells))
    except TypeError:  # a cell that is not text (pandas reads every cell as text: never seen)
        return [str(c).strip() for c in cells]


def _without_blank_rows(numbers: list[int], cells: list[list[str]]) -> Chunk:
    """The chunk of these rows, less those whose every cell is empty."""
    if all("" in column for column in cells):  # else some column is filled in every row
        keep = [i for i, record in enumerate(zip(*cells, strict=True)) if any(record)]
        if len(keep) < len(numbers):
            numbers = [numbers[i] for i in keep]
            cells = [[column[i] for i in keep] for column in cells]
    return Chunk(numbers, cells)


def _csv_bytes(path: Path) -> tuple[bytes, str]:
    """A CSV file's bytes and encoding, refused when it is no CSV text or its header cannot be."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"{path.name}: cannot read the file ({exc.strerror})") from exc
    encoding = encoding_of(data, path.name)
    if not data or data.isspace():
        raise TableError(f"{path.name}:1: the file is empty (got nothing, expected a header row)")
    header = data[: data.find(b"\n")] if b"\n" in data else data
    if header.count(b",") >= MAX_COLUMNS:  # a comma is no part of a GB18030 character
        _refuse_too_many_columns(header.decode(encoding, errors="replace"), path.name, 1)
    _refuse_other_separator(header[:4096].decode(encoding, errors="replace"), path.name, 1)
    return data, encoding


def _refuse_too_many_columns(header: str, source: str, line: int) -> None:
    """A header line of more than `MAX_COLUMNS` columns, refused before it is parsed."""
    if header.count(",") < MAX_COLUMNS:
        return
    count = len(next(csv.reader([header]), []))
    if count > MAX_COLUMNS:
        raise TableError(
            f"{source}:{line}: the header has too many columns (got {count:,} columns, expected at most "
            f"{MAX_COLUMNS:,}: is this the file you meant? the import files have at most 13 columns)"
        )


def _refuse_other_separator(header: str, source: str, line: int) -> None:
    """A header separated by `;` or tabs, as Excel saves "CSV" in many countries, is refused
    before its rows are split at commas into nonsense."""
    if "," in header:
        return
    for separator, name in ((";", "';'"), ("\t", "tabs")):
        if separator in header:
            raise TableError(
                f"{source}:{line}: the columns are separated by {name}, not by commas (got "
                f"{clip(header.strip(), 60)!r}, expected comma-separated values: {CSV_HELP})"
            )


def _parse(buffer: IO[Any], source: str, encoding: str | None, skip_lines: int) -> Table:
    """The table in a CSV buffer (text, or bytes in `encoding`)."""
    try:
        frame = pd.read_csv(buffer, encoding=encoding, **_AS_TEXT)
    except _PARSE_ERRORS as exc:
        raise _parser_error(exc, source, skip_lines) from exc
    return table_from(source, enumerate(_records(frame), start=skip_lines + 1))


def _parser_error(exc: Exception, source: str, skip_lines: int) -> TableError:
    """The problem of a CSV file the parser refused, with the line it points at."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    detail = " ".join(str(exc).split())
    if match := re.search(r"EOF inside string starting at row (\d+)", detail):
        return TableError(
            f"{source}:{int(match.group(1)) + 1 + skip_lines}: a quote is never closed (got a cell "
            'that opens with " and runs to the end of the file, expected a closing " at the end of '
            'the cell; a " inside a cell is written twice)'
        )
    if match := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail):
        want, line, saw = match.groups()
        return TableError(
            f"{source}:{int(line) + skip_lines}: the row has more cells than the header has columns "
            f"(got {saw} cells, expected {want}; quote values that hold commas)"
        )
    return TableError(
        f"{source}:{_parser_line(detail, skip_lines)}: not valid CSV ({detail}; expected "
        "comma-separated values, with double quotes around values that hold commas)"
    )


def _records(frame: pd.DataFrame, step: int = 20_000) -> Iterator[list[str]]:
    """The frame's rows as lists of stripped cells, converted a slice at a time (pandas' own
    row iteration costs a microsecond a cell; a slice's `tolist` a few nanoseconds)."""
    for start in range(0, len(frame), step):
        for row in frame.iloc[start : start + step].to_numpy(dtype=object).tolist():
            yield [str(c).strip() for c in row]


def _parser_line(message: str, skip_lines: int) -> str:
    """The file line a pandas parser message points at ("line N" counts from 1, "row N" from 0)."""
    if match := re.search(r"line (\d+)", message):
        return str(int(match.group(1)) + skip_lines)
    if match := re.search(r"row (\d+)", message):
        return str(int(match.group(1)) + 1 + skip_lines)
    return "1"


def table_from(source: str, records: Iterable[tuple[int, list[str]]]) -> Table:
    """A table from rows of cells, each with its row number, taken one at a time; the first
    record is the header. Each row keeps its non-empty cells only."""
    rest = iter(records)
    _, first = next(rest, (1, []))
    if not any(first):
        raise TableError(f"{source}:1: the file is empty (got nothing, expected a header row)")
    header = [c.strip().lower() for c in first]
    while header and not header[-1]:
        header.pop()
    rows: list[dict[str, str]] = []
    numbers: list[int] = []
    for number, record in rest:
        if not any(record):
            continue
        extra = [c for c in record[len(header) :] if c]
        if extra:
            raise TableError(
                f"{source}:{number}: the row has more cells than the header has columns "
                f"(got extra {clip(extra[0])!r}, expected {len(header)} columns; quote values that "
                "hold commas)"
            )
        rows.append({column: value for column, value in zip(header, record, strict=False) if value})
        numbers.append(number)
    return Table(source, header, rows, numbers)


def clip(text: str, limit: int = 80) -> str:
    """A user's text cut short for a one-line message."""
    return text if len(text) <= limit else text[:limit] + "…"
