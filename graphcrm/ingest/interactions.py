"""Who talks to whom and who met whom, from the headers of mail and calendars: KNOWS ties.

`graphcrm import-interactions FILE... --rep REP [--me ADDRESS...]` reads `.mbox` files
(`graphcrm.ingest.mbox`: headers only) and `.ics` calendar exports (`graphcrm.ingest.ics`:
organiser, attendees, PARTSTAT, STATUS, dates), which files are which told by their first line,
and scores relationships the way Affinity and its peers do, on the user's machine.

What is read: addresses (From, To, Cc, Bcc; Sender and Reply-To are not who wrote: a
secretary's or a list's address), dates, Message-IDs, and for events the organiser, the
attendees with their PARTSTAT, STATUS, DTSTART, UID, RRULE, EXDATE, RECURRENCE-ID and SEQUENCE.
Never subjects, bodies, summaries, descriptions, locations or attachments. Only people already
in the graph get ties, matched by the e-mail the graph holds (`matching.people_by_email`); the
rep is also every `--me` address. Every other address is dropped once the import ends: not
stored, not hashed, not counted but as a number, never printed.

The rule. An occasion is a message or one occurrence of a meeting, counted once however many
files hold it (a Message-ID; an event's UID, and the day of an occurrence).
- Counted for nothing: bulk mail (List-Id, List-Unsubscribe, Precedence bulk/list/junk,
  Auto-Submitted other than "no": newsletters, lists, out-of-office replies), cancelled events
  (STATUS:CANCELLED), occasions dated after today (a meeting not yet held), and broadcasts:
  occasions of more than `BROADCAST` (50) people (an all-hands of 200, a circular).
- Who took part in a meeting: its organiser (unless their own answer is DECLINED) and the
  attendees whose PARTSTAT is ACCEPTED. Declined, tentative and unanswered: nobody was there.
- An occasion of at most `GROUP` (10) people is personal: A *wrote to* B when A is a message's
  From and B one of its To, Cc or Bcc; A and B *met* when both took part in the meeting.
- A **tie** needs mail both ways (A wrote to B and B wrote to A, each at least once) or one
  meeting together. One-way mail alone makes none.
- Its **strength** = min(0.9, 1 − 2^(−e/10)), two decimals, where e = the messages between the
  two (either way) + 3 × their meetings: two messages 0.13, one meeting 0.19, ten exchanges 0.5,
  twenty 0.75. A meeting weighs three messages. Recency is not in it: warm paths already halve a
  tie's strength per half-life since its last contact (`graphcrm.paths`). 0.9 at most: the last
  tenth is for what a user knows and says by hand.
- A **weak tie** (strength 0.1) joins two people together on at least `TOGETHER` (3) occasions
  without a tie of their own: both visible recipients (To, Cc) of one message of at most 50
  people, or both at a meeting of 11 to 50 people (a workshop: in the same room, maybe never
  speaking). Being the author of a message makes no weak tie with its recipients (that is
  one-way mail).
- `since` = the date of the first occasion counted, `last_contact` = the latest; `context` of a
  new tie says what it rests on ("mail contact", "met in meetings", "mail and meetings", "copied
  on mail together", "in meetings together", "on mail and in meetings together").

A tie that is already there (any KNOWS, set by hand or imported) keeps its context and gets
the higher of its strength and the new one (a tie without a strength counts as 0.5, as warm
paths take it), the later last contact and the earlier since: an import never lowers what a
user set. The strength counts what the files given hold, so importing the same files again
changes nothing, and importing another mailbox later raises a tie only if that mailbox alone
shows more: give every file of a mailbox and its calendar in one command to count them together.
The existing ties are read and the new ones written under the database's write lock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from graphcrm.ingest.fields import Problem
from graphcrm.ingest.files import apply_plan
from graphcrm.ingest.ics import Event, Meeting, is_calendar, meetings, read_ics
from graphcrm.ingest.matching import check_rep, people_by_email
from graphcrm.ingest.mbox import Message, is_envelope, read_mbox
from graphcrm.ingest.plan import Plan, Where
from graphcrm.ingest.tabular import unopenable
from graphcrm.schema import DEFAULT_STRENGTH
from graphcrm.settings import Settings
from graphcrm.store import Store

GROUP = 10  # people at most on a personal occasion: a letter, a meeting
BROADCAST = 50  # people beyond which an occasion is a broadcast, counted for nothing
TOGETHER = 3  # occasions together that make a weak tie
WEAK_STRENGTH = 0.1
MEETING_WEIGHT = 3  # a meeting counts as much as this many messages
HALF = 10  # exchanges that make a strength of 0.5
CAP = 0.9
_CHUNK = 5000
_HEAD = 64 * 1024
EXPECTED_FILE = (
    "an mbox file (its first line 'From ', a sender and a date, as Thunderbird, Apple Mail and "
    "Google Takeout write it) or an iCalendar file (.ics, its first line BEGIN:VCALENDAR)"
)


def strength(exchanges: int) -> float:
    """The strength of a tie resting on `exchanges` = messages + 3 × meetings (see above)."""
    return round(min(CAP, 1 - 0.5 ** (exchanges / HALF)), 2)


@dataclass(frozen=True)
class InteractionsReport:
    """What an import of mail and calendars read and did: counts only, never an address."""

    files: tuple[str, ...]
    messages: int  # messages read, each once
    copies: int  # messages found again (the same Message-ID): counted once
    bulk: int  # lists, newsletters, automatic replies: counted for nothing
    meetings: int  # occurrences of events up to today, each once
    cancelled: int
    broadcasts: int  # messages and meetings of more than BROADCAST people
    future: int  # occasions after today (meetings not yet held)
    people: int  # people of the graph among the addresses (the rep included)
    dropped: int  # addresses of nobody in the graph: dropped, not stored
    made: int  # new KNOWS ties
    strengthened: int  # ties whose strength went up
    dated: int  # ties whose dates alone changed (an earlier since, a later last contact)
    unchanged: int  # ties the files show that were already as strong and as recent
    written: bool


def as_text(report: InteractionsReport) -> str:
    """The report as the command prints it."""
    verb = "imported" if report.written else "would import (dry run, nothing written)"
    copies = "copy" if report.copies == 1 else "copies"
    return "\n".join(
        [
            f"{', '.join(report.files)}: {verb}",
            f"  mail: {report.messages} messages ({report.copies} {copies} counted once), "
            f"{report.bulk} bulk or automatic skipped",
            f"  calendar: {report.meetings} meetings, {report.cancelled} cancelled, "
            f"{report.future} not yet held",
            f"  broadcasts (over {BROADCAST} people) skipped: {report.broadcasts}",
            f"  addresses: {report.people} people of the graph, {report.dropped} others dropped",
            f"  KNOWS ties: {report.made} new, {report.strengthened} strengthened, "
            f"{report.dated} with newer dates, {report.unchanged} unchanged",
        ]
    )


def import_interactions(
    store: Store,
    paths: Sequence[Path],
    rep_id: str,
    me: Sequence[str] = (),
    *,
    dry_run: bool = False,
    progress: bool = True,
    today: dt.date | None = None,
) -> InteractionsReport:
    """Read mail and calendar files of rep `rep_id` (whose other addresses are `me`) and write
    the KNOWS ties they show (the rule above). `InvalidInput` lists every problem, nothing
    written; with `dry_run` nothing is written either. `today`: default the setting's."""
    today = today or Settings.from_env().today
    with nullcontext() if dry_run else store.exclusive():  # read ties and write them as one
        plan, problems, counts = plan_interactions(store, paths, rep_id, me, today=today)
        result = apply_plan(store, plan, problems, dry_run=dry_run, progress=progress)
    return InteractionsReport(files=tuple(p.name for p in paths), written=result.written, **counts)


