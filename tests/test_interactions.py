"""Mail and calendars, headers only (`graphcrm import-interactions`, graphcrm/ingest/interactions.py).

The fixtures (tests/data/interactions/) are a rep's mailbox and calendar in the Jinchang case:
`sent.mbox` as Thunderbird writes it, `inbox.mbox` as Google Takeout does (with a copy of a sent
message, an unescaped "From " line in a body, encoded-word names, a newsletter, a list bulletin,
an out-of-office reply, mail from unknown addresses), and `calendar.ics` as Google Calendar
exports it (an accepted meeting with a declined attendee and a room, a declined one, a cancelled
one, a supplier conference of 200 attendees, a weekly series with one week cancelled, a meeting
not yet held). `people.csv` gives three Jinchang people the e-mail the seed leaves out.
"""

from __future__ import annotations

import datetime as dt
import json
import mailbox
import re
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from graphcrm.demo import seed_path
from graphcrm.export import export_lines
from graphcrm.ingest.files import InvalidInput, import_path
from graphcrm.ingest.ics import meetings, read_ics
from graphcrm.ingest.interactions import import_interactions, strength
from graphcrm.ingest.mbox import read_mbox
from graphcrm.store import Store
from tests.conftest import snapshot
from tests.test_privacy import found_in

DATA = Path(__file__).parent / "data" / "interactions"
FILES = [DATA / "inbox.mbox", DATA / "sent.mbox", DATA / "calendar.ics"]
TODAY = dt.date(2026, 11, 23)
YOU = "jinchang.you"

# Every subject, body, attachment name, summary, description and location of the fixtures holds
# one of these (checked below): none may reach the database.
PHRASES = (
    "quartz heron",
    "报价单见附件",
    "琥珀灯笼",
    "crimson ferry",
    "polar juniper",
    "saffron anvil",
    "velvet compass",
    "walnut-prism",
    "silent orchard",
    "copper meadow",
    "marble falcon",
    "hollow citadel",
    "tidal mosaic",
    "ivory tundra",
    "obsidian kite",
    "lunar thicket",
    "emerald sextant",
    "granite lullaby",
    "rosewood beacon",
    "cobalt pavilion",
    "misty harbour",
    "juniper compass",
    "scarlet quarry",
    "amber weir",
    "tangerine glacier",
    "sable orchid",
    "velvet tundra",
    "golden sluice",
    "hazel meridian",
    "coral bastion",
    "pewter atlas",
    "willow forge",
    "onyx harbor",
)
# Addresses of nobody in the graph, and message ids: none may reach the database either.
UNKNOWN = (
    "stranger@unknown-vendor.example",
    "office-secretary@jinchang.example",
    "news@telecom-weekly.example",
    "room-3@resource.ourco.example",
    "alarm-relay@unknown-alarms.example",
    "supplier001@suppliers.example",
    "supplier196@suppliers.example",
    "leave@union.jinchang.example",
    "m1.trial-plan@ourco.example",
    "CAM7trial.result@jinchang.example",
)


def fixture_text() -> str:
    """The fixtures as a reader sees them: .ics lines unfolded, encoded-words decoded."""
    text = "".join(p.read_bytes().decode("utf-8") for p in DATA.iterdir())
    text = text.replace("\r\n ", "").replace("\r\n", "\n")
    return re.sub(r"=\?[^?]+\?[BbQq]\?[^?]*\?=", lambda m: str(make_header(decode_header(m.group()))), text)


def test_every_private_phrase_is_in_the_fixtures_and_every_private_field_holds_one():
    text = fixture_text()
    for phrase in (*PHRASES, *UNKNOWN):
        assert phrase in text, phrase
    fields = re.findall(r"^(?:Subject|SUMMARY|DESCRIPTION|LOCATION|Content-Disposition):(.*)$", text, re.M)
    assert len(fields) > 40
    for value in fields:
        assert any(phrase in value for phrase in PHRASES), value


# -- reading: headers only --------------------------------------------------------------------------


