"""`graphcrm import-salesforce`: a Salesforce export (tests/data/salesforce/, Data Export's and
Data Loader's column order, Account.csv saved by Excel with a BOM, Contact.csv with 18-character
ids, the others with 15) into the graph, its ids one whatever their length, again without a
change, and the questions answered on the result. Its mistakes are cases 70-75 of
tests/bad_input/."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from graphcrm import names
from graphcrm.ingest import fields as F
from graphcrm.ingest.files import InvalidInput, apply_plan, import_path
from graphcrm.ingest.salesforce import (
    RoleMap,
    checksum,
    plan_salesforce,
    salesforce_date,
    salesforce_id,
)
from graphcrm.store import Store
from tests.conftest import snapshot
from tests.test_import import MINI

EXPORT = Path(__file__).parent / "data" / "salesforce"
SDWAN, CAMPUS, UC = "sf:0065j00000AbC3x", "sf:0065j00000AbC3y", "sf:0065j00000AbC3z"
XINGHE, LANHAI, PHARMA, XUNTONG = (f"sf:0015j00000Qm8T{c}" for c in "bcde")
GAO, PENG = "sf:0055j000004Fz2Q", "sf:0055j000004Fz2R"
LIU_FANG = "sf:0035j00000KpX1b"


def load(store: Store, folder: Path = EXPORT, **maps: Path) -> dict[str, int]:
    plan, problems = plan_salesforce(store, folder, **maps)
    return apply_plan(store, plan, problems, progress=False).counts


def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    return folder


def edit(file: Path, change: dict[tuple[int, str], str] | None = None, short_ids: bool = False) -> None:
    """Set cells of a CSV file: (row as a spreadsheet numbers it, column) -> text; with
    `short_ids`, every 18-character id of an account, contact or user cut to its 15."""
    data = file.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for (row, column), value in (change or {}).items():
        rows[row - 1][rows[0].index(column)] = value
    if short_ids:
        rows = [[c[:15] if len(c) == 18 and c[:3] in ("001", "003", "005") else c for c in r] for r in rows]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    file.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))


# -- the export imports -----------------------------------------------------------------------------


def test_the_export_imports_its_accounts_people_org_chart_seats_and_statuses(store):
    assert load(store) == {
        "Account": 3,  # Xinghe, Lanhai Group, Lanhai Pharmaceutical
        "Org": 2,  # Xuntong Telecom (a competitor) and our own company
        "Person": 14,  # 12 contacts (a 13th is in the recycle bin) and 2 users
        "Opportunity": 3,
        "WORKS_AT": 15,  # 12 contacts, 2 users, and Ming Li at Lanhai's subsidiary
        "TIED_TO": 1,  # Sun Li to the competitor
        "REPORTS_TO": 7,
        "FOR": 3,
        "IN_COMMITTEE": 12,
    }
    accounts = store.read(
        "MATCH (a:Node) WHERE a:Account OR a:Org RETURN a.id AS id, labels(a) AS labels, a.kind AS kind, "
        "a.crm_type AS type, a.parent AS parent, a.region AS region ORDER BY id"
    )
    assert [(a["id"], a["kind"], a["type"], a["parent"]) for a in accounts] == [
        (XINGHE, "customer", "Customer - Direct", None),
        (LANHAI, "customer", None, None),
        (PHARMA, "prospect", None, LANHAI),
        (XUNTONG, "competitor", None, None),
        ("sf:our-company", "other", None, None),
    ]
    assert accounts[0]["region"] == "Wuhan, Hubei, China" and "Org" in accounts[3]["labels"]
    managers = store.read(
        "MATCH (a:Person)-[:REPORTS_TO]->(b:Person) RETURN a.name AS who, b.name AS manager ORDER BY who"
    )
    assert [(m["who"], m["manager"]) for m in managers] == [
        ("Qiang Huang", "Hong Zheng"),
        ("Xin He", "Hong Zheng"),
        ("刘芳", "陈志远"),
        ("吴静", "陈志远"),
        ("孙丽", "陈志远"),
        ("张伟", "刘芳"),
        ("赵磊", "张伟"),
    ]
    seats = store.read(
        "MATCH (p:Person)-[s:IN_COMMITTEE]->(o:Opportunity {id: $o}) "
        "RETURN p.name AS who, s.roles AS roles, s.crm_role AS crm, s.primary AS primary ORDER BY who",
        {"o": SDWAN},
    )
    assert [(s["who"], s["roles"], s["crm"], s["primary"]) for s in seats] == [
        ("刘芳", ["D"], "Economic Buyer", True),
        ("吴静", None, "Influencer", None),  # a seat with no role
        ("孙丽", ["D"], "Decision Maker", None),
        ("张伟", ["S"], "Technical Buyer", None),
        ("赵磊", ["E"], "Evaluator", None),
        ("陈志远", ["D"], "Executive Sponsor", None),
    ]
    deals = store.read(
        "MATCH (o:Opportunity)-[:FOR]->(a:Account) RETURN o.id AS id, o.status AS status, o.stage AS stage, "
        "o.crm_stage AS crm, o.value AS value, o.close_date AS close, o.owner AS owner, a.id AS account "
        "ORDER BY id"
    )
    assert [tuple(d.values()) for d in deals] == [
        (SDWAN, "open", "proposals", "Proposal/Price Quote", 1200000.0, "2027-03-31", GAO, XINGHE),
        (CAMPUS, "won", "decide", "Closed Won", 800000.0, "2026-09-30", PENG, LANHAI),
        (UC, "lost", "decide", "Closed Lost", 300000.0, "2026-11-15", GAO, PHARMA),
    ]
    reps = store.read("MATCH (r:Rep)-[:WORKS_AT]->(o:Org) RETURN r.name AS rep, o.name AS org ORDER BY rep")
    assert reps == [
        {"rep": "Bo Peng", "org": "华云网络 Huayun Networks"},
        {"rep": "Yan Gao", "org": "华云网络 Huayun Networks"},
    ]


def test_ids_of_15_and_18_characters_are_one_record(store):
    """Contact.csv names its contacts by 18-character ids, OpportunityContactRole.csv and
    AccountContactRelation.csv by 15: every seat and relation reaches its contact, stored as
    `sf:` and the 15 characters."""
    load(store)
    ids = [r["id"] for r in store.read("MATCH (p:Person) RETURN p.id AS id ORDER BY id")]
    assert LIU_FANG in ids and all(len(i) == len("sf:") + 15 for i in ids if i != "sf:our-company")
    ties = store.read(
        "MATCH (p:Person {name: 'Ming Li'})-[r]->(x) RETURN type(r) AS type, x.id AS to, "
        "r.indirect AS indirect, r.crm_roles AS roles ORDER BY type, to"
    )
    assert [tuple(t.values()) for t in ties] == [
        ("IN_COMMITTEE", CAMPUS, None, None),
        ("IN_COMMITTEE", UC, None, None),
        ("WORKS_AT", LANHAI, None, None),
        ("WORKS_AT", PHARMA, True, "Decision Maker"),  # an indirect relation to an account
    ]
    tied = store.read(
        "MATCH (p:Person)-[t:TIED_TO]->(o:Org) RETURN p.name AS who, o.id AS org, t.kind AS kind"
    )
    assert tied == [{"who": "孙丽", "org": XUNTONG, "kind": "account contact relation"}]


def test_a_reimport_changes_nothing_whatever_the_length_of_the_ids(store, tmp_path):
    load(store)
    before = snapshot(store)
    load(store)
    assert snapshot(store) == before
    folder = copy(tmp_path)  # Contact.csv from a report: every id in its 15 characters
    edit(folder / "Contact.csv", short_ids=True)
    assert "KpX1bAAF" not in (folder / "Contact.csv").read_text(encoding="utf-8")
    load(store, folder)
    assert snapshot(store) == before


def test_a_dry_run_writes_nothing(cli, db):
    result = cli("import-salesforce", str(EXPORT), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("salesforce: would import (dry run, nothing written): 3 accounts,")
    assert "Person" not in cli("stats").output


# -- the questions on the result --------------------------------------------------------------------


def test_committee_and_path_answer_on_the_imported_graph(cli, tmp_path):
    """The committee of an imported opportunity, with its roles; no warm path until a tie from our
    team is known, then one through the org chart Salesforce gave (REPORTS_TO, both ways)."""
    assert cli("import-salesforce", str(EXPORT)).exit_code == 0
    committee = cli("committee", SDWAN)
    assert committee.exit_code == 0, committee.output
    lines = committee.output.splitlines()
    assert lines[0] == "星河物流 SD-WAN 全国组网 Xinghe SD-WAN rollout (星河物流 Xinghe Logistics)"
    assert any(line.split()[:2] == ["刘芳", "D"] for line in lines)
    assert "no warm path to: 陈志远, 刘芳, 张伟, 赵磊, 孙丽, 吴静" in committee.output
    nobody = cli("path", LIU_FANG)
    assert (nobody.exit_code, nobody.output.splitlines()) == (
        0,
        ["Warmest paths to 刘芳:", "  no path from our team within the hop limit"],
    )
    ties = tmp_path / "ties.csv"  # Yan Gao and the CEO's assistant worked together before
    ties.write_text(
        "source,target,type,strength,context,since,last_contact\n"
        f"{GAO},sf:0035j00000KpX1f,KNOWS,0.8,former colleague,2019-05-01,2026-11-12\n",
        encoding="utf-8",
    )
    assert cli("import", str(ties)).exit_code == 0
    path = cli("path", LIU_FANG)
    assert path.exit_code == 0, path.output
    assert "Yan Gao → 吴静 → 陈志远 → 刘芳" in path.output.splitlines()[1]
    assert "no warm path to: nobody" in cli("committee", SDWAN).output


# -- maps, users, records already held --------------------------------------------------------------


def test_the_users_own_role_and_stage_maps(store, tmp_path):
    folder = copy(tmp_path)
    edit(folder / "OpportunityContactRole.csv", {(2, "Role"): "Approver"})  # 刘芳 on the SD-WAN deal
    edit(folder / "Opportunity.csv", {(2, "StageName"): "Verbal Commit"})
    roles = tmp_path / "roles.csv"
    roles.write_text("crm_role,role\nApprover,D;E\nInfluencer,U\n", encoding="utf-8")
    stages = tmp_path / "stages.csv"
    stages.write_text("crm_stage,stage\nVerbal Commit,negotiate\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as err:
        load(store, folder)
    assert [p.split(" (")[0] for p in err.value.problems] == [
        "Opportunity.csv:2:StageName: unknown stage",
        "OpportunityContactRole.csv:2:Role: unknown contact role",
    ]
    load(store, folder, role_map=roles, stage_map=stages)
    seats = store.read(
        "MATCH (p:Person)-[s:IN_COMMITTEE]->(o:Opportunity {id: $o}) WHERE p.name IN ['刘芳', '吴静'] "
        "RETURN p.name AS who, s.roles AS roles, s.crm_role AS crm, o.stage AS stage, "
        "o.crm_stage AS crm_stage ORDER BY who",
        {"o": SDWAN},
    )
    assert [tuple(s.values()) for s in seats] == [
        ("刘芳", ["D", "E"], "Approver", "negotiate", "Verbal Commit"),
        ("吴静", ["U"], "Influencer", "negotiate", "Verbal Commit"),
    ]


def test_a_bad_role_map_is_reported_with_its_rows(store, tmp_path):
    roles = tmp_path / "roles.csv"
    roles.write_text("crm_role,role\nApprover,X\n,D\nInfluencer,U\ninfluencer,E\n", encoding="utf-8")
    plan, problems = plan_salesforce(store, EXPORT, role_map=roles)
    assert problems == [
        "roles.csv:2:role: unknown role (got 'X', expected one of D, E, S, U)",
        "roles.csv:3:crm_role: a required value is empty (got '', expected the role as Salesforce writes it)",
        "roles.csv:5:crm_role: a role mapped twice (got 'influencer', expected each once (row 4))",
    ]
    assert not plan.nodes


def test_without_user_csv_the_owner_is_kept_and_with_it_must_be_a_user(store, tmp_path):
    folder = copy(tmp_path)
    (folder / "User.csv").unlink()
    counts = load(store, folder)
    assert counts["Person"] == 12 and counts["Org"] == 1
    assert store.read("MATCH (r:Rep) RETURN count(r) AS reps") == [{"reps": 0}]
    assert store.read("MATCH (o:Opportunity {id: $o}) RETURN o.owner AS owner", {"o": SDWAN}) == [
        {"owner": GAO}
    ]
    folder = copy(tmp_path / "again")
    edit(folder / "Opportunity.csv", {(3, "OwnerId"): "0055j000004Fz9Z"})
    with pytest.raises(InvalidInput) as err:
        load(store, folder)
    assert err.value.problems == [
        "Opportunity.csv:3:OwnerId: unknown id (got 'sf:0055j000004Fz9Z', expected the id of a person "
        "defined in this import or already in the database)"
    ]


def test_records_already_in_the_graph_are_linked_to_and_left_as_they_are(store, tmp_path):
    """An account of the same name and a person of the same e-mail (from the user's own files)
    are the export's records: linked to, never changed; a re-import finds them again."""
    import_path(store, MINI, progress=False)
    own = tmp_path / "own"
    own.mkdir()
    (own / "accounts.csv").write_text(
        "id,name,kind,industry\nxinghe,星河物流 Xinghe Logistics,customer,logistics\n", encoding="utf-8"
    )
    (own / "people.csv").write_text(
        "id,name,org_id,title,email\np9,Liu Fang,xinghe,CIO,Liu.Fang@xinghe-logistics.example\n",
        encoding="utf-8",
    )
    import_path(store, own, progress=False)
    load(store)
    held = store.read("MATCH (p:Person {id: 'p9'}) RETURN properties(p) AS props")[0]["props"]
    assert names.stored(held) == {
        "id": "p9",
        "name": "Liu Fang",
        "title": "CIO",
        "email": "Liu.Fang@xinghe-logistics.example",
    }
    ties = store.read(
        "MATCH (p:Person {id: 'p9'})-[r]->(x) RETURN type(r) AS type, x.id AS to ORDER BY type, to"
    )
    assert [(t["type"], t["to"]) for t in ties] == [
        ("IN_COMMITTEE", SDWAN),
        ("REPORTS_TO", "sf:0035j00000KpX1a"),
        ("WORKS_AT", "xinghe"),
    ]
    assert (
        store.read("MATCH (n:Node) WHERE n.id IN [$a, $b] RETURN n.id AS id", {"a": XINGHE, "b": LIU_FANG})
        == []
    )
    assert store.read("MATCH (o:Opportunity {id: $o})-[:FOR]->(a) RETURN a.id AS a", {"o": SDWAN}) == [
        {"a": "xinghe"}
    ]
    before = snapshot(store)
    load(store)
    assert snapshot(store) == before


def test_two_people_of_the_contacts_name_are_a_problem_not_a_guess(store, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("id,name\nx1,陈志远\nx2,陈志远\n", encoding="utf-8")
    import_path(store, people, progress=False)
    with pytest.raises(InvalidInput) as err:
        load(store)
    assert err.value.problems == [
        "Contact.csv:2:Email: the name is several people's in the graph (got '陈志远', expected an Email "
        "that one of them has (x1, x2), so that it is not a guess)"
    ]


# -- what an export may hold --------------------------------------------------------------------------


def test_other_objects_files_and_extra_columns_are_left_alone_and_one_seat_takes_several_roles(
    store, tmp_path
):
    folder = copy(tmp_path)
    (folder / "Task.csv").write_text('"Id","WhoId","Subject"\n"00T5j00000Ab1Cd","","Call"\n')
    (folder / "attachments").mkdir()
    with (folder / "OpportunityContactRole.csv").open("a", encoding="utf-8", newline="") as out:
        out.write(
            '"00K5j000002Hq99","0065j00000AbC3x","0035j00000KpX1b","Evaluator","false",,,,,,"false"\r\n'
        )
    counts = load(store, folder)
    assert counts["IN_COMMITTEE"] == 12
    seat = store.read(
        "MATCH (:Person {id: $p})-[s:IN_COMMITTEE]->(:Opportunity {id: $o}) RETURN properties(s) AS s",
        {"p": LIU_FANG, "o": SDWAN},
    )
    assert seat == [{"s": {"roles": ["D", "E"], "crm_role": "Economic Buyer; Evaluator", "primary": True}}]


def test_an_account_of_another_type_with_a_deal_is_an_account(store, tmp_path):
    """A partner we sell to is an account we sell to (its type kept); an unknown type is a prospect."""
    folder = copy(tmp_path)
    edit(folder / "Account.csv", {(3, "Type"): "Technology Partner", (4, "Type"): "Strategic"})
    load(store, folder)
    rows = store.read(
        "MATCH (a:Account) WHERE a.id IN [$a, $b] RETURN a.id AS id, a.kind AS kind, a.crm_type AS type "
        "ORDER BY id",
        {"a": LANHAI, "b": PHARMA},
    )
    assert [tuple(r.values()) for r in rows] == [
        (LANHAI, "customer", "Technology Partner"),  # its deal is won
        (PHARMA, "prospect", "Strategic"),
    ]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda tmp: tmp / "nowhere", "/nowhere: no such folder"),
        (lambda tmp: _file(tmp / "export.zip"), "export.zip: a zip file (got Salesforce's zip, expected"),
        (lambda tmp: _file(tmp / "empty" / "notes.txt").parent, "empty: no Salesforce export files found"),
    ],
)
def test_what_is_no_export_is_said(store, tmp_path, make, expected):
    _plan, problems = plan_salesforce(store, make(tmp_path))
    assert len(problems) == 1 and expected in problems[0], problems


