"""Spreadsheet formulas in cells: refused on import, neutralised on export.

A cell such as `=HYPERLINK("http://…","click")` or `@SUM(A1)` runs as a formula when a file is
opened in Excel or LibreOffice (CSV injection, OWASP). graphcrm holds text, never formulas:

- **import**: a cell that `is_formula` is a problem the user must fix; writing `'` before it
  (as a spreadsheet does to keep a cell as text) makes it text, and `unquote` drops that `'`;
- **export** to CSV or XLSX: `neutralise` puts a `'` before every text that starts with
  `= + - @`, a tab or a carriage return, so no cell of ours is read as a formula, and
  `unquote` makes the export import back to the same text.
"""

from __future__ import annotations

import re

# What starts a formula in Excel, LibreOffice or Google Sheets (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# `=anything`; or `+`, `-`, `@` followed by a function call (`@SUM(`, `-HYPERLINK(`) or a DDE
# call (`-2+3+cmd|' /C calc'!A0`). A phone number (+86 …) or a note starting "- met at …" is
# text: it runs nothing in a spreadsheet that reads it as text, and `neutralise` exports it so.
# (`[^|]*\|` rather than `.*\|`: the same cells, in linear time on a long cell full of `|`.)
_FORMULA = re.compile(r"=|[+\-@]\s*(?:[A-Za-z_][\w.]*\s*\(|[^|]*\|.*!)", re.DOTALL)


def is_formula(cell: str) -> bool:
    """Whether a cell's text (already stripped) would run as a spreadsheet formula."""
    return bool(_FORMULA.match(cell))


def unquote(cell: str) -> str:
    """The text of a cell kept as text with a leading `'` (`'=x` is `=x`, `''=x` is `'=x`);
    any other cell unchanged."""
    return cell[1:] if cell.startswith(QUOTE) and _quoted_start(cell) else cell


def neutralise(value: object) -> object:
    """A value for an exported cell: text that a spreadsheet would read as a formula gets a
    leading `'`; numbers, booleans and other text are unchanged."""
    if isinstance(value, str) and _quoted_start(value):
        return QUOTE + value  # `'=x` too: its import drops one `'`, giving `'=x` back
    return value


def _quoted_start(text: str) -> bool:
    """Whether `text`, after any leading `'`, starts with a formula character."""
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)
