"""Read vCard files (.vcf: versions 2.1, 3.0 and 4.0) into cards of content lines, each with the
line of the file it starts on, for `graphcrm.ingest.address_book`.

The grammar is RFC 6350 §3.3 (and RFC 2426 for 3.0): `[group.]NAME *(;PARAM[=VALUE,...]) :
VALUE`, one logical line each, folded onto several physical lines by a line break followed by
a space or a tab, which unfolding removes. What this module does beyond splitting:

- **Encoded values** (3.0's and 2.1's `ENCODING=QUOTED-PRINTABLE` or `ENCODING=b`/`BASE64`,
  with `CHARSET=...`, as Android and older Apple phones write Chinese names) are decoded by
  `Line.text`. A quoted-printable line ending in `=` goes on at the next line (a soft line
  break), as 2.1 writes it, with no space before the continuation.
- **Escapes** (`\\,` `\\;` `\\n` `\\\\`) are undone by `Line.text`; `Line.parts` splits a
  structured value (N, ORG) at its unescaped `;` first.
- 2.1's parameters without a name (`TEL;WORK;PREF:`, `;QUOTED-PRINTABLE`) are read as the
  TYPE or ENCODING they stand for.

Why not a library: `vobject`, the maintained one on PyPI (0.9.9), numbers lines wrongly (the
second line of a file is its line 3: py-vobject/vobject#142, fixed after that release), reads
4.0 as 3.0, and raises errors of its own; every problem here names the file, the line and the
property, which two hundred lines of our own give exactly, with no new dependency. Only the
properties an importer asks for are decoded: a PHOTO of a few megabytes is split off as a line
and never looked at.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graphcrm.errors import UserError
from graphcrm.ingest.fields import Invalid
from graphcrm.ingest.tabular import clip

# A line ends at CRLF (the standard), LF or CR: never at U+2028 and the like, which are text.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NAME = re.compile(r"(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)")
_PARAM_NAME = re.compile(r"[A-Za-z0-9-]+")
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
# 2.1's parameter values written without a name, and the parameter they belong to.
_BARE = {"QUOTED-PRINTABLE": "ENCODING", "BASE64": "ENCODING", "8BIT": "ENCODING", "7BIT": "ENCODING"}


class VCardError(UserError):
    """A line that is not a vCard content line; `line` is where it starts."""

    def __init__(self, line: int, problem: str, got: str, expected: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.got = got
        self.expected = expected


@dataclass
class Line:
    """One content line, unfolded: its group (Apple's `item1.`), name and parameters in capitals,
    and its value as written (still encoded and escaped)."""

    number: int
    group: str
    name: str
    params: dict[str, list[str]]
    raw: str

    def param(self, name: str) -> list[str]:
        """The values of a parameter (TYPE's several, comma-separated or repeated, in one list)."""
        return self.params.get(name, [])

    def types(self) -> list[str]:
        """The TYPE values in lower case (`work`, `pref`, `spouse`...), `TYPE="cell,voice"` as two."""
        return [t.strip().lower() for v in self.param("TYPE") for t in v.split(",") if t.strip()]

    def decoded(self) -> str:
        """The value with its transfer encoding undone (quoted-printable or base64, in CHARSET,
        UTF-8 when none is given), escapes left in; `Invalid` when it cannot be."""
        encoding = (self.param("ENCODING") or [""])[0].upper()
        if encoding not in ("QUOTED-PRINTABLE", "B", "BASE64"):
            return self.raw
        charset = (self.param("CHARSET") or ["utf-8"])[0]
        try:
            codecs.lookup(charset)
        except LookupError:
            raise Invalid(
                "unknown character set", "a CHARSET such as UTF-8, GBK or ISO-8859-1", got=charset
            ) from None
        try:
            if encoding == "QUOTED-PRINTABLE":
                data = quopri.decodestring(self.raw.encode("utf-8"))
            else:
                data = base64.b64decode(re.sub(r"\s+", "", self.raw), validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("not base64", "the value as base64 (ENCODING=b)", got=clip(self.raw)) from None
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            raise Invalid(
                f"not text in {charset}",
                f"text encoded in the CHARSET the line names ({charset})",
                got=clip(self.raw),
            ) from None

    def text(self) -> str:
        """A text value: decoded, escapes undone, spaces at its ends removed."""
        return unescape(self.decoded()).strip()

    def parts(self) -> list[str]:
        """A structured value (N, ORG): decoded, split at each unescaped `;`, each part unescaped
        and stripped."""
        return [unescape(part).strip() for part in split_structured(self.decoded())]


@dataclass
class Card:
    """The content lines between BEGIN:VCARD and END:VCARD, and the line BEGIN is on."""

    begin: int
    lines: list[Line] = field(default_factory=list)

    def all(self, name: str) -> list[Line]:
        """Every line of property `name` (in capitals), in the order written."""
        return [line for line in self.lines if line.name == name]

    def first(self, name: str) -> Line | None:
        found = self.all(name)
        return found[0] if found else None

    def group(self, group: str, name: str) -> Line | None:
        """The line of property `name` in Apple's group `group` (`item1.X-ABLabel`)."""
        return next((ln for ln in self.lines if ln.group == group and ln.name == name), None)


def read_cards(text: str) -> tuple[list[Card], list[VCardError]]:
    """The cards of a vCard file's text, and what is wrong with its lines."""
    cards: list[Card] = []
    errors: list[VCardError] = []
    card: Card | None = None
    for number, logical in logical_lines(text):
        try:
            line = parse_line(number, logical)
        except VCardError as exc:
            errors.append(exc)
            continue
        value = line.raw.strip().upper()
        if line.name == "BEGIN" and value == "VCARD":
            if card is not None:
                errors.append(_not_ended(card))
            card = Card(number)
        elif line.name == "END" and value == "VCARD":
            if card is None:
                errors.append(
                    VCardError(number, "END:VCARD without BEGIN:VCARD", "END:VCARD", "BEGIN:VCARD first")
                )
            else:
                cards.append(card)
                card = None
        elif card is None:
            errors.append(
                VCardError(
                    number, "a line outside any card", clip(logical), "BEGIN:VCARD before each card's lines"
                )
            )
        else:
            card.lines.append(line)
    if card is not None:
        errors.append(_not_ended(card))
    return cards, errors


def _not_ended(card: Card) -> VCardError:
    return VCardError(
        card.begin,
        "a card that never ends",
        "BEGIN:VCARD",
        "END:VCARD after the card's lines: was the file cut short, or two files pasted?",
    )


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each unfolded line with the number of the physical line it starts on; blank lines are
    skipped. A quoted-printable value ending in `=` continues on the next line."""
    logical: str | None = None
    start = 0
    for number, physical in enumerate(_LINE_BREAK.split(text.removeprefix("\ufeff")), start=1):
        if logical is not None and physical[:1] in (" ", "\t"):
            logical += physical[1:]
            continue
        if logical is not None and logical.endswith("=") and _quoted_printable(logical):
            logical = logical[:-1] + physical
            continue
        if logical is not None:
            yield start, logical
        logical, start = (physical, number) if physical.strip() else (None, number)
    if logical is not None:
        yield start, logical


def _quoted_printable(logical: str) -> bool:
    head = logical.split(":", 1)[0].upper()
    return "QUOTED-PRINTABLE" in head


def parse_line(number: int, logical: str) -> Line:
    """`[group.]NAME;PARAM=VALUE,...:VALUE` as a `Line`; `VCardError` when it is not one."""
    match = _NAME.match(logical)
    if match is None:
        raise _not_a_line(number, logical)
    group, name = match.group(1) or "", match.group(2).upper()
    params: dict[str, list[str]] = {}
    at = match.end()
    while at < len(logical) and logical[at] == ";":
        param = _PARAM_NAME.match(logical, at + 1)
        if param is None:
            raise _not_a_line(number, logical)
        key = param.group().upper()
        at = param.end()
        if at < len(logical) and logical[at] == "=":
            values, at = _param_values(logical, at + 1, number)
        else:  # 2.1: a value without its name
            key, values = _BARE.get(key, "TYPE"), [key]
        params.setdefault(key, []).extend(values)
    if at >= len(logical) or logical[at] != ":":
        raise _not_a_line(number, logical)
    return Line(number, group, name, params, logical[at + 1 :])


def _param_values(logical: str, at: int, number: int) -> tuple[list[str], int]:
    """The comma-separated values of a parameter from `at` (each may be in double quotes)."""
    values: list[str] = []
    while True:
        if logical.startswith('"', at):
            end = logical.find('"', at + 1)
            if end < 0:
                raise VCardError(number, "a parameter's quote is never closed", clip(logical), 'a closing "')
            values.append(logical[at + 1 : end])
            at = end + 1
        else:
            end = at
            while end < len(logical) and logical[end] not in ",;:":
                end += 1
            values += logical[at:end].split(",")
            at = end
        if at < len(logical) and logical[at] == ",":
            at += 1
            continue
        return values, at


def _not_a_line(number: int, logical: str) -> VCardError:
    return VCardError(
        number,
        "not a vCard line",
        clip(logical),
        "NAME:value or NAME;PARAMETER=value:value (a line that goes on from the one before starts "
        "with a space)",
    )


def split_structured(value: str) -> list[str]:
    """A structured value's parts, split at each `;` that no backslash escapes (escapes kept)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            current.append(char + next(chars, ""))
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def unescape(value: str) -> str:
    """`\\n` and `\\N` as a line break, `\\,` `\\;` `\\\\` (and any other escaped character) as the
    character itself."""
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)