def test_a_from_line_in_a_body_does_not_split_a_message():
    """Zhao's reply quotes a forwarded message after a blank line: "From the union office..." and
    a "From: Zhou Guilan" header below it. Python's mailbox splits there (two messages more, one
    of them from Zhou to the rep: two-way mail with Zhou that never was); the rule (blank line,
    "From ", a plausible date) does not. The mboxrd-escaped ">From what I hear" splits nothing."""
    ours = list(read_mbox(DATA / "inbox.mbox"))
    assert len(ours) == 10
    assert len(mailbox.mbox(str(DATA / "inbox.mbox"))) == 12
    zhao = next(m for m in ours if m.key == "<CAM7trial.result@jinchang.example>")
    assert (zhao.authors, zhao.recipients, zhao.date) == (
        ("zhao.zhigang@jinchang.example",),
        ("you@ourco.example",),
        dt.date(2026, 10, 7),
    )
    assert [m.authors for m in ours if "zhou.guilan@jinchang.example" in m.authors and not m.bulk] == []


def test_mbox_rule_for_from_lines(tmp_path):
    mbox = tmp_path / "x.mbox"
    mbox.write_bytes(
        b"From a@b.example Mon Oct  5 09:12:00 2026\r\n"
        b"From: a@b.example\r\nTo: c@d.example\r\nSubject: x\r\n\r\n"
        b"line\r\nFrom c@d.example Mon Oct  5 09:12:00 2026\r\n"  # no blank line before: body
        b"\r\nFrom nobody on a Monday\r\n"  # no date: body
        b"\r\nFrom MAILER-DAEMON Fri Jun 23 02:56:55 +0000 2000\r\n"  # a message
        b"From: c@d.example\r\nTo: a@b.example\r\n\r\nbody\r\n"
    )
    found = list(read_mbox(mbox))
    assert [(m.authors, m.recipients) for m in found] == [
        (("a@b.example",), ("c@d.example",)),
        (("c@d.example",), ("a@b.example",)),
    ]
    assert found[1].date == dt.date(2000, 6, 23)  # no Date header: the "From " line's


def test_encoded_word_names_and_folded_fields_give_their_addresses():
    sent = {m.key: m for m in read_mbox(DATA / "sent.mbox")}
    first = sent["<m1.trial-plan@ourco.example>"]
    assert (first.authors, first.recipients) == (("you@ourco.example",), ("zhao.zhigang@jinchang.example",))
    pricing = sent["<m3.procurement@ourco.example>"]  # "Liu, Bin" quoted; Cc folded onto two lines
    assert pricing.recipients == (
        "liu.bin@jinchang.example",
        "zhao.zhigang@jinchang.example",
        "stranger@unknown-vendor.example",
    )
    assert sent["<m5.follow-up@ourco.example>"].date == dt.date(2026, 11, 2)  # no Date: the envelope's


def test_bulk_mail_is_marked():
    bulk = {m.key: m.bulk for m in read_mbox(DATA / "inbox.mbox")}
    assert bulk["<bulletin-2026-10@union.jinchang.example>"]  # List-Id
    assert bulk["<ooo-20261029@jinchang.example>"]  # Auto-Submitted: auto-replied
    assert bulk["<weekly-44@telecom-weekly.example>"]  # Precedence: bulk, List-Unsubscribe
    assert sum(bulk.values()) == 3


def test_calendar_meetings_occurrences_and_their_people():
    events, problems = read_ics(DATA / "calendar.ics", "calendar.ics")
    assert problems == []
    found, future, rule_problems = meetings([("calendar.ics", e) for e in events], TODAY)
    assert (future, rule_problems) == (1, [])  # the contract signing in January
    by_day = {(m.date.isoformat(), m.key[0]): m for m in found}
    assert sorted(by_day) == [
        ("2026-10-16", "event"),
        ("2026-10-20", "occurrence"),
        ("2026-10-22", "event"),
        ("2026-10-26", "event"),
        ("2026-10-27", "occurrence"),  # the week cancelled on its own
        ("2026-10-29", "event"),
        ("2026-11-03", "occurrence"),
        ("2026-11-10", "event"),  # an all-day event
    ]
    assert sorted(d for (d, _), m in by_day.items() if m.cancelled) == ["2026-10-22", "2026-10-27"]
    demo = by_day[("2026-10-29", "event")]
    assert {a.address: (a.partstat, a.person) for a in demo.attendees} == {
        "you@ourco.example": ("ACCEPTED", True),
        "zhao.zhigang@jinchang.example": ("ACCEPTED", True),  # PARTSTAT folded mid-word
        "xu.ming@ourco.example": ("ACCEPTED", True),  # MAILTO: in capitals, CN quoted with a comma
        "liu.bin@jinchang.example": ("DECLINED", True),
        "room-3@resource.ourco.example": ("ACCEPTED", False),
    }  # the e-mail alarm's ATTENDEE is the alarm's, not the meeting's
    assert len(by_day[("2026-11-10", "event")].attendees) == 200


