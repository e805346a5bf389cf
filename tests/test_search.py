"""Finding anyone by name (issue 15, part 1): the search key of names, search by pinyin, title,
email and organisation on both engines, the key kept out of exports, filled in old databases,
and the viewer's `/api/suggest` and search page."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import pytest
from graphcrm.web import create_app

from graphcrm import names, queries
from graphcrm.directory import Hit, search
from graphcrm.export import checksum, export_lines, export_to, person_json
from graphcrm.ingest.files import import_path
from graphcrm.spreadsheet import tables
from graphcrm.store import open_store
from tests.conftest import SEEDS

ZHAO = "jinchang.zhao-zhigang"
ZHAO_NAME = "赵志刚 Zhao Zhigang"
ZHAO_DETAIL = (
    "网络技术部主任 Head, Network Technology Department · 黑龙江金昌有限公司 Heilongjiang Jinchang Co."
)
# A person recorded with a Chinese name only: found by its pinyin all the same.
QIAN = (
    "id,name,org_id,title,email\n"
    "x.qian,钱多多,jinchang.jinchang,财务部经理 Finance Manager,qian.duoduo@jinchang.example\n"
)


@pytest.fixture
def everything(seeds):
    return seeds(*SEEDS)


def ids(hits: tuple[Hit, ...]) -> list[str]:
    return [h.id for h in hits]


# -- the key -------------------------------------------------------------------------------------


def test_the_key_holds_every_spelling_people_type():
    key = names.search_key(ZHAO_NAME)
    assert key is not None
    spellings = key.split(" ")
    for typed in ("赵志刚", "zhaozhigang", "zhaozg", "zzg", "zhaozhigang"):
        assert typed in spellings
    assert names.search_key("  ") is None and names.search_key(None) is None
    assert names.keyed({"name": "钱多多", "name_key": "forged"})["name_key"] == names.search_key("钱多多")
    assert names.keyed({"name": None}) == {"name": None, "name_key": None}  # the key goes with the name
    assert names.keyed({"title": "x", "name_key": "forged"}) == {"title": "x"}  # no name: key kept as is


def test_every_write_records_the_key_rule_names_follows(engine):
    assert f"v.name_keys = {names.KEY_RULE}" in queries.load("store/touch", engine)


def test_every_named_node_an_import_writes_carries_its_key(everything):
    rows = everything.read(
        "MATCH (n:Node) WHERE n:Person OR n:Account OR n:Org OR n:Opportunity "
        "RETURN n.name AS name, n.name_key AS key"
    )
    assert len(rows) > 100
    assert all(row["key"] == names.search_key(row["name"]) for row in rows)
    assert everything.version()[1] and everything.run("store/version")[0]["name_keys"] == names.KEY_RULE


def test_a_new_name_brings_its_new_key(seeded, write_files):
    store = seeded("jinchang")
    import_path(store, write_files({"people.csv": "id,name\njinchang.zhao-zhigang,钱多多\n"}), progress=False)
    assert ids(search(store, "qdd")) == [ZHAO]
    assert search(store, "zhaozg") == ()


# -- search on both engines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["zhaozg", "zhao zhigang", "Zhao Zhigang", "ZHAOZHIGANG", "zzg", "赵志刚", "赵志"]
)
def test_a_chinese_name_is_found_by_its_pinyin_and_as_typed(everything, text):
    assert search(everything, text)[0] == Hit("person", ZHAO, ZHAO_NAME, ZHAO_DETAIL)


def test_pinyin_finds_a_name_recorded_in_chinese_only(seeded, write_files):
    store = seeded("jinchang")
    import_path(store, write_files({"people.csv": QIAN}), progress=False)
    for text in ("qianduoduo", "qian duoduo", "qdd", "QianDD", "钱多"):
        assert ids(search(store, text))[0] == "x.qian", text
    assert names.resolve(store, "qian duoduo") == "x.qian"


def test_people_are_found_by_title_email_and_organisation(everything):
    assert ids(search(everything, "网络技术部主任")) == [ZHAO]
    assert ids(search(everything, "head, network technology")) == [ZHAO]
    assert ids(search(everything, "zhao.zhigang@jinchang.example")) == [ZHAO]
    # By part of an email: the people of that domain, by name.
    by_domain = search(everything, "@jinchang.example")
    assert ids(by_domain) == ["jinchang.liu-bin", ZHAO]
    # By organisation: the organisation itself first, then the people who work there.
    huatong = search(everything, "huatong")
    assert huatong[0] == Hit("org", "apex.huatong", "华通电子元件 Huatong Electronic Components", "supplier")
    assert sorted(ids(huatong[1:])) == ["apex.deng-tao", "apex.han-zhiqiang", "apex.ma-jun", "apex.qian-fang"]
    # The pinyin of an organisation's Chinese name finds its people as well.
    assert ZHAO in ids(search(everything, "heilongjiangjinchang", limit=50))


def test_accounts_organisations_and_opportunities_are_found_by_name(everything):
    assert search(everything, "jinchang", kind="account") == (
        Hit("account", "jinchang.jinchang", "黑龙江金昌有限公司 Heilongjiang Jinchang Co.", "prospect"),
    )
    assert ids(search(everything, "huatong", kind="org")) == ["apex.huatong"]
    assert ids(search(everything, "金昌", kind="org")) == []
    mobile = search(everything, "移动办公", kind="opportunity")
    assert {h.kind for h in mobile} == {"opportunity"} and len(mobile) >= 5
    assert search(everything, "zhaozg", kind="account") == ()
    with pytest.raises(ValueError, match="kind must be one of"):
        search(everything, "x", kind="team")  # type: ignore[arg-type]


def test_closest_first_and_the_same_order_on_both_engines(everything):
    """Exact lists: both engine runs of this test must give them, in this order."""
    assert [(h.kind, h.id) for h in search(everything, "wang")] == [
        ("person", "hd.xiao-wang"),  # a word of the name: 小王 Xiao Wang, by name
        ("person", "apex.wang-dan"),
        ("person", "apex.wang-wei"),
        ("org", "jinchang.huaxun-networks"),  # a spelling holds it: 华讯网络, hua xun wang luo
    ]
    li = ids(search(everything, "li"))  # the word Li (李, 丽) before 刘军 Liu Jun and 林晓 Lin Xiao
    assert li[:6] == [
        "apex.feng-li",  # 冯丽 Feng Li, by name
        "hd.xiao-li",
        "xuri.director-li",
        "jinchang.li-qiong",
        "apex.li-qing",
        "apex.liu-jun",  # then names whose spelling starts with it
    ]
    assert ids(search(everything, "li qing")) == ["apex.li-qing"]
    assert ids(search(everything, "liq"))[:2] == ["jinchang.li-qiong", "apex.li-qing"]
    assert len(search(everything, "a", limit=7)) == 7


@pytest.mark.parametrize(
    "text", ["' OR 1=1 //", '") RETURN 1 //', "$text", "}]->(x) DETACH DELETE x //", "\\", "%", "_"]
)
def test_text_goes_to_the_database_as_a_parameter_only(everything, text):
    before = everything.version()
    assert search(everything, text) == ()
    assert everything.version() == before


# -- derived data: never exported, always filled ----------------------------------------------------


def test_the_key_is_in_no_export_nor_in_a_persons_record(seeded):
    store = seeded("jinchang")
    assert store.read(f"MATCH (n:Node {{id: '{ZHAO}'}}) RETURN n.name_key AS key")[0]["key"]
    assert not any("name_key" in line for line in export_lines(store))
    spreadsheet = tables(store)
    assert not any("name_key" in row for rows in spreadsheet.rows.values() for row in rows)
    assert not any("name_key" in entry for entry in spreadsheet.left_out)
    assert "name_key" not in json.loads(person_json(store, ZHAO))["properties"]


def test_export_then_import_keeps_the_checksum_and_makes_the_keys_again(seeded, tmp_path):
    store = seeded("jinchang", "apex")
    before = checksum(store)
    backup = tmp_path / "backup.jsonl"
    with backup.open("w", encoding="utf-8") as out:
        export_to(store, out)
    store.write([("MATCH (n:Node) DETACH DELETE n", {})])
    assert search(store, "zhaozg") == ()
    import_path(store, backup, progress=False)
    assert checksum(store) == before
    assert ids(search(store, "zhaozg")) == [ZHAO]


def test_a_database_written_before_keys_gets_them_when_opened(seeded, db):
    store = seeded("jinchang")
    before = checksum(store)
    # As an older graphcrm left it: no keys, no key rule on the version node.
    store.read("MATCH (n:Node) REMOVE n.name_key")
    store.read("MATCH (v:GraphVersion) REMOVE v.name_keys")
    assert search(store, "zhaozg") == ()
    assert ids(search(store, "Zhao Zhigang")) == [ZHAO]  # the name alone still finds
    version = store.version()[1]
    with open_store(db) as opened:
        assert ids(search(opened, "zhaozg")) == [ZHAO]
        assert opened.run("store/version")[0]["name_keys"] == names.KEY_RULE
        assert opened.version()[1] == version + 1  # one write filled them all
        assert checksum(opened) == before  # the graph's data did not change
        assert names.fill_keys(opened) == 0 and opened.version()[1] == version + 1  # once only


def test_a_key_rule_changed_makes_every_key_again(seeded):
    store = seeded("jinchang")
    store.read(f"MATCH (n:Node {{id: '{ZHAO}'}}) SET n.name_key = 'stale'")
    store.read("MATCH (v:GraphVersion) SET v.name_keys = 0")
    assert names.fill_keys(store) == 1
    assert ids(search(store, "zhaozg")) == [ZHAO]


def test_opening_an_empty_database_writes_nothing(store):
    assert names.fill_keys(store) == 0
    assert store.version() == (None, None)


# -- the viewer ----------------------------------------------------------------------------------


@pytest.fixture
def client(seeds_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", "2026-11-23")
    app = create_app({"DB": seeds_db(*SEEDS), "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    yield app.test_client()
    app.extensions["graphcrm_store"].close()


def test_suggest_answers_with_the_page_of_each(client):
    answer = client.get("/api/suggest?q=zhaozg").get_json()
    assert answer["suggestions"][0] == {
        "kind": "person",
        "id": ZHAO,
        "name": ZHAO_NAME,
        "detail": ZHAO_DETAIL,
        "url": f"/people/{ZHAO}",
    }
    many = client.get("/api/suggest?q=a").get_json()["suggestions"]
    assert len(many) == 10
    accounts = client.get("/api/suggest?q=jinchang&kind=account").get_json()["suggestions"]
    assert [(s["kind"], s["url"]) for s in accounts] == [("account", "/accounts/jinchang.jinchang")]
    orgs = client.get("/api/suggest?q=huatong&kind=org").get_json()["suggestions"]
    assert [s["url"] for s in orgs] == ["/accounts/apex.huatong"]
    opportunity = client.get("/api/suggest?q=移动办公系统&kind=opportunity").get_json()["suggestions"][0]
    assert opportunity["url"] == "/opportunities/apex.opp-apex-mobile-office"
    assert client.get("/api/suggest?q=").get_json() == {"suggestions": []}
    bad = client.get("/api/suggest?q=x&kind=team")
    assert bad.status_code == 400 and "kind must be one of" in bad.get_json()["error"]


def test_search_page_shows_title_organisation_and_a_warm_path_link(client):
    html = client.get("/search?q=zhao zhigang").get_data(as_text=True)
    assert f'href="/people/{ZHAO}"' in html
    assert "网络技术部主任 Head, Network Technology Department · 黑龙江金昌有限公司" in html
    assert f'href="/paths?target={quote_plus(ZHAO_NAME)}"' in html and "Find a warm path" in html


def test_every_page_has_the_suggesting_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'data-suggest="any" data-suggest-go' in html
    assert 'src="/static/suggest.js" data-suggest-api="/api/suggest"' in html
    script = client.get("/static/suggest.js").get_data(as_text=True)
    assert "innerHTML" not in script and "textContent" in script