def plan_interactions(
    store: Store, paths: Sequence[Path], rep_id: str, me: Sequence[str], *, today: dt.date
) -> tuple[Plan, list[str], dict[str, Any]]:
    """The plan of the ties the files show, its problems, and the report's counts."""
    plan = Plan()
    problems = [
        p for p in [check_rep(store, rep_id, "the rep whose mailbox and calendar these are")] if p
    ] + _check_me(me)
    messages: list[Message] = []
    events: list[tuple[str, Event]] = []
    for path in paths:
        kind, problem = _kind(path)
        if problem:
            problems.append(problem)
            continue
        try:
            if kind == "mbox":
                messages += read_mbox(path)
                continue
            found, read_problems = read_ics(path, path.name)
        except OSError as exc:
            problems.append(f"{path.name}: cannot read the file ({exc.strerror})")
        else:
            events += [(path.name, event) for event in found]
            problems += map(str, read_problems)
    occurrences, future, rule_problems = meetings(events, today)
    problems += map(str, rule_problems)
    tally = _Tally(future=future)
    if problems:
        return plan, problems, tally.counts()
    kept = _occasions(messages, occurrences, today, tally)
    addresses = {a for occasion in kept for a in occasion.everyone}
    people = people_by_email(store, addresses)
    mine = {address.strip().lower() for address in me}
    for address in sorted(mine):
        if people.get(address, rep_id) != rep_id:
            problems.append(
                str(
                    Problem(
                        "--me",
                        0,
                        "",
                        "the e-mail of another person in the graph",
                        f"{address}, the e-mail of {people[address]}",
                        "the rep's own addresses only",
                    )
                )
            )
        people[address] = rep_id
    tally.people = len({people[a] for a in addresses if a in people})
    tally.dropped = len(addresses - people.keys())
    if kept and not any(rep_id == people.get(a) for occasion in kept for a in occasion.everyone):
        problems.append(
            str(
                Problem(
                    "--rep",
                    0,
                    "",
                    "no message or meeting in the files is from or to the rep",
                    rep_id,
                    "the rep whose mailbox and calendar these are, with --me ADDRESS for each "
                    "address they write from that is not their e-mail in the graph",
                )
            )
        )
    if problems:
        return plan, problems, tally.counts()
    ties = _ties(kept, people)
    _plan_ties(store, plan, ties, Where(paths[0].name if paths else "", 0, ""), tally)
    return plan, [], tally.counts()