def test_a_calendar_cut_short_is_reported_where_its_event_began(tmp_path):
    cut = tmp_path / "cut.ics"
    cut.write_bytes(b"".join((DATA / "calendar.ics").read_bytes().splitlines(keepends=True)[:29]))
    _, problems = read_ics(cut, "cut.ics")
    assert [str(p) for p in problems] == [
        "cut.ics:18: BEGIN:VEVENT is never ended (got 'the end of the file', expected END:VEVENT: "
        "was the file cut short? export it again)"
    ]


def test_the_strength_formula():
    """min(0.9, 1 − 2^(−e/10)), e = messages + 3 × meetings; no recency in it."""
    assert [strength(e) for e in (2, 3, 6, 10, 12, 20, 100)] == [0.13, 0.19, 0.34, 0.5, 0.56, 0.75, 0.9]


# -- importing ------------------------------------------------------------------------------------


def jinchang(seeded) -> Store:
    store = seeded("jinchang")
    import_path(store, DATA / "people.csv", progress=False)
    return store


def knows(store: Store) -> dict[tuple[str, str], tuple[object, ...]]:
    rows = store.read(
        "MATCH (a:Person)-[k:KNOWS]->(b:Person) WHERE a.id < b.id "
        "RETURN a.id AS a, b.id AS b, k.strength AS s, k.context AS c, k.since AS since, "
        "k.last_contact AS last"
    )
    return {(r["a"], r["b"]): (r["s"], r["c"], r["since"], r["last"]) for r in rows}


def short(ties: dict[tuple[str, str], tuple[object, ...]]) -> dict[tuple[str, str], tuple[object, ...]]:
    return {(a.removeprefix("jinchang."), b.removeprefix("jinchang.")): tie for (a, b), tie in ties.items()}


def test_the_ties_made_strengthened_and_left_alone(seeded):
    store = jinchang(seeded)
    before = knows(store)
    report = import_interactions(store, FILES, YOU, today=TODAY, progress=False)
    after = knows(store)
    changed = {pair: tie for pair, tie in after.items() if before.get(pair) != tie}
    assert short(changed) == {
        # 3 messages both ways + the demo and two weekly check-ins: e = 3 + 3 × 3 = 12
        ("you", "zhao-zhigang"): (0.56, "mail and meetings", "2026-10-05", "2026-11-03"),
        # 3 messages + the procurement review (e = 6): 0.2 raised, the seed's context and dates kept
        ("liu-bin", "you"): (0.34, "met on a sales visit", "2026-10-09", "2026-11-06"),
        # the demo: 0.19 < the seed's 0.7, but a later last contact
        ("xu-ming", "you"): (0.7, "colleague", "2024-05-01", "2026-10-29"),
        ("xu-ming", "zhao-zhigang"): (0.19, "met in meetings", "2026-10-29", "2026-10-29"),
        # Li Qiong wrote to both, three times: together on mail, never writing to each other
        ("zhao-zhigang", "zhou-guilan"): (0.1, "copied on mail together", "2026-10-21", "2026-11-04"),
    }
    assert set(after) - set(before) == {
        ("jinchang.you", "jinchang.zhao-zhigang"),
        ("jinchang.xu-ming", "jinchang.zhao-zhigang"),
        ("jinchang.zhao-zhigang", "jinchang.zhou-guilan"),
    }
    assert (report.made, report.strengthened, report.dated, report.unchanged) == (3, 1, 1, 1)
    assert (report.messages, report.copies, report.bulk) == (15, 1, 3)
    assert (report.meetings, report.cancelled, report.future, report.broadcasts) == (8, 2, 1, 1)
    assert (report.people, report.dropped, report.written) == (6, 2, True)


