"""Parsers for the cells of import files, and the problems they report.

A parser takes the cell text and returns the value to store, or raises `Invalid` with what
was expected; the importer turns that into `file:row:column: what is wrong (got X, expected Y)`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphcrm.schema import STAGES

Parser = Callable[[str], Any]


class Invalid(ValueError):
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
    try:
        return dt.date.fromisoformat(candidate).isoformat() if len(candidate) == 10 else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date() -> str:
    raise Invalid("not a date", "a date as YYYY-MM-DD")


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
    """An id: any text without leading/trailing spaces or control characters."""
    if any(ord(c) < 32 for c in value):
        raise Invalid("an id with control characters", "an id of printable characters")
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
