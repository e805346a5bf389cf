"""Address books (`graphcrm import-contacts`): vCard 3.0 and 4.0 files and Google Contacts' CSV
export (today's and its older one) of the Jinchang rep 你 You, imported into the Jinchang seed
on both engines: the exact people, ties and kin each file makes, matching by e-mail, UID and
name, the ambiguity of two people of one name, ties already held kept as they are, a re-import
that changes nothing, and `path` to a contact answering through the rep. The reading of vCard
lines (folding, quoted-printable, base64, escapes) and birthdays is checked on its own first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graphcrm.demo import seed_path
from graphcrm.export import export_lines
from graphcrm.ingest.address_book import birthday, read_address_book
from graphcrm.ingest.contacts import import_contacts, tie_of
from graphcrm.ingest.fields import Invalid
from graphcrm.ingest.files import InvalidInput, import_path
from graphcrm.ingest.vcard import read_cards
from graphcrm.store import Store, open_store
from tests.conftest import snapshot
from tests.test_import import MINI

DATA = Path(__file__).parent / "data" / "contacts"
APPLE, VCARD4, GOOGLE, GOOGLE_OLD = (
    DATA / name for name in ("apple.vcf", "contacts4.vcf", "google.csv", "google-legacy.csv")
)
REP = "jinchang.you"
SUN_LI = "vcard:5e3b2c1a-7d4f-4b8e-9c21-0a6f3d2e0004"
WANG_FANG = "vcard:c7e1a9d2-44b0-4e3f-b6a8-92d5f0e10005"
CHEN_JING = "vcard:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
CHEN_XIAOMING = "vcard:9a2c5e10-6d3b-4f7a-b1c8-0e4d2f7a9b21"
PERSON = (
    "MATCH (p:Person {id: $id}) RETURN p.name AS name, p.title AS title, p.email AS email, "
    "p.phone AS phone, p.birthday AS birthday, p.birthday_month_day AS month_day, p.source AS source"
)


def person(store: Store, person_id: str) -> dict[str, Any]:
    rows = store.read(PERSON, {"id": person_id})
    assert len(rows) == 1, person_id
    return {k: v for k, v in rows[0].items() if v is not None}


def ties(store: Store, person_id: str) -> set[tuple[str, str, str | None, float | None]]:
    """Every tie of a person but WORKS_AT: (type, other end, context, strength)."""
    rows = store.read(
        "MATCH (p:Node {id: $id})-[r]->(o:Node) WHERE type(r) <> 'WORKS_AT' "
        "RETURN type(r) AS type, o.id AS other, r.context AS context, r.strength AS strength",
        {"id": person_id},
    )
    return {(r["type"], r["other"], r["context"], r["strength"]) for r in rows}


def employer(store: Store, person_id: str) -> list[str]:
    rows = store.read("MATCH (:Person {id: $id})-[:WORKS_AT]->(o) RETURN o.id AS id", {"id": person_id})
    return sorted(r["id"] for r in rows)


@pytest.fixture
def jinchang(seeded: Any) -> Store:
    store: Store = seeded("jinchang")
    return store


# -- reading, no database ----------------------------------------------------------------------------


def test_vcard_lines_are_unfolded_decoded_and_unescaped():
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9D=8E;=E7=90=BC;;;\r\n"
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9D=8E=E7=90=BC Li Q=\r\n"
        "iong\r\n"
        "TITLE;CHARSET=GBK;ENCODING=b:uaS74db3z68=\r\n"
        "ORG:Acme\\, Inc.;Sales\\; East\r\n"
        "NOTE:one\\ntwo\r\n"
        " three\r\n"
        "\tfour\r\n"
        "item1.EMAIL;WORK;PREF:a@x.example\r\n"
        'TEL;TYPE="cell,voice":+86 1\r\n'
        "END:VCARD\r\n"
    )
    cards, errors = read_cards(text)
    assert errors == []
    [card] = cards
    assert [(ln.number, ln.name) for ln in card.lines] == [
        (2, "VERSION"),
        (3, "N"),
        (4, "FN"),
        (6, "TITLE"),
        (7, "ORG"),
        (8, "NOTE"),
        (11, "EMAIL"),
        (12, "TEL"),
    ]
    n, fn, title, org, note, email, tel = card.lines[1:]
    assert n.parts() == ["李", "琼", "", "", ""]
    assert fn.text() == "李琼 Li Qiong"  # a soft line break of quoted-printable
    assert title.text() == "工会主席"  # base64 in GBK
    assert org.parts() == ["Acme, Inc.", "Sales; East"]
    assert note.text() == "one\ntwothreefour"  # folded with a space and with a tab
    assert (email.group, email.types()) == ("item1", ["work", "pref"])
    assert tel.types() == ["cell", "voice"]


def test_broken_vcard_lines_are_named_by_line():
    text = "BEGIN:VCARD\nVERSION:3.0\nFN Li Qiong\nFN;CHARSET=KLINGON;ENCODING=QUOTED-PRINTABLE:=41\n"
    contacts, problems, refused = read_address_book(text, "x.vcf")
    assert (contacts, refused) == ([], [])
    assert sorted(str(p) for p in problems) == [
        "x.vcf:1: a card that never ends (got 'BEGIN:VCARD', expected END:VCARD after the card's lines: was "
        "the file cut short, or two files pasted?)",
        "x.vcf:3: not a vCard line (got 'FN Li Qiong', expected NAME:value or NAME;PARAMETER=value:value (a "
        "line that goes on from the one before starts with a space))",
    ]
    contacts, problems, _ = read_address_book(text + "END:VCARD\n", "x.vcf")
    assert sorted(str(p) for p in problems)[:2] == [
        "x.vcf:1:FN: a card without a name (got '', expected a name (FN or N): name the contact in the "
        "address book, or delete the card)",
        "x.vcf:3: not a vCard line (got 'FN Li Qiong', expected NAME:value or NAME;PARAMETER=value:value (a "
        "line that goes on from the one before starts with a space))",
    ]
    assert str(problems[1]) == (
        "x.vcf:4:FN: unknown character set (got 'KLINGON', expected a CHARSET such as UTF-8, GBK or "
        "ISO-8859-1)"
    )


def test_what_is_no_address_book_is_refused_before_any_row():
    assert read_address_book(" \n", "x.vcf")[2] == [
        "x.vcf:1: the file is empty (got nothing, expected a vCard file or a Google CSV)"
    ]
    assert read_address_book("Name,Phone\nLi,1\n", "x.csv")[2] == [
        "x.csv:1: neither a vCard file nor a Google Contacts export (got 'name, phone', expected BEGIN:VCARD "
        "on the first line of a vCard file, or the header of Google Contacts' export: First Name,Middle "
        "Name,Last Name,... (or Name,Given Name,... in its older one))"
    ]


@pytest.mark.parametrize(
    ("text", "omit", "stored"),
    [
        ("1980-02-09", "", {"birthday": "1980-02-09"}),
        ("19800209", "", {"birthday": "1980-02-09"}),
        ("1953-10-15T23:10:00Z", "", {"birthday": "1953-10-15"}),
        ("--0927", "", {"birthday_month_day": "09-27"}),
        ("--09-27", "", {"birthday_month_day": "09-27"}),
        ("--0229", "", {"birthday_month_day": "02-29"}),
        ("1604-05-12", "1604", {"birthday_month_day": "05-12"}),
        ("1996", "", {}),
        ("---15", "", {}),
    ],
)
def test_birthdays_in_every_form(text, omit, stored):
    assert birthday(text, omit) == stored


@pytest.mark.parametrize("text", ["15/03/1980", "1980-02-30", "--1332", "circa 1800"])
def test_what_is_no_birthday_is_refused(text):
    with pytest.raises(Invalid, match="not a date"):
        birthday(text)


@pytest.mark.parametrize(
    ("words", "tie"),
    [
        (["spouse"], ("KIN", "spouse")),
        (["_$!<Mother>!$_"], ("KIN", "mother")),
        (["* Domestic Partner"], ("KIN", "domestic partner")),
        (["妻子"], ("KIN", "妻子")),
        (["friend", "colleague"], ("KNOWS", "friend, colleague")),
        (["_$!<Assistant>!$_"], ("KNOWS", "assistant")),
        (["Golf buddy"], ("KNOWS", "golf buddy")),
        ([], ("KNOWS", "related")),
    ],
)
def test_relation_words_make_kin_or_knows(words, tie):
    assert tie_of(words) == tie


# -- each file into the Jinchang seed, both engines ----------------------------------------------


def test_apple_vcard_3(jinchang):
    before = {pid: person(jinchang, pid) for pid in ("jinchang.liu-bin", "jinchang.zhao-zhigang")}
    result = import_contacts(jinchang, APPLE, REP, progress=False)
    assert result.counts == {"Account": 1, "KIN": 1, "KNOWS": 4, "Person": 5, "WORKS_AT": 2}
    # New people, from their UIDs; the preferred e-mail (TYPE=pref, not the first), a birthday
    # without its year (Apple's 1604 with X-APPLE-OMIT-YEAR), an escaped comma.
    assert person(jinchang, SUN_LI) == {
        "name": "孙丽",
        "title": "工程师 Engineer",
        "email": "sunli1982@163.example",
        "month_day": "05-12",
        "source": "contacts",
    }
    assert person(jinchang, WANG_FANG) == {
        "name": "王芳",
        "title": "采购经理, 华北区",
        "email": "wang.fang@xinhua-tech.example",
        "phone": "+86 10 6552 8810",
        "source": "contacts",
    }
    # Matched by e-mail: only what the graph lacked (the phone) is added; name and title kept.
    for pid, phone in (
        ("jinchang.liu-bin", "+86 139 4510 2288"),
        ("jinchang.zhao-zhigang", "+86 139 4510 3366"),
    ):
        assert person(jinchang, pid) == {**before[pid], "phone": phone}
    # Organisations by name (a quoted-printable ORG with soft line breaks among them); a new one
    # is a prospect account; people already employed keep their organisation.
    assert employer(jinchang, SUN_LI) == ["jinchang.power-company"]
    assert employer(jinchang, WANG_FANG) == ["contact-org:新华科技"]
    assert employer(jinchang, "jinchang.liu-bin") == ["jinchang.jinchang"]
    account = jinchang.read("MATCH (a:Account {id: 'contact-org:新华科技'}) RETURN a.name AS n, a.kind AS k")
    assert account == [{"n": "新华科技", "k": "prospect"}]
    # The rep knows each contact, but not themself (their own card); a tie already held keeps its
    # strength and context (刘斌: 0.2, met on a sales visit); spouses listed on both cards are one KIN.
    assert ties(jinchang, SUN_LI) == {
        ("KNOWS", REP, "address book", 0.5),
        ("KIN", "jinchang.zhao-zhigang", "spouse", 0.5),
    }
    assert ties(jinchang, WANG_FANG) == {
        ("KNOWS", REP, "address book", 0.5),
        ("KNOWS", "jinchang.li-qiong", "friend", 0.5),
    }
    assert ("KNOWS", "jinchang.liu-bin", "met on a sales visit", 0.2) in ties(jinchang, REP)
    assert ("KNOWS", "jinchang.zhao-zhigang", "address book", 0.5) in ties(jinchang, REP)
    assert REP not in {other for _, other, _, _ in ties(jinchang, REP)}
    # The company card is no person; the NOTE and the PHOTO are stored nowhere.
    assert jinchang.read("MATCH (p:Person {name: '新华科技'}) RETURN p.id AS id") == []
    exported = "\n".join(export_lines(jinchang))
    assert "WeChat" not in exported and "ADC trial" not in exported and "AAECAwQF" not in exported


def test_vcard_4_related_by_uid_mailto_and_text(jinchang):
    result = import_contacts(jinchang, VCARD4, REP, progress=False)
    assert result.counts == {"KIN": 1, "KNOWS": 4, "Person": 3, "WORKS_AT": 1}
    assert person(jinchang, CHEN_JING) == {
        "name": "陈静 Chen Jing",
        "title": "销售经理",
        "email": "chen.jing@longjiang-info.example",  # PREF=1, written second
        "phone": "+86-139-0451-6677",  # tel: URI
        "month_day": "03-15",
        "source": "contacts",
    }
    assert person(jinchang, CHEN_XIAOMING) == {
        "name": "陈小明",
        "birthday": "2005-06-07",
        "source": "contacts",
    }
    assert employer(jinchang, CHEN_JING) == ["jinchang.longjiang-infotech"]
    assert ties(jinchang, CHEN_JING) == {
        ("KNOWS", REP, "address book", 0.5),
        ("KNOWS", "jinchang.li-qiong", "friend", 0.5),  # VALUE=text, a name one person has
        ("KIN", CHEN_XIAOMING, "child", 0.5),  # urn:uuid: of a card of the file, related both ways
    }
    # Matched by the name one person has (its UID is no id in the graph): the phone is added,
    # the rep's tie (0.1, met once) kept; RELATED by mailto: to a person of the graph.
    assert person(jinchang, "jinchang.qian-lixin")["phone"] == "+86-451-8888-1203"
    qian = ties(jinchang, "jinchang.qian-lixin")
    assert ("KNOWS", REP, "met once; sent you to procurement", 0.1) in qian
    assert ("KNOWS", "jinchang.liu-bin", "co-worker", 0.5) in qian
    assert jinchang.read("MATCH (p:Person) WHERE p.name STARTS WITH '龙江' RETURN p.id AS id") == []


def test_google_csv_today_and_older(jinchang):
    result = import_contacts(jinchang, GOOGLE, REP, progress=False)
    assert result.counts == {"KIN": 1, "KNOWS": 4, "Person": 3, "WORKS_AT": 2}
    people = {
        r["name"]: r["id"]
        for r in jinchang.read("MATCH (p:Person {source: 'contacts'}) RETURN p.id AS id, p.name AS name")
    }
    assert sorted(people) == ["林华", "林梅"]  # family name first; the company row is no person
    lin_mei, lin_hua = people["林梅"], people["林华"]
    assert lin_mei.startswith("contact:") and lin_hua.startswith("contact:")
    assert person(jinchang, lin_mei) == {
        "name": "林梅",
        "title": "项目经理",
        "email": "lin.mei@huaxun.example",  # `* Work`, Google's primary
        "phone": "+86 136 0451 7821",
        "month_day": "11-13",
        "source": "contacts",
    }
    assert person(jinchang, lin_hua)["birthday"] == "1985-04-20"
    assert employer(jinchang, lin_mei) == ["jinchang.huaxun-networks"]
    assert employer(jinchang, lin_hua) == ["jinchang.jinchang"]
    assert ties(jinchang, lin_mei) == {("KNOWS", REP, "address book", 0.5), ("KIN", lin_hua, "sister", 0.5)}
    assert ("KNOWS", "jinchang.qian-lixin", "manager", 0.5) in ties(jinchang, lin_hua)
    # 赵志刚 by e-mail: his tie to the rep is new, his friendship with 李琼 (0.7) is kept.
    zhao = ties(jinchang, "jinchang.zhao-zhigang")
    assert ("KNOWS", REP, "address book", 0.5) in zhao
    assert ("KNOWS", "jinchang.li-qiong", "friend", 0.7) in zhao
    assert "Bid manager" not in "\n".join(export_lines(jinchang))

    result = import_contacts(jinchang, GOOGLE_OLD, REP, progress=False)
    assert result.counts == {"KNOWS": 2, "Person": 2, "WORKS_AT": 1}  # 刘斌 gets his phone
    [zhou] = jinchang.read("MATCH (p:Person {name: '周敏'}) RETURN p.id AS id")
    assert employer(jinchang, zhou["id"]) == ["jinchang.beifang-software"]
    # A relation by the name of another row (刘斌), which is the graph's 刘斌 Liu Bin by e-mail.
    assert ties(jinchang, zhou["id"]) == {
        ("KNOWS", REP, "address book", 0.5),
        ("KNOWS", "jinchang.liu-bin", "friend", 0.5),
    }


def test_every_file_again_changes_nothing(jinchang):
    for file in (APPLE, VCARD4, GOOGLE, GOOGLE_OLD):
        import_contacts(jinchang, file, REP, progress=False)
    before, version = snapshot(jinchang), jinchang.version()
    for file in (APPLE, VCARD4, GOOGLE, GOOGLE_OLD):
        assert import_contacts(jinchang, file, REP, progress=False).counts == {}
    assert snapshot(jinchang) == before
    assert jinchang.version() == version


def test_two_people_of_one_name_are_an_ambiguity_never_a_guess(jinchang, tmp_path):
    """With tests/data/mini beside the seed, 李琼 Li Qiong and 刘斌 Liu Bin are two people each."""
    import_path(jinchang, MINI, progress=False)
    before = snapshot(jinchang)
    with pytest.raises(InvalidInput) as err:
        import_contacts(jinchang, APPLE, REP, progress=False)
    assert err.value.problems == [
        "apple.vcf:79:X-ABRELATEDNAMES: a relation to a name that 2 people have (got '李琼 Li Qiong', "
        "expected one person, not 2 (jinchang.li-qiong, p1): name them apart in the address book, or "
        "relate the card by UID or e-mail)"
    ]
    card = tmp_path / "liu.vcf"
    card.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:刘斌 Liu Bin\nTEL:+86 139 4510 2288\nEND:VCARD\n")
    with pytest.raises(InvalidInput) as err:
        import_contacts(jinchang, card, REP, progress=False)
    assert err.value.problems == [
        "liu.vcf:1:FN: 2 people in the graph have this name, and the card's e-mail and UID are none of "
        "theirs (got '刘斌 Liu Bin', expected one person: give the card the e-mail the one it is has in "
        "the graph (jinchang.liu-bin, p2))"
    ]
    # The e-mail tells them apart.
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:刘斌 Liu Bin\nEMAIL:Liu.Bin@jinchang.example\nTEL:+86 1\nEND:VCARD\n"
    )
    assert import_contacts(jinchang, card, REP, progress=False).counts == {"Person": 1}
    assert person(jinchang, "jinchang.liu-bin")["phone"] == "+86 1"
    assert "phone" not in person(jinchang, "p2") and snapshot(jinchang) != before


def test_a_card_related_to_itself_and_a_birthday_that_is_no_date(jinchang, tmp_path):
    card = tmp_path / "me.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:周敏\r\nUID:urn:uuid:11111111-2222-3333-4444-555555555555\r\n"
        "RELATED;TYPE=friend:urn:uuid:11111111-2222-3333-4444-555555555555\r\nBDAY:15/03/1980\r\n"
        "END:VCARD\r\n"
    )
    with pytest.raises(InvalidInput) as err:
        import_contacts(jinchang, card, REP, progress=False)
    assert err.value.problems == [
        "me.vcf:5:RELATED: a relation of a card to the person it is (got "
        "'urn:uuid:11111111-2222-3333-4444-555555555555', expected another person's UID, e-mail or name)",
        "me.vcf:6:BDAY: not a date (got '15/03/1980', expected a date such as 1980-02-09, 19800209, or "
        "--0209 for a birthday without its year)",
    ]


def test_path_to_a_contact_answers_through_the_rep(cli, db):
    assert cli("import", str(seed_path("jinchang"))).exit_code == 0
    for file in (APPLE, VCARD4):
        result = cli("import-contacts", str(file), "--rep", REP)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{file.name}: imported: ")
    result = cli("path", CHEN_XIAOMING, "--json")
    assert result.exit_code == 0, result.output
    paths = json.loads(result.output)["paths"]
    assert paths and all(p["hops"][0]["source"]["id"] == REP for p in paths)
    [hop] = paths[0]["hops"]
    assert (hop["target"]["id"], hop["type"], hop["context"], hop["strength"]) == (
        CHEN_XIAOMING,
        "KNOWS",
        "address book",
        0.5,
    )
    # Through the family of a contact: 孙丽, 赵志刚's wife, also by her husband.
    result = cli("path", SUN_LI)
    assert result.exit_code == 0
    assert "#1  warmth 0.25  你 You → 孙丽\n" in result.output
    assert "你 You → 李琼 Li Qiong → 赵志刚 Zhao Zhigang → 孙丽" in result.output
    assert "to introduce you to 孙丽 (their family: spouse; strong tie (0.5)" in result.output


def test_dry_run_and_unknown_rep_write_nothing(cli, db):
    cli("import", str(seed_path("jinchang")))
    with open_store(db) as store:
        before = snapshot(store)
    result = cli("import-contacts", str(GOOGLE), "--rep", REP, "--dry-run")
    assert (
        result.output == "google.csv: would import (dry run, nothing written): 3 people, 2 places of work, "
        '4 "knows" ties, 1 "family" tie\n'
    )
    result = cli("import-contacts", str(GOOGLE), "--rep", "jinchang.jinchang")
    assert result.exit_code == 2
    assert (
        "--rep: the id is an Account (got 'jinchang.jinchang', expected the id of a person)" in result.output
    )
    with open_store(db) as store:
        assert snapshot(store) == before