def test_nothing_from_one_way_declined_cancelled_bulk_or_broadcast(seeded):
    """The rep wrote twice to Zhou Guilan, who never answered but by a list bulletin and an
    out-of-office reply, declined her choir practice, and met her only at the 200-people supplier
    conference; the meeting with Qian Lixin was cancelled; Liu Bin declined the demo."""
    store = jinchang(seeded)
    import_interactions(store, FILES, YOU, today=TODAY, progress=False)
    ties = short(knows(store))
    assert ("you", "zhou-guilan") not in ties and ("zhou-guilan", "you") not in ties
    assert ties[("qian-lixin", "you")] == (
        0.1,
        "met once; sent you to procurement",
        "2026-11-12",
        "2026-11-12",
    )
    assert ("liu-bin", "xu-ming") not in ties  # both only at the demo Liu Bin declined
    assert ("li-qiong", "liu-bin") not in ties  # both only at the conference


def test_unknown_addresses_and_private_text_reach_no_node_tie_or_property(seeded):
    store = jinchang(seeded)
    nodes = store.read("MATCH (n:Node) RETURN count(n) AS n")
    import_interactions(store, FILES, YOU, today=TODAY, progress=False)
    assert store.read("MATCH (n:Node) RETURN count(n) AS n") == nodes
    export = "\n".join(export_lines(store))
    for secret in (*UNKNOWN, *PHRASES):
        assert secret not in export, secret
    assert "mail and meetings" in export  # positive control: the new tie is in the export


def test_importing_again_changes_nothing(seeded, tmp_path):
    """The same files again, in another order, the mailbox given twice and under another name
    (a message is counted once by its Message-ID, a meeting by its UID and day)."""
    store = jinchang(seeded)
    import_interactions(store, FILES, YOU, today=TODAY, progress=False)
    before, version = snapshot(store), store.version()
    copy = tmp_path / "All mail.mbox"
    copy.write_bytes((DATA / "inbox.mbox").read_bytes())
    again = import_interactions(store, [*reversed(FILES), copy], YOU, today=TODAY, progress=False)
    assert (again.made, again.strengthened, again.dated, again.unchanged) == (0, 0, 0, 6)
    assert again.copies == 11
    assert (snapshot(store), store.version()) == (before, version)


def test_a_strength_set_by_hand_is_never_lowered(seeded, tmp_path):
    store = jinchang(seeded)
    ties = tmp_path / "ties.csv"
    ties.write_text(
        "source,target,type,strength,context,since,last_contact\n"
        "jinchang.you,jinchang.liu-bin,KNOWS,0.9,trusted,2026-10-01,2026-11-20\n"
    )
    import_path(store, ties, progress=False)
    store.write(  # a tie with no strength at all counts as 0.5 on a path: 0.19 would lower it
        [
            (
                "MATCH (:Person {id: $a})-[k:KNOWS]-(:Person {id: $b}) REMOVE k.strength",
                {"a": YOU, "b": "jinchang.xu-ming"},
            )
        ]
    )
    import_interactions(store, FILES, YOU, today=TODAY, progress=False)
    after = short(knows(store))
    assert after[("liu-bin", "you")] == (0.9, "trusted", "2026-10-01", "2026-11-20")
    assert after[("xu-ming", "you")] == (None, "colleague", "2024-05-01", "2026-10-29")