def _file(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK\x03\x04")
    return path


def test_contacts_without_their_accounts_file_say_it_is_missing(store, tmp_path):
    folder = copy(tmp_path)
    (folder / "Account.csv").unlink()
    plan, problems = plan_salesforce(store, folder)
    with pytest.raises(InvalidInput) as err:
        apply_plan(store, plan, problems, progress=False)
    last = err.value.problems[-1]
    assert last.startswith("export: no Account.csv, and the ") and "ids of accounts that the import" in last


# -- ids and cells, no database -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("a01M00000062mPg", "a01M00000062mPgIAI"),
        ("001M000000qfPyS", "001M000000qfPySIAU"),
        ("a0FE000000D6r3F", "a0FE000000D6r3FMAR"),
        ("0F9E000000092w2", "0F9E000000092w2KAA"),
        ("AbCdEfGhIjKlMnO", "AbCdEfGhIjKlMnOVKV"),
        ("aBcDEfgHIJKLMNO", "aBcDEfgHIJKLMNO025"),
    ],
)
def test_an_18_character_id_is_its_15_characters_and_their_checksum(short, long):
    assert short + checksum(short) == long
    assert salesforce_id(short) == salesforce_id(long) == short
    # a tool that changed every letter's case: the checksum gives the capitals back
    assert salesforce_id(long.lower()) == salesforce_id(long.upper()) == short


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("001M000000qfPySIAV", "the last 3 characters of an 18-character id do not match its first 15"),
        ("001M000000qfPysIAU", "the last 3 characters of an 18-character id do not match its first 15"),
        ("001M000000qfPy", "not a Salesforce id"),
        ("001M000000qfPyS-AU", "not a Salesforce id"),
        ("001M00000０qfPyS", "not a Salesforce id"),
    ],
)
def test_a_wrong_id_is_refused(text, problem):
    with pytest.raises(F.Invalid) as err:
        salesforce_id(text)
    assert err.value.problem == problem


def test_dates_and_date_times_keep_their_date_and_roles_their_map():
    assert salesforce_date("2027-03-31") == salesforce_date("2027-03-31T00:00:00.000Z") == "2027-03-31"
    assert salesforce_date("2026-11-15T16:30:00.000+0800") == "2026-11-15"
    with pytest.raises(F.Invalid):
        salesforce_date("31/03/2027")
    roles = RoleMap({"approver": ("D",)}, "roles.csv")
    assert roles.roles("APPROVER") == ("D",) and roles.roles("economic buyer") == ("D",)
    assert roles.roles("Influencer") == ()
    with pytest.raises(F.Invalid) as err:
        roles.roles("Gatekeeper")
    assert err.value.expected.startswith("a role of roles.csv, or one of Salesforce's default roles")
