"""The headers of the messages of an mbox file, and nothing else (RFC 4155, mboxo and mboxrd).

An mbox file is messages one after the other, each starting with a "From " line: `From `, the
envelope sender, and a date as `asctime` writes it (`From - Mon Nov  2 09:15:03 2026`;
Google Takeout adds a zone: `From 1781… Mon Nov 02 09:15:03 +0000 2026`). A body may hold a
line starting with "From " too: mboxrd writes it `>From `, mboxo (Thunderbird, Apple Mail,
many exports) leaves it as it is. A line starts a message here only when it is the file's first
line or follows a blank line, *and* it ends with a plausible mbox date; Python's
`mailbox.mbox` splits at every line starting with "From ", so a body's "From my side: …" after
a blank line would begin a message of its own, with whatever lines follow it as headers.

Of each message only the header block is read (up to the first blank line), and of it only
the fields `WANTED` names; the rest of the file (bodies, attachments) is skipped line by line,
never decoded, never kept. The Subject is not among the fields: it is never read into a value.
Addresses are kept in memory for the import and dropped with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

# The header fields read: who wrote to whom, when, the message's id, and what marks bulk mail.
WANTED = frozenset(
    (
        "from",
        "to",
        "cc",
        "bcc",
        "date",
        "message-id",
        "list-id",
        "list-unsubscribe",
        "precedence",
        "auto-submitted",
    )
)
LINE_CHUNK = 1 << 16  # a line is read in pieces of at most 64 KiB: a 50 MB line costs no more
HEADER_LIMIT = 1 << 20  # a header block beyond 1 MiB is cut there (no mailer writes one)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# RFC 4155: "From " sender date, the date as weekday month day time [timezone] year; the zone
# may be numeric (+0000) or words (CET DST).
ENVELOPE = re.compile(
    rb"From \S*\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(" + b"|".join(m.encode() for m in _MONTHS) + rb")\s+"
    rb"(\d{1,2})\s+\d{1,2}:\d{1,2}(?::\d{1,2})?(?:\s+[A-Za-z+-][A-Za-z0-9+-]*)*\s+(\d{4}|\d{2})\s*"
)
# What marks a message sent to many at once (RFC 2369, RFC 2919, RFC 3834 and the Precedence
# header every list server sets).
BULK_PRECEDENCE = frozenset(("bulk", "list", "junk"))


@dataclass(frozen=True)
class Message:
    """One message's headers as the import uses them: addresses in lower case."""

    key: str | tuple[object, ...]  # its Message-ID, else its headers: one message counted once
    date: dt.date | None  # its Date, else its "From " line's date
    authors: tuple[str, ...]  # From
    recipients: tuple[str, ...]  # To and Cc: the people it was visibly addressed to
    hidden: tuple[str, ...]  # Bcc (only a sender's own copy shows it)
    bulk: bool  # a list, a newsletter or an automatic message: counted for nothing


def is_envelope(line: bytes) -> bool:
    """Whether `line` is an mbox "From " line: "From ", a sender, a plausible date."""
    return ENVELOPE.fullmatch(line.rstrip(b"\r\n")) is not None


def read_mbox(path: Path) -> Iterator[Message]:
    """The messages of the mbox file at `path`, their headers only (see the module's rule).
    The caller has checked that its first line is a "From " line (`is_envelope`)."""
    with path.open("rb") as handle:
        header: list[bytes] = []
        envelope: dt.date | None = None
        in_header = False
        size = 0
        start = True  # at the start of a line
        after_blank = True  # the line before was blank (or there was none)
        while chunk := handle.readline(LINE_CHUNK):
            line_start, start = start, chunk.endswith(b"\n")
            if line_start and after_blank and chunk.startswith(b"From ") and is_envelope(chunk):
                if in_header or header or envelope is not None:
                    yield _message(header, envelope)
                header, envelope, in_header, size = [], _envelope_date(chunk), True, 0
                after_blank = False
                continue
            blank = line_start and chunk in (b"\n", b"\r\n")
            after_blank = blank
            if in_header:
                if blank:
                    in_header = False
                elif size < HEADER_LIMIT:
                    header.append(chunk if line_start or not header else header.pop() + chunk)
                    size += len(chunk)
        if in_header or header or envelope is not None:
            yield _message(header, envelope)


def _message(lines: list[bytes], envelope: dt.date | None) -> Message:
    fields = header_fields(lines)
    authors = _addresses(fields.get("from", []))
    recipients = _addresses(fields.get("to", []) + fields.get("cc", []))
    hidden = _addresses(fields.get("bcc", []))
    date = _date(fields.get("date", [""])[0]) or envelope
    message_id = fields.get("message-id", [""])[0].strip()
    key: str | tuple[object, ...] = (
        message_id
        if message_id
        else ("no id", fields.get("date", [""])[0].strip(), authors, tuple(sorted(recipients)))
    )
    auto = fields.get("auto-submitted", ["no"])[0].strip().lower()
    bulk = (
        "list-id" in fields
        or "list-unsubscribe" in fields
        or fields.get("precedence", [""])[0].strip().lower() in BULK_PRECEDENCE
        or (auto.split(";")[0].strip() or "no") != "no"
    )
    return Message(key, date, authors, recipients, hidden, bulk)


def header_fields(lines: list[bytes]) -> dict[str, list[str]]:
    """The `WANTED` fields of a header block, unfolded (RFC 5322 §2.2.3), by lower-case name.
    A field not wanted is passed over without being decoded."""
    found: list[tuple[str, list[bytes]]] = []
    current: list[bytes] | None = None
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if current is not None:
                current.append(line)
            continue
        name, colon, value = line.partition(b":")
        field = name.strip().lower().decode("ascii", "replace") if colon else ""
        current = [value] if field in WANTED else None
        if current is not None:
            found.append((field, current))
    fields: dict[str, list[str]] = {}
    for field, parts in found:
        text = b"".join(parts).decode("utf-8", "replace").replace("\r", "").replace("\n", "")
        fields.setdefault(field, []).append(text)
    return fields


def _addresses(values: list[str]) -> tuple[str, ...]:
    """The addresses of address fields, lower case, names (and encoded-words in them) ignored.
    A field that does not parse as addresses gives none (Python's strict parsing: a malformed
    list is not guessed at)."""
    found: list[str] = []
    for _, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address and address not in found:
            found.append(address)
    return tuple(found)


def _date(value: str) -> dt.date | None:
    """The date of a Date field (RFC 5322), in the sender's own zone; None if it is no date."""
    if not value.strip():
        return None
    try:
        return parsedate_to_datetime(value.strip()).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _envelope_date(line: bytes) -> dt.date | None:
    """The date of a "From " line (two-digit years: 70-99 are 19xx, the rest 20xx)."""
    match = ENVELOPE.fullmatch(line.rstrip(b"\r\n"))
    if match is None:
        return None
    month, day, year = match.group(1).decode(), int(match.group(2)), int(match.group(3))
    if year < 100:
        year += 1900 if year >= 70 else 2000
    try:
        return dt.date(year, _MONTHS.index(month) + 1, day)
    except ValueError:
        return None