def test_me_addresses_are_the_rep(seeded, tmp_path):
    """Mail the rep wrote from another address counts as the rep's only with --me; --me naming
    another person's e-mail is refused."""
    store = jinchang(seeded)
    mbox = tmp_path / "personal.mbox"
    mbox.write_text(
        "From - Mon Oct  5 09:12:00 2026\nFrom: you.private@mail.example\nTo: liu.bin@jinchang.example\n"
        "Date: Mon, 05 Oct 2026 09:12:00 +0800\nMessage-ID: <p1@mail.example>\n\nhi\n\n"
        "From - Tue Oct  6 09:12:00 2026\nFrom: liu.bin@jinchang.example\nTo: you.private@mail.example\n"
        "Date: Tue, 06 Oct 2026 09:12:00 +0800\nMessage-ID: <p2@jinchang.example>\n\nhello\n"
    )
    with pytest.raises(InvalidInput) as err:
        import_interactions(store, [mbox], YOU, today=TODAY, progress=False)
    assert err.value.problems == [
        "--rep: no message or meeting in the files is from or to the rep (got 'jinchang.you', expected "
        "the rep whose mailbox and calendar these are, with --me ADDRESS for each address they write "
        "from that is not their e-mail in the graph)"
    ]
    for me, problem in (
        ("you", "--me: not an e-mail address (got 'you', expected an address as you@example.com)"),
        (
            "liu.bin@jinchang.example",
            "--me: the e-mail of another person in the graph (got 'liu.bin@jinchang.example, the e-mail "
            "of jinchang.liu-bin', expected the rep's own addresses only)",
        ),
    ):
        with pytest.raises(InvalidInput) as err:
            import_interactions(store, [mbox], YOU, [me], today=TODAY, progress=False)
        assert err.value.problems == [problem]
    report = import_interactions(
        store, [mbox], YOU, ["You.Private@mail.example"], today=TODAY, progress=False
    )
    assert (report.strengthened, report.dated) == (0, 1)  # 2 messages: 0.13 < 0.2; an earlier since
    assert short(knows(store))[("liu-bin", "you")][2] == "2026-10-05"


# -- the command ---------------------------------------------------------------------------------


