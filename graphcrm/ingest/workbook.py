"""Read an XLSX workbook's sheets as tables, refusing a workbook bomb before it costs anything.

A workbook is a zip of XML parts, and openpyxl pads every row out to its last cell and keeps
every element of a sheet it does not know: a 12 KB file with one cell in column XFD on 2,000
rows took 406 MB to read, a 4.2 MB one unpacking to 1.25 GB of XML ran for over 300 s, a 7 MB
one holding 3,000,000 elements of no known kind took 1.2 GB. So a workbook is read in steps,
each checked before the cost it guards against:

1. its zip directory, before any part is unpacked: no part may unpack to more than `MAX_RATIO`
   times its packed size (once it is over `RATIO_FROM` bytes), all parts together to more than
   `MAX_UNPACKED` bytes, nor a part read whole (the workbook, its styles, the package's lists)
   to more than `MAX_WHOLE_PART` (Python's zipfile never unpacks a part past the size the
   directory gives, so a directory that lies only cuts the part short);
2. openpyxl reads the workbook's list of sheets and its styles (`_Parts`), not the sheets;
3. the shared strings and each sheet are streamed here, an element at a time, each element
   dropped once read (`_stream`), openpyxl turning each row into cells: a sheet's declared
   dimension (`<dimension ref="A1:XFD2000"/>`) past `MAX_COLUMNS` columns, `MAX_ROWS` rows or
   `MAX_CELLS` cells is refused before its first row, and so is the first row reaching past
   column `MAX_COLUMNS` or row `MAX_ROWS`, or taking the sheet past `MAX_CELLS` cells
   (counting the empty ones left of each row's last cell), since the dimension may be missing
   or wrong; more than `MAX_CELLS` shared strings, or a row (or shared string) of more than
   `MAX_INSIDE` XML elements, is refused too. Only non-empty cells are kept.

The limits are generous for real data: a CRM export of 100,000 rows × 60 columns is 6,000,000
cells, about 310 MB of XML packed about 6-fold; it passes, and reads in about a minute and
650 MB. What is refused is named as `book.xlsx[sheet]:row:column` with what was expected.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from graphcrm.ingest.formula_cells import FORMULA_STARTS, QUOTE
from graphcrm.ingest.tabular import MAX_COLUMNS, OLE, Table, TableError, table_from

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 10_000_000  # per sheet, counting the empty cells left of each row's last one
MAX_UNPACKED = 1_000_000_000  # bytes of all the parts of a workbook, unpacked
MAX_RATIO = 100  # how many times its packed size a part may unpack to...
RATIO_FROM = 10_000_000  # ...once it unpacks to more than this many bytes
MAX_WHOLE_PART = 20_000_000  # bytes of a part openpyxl reads whole (the largest real styles: a few MB)
MAX_INSIDE = 100_000  # XML elements in one row or one shared string (a cell of rich text: a dozen or so)
WORKBOOK_HELP = (
    "open it in Excel, delete the rows and columns after your data and save it, or import it in parts"
)
_ROW = f"{{{SHEET_MAIN_NS}}}row"
_DIMENSION = f"{{{SHEET_MAIN_NS}}}dimension"
_SHARED_STRING = f"{{{SHEET_MAIN_NS}}}si"


def read_xlsx(path: Path) -> dict[str, Table]:
    """Every sheet of a workbook that holds anything, by lower-case sheet name; a workbook bomb
    (see the module's docstring) is refused with `TableError` before it is read.

    Read with openpyxl's cell parser, formulas as formulas: a formula cell comes back as its
    text (`=SUM(A1)`) for the importer to refuse, and a text cell Excel keeps as text (typed
    with a leading `'`, its "quote prefix") comes back with that `'`, as a CSV would hold it."""
    refuse_unpacked(path)
    try:
        parts = _Parts(path)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(_not_a_workbook(path, exc)) from exc
    try:
        return _sheets(path, parts)
    except (ValueError, IndexError, KeyError, TypeError, ElementTree.ParseError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise TableError(f"{path.name}: cannot read the workbook ({detail}; expected an .xlsx file)") from exc
    finally:
        parts.archive.close()


def _sheets(path: Path, parts: _Parts) -> dict[str, Table]:
    """The tables of `read_xlsx`."""
    strings = parts.strings(path.name)
    tables: dict[str, Table] = {}
    titles: dict[str, str] = {}
    for title, target in parts.sheets:
        source = f"{path.name}[{title}]"
        records = _records(parts, target, strings, source)
        number, first = next(records, (1, []))
        if number != 1:  # the header is on row 1: a sheet starting lower has an empty header
            number, first, records = 1, [], _chain((number, first), records)
        if not any(first) and not any(any(record) for _, record in records):
            continue  # an empty sheet (Excel's Sheet2) holds nothing to import
        name = title.strip().lower()
        if name in tables:
            raise TableError(
                f"{source}: a second sheet for the {name} table (got sheets named {titles[name]!r} and "
                f"{title!r}, expected one sheet per table: Excel takes names that differ only in "
                "capitals for one name)"
            )
        tables[name] = table_from(source, _chain((number, first), records))
        titles[name] = title
    return tables


def _chain(
    first: tuple[int, list[str]], rest: Iterator[tuple[int, list[str]]]
) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest


def refuse_unpacked(path: Path) -> None:
    """Refuse a workbook whose parts unpack too far (`MAX_RATIO`, `MAX_UNPACKED`,
    `MAX_WHOLE_PART`), judged from its zip directory alone. A file that is no zip is left for
    openpyxl to name."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    check_parts(path.name, parts)


def check_parts(name: str, parts: Sequence[zipfile.ZipInfo]) -> None:
    """The check of `refuse_unpacked` on the directory entries `parts` of workbook `name`."""
    for part in parts:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            ratio = part.file_size // max(part.compress_size, 1)
            raise TableError(
                f"{name}: a part of the workbook unpacks {ratio:,}-fold (got {part.filename}, "
                f"{part.file_size:,} bytes packed into {part.compress_size:,}, expected at most "
                f"{MAX_RATIO}-fold, as sheets of real data pack: a workbook bomb? {WORKBOOK_HELP})"
            )
        if part.file_size > MAX_WHOLE_PART and _read_whole(part.filename):
            raise TableError(
                f"{name}: a part of the workbook is too big (got {part.filename} of {part.file_size:,} "
                f"bytes, expected at most {MAX_WHOLE_PART:,}: open it in Excel and save it again)"
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED:
        raise TableError(
            f"{name}: the workbook unpacks to too much (got {total:,} bytes, expected at most "
            f"{MAX_UNPACKED:,}: import it in parts, or save its sheets as CSV files)"
        )


def _read_whole(part: str) -> bool:
    """Whether openpyxl reads the part whole, as a tree: the package's lists, the workbook, its styles."""
    return part == "[Content_Types].xml" or part.endswith((".rels", "workbook.xml", "styles.xml"))


class _Parts(ExcelReader):
    """openpyxl's reader of the workbook's parts, reading only the list of sheets and the
    styles (which say which numbers are dates, and which text was typed with a `'`): the shared
    strings and the sheets are streamed by `read_xlsx`, since openpyxl keeps every element of
    them it passes (and reads a sheet to its end to find it has no dimension)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, read_only=True, keep_vba=False, data_only=False, keep_links=False)
        self.read_manifest()
        self.read_workbook()
        apply_stylesheet(self.archive, self.wb)
        self.sheets: list[tuple[str, str]] = [
            (str(sheet.name), rel.target)
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        ]

    def strings(self, name: str) -> list[str]:
        """The shared strings, at most `MAX_CELLS` of them."""
        found = self.package.find(SHARED_STRINGS)
        if found is None:
            return []
        strings: list[str] = []
        with self.archive.open(found.PartName[1:]) as source:
            for whole, element in _stream(source, _SHARED_STRING, f"{name}: a shared string"):
                if whole:
                    text = Text.from_tree(element)
                    strings.append(text.content.replace("x005F_", "") if text is not None else "")
                    if len(strings) > MAX_CELLS:
                        raise TableError(
                            f"{name}: too many shared strings (got more than {MAX_CELLS:,}, expected at "
                            f"most one per cell: {WORKBOOK_HELP})"
                        )
        return strings

    def cell_quoted(self, style: int) -> bool:
        """Whether cells of `style` were typed with a leading `'` (Excel's "quote prefix")."""
        try:
            return bool(getattr(self.wb, "_cell_styles")[style].quotePrefix)  # noqa: B009 - no public name
        except (IndexError, TypeError):
            return False


def _stream(source: IO[bytes], kept: str, what: str) -> Iterator[tuple[bool, Any]]:
    """The elements of an XML part as it is read: (False, element) at the start of each element
    outside a `kept` one (its attributes read, its children not yet), and (True, element) at the
    end of each `kept` element, whole. Every element is dropped from its parent once it has
    ended, so memory holds the elements still open and one kept element, whatever the part
    holds; a kept element of more than `MAX_INSIDE` elements is refused (`what` names it)."""
    stack: list[Any] = []
    inside = 0  # the depth of the open kept element; 0 when none is open
    count = 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        if event == "start":
            stack.append(element)
            if inside:
                count += 1
                if count > MAX_INSIDE:
                    raise TableError(
                        f"{what} of more than {MAX_INSIDE:,} XML elements (got one that long, expected "
                        f"a few per cell: {WORKBOOK_HELP})"
                    )
            elif element.tag == kept:
                inside, count = len(stack), 0
            else:
                yield False, element
            continue
        depth = len(stack)
        stack.pop()
        if inside and depth > inside:
            continue  # part of the open kept element: kept until it ends
        if depth == inside:
            inside = 0
            yield True, element
        if stack:
            stack[-1].remove(element)


def _records(parts: _Parts, target: str, strings: list[str], source: str) -> Iterator[tuple[int, list[str]]]:
    """A sheet's rows as (row number, cell texts), one at a time, refusing its declared
    dimension, or the first row, past the limits."""
    with parts.archive.open(target) as xml:
        parser = WorkSheetParser(
            xml,
            strings,
            data_only=False,
            epoch=parts.wb.epoch,
            date_formats=getattr(parts.wb, "_date_formats"),  # noqa: B009 - openpyxl's own, no public name
            timedelta_formats=getattr(parts.wb, "_timedelta_formats"),  # noqa: B009
        )
        cells = last = 0
        for whole, element in _stream(xml, _ROW, f"{source}: a row"):
            if not whole:
                if element.tag == _DIMENSION:
                    _refuse_declared_size(element.get("ref", ""), source)
                continue
            number, found = parser.parse_row(element)
            parser.row_dimensions.clear()  # row heights: not wanted, and a dict per row
            if number > MAX_ROWS:
                raise TableError(
                    f"{source}:{number}: a row past Excel's last row (got row {number:,}, expected at most "
                    f"{MAX_ROWS:,} rows: {WORKBOOK_HELP})"
                )
            if number <= last:
                raise TableError(
                    f"{source}:{number}: a row out of order (got row {number} after row {last}, expected "
                    "rows in order, as Excel writes them: open it in Excel and save it again)"
                )
            last = number
            width = max((cell["column"] for cell in found), default=0)
            if width > MAX_COLUMNS:
                letter = get_column_letter(width) if width <= 18_278 else f"number {width:,}"
                raise TableError(
                    f"{source}:{number}:{letter}: a cell too far right (got a cell in column {letter}, "
                    f"column {width:,}, expected at most {MAX_COLUMNS:,} columns: {WORKBOOK_HELP})"
                )
            cells += width
            if cells > MAX_CELLS:
                raise TableError(
                    f"{source}:{number}: the sheet is too big (got more than {MAX_CELLS:,} cells by row "
                    f"{number:,}, counting the empty ones left of each row's last cell, expected at most "
                    f"{MAX_CELLS:,}: {WORKBOOK_HELP})"
                )
            record = [""] * width
            for cell in found:
                if cell["column"] >= 1:
                    record[cell["column"] - 1] = _text(parts, cell)
            yield number, record


def _refuse_declared_size(ref: str, source: str) -> None:
    """Refuse a sheet whose declared dimension (`A1:XFD2000`) is past the limits; one that
    cannot be read says nothing (the rows are checked as they come)."""
    try:
        _, _, columns, rows = range_boundaries(ref.upper())
    except (TypeError, ValueError):
        return
    if not rows or not columns:
        return
    if columns > MAX_COLUMNS:
        what = f"{columns:,} columns, expected at most {MAX_COLUMNS:,}"
    elif rows > MAX_ROWS:
        what = f"{rows:,} rows, expected at most {MAX_ROWS:,}, as in Excel"
    elif rows * columns > MAX_CELLS:
        what = f"{rows * columns:,} cells, expected at most {MAX_CELLS:,}"
    else:
        return
    raise TableError(f"{source}: the sheet is too big (got {ref} as its dimension, {what}: {WORKBOOK_HELP})")


def _not_a_workbook(path: Path, exc: Exception) -> str:
    """What a file named .xlsx is when openpyxl cannot open it."""
    try:
        with path.open("rb") as handle:
            start = handle.read(8192)
    except OSError as error:
        return f"{path.name}: cannot read the file ({error.strerror})"
    if start.startswith(OLE):
        return (
            f"{path.name}: the file is an old Excel workbook (.xls) or a password-protected one (got an "
            "Excel 97-2003 or encrypted file, expected an .xlsx workbook: save it from Excel as .xlsx, "
            "without a password)"
        )
    if start and b"\x00" not in start:
        return (
            f"{path.name}: the file is text, not a workbook (got text named .xlsx, expected an .xlsx "
            "workbook; a CSV file is imported under the name of its table, e.g. people.csv)"
        )
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return f"{path.name}: cannot read the workbook ({detail}; expected an .xlsx file)"


def _text(parts: _Parts, cell: dict[str, Any]) -> str:
    """A workbook cell (as openpyxl's parser gives it) as the text a CSV would hold."""
    value = cell["value"]
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if cell["data_type"] == "f" and not isinstance(value, str):
        value = getattr(value, "text", None) or "=" + str(value)  # an array formula
    text = str(value).strip()
    if cell["data_type"] == "s" and text.startswith(FORMULA_STARTS) and parts.cell_quoted(cell["style_id"]):
        return QUOTE + text
    return text
