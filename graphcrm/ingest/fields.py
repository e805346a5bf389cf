"""Parsers for the cells of import files, the problems they report, and the rules every
import format follows for text (`check_text`) and ids (`identifier`).

A parser takes the cell text and returns the value to store, or raises `Invalid` with what
was expected; the importer turns that into `file:row:column: what is wrong (got X, expected Y)`.
What a parser returns is a value the database can store (`storable`: the store's own rule), so
an input that passes the check cannot fail on one of its values once writing has begun.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphcrm.errors import InvalidValue
from graphcrm.ingest import formula_cells as formulas
from graphcrm.schema import STAGES
from graphcrm.store.base import BadParameter
from graphcrm.store.params import INT_LIMIT, plain_params

Parser = Callable[[str], Any]

# The largest whole number a database holds (the store's own rule, `graphcrm.store.params`).
INT_MAX = INT_LIMIT - 1
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
        where = ":".join(_printable(str(part)) for part in (self.source, self.row or "", self.column) if part)
        return f"{where}: {self.message} (got {self.got!r}, expected {self.expected})"


def _printable(text: str) -> str:
    """A file, sheet or column name as a message shows it: a character that would not print (a
    terminal's escape code in a column's name) written as its escape, as `got` is."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def check_text(value: str) -> str:
    """Text as every import format must hold it, CSV, XLSX, LinkedIn and JSON lines alike: at
    most `MAX_CELL` characters (the message gives its length, not the text), no control
    character but tabs and line breaks, no half of a character (a lone surrogate, which only
    JSON can spell, as `\\ud800`, and no database can store), and no text damaged by a wrong
    encoding. Returns the text unchanged, or raises `Invalid`."""
    if len(value) > MAX_CELL:
        raise Invalid(
            "the cell is too long", f"at most {MAX_CELL:,} characters", got=f"{len(value):,} characters"
        )
    if control := _CONTROL.search(value):
        if _SURROGATE.match(control.group()):
            raise Invalid(
                f"half of a character ({control.group()!r}) at character {control.start() + 1} of the text",
                "whole characters (one beyond U+FFFF is two \\u escapes in a row, e.g. \\ud83d\\ude00)",
            )
        raise Invalid(
            f"a control character {control.group()!r} at character {control.start() + 1} of the text",
            "text without control characters (tabs and line breaks are fine)",
        )
    if DAMAGED_TEXT[0] in value or DAMAGED_TEXT[1] in value:
        raise Invalid(
            "text damaged by a wrong encoding",
            "the original text: export the original file again, as UTF-8 or as GBK, and import that",
        )
    return value


def cell(value: str) -> str:
    """The text of a non-empty spreadsheet cell as it is stored: `check_text`, then a
    spreadsheet formula is refused (`graphcrm.ingest.formula_cells`: `'` before a formula keeps it as
    text, and is dropped)."""
    check_text(value)
    if value[0] not in _SPECIAL_STARTS:  # most cells: nothing more to look at
        return value
    if formulas.is_formula(value):
        raise Invalid(
            "a spreadsheet formula",
            "a value, not a formula: paste its value, or write ' before it to keep it as text",
        )
    return formulas.unquote(value)


def storable(value: Any) -> Any:
    """`value` if the database can store it exactly, else `Invalid`: the store's own rule for
    what a query parameter may hold (`graphcrm.store.params`: whole numbers within 64 bits,
    finite numbers, no NUL...), applied when the input is checked, so that no write can fail on
    a value half-way through an import. Text has passed `check_text`, which is stricter."""
    if type(value) is str:
        return value
    try:
        plain_params({"value": value})
    except BadParameter as exc:
        raise Invalid(
            "a value the database cannot hold", str(exc).removeprefix("parameter $value: ")
        ) from None
    return value