def test_dry_run_prints_counts_and_no_address(cli, db, seeded, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", TODAY.isoformat())
    store = jinchang(seeded)
    before, version = snapshot(store), store.version()
    result = cli("import-interactions", *map(str, FILES), "--rep", YOU, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "@" not in result.output
    assert result.output.splitlines() == [
        "inbox.mbox, sent.mbox, calendar.ics: would import (dry run, nothing written)",
        "  mail: 15 messages (1 copy counted once), 3 bulk or automatic skipped",
        "  calendar: 8 meetings, 2 cancelled, 1 not yet held",
        "  broadcasts (over 50 people) skipped: 1",
        "  addresses: 6 people of the graph, 2 others dropped",
        "  KNOWS ties: 3 new, 1 strengthened, 1 with newer dates, 1 unchanged",
    ]
    assert (snapshot(store), store.version()) == (before, version)


def test_the_warm_path_goes_through_the_new_tie(cli, seeded, monkeypatch):
    """Before, the way to Zhao Zhigang was through Li Qiong; the mail and the meetings make a
    direct tie of 0.56, last contact 2026-11-03: warmer (0.539) than through Li Qiong (0.518)."""
    monkeypatch.setenv("GRAPHCRM_TODAY", TODAY.isoformat())
    jinchang(seeded)
    before = json.loads(cli("path", "jinchang.zhao-zhigang", "--from", YOU, "--json").output)
    assert [h["target"]["id"] for h in before["paths"][0]["hops"]] == [
        "jinchang.li-qiong",
        "jinchang.zhao-zhigang",
    ]
    result = cli("import-interactions", *map(str, FILES), "--rep", YOU)
    assert result.exit_code == 0, result.output
    answer = json.loads(cli("path", "jinchang.zhao-zhigang", "--from", YOU, "--json").output)
    hops = answer["paths"][0]["hops"]
    assert [(h["source"]["id"], h["target"]["id"], h["context"]) for h in hops] == [
        (YOU, "jinchang.zhao-zhigang", "mail and meetings")
    ]
    assert answer["paths"][0]["warmth"] == pytest.approx(0.56 * 0.5 ** (20 / 365), abs=1e-4)
    text = cli("path", "jinchang.zhao-zhigang", "--from", YOU).output
    assert "contact 赵志刚 Zhao Zhigang directly (knows you: mail and meetings; strong tie (0.56)" in text


# -- on disk ---------------------------------------------------------------------------------------


def test_no_subject_body_summary_or_unknown_address_is_in_any_file_of_the_database(embedded_store, db_path):
    """Every file under the embedded database's folder, raw, after the import and after a rewrite."""
    import_path(embedded_store, seed_path("jinchang"), progress=False)
    import_path(embedded_store, DATA / "people.csv", progress=False)
    import_interactions(embedded_store, FILES, YOU, today=TODAY, progress=False)
    for moment in ("after the import", "after a rewrite"):
        assert found_in(db_path, "copied on mail together"), moment  # positive control: our writes
        assert found_in(db_path, "赵志刚 Zhao Zhigang"), moment
        for secret in (*PHRASES, *UNKNOWN):
            assert found_in(db_path, secret) == [], (moment, secret)
        embedded_store.compact()


def calendar(tmp_path: Path, events: list[str]) -> Path:
    """An .ics file holding `events` (each the lines of one VEVENT without BEGIN/END)."""
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    path = tmp_path / "calendar.ics"
    path.write_bytes(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n".encode())
    return path


def test_an_open_ended_series_counts_up_to_today_less_its_exdates(tmp_path):
    path = calendar(
        tmp_path,
        [
            "UID:weekly@x.example\nDTSTART;TZID=Asia/Shanghai:20261102T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH\n"
            "EXDATE;TZID=Asia/Shanghai:20261105T090000\nORGANIZER:mailto:a@x.example".replace("\n", "\r\n"),
            "UID:hourly@x.example\nDTSTART:20261102T090000Z\nRRULE:FREQ=HOURLY".replace("\n", "\r\n"),
        ],
    )
    events, problems = read_ics(path, "calendar.ics")
    assert problems == []
    found, future, rule_problems = meetings([("calendar.ics", e) for e in events], TODAY)
    assert [m.date.isoformat() for m in found] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-12",
        "2026-11-16",
        "2026-11-19",
        "2026-11-23",
    ]
    assert future == 1  # the series goes on
    assert [str(p) for p in rule_problems] == [
        "calendar.ics:13:RRULE: a recurrence rule that does not read (got 'FREQ=HOURLY', expected a rule "
        "as FREQ=WEEKLY;COUNT=10 or FREQ=WEEKLY;UNTIL=20261231T000000Z (FREQ=HOURLY: more often than "
        "daily is no meeting))"
    ]


def test_workshops_of_11_to_50_people_make_weak_ties_only(seeded, tmp_path):
    """Three workshops of 12, the rep organising, Zhou Guilan and Zhao Zhigang accepting: a weak
    tie between each two of them (in the same room three times), none of them a meeting tie."""
    others = "".join(f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:guest{n}@x.example\r\n" for n in range(9))
    workshops = [
        f"UID:workshop-{day}@ourco.example\r\nDTSTART:202610{day}T020000Z\r\n"
        "ORGANIZER:mailto:you@ourco.example\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:zhou.guilan@jinchang.example\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:zhao.zhigang@jinchang.example\r\n{others}"
        for day in ("06", "13", "20")
    ]
    store = jinchang(seeded)
    before = knows(store)
    import_interactions(store, [calendar(tmp_path, workshops)], YOU, today=TODAY, progress=False)
    after = knows(store)
    assert short({pair: tie for pair, tie in after.items() if before.get(pair) != tie}) == {
        ("you", "zhou-guilan"): (0.1, "in meetings together", "2026-10-06", "2026-10-20"),
        ("zhao-zhigang", "zhou-guilan"): (0.1, "in meetings together", "2026-10-06", "2026-10-20"),
        ("you", "zhao-zhigang"): (0.1, "in meetings together", "2026-10-06", "2026-10-20"),
    }


@pytest.mark.parametrize(
    ("content", "looks"),
    [
        (b"", "an empty file"),
        (b"PK\x03\x04rest", "a zip archive: unpack it (Google Takeout's zip holds the .mbox and .ics files)"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\n", "an address book (vCard): graphcrm import-contacts reads it"),
        (
            b"From Liu Bin, about the price\n",
            "a first line starting with 'From ' and no mbox date after the sender",
        ),
    ],
)
def test_a_file_that_is_neither_says_what_it_looks_like_and_quotes_nothing(store, tmp_path, content, looks):
    path = tmp_path / "export"
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as err:
        import_interactions(store, [path], YOU, progress=False)
    assert err.value.problems[-1].startswith(f"export:1: neither a mailbox nor a calendar (got {looks!r}")
