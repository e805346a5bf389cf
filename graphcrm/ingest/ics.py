"""Who met whom, from an iCalendar file (RFC 5545): the events' people, status and dates only.

A small reader of our own rather than the `icalendar` package: it needs the line number of
every problem (`file:line: …`, as every import reports), it looks at no property but those in
`WANTED`, so that an event's SUMMARY, DESCRIPTION, LOCATION and attachments are passed over
without being parsed, and it adds no dependency. What it does is RFC 5545's own rules:

- lines are unfolded first (§3.1: a line starting with a space or a tab continues the one
  before, that one character dropped), then each is `NAME *(";" param) ":" value`, a parameter
  value quoted when it holds `:`, `;` or `,`;
- components nest (`BEGIN:VEVENT` … `END:VEVENT`, an alarm inside an event): only properties
  of a VEVENT itself are read, never those of an alarm in it (an e-mail alarm has ATTENDEEs of
  its own, who are not at the meeting);
- ORGANIZER and ATTENDEE are calendar addresses (`mailto:…`, else the EMAIL parameter), an
  attendee with PARTSTAT (ACCEPTED, DECLINED, TENTATIVE, DELEGATED, NEEDS-ACTION, the default)
  and CUTYPE (a ROOM or RESOURCE is no person); STATUS CANCELLED cancels an event;
- a recurring event (RRULE, less EXDATE) meets once per occurrence up to today
  (python-dateutil's rrule expands it; a rule more frequent than daily is no meeting's); an
  occurrence changed on its own is an event with the series' UID and a RECURRENCE-ID, and
  replaces the occurrence of that day; of one event found twice (two exports), the one of the
  highest SEQUENCE counts.

Dates are the local date as written (a DTSTART with TZID or in UTC is taken at its own date):
a day is all a tie records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from dateutil.rrule import rrulestr

from graphcrm.ingest.fields import Problem

WANTED = frozenset(
    (
        "UID",
        "DTSTART",
        "STATUS",
        "ORGANIZER",
        "ATTENDEE",
        "RRULE",
        "EXDATE",
        "RECURRENCE-ID",
        "SEQUENCE",
    )
)
MAX_OCCURRENCES = 5000  # of one series: ten years of a daily meeting
NOT_PEOPLE = frozenset(("ROOM", "RESOURCE"))
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM_VALUE = re.compile(r'"[^"]*"|[^";:,]*')
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?")


@dataclass(frozen=True)
class Attendee:
    address: str | None  # lower case; None when the calendar gives no e-mail address
    partstat: str  # upper case, NEEDS-ACTION when not given
    person: bool  # False for a room or a resource


@dataclass
class Event:
    """One VEVENT as read: `line` is where it begins."""

    line: int
    uid: str | None = None
    start: dt.datetime | None = None
    status: str = ""
    organizer: str | None = None
    attendees: list[Attendee] = field(default_factory=list)
    rrule: tuple[int, str] | None = None  # (line, rule)
    exdates: list[dt.datetime] = field(default_factory=list)
    recurrence: dt.datetime | None = None  # RECURRENCE-ID: the occurrence it replaces
    sequence: int = 0


@dataclass(frozen=True)
class Meeting:
    """One occurrence of an event: what the import counts."""

    key: tuple[object, ...]  # one meeting counted once, in whichever file or files it is
    date: dt.date
    cancelled: bool
    organizer: str | None
    attendees: tuple[Attendee, ...]


def is_calendar(head: bytes) -> bool:
    """Whether a file starting with `head` is an iCalendar file (its first line BEGIN:VCALENDAR)."""
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n").split(b"\n", 1)[0]
    return first.rstrip(b"\r").strip().upper() == b"BEGIN:VCALENDAR"


def read_ics(path: Path, source: str) -> tuple[list[Event], list[Problem]]:
    """The events of the iCalendar file at `path` (named `source` in problems), and its problems:
    a line that is neither a property nor a folded continuation, a component never ended or
    ended out of turn, a date or a rule that does not read. Never a word of any other property."""
    text = path.read_bytes().removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    events: list[Event] = []
    problems: list[Problem] = []
    stack: list[tuple[str, int]] = []
    event: Event | None = None
    for number, line in unfolded(text):
        name_match = _NAME.match(line)
        if name_match is None or line[name_match.end() : name_match.end() + 1] not in (":", ";"):
            problems.append(
                Problem(
                    source,
                    number,
                    "",
                    "a line that is neither a property nor the continuation of one",
                    f"{len(line)} characters with no property name before them",
                    "NAME:value, or a folded line starting with a space: was the file re-wrapped by "
                    "an editor? export it again from the calendar",
                )
            )
            continue
        name = name_match.group().upper()
        if name not in WANTED and name not in ("BEGIN", "END"):
            continue  # SUMMARY, DESCRIPTION, LOCATION, ATTACH...: not read
        parsed = _property(line, name_match.end())
        if parsed is None:
            problems.append(
                Problem(
                    source,
                    number,
                    name,
                    "no ':' after the property's name and parameters",
                    "a line that ends before its value, or a quote in it never closed",
                    "NAME;PARAM=value:value, folded with a space at the start of the next line: was the "
                    "file re-wrapped by an editor? export it again from the calendar",
                )
            )
            continue
        params, value = parsed
        if name == "BEGIN":
            stack.append((value.strip().upper(), number))
            if stack[-1][0] == "VEVENT":
                event = Event(number)
        elif name == "END":
            ended = value.strip().upper()
            if not stack or stack[-1][0] != ended:
                opened = f"BEGIN:{stack[-1][0]} of line {stack[-1][1]}" if stack else "no component"
                problems.append(
                    Problem(
                        source,
                        number,
                        "",
                        f"END:{ended} out of turn",
                        f"END:{ended} while {opened} is open",
                        f"END:{stack[-1][0]}" if stack else "BEGIN:VCALENDAR first",
                    )
                )
                continue
            stack.pop()
            if ended == "VEVENT" and event is not None:
                events.append(event)
                event = None
        elif event is not None and stack and stack[-1][0] == "VEVENT":
            _read(event, name, params, value, (source, number), problems)
    if stack:  # the file stops inside a component: the innermost is the one cut
        component, begun = stack[-1]
        problems.append(
            Problem(
                source,
                begun,
                "",
                f"BEGIN:{component} is never ended",
                "the end of the file",
                f"END:{component}: was the file cut short? export it again",
            )
        )
    return events, problems


def unfolded(text: str) -> Iterable[tuple[int, str]]:
    """The logical lines of iCalendar text with the number of the line each starts on; blank
    lines (which some exports end with) are passed over."""
    current: tuple[int, list[str]] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if line[:1] in (" ", "\t") and current is not None:
            current[1].append(line[1:])
            continue
        if current is not None:
            yield current[0], "".join(current[1])
        current = (number, [line]) if line.strip() else None
    if current is not None:
        yield current[0], "".join(current[1])


def _property(line: str, at: int) -> tuple[dict[str, str], str] | None:
    """The parameters (upper-case names, first value, quotes off) and value of a content line
    whose name ends at `at`; None when they do not read."""
    params: dict[str, str] = {}
    while line[at : at + 1] == ";":
        name = _NAME.match(line, at + 1)
        if name is None or line[name.end() : name.end() + 1] != "=":
            return None
        at = name.end() + 1
        values = []
        while True:
            value = _PARAM_VALUE.match(line, at)
            assert value is not None  # the pattern matches the empty string
            values.append(value.group().strip('"'))
            at = value.end()
            if line[at : at + 1] != ",":
                break
            at += 1
        params.setdefault(name.group().upper(), values[0])
    if line[at : at + 1] != ":":
        return None
    return params, line[at + 1 :]


def _read(
    event: Event,
    name: str,
    params: dict[str, str],
    value: str,
    where: tuple[str, int],
    problems: list[Problem],
) -> None:
    """Put one wanted property into `event`."""
    source, number = where
    if name == "UID":
        event.uid = value.strip()
    elif name == "STATUS":
        event.status = value.strip().upper()
    elif name == "SEQUENCE":
        event.sequence = int(value) if value.strip().isdigit() else 0
    elif name == "ORGANIZER":
        event.organizer = calendar_address(value, params)
    elif name == "ATTENDEE":
        event.attendees.append(
            Attendee(
                calendar_address(value, params),
                params.get("PARTSTAT", "NEEDS-ACTION").upper(),
                params.get("CUTYPE", "INDIVIDUAL").upper() not in NOT_PEOPLE,
            )
        )
    elif name == "RRULE":
        event.rrule = (number, value.strip())
    elif name in ("DTSTART", "RECURRENCE-ID", "EXDATE"):
        moments = []
        for part in value.split(","):
            moment = parse_moment(part)
            if moment is None:
                problems.append(
                    Problem(
                        source,
                        number,
                        name,
                        "not a date",
                        part.strip()[:80],
                        "a date-time as 20261015T090000 (or 20261015T010000Z), or a date as 20261015",
                    )
                )
                return
            moments.append(moment)
        if name == "DTSTART":
            event.start = moments[0]
        elif name == "RECURRENCE-ID":
            event.recurrence = moments[0]
        else:
            event.exdates += moments


def calendar_address(value: str, params: dict[str, str]) -> str | None:
    """The e-mail address of a calendar user: `mailto:` (any case), else the EMAIL parameter."""
    value = value.strip()
    if value.lower().startswith("mailto:"):
        address = unquote(value[7:]).strip().lower()
    else:
        address = params.get("EMAIL", "").strip().lower()
    return address if "@" in address else None


def parse_moment(text: str) -> dt.datetime | None:
    """A DATE or DATE-TIME value as a naive date-time (a date at midnight), None if it is none."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def meetings(events: Iterable[tuple[str, Event]], today: dt.date) -> tuple[list[Meeting], int, list[Problem]]:
    """Every occurrence, up to `today`, of the events read from any number of files (each with
    the name of its file), each counted once (see the module's rule); how many occurrences
    would come after today; and the problems of rules that do not read."""
    chosen: dict[tuple[object, ...], tuple[str, Event]] = {}
    for source, event in events:
        if event.start is None:
            continue  # an event with no start is no meeting one can date
        key = _event_key(event)
        if key not in chosen or event.sequence > chosen[key][1].sequence:
            chosen[key] = (source, event)
    replaced = {key for key in chosen if key[0] == "occurrence"}
    found: list[Meeting] = []
    future = 0
    problems: list[Problem] = []
    for key, (source, event) in chosen.items():
        assert event.start is not None
        if event.rrule is None or key[0] == "occurrence":
            starts = [(key, event.start)]
        else:
            try:
                starts, goes_on = _occurrences(event, replaced, today)
                future += goes_on  # the series' next meeting, not yet held
            except (ValueError, TypeError, OverflowError) as exc:
                problems.append(
                    Problem(
                        source,
                        event.rrule[0],
                        "RRULE",
                        "a recurrence rule that does not read",
                        event.rrule[1][:120],
                        f"a rule as FREQ=WEEKLY;COUNT=10 or FREQ=WEEKLY;UNTIL=20261231T000000Z ({exc})",
                    )
                )
                continue
        for occurrence_key, start in starts:
            if start.date() > today:
                future += 1
                continue
            found.append(
                Meeting(
                    occurrence_key,
                    start.date(),
                    event.status == "CANCELLED",
                    event.organizer,
                    tuple(event.attendees),
                )
            )
    return found, future, problems


