"""Plain-text tables for the terminal, aligned for Chinese and other wide characters."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any


def width(text: str) -> int:
    """Columns `text` takes on a terminal: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell(value: Any) -> str:
    """A value as table text: None empty, lists and maps as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def render(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as an aligned table with a header line; "(no rows)" when empty."""
    if not rows:
        return "(no rows)"
    names = list(columns or rows[0].keys())
    texts = [[cell(row.get(name)).replace("\n", " ") for name in names] for row in rows]
    widths = [max(width(name), *(width(t[i]) for t in texts)) for i, name in enumerate(names)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    return "\n".join([line(names), line(["-" * w for w in widths]), *(line(t) for t in texts)])
