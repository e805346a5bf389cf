"""Workbooks written part by part with `zipfile`, for what openpyxl will not write: a cell in
column XFD on every row, a sheet declaring any dimension, rows numbered past Excel's last,
sheets whose names differ only in capitals, a part that unpacks a thousand-fold.

Each is made at run time, small on disk (nothing large is committed); the rows of a sheet may be
any iterable of XML strings, written as they come, so a sheet of millions of rows costs no memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def cell(ref: str, value: str | float) -> str:
    """One cell: text inline, numbers as numbers."""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(number: int, cells: Mapping[str, str | float]) -> str:
    """A row of cells by column letters, e.g. `row(2, {"A": "p1", "XFD": 1})`."""
    inner = "".join(cell(f"{column}{number}", value) for column, value in cells.items())
    return f'<row r="{number}">{inner}</row>'


def write_workbook(
    path: Path,
    sheets: Mapping[str, Iterable[str]],
    *,
    dimensions: Mapping[str, str] | None = None,
    shared_strings: Iterable[str] | None = None,
) -> Path:
    """A workbook whose sheets hold the given rows (XML strings, see `row`), each sheet with the
    `<dimension ref=…>` given for it (none when not given); `shared_strings` are written, as they
    come, into the shared strings part (each chunk a piece of its XML)."""
    dimensions = dimensions or {}
    names = list(sheets)
    content = [
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{CT}.worksheet+xml"/>'
        for i in range(1, len(names) + 1)
    ]
    rels = [
        f'<Relationship Id="rId{i}" Type="{SHEET_TYPE}" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    ]
    if shared_strings is not None:
        content.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>')
        rels.append(
            f'<Relationship Id="rId{len(names) + 1}" Type="{STRINGS_TYPE}" Target="sharedStrings.xml"/>'
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
            + "".join(content)
            + "</Types>",
        )
        book.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            + "".join(
                f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, name in enumerate(names, start=1)
            )
            + "</sheets></workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
            + "".join(rels)
            + "</Relationships>",
        )
        for i, name in enumerate(names, start=1):
            with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
                if name in dimensions:
                    part.write(f'<dimension ref="{dimensions[name]}"/>'.encode())
                part.write(b"<sheetData>")
                for xml in sheets[name]:
                    part.write(xml.encode())
                part.write(b"</sheetData></worksheet>")
        if shared_strings is not None:
            with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
                for xml in shared_strings:
                    part.write(xml.encode())
                part.write(b"</sst>")
    return path