def _event_key(event: Event) -> tuple[object, ...]:
    """One event (or one changed occurrence of a series) whichever file it is read from."""
    if event.recurrence is not None:
        return ("occurrence", event.uid, event.recurrence.date())
    if event.uid:
        return ("event", event.uid)
    who = tuple(sorted(a.address or "" for a in event.attendees))
    return ("no uid", event.start, event.organizer, who)


def _occurrences(
    event: Event, replaced: set[tuple[object, ...]], today: dt.date
) -> tuple[list[tuple[tuple[object, ...], dt.datetime]], bool]:
    """The occurrences of a series up to `today` (at most `MAX_OCCURRENCES`), less its EXDATEs
    and the occurrences an event of their own replaces; and whether it goes on after today."""
    excluded = {moment.date() for moment in event.exdates}
    found: list[tuple[tuple[object, ...], dt.datetime]] = []
    for count, start in enumerate(_rule(event)):
        if start.date() > today:
            return found, True
        if count >= MAX_OCCURRENCES:
            break
        key = ("occurrence", event.uid, start.date())
        if start.date() not in excluded and key not in replaced:
            found.append((key, start))
    return found, False


def _rule(event: Event) -> Any:
    """The event's RRULE as dateutil's rrule, its UNTIL read in the same (naive) time as DTSTART
    (`Z` dropped); ValueError for a rule that does not read or repeats more often than daily."""
    assert event.start is not None and event.rrule is not None
    text = re.sub(r"(UNTIL=\d{8}(?:T\d{6})?)Z", r"\1", event.rrule[1].strip(), flags=re.IGNORECASE)
    frequency = re.search(r"(?:^|;)FREQ=([A-Z]+)", text.upper())
    if frequency and frequency.group(1) in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise ValueError(f"FREQ={frequency.group(1)}: more often than daily is no meeting")
    return rrulestr(text, dtstart=event.start)