# -- reading -------------------------------------------------------------------------------------


def _kind(path: Path) -> tuple[str | None, str | None]:
    """Which kind the file is, "mbox" or "ics", by its first line; or the problem of a file that
    is neither."""
    if problem := unopenable(path):
        return None, problem
    try:
        with path.open("rb") as handle:
            head = handle.read(_HEAD)
    except IsADirectoryError:
        return None, f"{path.name}: a folder (expected .mbox and .ics files: name the files in it)"
    except OSError as exc:
        return None, f"{path.name or path}: cannot read the file ({exc.strerror})"
    if is_calendar(head):
        return "ics", None
    first = head.split(b"\n", 1)[0]
    if first.startswith(b"From ") and is_envelope(first):
        return "mbox", None
    return None, str(
        Problem(path.name, 1, "", "neither a mailbox nor a calendar", _looks(head), EXPECTED_FILE)
    )


def _looks(head: bytes) -> str:
    """What a file that is neither looks like, in words: never a word of what it holds."""
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    if not head:
        return "an empty file"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive: unpack it (Google Takeout's zip holds the .mbox and .ics files)"
    if b"\x00" in head[:4096]:
        return "binary data"
    if first.upper().startswith(b"BEGIN:VCARD"):
        return "an address book (vCard): graphcrm import-contacts reads it"
    if first.startswith(b"From "):
        return "a first line starting with 'From ' and no mbox date after the sender"
    if re.match(rb"[A-Za-z][A-Za-z0-9-]*:", first):
        return "a message's headers with no mbox 'From ' line before them: one message saved alone (.eml)?"
    return "text of another kind"


@dataclass(frozen=True)
class _Occasion:
    """A message or meeting that counts, by person ids once `people` is known."""

    key: tuple[object, ...]
    date: dt.date | None
    meeting: bool
    personal: bool  # at most GROUP people
    everyone: frozenset[str]  # every address on it (for the lookup and the rep's check)
    writes: tuple[tuple[str, str], ...] = ()  # (author, recipient) addresses, personal mail
    together: tuple[str, ...] = ()  # visible recipients, or those who attended a meeting


@dataclass
class _Tally:
    future: int = 0
    messages: int = 0
    copies: int = 0
    bulk: int = 0
    meetings: int = 0
    cancelled: int = 0
    broadcasts: int = 0
    people: int = 0
    dropped: int = 0
    made: int = 0
    strengthened: int = 0
    dated: int = 0
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return dict(self.__dict__)


def _occasions(
    messages: Iterable[Message], occurrences: Iterable[Meeting], today: dt.date, tally: _Tally
) -> list[_Occasion]:
    """The messages and meetings that count (each once), with what the rule needs of them."""
    kept: list[_Occasion] = []
    seen: set[object] = set()
    for message in messages:
        if message.key in seen:
            tally.copies += 1
            continue
        seen.add(message.key)
        tally.messages += 1
        everyone = frozenset(message.authors + message.recipients + message.hidden)
        if message.bulk:
            tally.bulk += 1
        elif len(everyone) > BROADCAST:
            tally.broadcasts += 1
        elif message.date is not None and message.date > today:
            tally.future += 1
        else:
            personal = len(everyone) <= GROUP
            to = message.recipients + message.hidden
            writes = tuple((a, b) for a in message.authors for b in to if a != b) if personal else ()
            visible = tuple(r for r in message.recipients if r not in message.authors)
            kept.append(
                _Occasion(("mail", message.key), message.date, False, personal, everyone, writes, visible)
            )
    for meeting in occurrences:
        tally.meetings += 1
        people = [a for a in meeting.attendees if a.person]
        everyone = frozenset([meeting.organizer] if meeting.organizer else []) | {
            a.address or f"#{i}" for i, a in enumerate(people)
        }
        if meeting.cancelled:
            tally.cancelled += 1
            continue
        if len(everyone) > BROADCAST:
            tally.broadcasts += 1
            continue
        declined = any(a.address == meeting.organizer and a.partstat == "DECLINED" for a in people)
        attended = [a.address for a in people if a.address and a.partstat == "ACCEPTED"]
        if meeting.organizer and not declined:
            attended.append(meeting.organizer)
        addresses = frozenset(a for a in everyone if "@" in a)
        kept.append(
            _Occasion(
                ("meeting", *meeting.key),
                meeting.date,
                True,
                len(everyone) <= GROUP,
                addresses,
                together=tuple(dict.fromkeys(attended)),
            )
        )
    return kept


# -- the rule ------------------------------------------------------------------------------------


@dataclass
class _Pair:
    """What two people's occasions show, by occasion key (so that each counts once)."""

    wrote: set[str] = field(default_factory=set)  # the ids of those who wrote to the other
    mail: dict[tuple[object, ...], dt.date | None] = field(default_factory=dict)
    met: dict[tuple[object, ...], dt.date | None] = field(default_factory=dict)
    mail_together: dict[tuple[object, ...], dt.date | None] = field(default_factory=dict)
    met_together: dict[tuple[object, ...], dt.date | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Tie:
    """A KNOWS tie the files show between `a` and `b` (a < b)."""

    a: str
    b: str
    strength: float
    context: str
    since: str | None
    last_contact: str | None


def _ties(occasions: Iterable[_Occasion], people: dict[str, str]) -> list[Tie]:
    """The ties the rule makes of the occasions, between people of the graph (`people`:
    address → id)."""
    pairs: defaultdict[tuple[str, str], _Pair] = defaultdict(_Pair)
    for occasion in occasions:
        for author, recipient in occasion.writes:
            a, b = people.get(author), people.get(recipient)
            if a and b and a != b:
                pair = pairs[_ordered(a, b)]
                pair.wrote.add(a)
                pair.mail[occasion.key] = occasion.date
        ids = sorted({people[a] for a in occasion.together if a in people})
        for a, b in combinations(ids, 2):
            pair = pairs[(a, b)]
            if occasion.meeting and occasion.personal:
                pair.met[occasion.key] = occasion.date
            elif occasion.meeting:
                pair.met_together[occasion.key] = occasion.date
            else:
                pair.mail_together[occasion.key] = occasion.date
    ties = []
    for (a, b), pair in sorted(pairs.items()):
        if len(pair.wrote) == 2 or pair.met:
            exchanges = len(pair.mail) + MEETING_WEIGHT * len(pair.met)
            context = DIRECT[(bool(pair.mail), bool(pair.met))]
            ties.append(_tie(a, b, strength(exchanges), context, [*pair.mail.values(), *pair.met.values()]))
        elif len(pair.mail_together) + len(pair.met_together) >= TOGETHER:
            context = TOGETHER_CONTEXT[(bool(pair.mail_together), bool(pair.met_together))]
            dates = [*pair.mail_together.values(), *pair.met_together.values()]
            ties.append(_tie(a, b, WEAK_STRENGTH, context, dates))
    return ties


# The context of a new tie: (by mail, by meetings) -> words (read as "knows you: met in meetings").
DIRECT = {(True, False): "mail contact", (False, True): "met in meetings", (True, True): "mail and meetings"}
TOGETHER_CONTEXT = {
    (True, False): "copied on mail together",
    (False, True): "in meetings together",
    (True, True): "on mail and in meetings together",
}


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _tie(a: str, b: str, value: float, context: str, dates: Iterable[dt.date | None]) -> Tie:
    known = sorted(d for d in dates if d is not None)
    first = known[0].isoformat() if known else None
    last = known[-1].isoformat() if known else None
    return Tie(a, b, value, context, first, last)


# -- against the graph ---------------------------------------------------------------------------


def _plan_ties(store: Store, plan: Plan, ties: list[Tie], where: Where, tally: _Tally) -> None:
    """Add to `plan` each tie that is new, or that raises or re-dates a tie already there, never
    lowering a strength or moving a date back (the rule above)."""
    held = _existing(store, [(t.a, t.b) for t in ties])
    for tie in ties:
        rows = held.get((tie.a, tie.b))
        if rows is None:
            props: dict[str, Any] = {"strength": tie.strength, "context": tie.context}
            props |= {k: v for k, v in (("since", tie.since), ("last_contact", tie.last_contact)) if v}
            plan.add_rel("KNOWS", tie.a, tie.b, props, where)
            tally.made += 1
            continue
        props = {}
        strengths = [DEFAULT_STRENGTH if r["strength"] is None else r["strength"] for r in rows]
        numbers = all(isinstance(s, int | float) and not isinstance(s, bool) for s in strengths)
        if numbers and tie.strength > max(strengths):  # text written by hand is left alone
            props["strength"] = tie.strength
        lasts = [str(r["last_contact"])[:10] for r in rows if r["last_contact"]]
        if tie.last_contact and (not lasts or tie.last_contact > max(lasts)):
            props["last_contact"] = tie.last_contact
        sinces = [str(r["since"])[:10] for r in rows if r["since"]]
        if tie.since and (not sinces or tie.since < min(sinces)):
            props["since"] = tie.since
        if props:
            plan.add_rel("KNOWS", tie.a, tie.b, props, where)
        if "strength" in props:
            tally.strengthened += 1
        elif props:
            tally.dated += 1
        else:
            tally.unchanged += 1


def _existing(store: Store, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """The KNOWS ties already between `pairs`, by pair (a < b): a row for each direction."""
    asked = [{"a": a, "b": b} for a, b in pairs] + [{"a": b, "b": a} for a, b in pairs]
    held: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for start in range(0, len(asked), _CHUNK):
        for row in store.run("import/knows_between", {"pairs": asked[start : start + _CHUNK]}):
            held.setdefault(_ordered(row["a"], row["b"]), []).append(row)
    return held


# -- the command's own checks --------------------------------------------------------------------


def _check_me(me: Sequence[str]) -> list[str]:
    """The problems of `--me` values that are no e-mail address."""
    return [
        str(Problem("--me", 0, "", "not an e-mail address", address, "an address as you@example.com"))
        for address in me
        if not re.fullmatch(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+", address.strip())
    ]
