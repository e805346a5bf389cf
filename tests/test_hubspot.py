"""HubSpot's CRM export (graphcrm/ingest/hubspot.py): companies as XLSX with labels, contacts as
CSV with internal values, deals as CSV with labels (tests/data/hubspot/), into accounts, people,
opportunities and committee seats; re-imported unchanged; the committee answers on both engines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graphcrm.ingest import fields as F
from graphcrm.ingest.files import ImportResult, InvalidInput, apply_plan, import_path
from graphcrm.ingest.hubspot import buying_roles, date, kind_of, money, plan_hubspot, record_ids
from graphcrm.store import Store
from tests.conftest import snapshot
from tests.test_import import MINI

EXPORT = Path(__file__).parent / "data" / "hubspot"
COMPANIES = "hubspot-crm-exports-all-companies-2026-11-30.xlsx"
CONTACTS = "hubspot-crm-exports-all-contacts-2026-11-30.csv"
DEALS = "hubspot-crm-exports-all-deals-2026-11-30.csv"
BEICHEN, HUAXIN, CONTOSO = "hs-company:18230450101", "hs-company:18230450102", "hs-company:18230450103"
TELEMATICS, NETWORK, PILOT = "hs-deal:14501230001", "hs-deal:14501230002", "hs-deal:14501230003"
COUNTS = {"Account": 3, "Person": 10, "Opportunity": 3, "WORKS_AT": 10, "FOR": 3, "IN_COMMITTEE": 10}


def run(store: Store, folder: Path, **options: object) -> ImportResult:
    plan, problems = plan_hubspot(store, folder, **options)  # type: ignore[arg-type]
    return apply_plan(store, plan, problems, progress=False)


def problems_of(store: Store, folder: Path, **options: object) -> list[str]:
    with pytest.raises(InvalidInput) as err:
        run(store, folder, **options)
    return err.value.problems


def export_with(tmp_path: Path, **files: str) -> Path:
    """The fixture export with some files replaced (name: CSV text) or removed (name: "")."""
    folder = tmp_path / "export"
    shutil.copytree(EXPORT, folder)
    for name, text in files.items():
        (folder / name).unlink(missing_ok=True)
        if text:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


# -- the fixture, whole ------------------------------------------------------------------------------


def test_the_export_imports_and_the_committee_answers(cli, db):
    result = cli("import-hubspot", str(EXPORT))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "hubspot: imported: 3 accounts, 10 people, 3 opportunities, 10 places of work, 10 committee seats, "
        "3 opportunities' accounts\n"
    )
    committee = cli("committee", TELEMATICS)
    assert committee.exit_code == 0, committee.output
    assert committee.stdout.startswith("Beichen fleet telematics rollout (北辰物流 Beichen Logistics)\n")
    report = json.loads(cli("committee", TELEMATICS, "--json").stdout)
    assert [(m["name"], m["roles"], m["stance"]) for m in report["members"]] == [
        ("高建华", ["D"], "neutral"),
        ("Jing Zhou", ["U"], "champion"),
        ("Lei Sun", ["D"], "neutral"),
        ("Min Liu", [], "blocker"),
    ]
    again = cli("import-hubspot", str(EXPORT), "--dry-run")
    assert again.stdout.startswith("hubspot: would import (dry run, nothing written): 3 accounts")


def test_accounts_people_and_where_they_work(store):
    assert run(store, EXPORT).counts == COUNTS
    accounts = store.read(
        "MATCH (a:Account) RETURN a.id AS id, a.name AS name, a.kind AS kind, a.status AS status, "
        "a.domain AS domain, a.source AS source ORDER BY id"
    )
    assert accounts == [
        {
            "id": BEICHEN,
            "name": "北辰物流 Beichen Logistics",
            "kind": "prospect",
            "status": "prospect",
            "domain": "beichen-logistics.example",
            "source": "hubspot",
        },
        {
            "id": HUAXIN,
            "name": "华信电子 Huaxin Electronics",
            "kind": "customer",  # lifecycle stage Customer
            "status": "active",
            "domain": "huaxin-electronics.example",
            "source": "hubspot",
        },
        {
            "id": CONTOSO,
            "name": "Contoso Health Group",
            "kind": "prospect",
            "status": "prospect",
            "domain": "contoso-health.example",
            "source": "hubspot",
        },
    ]
    works = store.read(
        "MATCH (p:Person)-[:WORKS_AT]->(a) RETURN p.id AS id, p.name AS name, p.title AS title, "
        "p.email AS email, a.id AS at ORDER BY id"
    )
    assert [(w["id"].removeprefix("hs-contact:"), w["name"], w["at"]) for w in works] == [
        ("50110000001", "高建华", BEICHEN),  # Chinese names family name first, no space
        ("50110000002", "Jing Zhou", BEICHEN),
        ("50110000003", "Lei Sun", BEICHEN),
        ("50110000004", "Min Liu", BEICHEN),
        ("50110000005", "Fang Chen", HUAXIN),
        ("50110000006", "Tao Deng", HUAXIN),  # no primary: the first of "18230450102; 18230450103"
        ("50110000007", "Yan Ma", HUAXIN),
        ("50110000008", "Grace Miller", CONTOSO),
        ("50110000009", "Daniel Okafor", CONTOSO),
        ("50110000010", "Priya Natarajan", CONTOSO),  # the primary, not the first of "…101;…103"
    ]
    assert works[0]["title"] == "首席信息官 CIO"
    assert works[0]["email"] == "gao.jianhua@beichen-logistics.example"


def test_seats_carry_the_contacts_buying_roles_as_roles_and_stances(store):
    run(store, EXPORT)
    seats = store.read(
        "MATCH (p:Person)-[m:IN_COMMITTEE]->(o:Opportunity) RETURN p.name AS name, o.id AS deal, "
        "m.roles AS roles, m.stance AS stance, m.crm_role AS crm_role ORDER BY deal, name"
    )
    assert [(s["deal"], s["name"], s["roles"], s["stance"], s["crm_role"]) for s in seats] == [
        (TELEMATICS, "Jing Zhou", ["U"], "champion", "CHAMPION;END_USER"),
        (TELEMATICS, "Lei Sun", ["D"], None, "BUDGET_HOLDER"),
        (TELEMATICS, "Min Liu", None, "blocker", "BLOCKER"),
        (TELEMATICS, "高建华", ["D"], None, "DECISION_MAKER"),
        (NETWORK, "Fang Chen", ["D"], None, "EXECUTIVE_SPONSOR"),
        (NETWORK, "Tao Deng", ["U"], None, "END_USER;INFLUENCER"),
        (NETWORK, "Yan Ma", ["S"], None, "LEGAL_AND_COMPLIANCE"),
        (PILOT, "Daniel Okafor", None, None, "INFLUENCER"),  # a seat with no role
        (PILOT, "Grace Miller", None, None, "OTHER"),
        (PILOT, "Priya Natarajan", None, None, None),  # no buying role at all
    ]


def test_deals_get_stage_status_amount_and_date(store):
    run(store, EXPORT)
    deals = store.read(
        "MATCH (o:Opportunity)-[:FOR]->(a:Account) RETURN o.id AS id, o.name AS name, o.stage AS stage, "
        "o.crm_stage AS crm_stage, o.status AS status, o.value AS value, o.currency AS currency, "
        "o.close_date AS close_date, o.pipeline AS pipeline, a.id AS account ORDER BY id"
    )
    assert deals == [
        {
            "id": TELEMATICS,
            "name": "Beichen fleet telematics rollout",
            "stage": "negotiate",
            "crm_stage": "Contract Sent",
            "status": "open",
            "value": 1_200_000.0,
            "currency": "CNY",
            "close_date": "2026-12-15",  # from "2026-12-15 10:00"
            "pipeline": "Sales Pipeline",
            "account": BEICHEN,
        },
        {
            "id": NETWORK,
            "name": "Huaxin campus network upgrade",
            "stage": "decide",
            "crm_stage": "Closed Won",
            "status": "won",
            "value": 350_000.0,
            "currency": "CNY",
            "close_date": "2026-10-28",
            "pipeline": "Sales Pipeline",
            "account": HUAXIN,
        },
        {
            "id": PILOT,
            "name": "Contoso patient records pilot",
            "stage": "consult",
            "crm_stage": "Presentation Scheduled",
            "status": "open",
            "value": 86_500.5,
            "currency": "USD",
            "close_date": "2027-02-01",
            "pipeline": "Sales Pipeline",
            "account": CONTOSO,
        },
    ]


def test_a_second_import_changes_nothing(store):
    run(store, EXPORT)
    before = snapshot(store)
    assert run(store, EXPORT).counts == COUNTS
    assert snapshot(store) == before


# -- status from the stage, and HubSpot's own Is Closed Won ---------------------------------------

DEALS_HEADER = "hs_object_id,dealname,dealstage,amount,closedate,Associated Company IDs{won}\n"


def test_status_from_the_stage_and_is_closed_won_wins(store, tmp_path):
    rows = [
        ("1", "closedwon", "", "won"),
        ("2", "closedlost", "", "lost"),
        ("3", "contractsent", "", "open"),
        ("4", "Closed Won", "false", "lost"),  # HubSpot's column wins over the stage's name
        ("5", "Signed", "true", "won"),  # a custom stage (mapped below), won by the column
        ("6", "Signed", "false", "open"),
    ]
    deals = DEALS_HEADER.format(won=",hs_is_closed_won") + "".join(
        f"{n},Deal {n},{stage},1000,2027-01-0{n},18230450101,{won}\n" for n, stage, won, _ in rows
    )
    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("crm_stage,stage\nSigned,decide\n")
    run(store, export_with(tmp_path, **{DEALS: deals}), stage_map=stage_map)
    status = store.read("MATCH (o:Opportunity) RETURN o.id AS id, o.status AS s ORDER BY id")
    assert [row["s"] for row in status] == [expected for *_, expected in rows]


def test_an_unmapped_stage_names_the_map_tried(store, tmp_path):
    deals = DEALS_HEADER.format(won="") + "1,Deal 1,Signed,1000,2027-01-01,18230450101\n"
    stage_map = tmp_path / "stages.csv"
    stage_map.write_text("crm_stage,stage\nVerbal commit,negotiate\n")
    [problem] = problems_of(store, export_with(tmp_path, **{DEALS: deals}), stage_map=stage_map)
    assert problem.startswith(
        f"{DEALS}:2:dealstage: unknown stage (got 'Signed', expected a stage of stages.csv, one of need"
    )


# -- labels as well as internal values -------------------------------------------------------------


def test_contacts_exported_with_labels_read_the_same(store, tmp_path):
    contacts = (
        "Record ID,First Name,Last Name,Email,Job Title,Buying Role,Associated Company IDs (Primary),"
        "Associated Company IDs,Lead Status\n"
        "50110000001,建华,高,gao@b.example,CIO,Decision maker; Champion,18230450101,18230450101,Open\n"
        "50110000002,Jing,Zhou,zhou@b.example,PM,End user;Legal and compliance,,18230450101,\n"
        "50110000003,Lei,Sun,,CFO,Budget holder,18230450101,,\n"
        "50110000004,Min,Liu,,Buyer,blocker,18230450101,,\n"
    )
    deals = (
        "Record ID,Deal Name,Deal Stage,Associated Company IDs,Associated Contact IDs\n"
        "14501230001,Telematics,Appointment Scheduled,18230450101,"
        "50110000001;50110000002;50110000003;50110000004\n"
    )
    run(store, export_with(tmp_path, **{CONTACTS: contacts, DEALS: deals}))
    seats = store.read(
        "MATCH (p:Person)-[m:IN_COMMITTEE]->(:Opportunity) RETURN p.id AS id, m.roles AS roles, "
        "m.stance AS stance ORDER BY id"
    )
    assert [(s["roles"], s["stance"]) for s in seats] == [
        (["D"], "champion"),
        (["S", "U"], None),
        (["D"], None),
        (None, "blocker"),
    ]
    assert store.read(f"MATCH (o:Opportunity {{id: '{TELEMATICS}'}}) RETURN o.stage AS s") == [{"s": "need"}]


# -- records already in the graph --------------------------------------------------------------------


@pytest.fixture
def graph(store: Store, tmp_path: Path) -> Store:
    """tests/data/mini/ (account acme, "Acme 公司"), and people with e-mails, two of one name."""
    import_path(store, MINI, progress=False)
    people = tmp_path / "people.csv"
    people.write_text(
        "id,name,org_id,title,email\n"
        "p7,Ann Lee,acme,CIO,ann.lee@acme.example\n"
        "p8,Wang Fang,acme,Buyer,\n"
        "p9,Wang Fang,acme2,Engineer,\n"
    )
    import_path(store, people, progress=False)
    return store


MATCHING_COMPANIES = "Record ID,Company name\n900,ACME 公司\n901,New Co\n"
MATCHING_DEALS = (
    "Record ID,Deal Name,Deal Stage,Associated Company IDs,Associated Contact IDs\n"
    "700,Platform,Qualified To Buy,900,1;2\n"
)


def test_a_company_by_name_and_a_contact_by_email_are_the_records_already_held(graph, tmp_path):
    contacts = (
        "Record ID,First Name,Last Name,Email,Job Title,Buying Role,Associated Company IDs\n"
        "1,Ann,Lee,ANN.LEE@acme.example,Chief Information Officer,Decision maker,900\n"
        "2,Bo,Chen,bo@newco.example,Engineer,End user,901\n"
    )
    folder = export_with(
        tmp_path,
        **{COMPANIES: "", CONTACTS: contacts, DEALS: MATCHING_DEALS, "companies.csv": MATCHING_COMPANIES},
    )
    result = run(graph, folder)
    assert result.counts == {
        "Account": 1,
        "Person": 1,
        "Opportunity": 1,
        "WORKS_AT": 2,
        "FOR": 1,
        "IN_COMMITTEE": 2,
    }
    rows = graph.read(
        "MATCH (p:Person)-[m:IN_COMMITTEE]->(o:Opportunity {id: 'hs-deal:700'})-[:FOR]->(a:Account) "
        "RETURN p.id AS person, "
        "p.title AS title, m.roles AS roles, a.id AS account ORDER BY person"
    )
    assert rows == [
        {"person": "hs-contact:2", "title": "Engineer", "roles": ["U"], "account": "acme"},
        {"person": "p7", "title": "CIO", "roles": ["D"], "account": "acme"},  # p7 left as it was
    ]
    before = snapshot(graph)
    run(graph, folder)
    assert snapshot(graph) == before


def test_a_name_two_people_share_is_reported_not_guessed(graph, tmp_path):
    contacts = (
        "Record ID,First Name,Last Name,Email,Associated Company IDs\n"
        "1,Wang,Fang,,900\n"
        "2,Ann,Lee,,900\n"
        "3,Ann,Lee,ann.lee@acme.example,900\n"
    )
    folder = export_with(
        tmp_path,
        **{COMPANIES: "", CONTACTS: contacts, DEALS: MATCHING_DEALS, "companies.csv": MATCHING_COMPANIES},
    )
    assert problems_of(graph, folder) == [
        f"{CONTACTS}:2:email: the contact's name is several people's in the graph (got 'Wang Fang', "
        "expected an Email that one of them has (p8, p9), so that it is not a guess)",
        f"{CONTACTS}:4:email: two contacts are one person in the graph (p7) (got 'ann.lee@acme.example', "
        f"expected each contact once (the other is {CONTACTS} row 3): merge them in HubSpot)",
    ]


# -- what is refused ---------------------------------------------------------------------------------


def test_references_and_files_that_do_not_hold(store, tmp_path):
    deals = (
        "Record ID,Deal Name,Deal Stage,Amount,Close Date,Associated Company IDs,Associated Contact IDs\n"
        '1,A,closedwon,"1.200.000,00",30/11/2026,18230450101,50110000001;77\n'
        "2,B,closedwon,,,18230450199,abc\n"
    )
    contacts = "Record ID,First Name,Buying Role\n50110000001,Jing,Champion;Blocker\n50110000002,Lei,\n"
    folder = export_with(tmp_path, **{DEALS: deals, CONTACTS: contacts, "notes.csv": "Subject,Body\nx,y\n"})
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert problems_of(store, folder) == [
        "notes.csv: cannot tell which HubSpot object the file holds (got the columns 'subject, body', "
        "expected HubSpot's export of companies, contacts or deals: a Company name, First Name or Deal Name "
        "column, or the object in the file name)",
        "old.xls: an old Excel workbook (got an .xls file, expected CSV or XLSX: export again from HubSpot "
        "choosing CSV or XLSX)",
        f"{CONTACTS}:2:buying role: both Champion and Blocker (got 'Champion;Blocker', expected one of them: "
        "a champion campaigns for us, a blocker against)",
        f"{DEALS}:2:amount: not an amount (got '1.200.000,00', expected an amount such as 1,200,000.00 (its "
        "currency in the Currency column))",
        f"{DEALS}:2:close date: not a date (got '30/11/2026', expected a date as YYYY-MM-DD)",
        f"{DEALS}:3:associated contact ids: not a HubSpot Record ID (got 'abc', expected a record id as "
        "HubSpot exports it, e.g. 18734523412)",
    ]
    # With the files fixed, the references are judged: a contact and a company held nowhere.
    (folder / "notes.csv").unlink()
    (folder / "old.xls").unlink()
    (folder / DEALS).write_text(
        deals.replace('"1.200.000,00",30/11/2026', "1200000,2026-11-30").replace("abc", "")
    )
    (folder / CONTACTS).write_text(contacts.replace("Champion;Blocker", "Champion"))
    assert problems_of(store, folder) == [
        f"{DEALS}:2:associated contact ids: unknown id (got 'hs-contact:77', expected the id of a person "
        "defined in this import or already in the database)",
        f"{DEALS}:3:associated company ids: unknown id (got 'hs-company:18230450199', expected the id of an "
        "account defined in this import or already in the database)",
    ]


def test_an_empty_folder_and_a_header_only_export(store, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert problems_of(store, empty) == [
        "empty: no HubSpot export found (expected the .csv or .xlsx files of HubSpot's export of companies, "
        "contacts and deals)"
    ]
    (empty / DEALS).write_text("Record ID,Deal Name,Associated Company IDs\n")
    assert problems_of(store, empty) == [
        "empty: nothing to import (got header rows only, expected rows under them)"
    ]


# -- the cell rules, without a database --------------------------------------------------------------


def test_which_object_a_file_holds():
    assert kind_of(["record id", "deal name", "associated company ids"], "export.csv") == "deals"
    assert kind_of(["hs_object_id", "firstname", "company"], "x.csv") == "contacts"
    assert kind_of(["record id", "company name", "company domain name"], "x.xlsx") == "companies"
    assert kind_of(["id", "title"], "hubspot-crm-exports-all-companies-2026-11-30.csv") == "companies"
    assert kind_of(["id", "title"], "my-deals.csv") == "deals"
    assert kind_of(["id", "title"], "export.csv") is None
    assert kind_of(["id", "title"], "contacts-and-deals.csv") is None


def test_amounts_dates_ids_and_buying_roles():
    assert money("1,200,000.00") == 1_200_000.0
    assert money("$1,200,000.00") == money("1 200 000 USD") == 1_200_000.0
    assert money("86500.5") == money("€ 86,500.50") == 86_500.5
    for bad in ("1.200.000,00", "1,5", "12,50", "-5", "$5 USD", "lots"):  # a decimal comma is no guess
        with pytest.raises(F.Invalid):
            money(bad)
    assert date("2026-11-30 14:05") == date("2026-11-30T14:05:00") == date("2026-11-30") == "2026-11-30"
    assert date("2024-03-31T00:00:00.000Z") == "2024-03-31"
    with pytest.raises(F.Invalid):
        date("2026-02-30 10:00")
    assert record_ids("101; 103;;101") == ["101", "103"]
    assert buying_roles("DECISION_MAKER;BUDGET_HOLDER;EXECUTIVE_SPONSOR") == (["D"], [])
    assert buying_roles("End user; Legal and compliance; Champion") == (["S", "U"], ["champion"])
    assert buying_roles("INFLUENCER;OTHER") == ([], [])
    with pytest.raises(F.Invalid) as err:
        buying_roles("Champion;Coach")
    assert err.value.got == "Coach"
