"""Parsers for the cells of import files, and the problems they report.

A parser takes the cell text and returns the value to store, or raises `Invalid` with what
was expected; the importer turns that into `file:row:column: what is wrong (got X, expected Y)`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphcrm import formulas
from graphcrm.errors import InvalidValue
from graphcrm.schema import STAGES

Parser = Callable[[str], Any]

# Excel holds at most 32,767 characters in a cell: a longer cell cannot have come from a
# spreadsheet, could not be exported back to one, and is no note anyone wrote (it is a pasted
# image, a log, or a quote left open that swallowed the rest of the file).
MAX_CELL = 32_767
# What a GBK file opened as UTF-8 and saved again holds where its Chinese was: U+FFFD, the
# replacement character, and "锟斤拷" (two U+FFFD saved as UTF-8 and read back as GBK).
DAMAGED_TEXT = ("\ufffd", "锟斤拷")


class Invalid(InvalidValue):
    """A cell that does not hold what its column expects."""

    def __init__(self, problem: str, expected: str, got: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected
        self.got = got  # the offending part of the cell, when not the whole cell


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, at a file, row and column."""

    source: str
    row: int
    column: str
    message: str
    got: str
    expected: str

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.source, self.row or "", self.column) if part)
        return f"{where}: {self.message} (got {self.got!r}, expected {self.expected})"


def cell(value: str) -> str:
    """The text of a non-empty cell as it is stored, checked for what no column accepts: a
    cell too long (the message gives its length, not the cell), text damaged by a wrong
    encoding, and a spreadsheet formula (`graphcrm.formulas`: `'` before a formula keeps it
    as text, and is dropped)."""
    if len(value) > MAX_CELL:
        raise Invalid(
            "the cell is too long", f"at most {MAX_CELL:,} characters", got=f"{len(value):,} characters"
        )
    if control := _CONTROL.search(value):
        raise Invalid(
            f"a control character {control.group()!r} at character {control.start() + 1} of the text",
            "text without control characters (tabs and line breaks are fine)",
        )
    if DAMAGED_TEXT[0] in value or DAMAGED_TEXT[1] in value:
        raise Invalid(
            "text damaged by a wrong encoding",
            "the original text: export the original file again, as UTF-8 or as GBK, and import that",
        )
    if value[0] not in _SPECIAL_STARTS:  # most cells: nothing more to look at
        return value
    if formulas.is_formula(value):
        raise Invalid(
            "a spreadsheet formula",
            "a value, not a formula: paste its value, or write ' before it to keep it as text",
        )
    return formulas.unquote(value)


_SPECIAL_STARTS = frozenset((*formulas.FORMULA_STARTS, formulas.QUOTE))
# NUL (no engine stores it), escape codes that would drive the terminal a name is printed on,
# and the other C0/C1 controls: no text anyone typed holds them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def one_of(values: Iterable[str], what: str) -> Parser:
    """A value from a fixed list, matched case-insensitively, stored in its listed spelling."""
    allowed = {v.lower(): v for v in values}
    listing = "one of " + ", ".join(allowed.values())

    def parse(text: str) -> str:
        try:
            return allowed[text.lower()]
        except KeyError:
            raise Invalid(f"unknown {what}", listing, got=text) from None

    return parse


def list_of(values: Iterable[str], what: str) -> Parser:
    """A `;`-separated list of values from a fixed list (duplicates dropped, order kept)."""
    item = one_of(values, what)

    def parse(text: str) -> list[str]:
        items = [item(part.strip()) for part in text.split(";") if part.strip()]
        return list(dict.fromkeys(items))

    return parse


def number(low: float | None = None, high: float | None = None) -> Parser:
    """A decimal number, optionally within [low, high]."""
    if low is not None and high is not None:
        expected = f"a number from {low:g} to {high:g}"
    elif low is not None:
        expected = f"a number of at least {low:g}"
    else:
        expected = "a number"

    def parse(text: str) -> float:
        try:
            value = float(text.replace(",", "").replace("_", ""))
        except ValueError:
            raise Invalid("not a number", expected) from None
        if math.isnan(value) or math.isinf(value):
            raise Invalid("not a number", expected)
        if (low is not None and value < low) or (high is not None and value > high):
            raise Invalid("number out of range", expected)
        return value

    return parse


def integer(low: int = 1) -> Parser:
    """A whole number of at least `low`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise Invalid("not a whole number", f"a whole number of at least {low}") from None
        if value < low:
            raise Invalid("number out of range", f"a whole number of at least {low}")
        return value

    return parse


def date(text: str) -> str:
    """An ISO date `YYYY-MM-DD` (a workbook's midnight timestamp is accepted), stored as text."""
    candidate = text[:10] if len(text) > 10 and text[10:] in (" 00:00:00", "T00:00:00") else text
    if candidate.isdigit() and len(candidate) == 5:  # 29254: Excel counts days from 1900 (1927-2173)
        return _day_number(text)
    try:
        return dt.date.fromisoformat(candidate).isoformat() if len(candidate) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date() -> str:
    raise Invalid("not a date", "a date as YYYY-MM-DD")


def _day_number(text: str) -> str:
    raise Invalid(
        "a spreadsheet's day number, not a date",
        "a date as YYYY-MM-DD: format the column as a date before saving",
    )


def boolean(text: str) -> bool:
    """true/false (also yes/no, 1/0, y/n)."""
    lowered = text.lower()
    if lowered in ("true", "yes", "y", "1"):
        return True
    if lowered in ("false", "no", "n", "0"):
        return False
    raise Invalid("not true or false", "true or false")


def text(value: str) -> str:
    """Free text, kept as written."""
    return value


def identifier(value: str) -> str:
    """An id: any text without leading/trailing spaces or control characters, but `.` and
    `..`, which a browser would read as a step in the address of the record's page."""
    if any(ord(c) < 32 for c in value):
        raise Invalid("an id with control characters", "an id of printable characters")
    if value in (".", ".."):
        raise Invalid("an id that is only dots", "an id with a letter or digit in it")
    return value


def semicolon_list(value: str) -> list[str]:
    """A `;`-separated list of free-text items."""
    return [part.strip() for part in value.split(";") if part.strip()]


def stage_influence(value: str) -> dict[str, float]:
    """`stage=percent;...` with the nine buying stages of seed 002, each 0..100."""
    stage = one_of(STAGES, "stage")
    percent = number(0, 100)
    result: dict[str, float] = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        name, sep, amount = part.partition("=")
        if not sep:
            raise Invalid("not a stage=percent pair", "stage=percent;stage=percent;...", got=part.strip())
        key = stage(name.strip())
        if key in result:
            raise Invalid("a stage given twice", "each stage once", got=key)
        result[key] = percent(amount.strip().rstrip("%"))
    return result