_SPECIAL_STARTS = frozenset((*formulas.FORMULA_STARTS, formulas.QUOTE))
# NUL (no engine stores it), escape codes that would drive the terminal a name is printed on,
# and the other C0/C1 controls: no text anyone typed holds them.
# A lone surrogate is half of a character: JSON can spell one (`"\\ud800"`), UTF-8 cannot.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """A decimal number, optionally within [low, high]; never NaN or an infinity (no database
    holds them: `storable`)."""
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
        if math.isnan(value):
            raise Invalid("not a number", expected)
        if math.isinf(value):
            raise Invalid("a number too big for the database", f"{expected}, below 1.8e308")
        if (low is not None and value < low) or (high is not None and value > high):
            raise Invalid("number out of range", expected)
        return value

    return parse


def integer(low: int = 1) -> Parser:
    """A whole number from `low` to `INT_MAX` (2^63-1, the largest a database holds)."""
    expected = f"a whole number of at least {low}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            if digits := _DIGITS.fullmatch(text.strip()):  # more digits than Python reads
                value = -INT_LIMIT - 1 if digits.group(1) == "-" else INT_LIMIT
            else:
                raise Invalid("not a whole number", expected) from None
        if value < low:
            raise Invalid("number out of range", expected)
        if value > INT_MAX:
            raise Invalid(
                "a number too big for the database",
                f"a whole number from {low} to {INT_MAX:,} (2^63-1, the largest a database holds)",
            )
        return value

    return parse


_DIGITS = re.compile(r"([+-]?)\d[\d_]*")


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
    """An id, one rule for every format (CSV, XLSX, LinkedIn, JSON lines): text as
    `check_text` takes it, without line breaks or tabs, without spaces at its ends, without
    invisible characters, and not `.` or `..` (a browser would read them as a step in the
    address of the record's page).

    Invisible characters (a byte order mark, zero-width spaces and joiners, right-to-left
    overrides and every other format character, Unicode's "default ignorable" code points, the
    line and paragraph separators) are refused, naming the character and where it is: they make
    an id that looks like another one and is not, and they come from pasting or from someone
    hiding what an id says, which the user should see rather than have silently changed.
    Letters written composed or decomposed (é as one character or as e and an accent: macOS
    and some input methods write the second) are the same text to Unicode and look the same
    to anyone: they are stored composed (NFC), so both spellings are one id.
    """
    if not value.isascii():
        if hidden := _invisible(value):
            at, char = hidden
            raise Invalid(
                f"an invisible character U+{ord(char):04X} ({_char_name(char)}) at character {at} of the id",
                "an id of visible characters: retype the id (an invisible character makes a look-alike of "
                "another id)",
            )
        value = unicodedata.normalize("NFC", value)
    if _BELOW_SPACE.search(value):
        raise Invalid("an id with control characters", "an id of printable characters")
    if value != value.strip():
        raise Invalid("an id with a space at its start or end", "an id without spaces around it")
    if value in (".", ".."):
        raise Invalid("an id that is only dots", "an id with a letter or digit in it")
    return value


def plain_ids(texts: list[str]) -> bool:
    """Whether every one of `texts` is an id that `cell` and `identifier` (and `storable`) keep
    as it is, by a rule narrower than theirs: letters, digits and `_.:/#-` of ASCII, at most 200,
    the first a letter, digit or `_` (no formula, no space, not only dots). One match over the
    texts joined: a column of a chunk of 50,000 rows is checked in 3 ms, where parsing each
    distinct id took a second for the 2 million of scale M's ties. False for an empty list."""
    joined = "\n".join(texts)  # a line break inside a text would pass it as two ids: counted
    return bool(texts) and joined.count("\n") == len(texts) - 1 and _PLAIN_IDS.fullmatch(joined) is not None


_PLAIN_ID = r"[0-9A-Za-z_][0-9A-Za-z_.:/#-]{0,199}+"
_PLAIN_IDS = re.compile(rf"(?:{_PLAIN_ID}\n)*+{_PLAIN_ID}")  # possessive: a failure costs no backtracking
_BELOW_SPACE = re.compile("[\x00-\x1f]")  # the control characters an id may not hold
# Invisible in an id: every format character (category Cf: BOM, zero-width space, joiners, bidi
# marks, embeddings, overrides and isolates, soft hyphen, word joiner, tags...), the other
# default-ignorable code points, and the line and paragraph separators.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2028\u2029\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff]"
)


def _invisible(value: str) -> tuple[int, str] | None:
    """The position (from 1) and character of the first invisible character in `value`."""
    for at, char in enumerate(value, start=1):
        if unicodedata.category(char) == "Cf" or _IGNORABLE.match(char):
            return at, char
    return None


def _char_name(char: str) -> str:
    return unicodedata.name(char, "unnamed").lower()


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
