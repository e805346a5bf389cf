"""Every page in headless Chromium: no console error, no request to another host, graphs drawn.

Debian's chromium driven by playwright (`executable_path`); the viewer runs as `graphcrm serve`
on a free loopback port over a temporary database holding the demo and a hostile person.
Without chromium or playwright: skipped, or failed when CI=true.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.soak import served
from tests.conftest import ON_CI

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = "<img src=x onerror=alert(1)>"

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

_missing = (
    None
    if sync_playwright and os.path.exists(CHROMIUM)
    else "playwright and Debian's chromium (make test installs both)"
)
if _missing and ON_CI:
    pytest.fail(f"browser tests need {_missing}", pytrace=False)
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"needs {_missing}")

PAGES = {
    "home": "/",
    "search": "/search?q=%E6%9D%8E",
    "account": "/accounts/hd.dingsheng",
    "committee": "/opportunities/apex.opp-apex-mobile-office",
    "paths": "/paths?target=jinchang.zhao-zhigang",
    "brokers": "/brokers?among=kissinger.farmer,kissinger.rothschild,kissinger.wb-president",
    "referrals": "/referrals",
    "person": "/people/jinchang.li-qiong",
    "hostile person": "/people/x.hostile",
    "import": "/import",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_db):
    """`graphcrm serve` over the demo and a hostile person, on each engine."""
    root = tmp_path_factory.mktemp("viewer")
    db = module_db
    graphcrm = [sys.executable, "-m", "graphcrm"]
    env = {**os.environ, "GRAPHCRM_TODAY": "2026-11-23"}
    subprocess.run([*graphcrm, "demo", "--db", db], check=True, capture_output=True, env=env)
    hostile = root / "hostile"
    hostile.mkdir()
    (hostile / "people.csv").write_text(
        "id,name,title,hobbies,notes\n"
        f'x.hostile,"{HOSTILE}","<script>alert(2)</script>",<b>golf</b>,"""quoted"" & <i>notes</i>"\n',
        encoding="utf-8",
    )
    (hostile / "ties.csv").write_text(
        f'source,target,type,context\nx.hostile,jinchang.li-qiong,KNOWS,"{HOSTILE}"\n'
    )
    subprocess.run([*graphcrm, "import", str(hostile), "--db", db], check=True, capture_output=True, env=env)
    with served(db, root / "serve.log", env={"GRAPHCRM_TODAY": "2026-11-23"}) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def visit(browser, base: str, path: str, shots: Path, name: str):
    """Open a page; return it with the console errors, foreign requests and dialogs seen."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    seen = {"errors": [], "foreign": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    host = urlsplit(base).netloc
    page.on(
        "request",
        lambda r: seen["foreign"].append(r.url) if urlsplit(r.url).netloc not in (host, "") else None,
    )
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if page.locator("[data-graph]").count():
        page.wait_for_selector("[data-graph]:not([data-ready='1'])", state="detached")  # maps settled
        page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"{name.replace(' ', '-')}.png"), full_page=False)
    return page, seen


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_clean_and_stays_on_this_machine(server, browser, tmp_path, name):
    page, seen = visit(browser, server, PAGES[name], tmp_path, name)
    assert seen["errors"] == []
    assert seen["foreign"] == []
    assert seen["dialogs"] == []
    assert page.title().endswith("graphcrm")
    page.close()


def _graph_counts(page, graph_id: str) -> tuple[int, int]:
    return page.evaluate(
        f"""() => {{ const n = window.graphcrmNetworks[{graph_id!r}];
        return [n.body.data.nodes.length, n.body.data.edges.length]; }}"""
    )


def test_committee_map_draws_the_expected_nodes_and_edges(server, browser, tmp_path):
    page, _ = visit(browser, server, PAGES["committee"], tmp_path, "committee-count")
    nodes, edges = _graph_counts(page, "committee-graph")
    expected = page.evaluate("() => JSON.parse(document.getElementById('committee-graph-data').textContent)")
    assert (nodes, edges) == (len(expected["nodes"]), len(expected["edges"]))
    assert nodes >= 11  # eleven members, plus their organisations
    page.close()


def test_path_finder_draws_the_jinchang_path(server, browser, tmp_path):
    page, _ = visit(browser, server, "/paths", tmp_path, "path-form")
    page.fill("input[name=target]", "jinchang.zhao-zhigang")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-graph]:not([data-ready='1'])", state="detached")  # maps settled
    assert "你 You → 李琼 Li Qiong → 赵志刚 Zhao Zhigang" in page.inner_text("ol.paths")
    ids = page.evaluate("() => window.graphcrmNetworks['path-graph'].body.data.nodes.getIds()")
    assert {"jinchang.you", "jinchang.li-qiong", "jinchang.zhao-zhigang"} <= set(ids)
    page.close()


def test_hostile_names_show_as_text_in_pages_and_tooltips(server, browser, tmp_path):
    page, seen = visit(browser, server, PAGES["hostile person"], tmp_path, "hostile")
    assert HOSTILE in page.inner_text("h1")
    assert page.locator("img[src=x]").count() == 0
    title = page.evaluate("() => window.graphcrmNetworks['ego-graph'].body.data.nodes.get('x.hostile').title")
    assert title is not None  # a DOM element whose text is the raw name
    text = page.evaluate(
        "() => window.graphcrmNetworks['ego-graph'].body.data.nodes.get('x.hostile').title.textContent"
    )
    assert HOSTILE in text
    assert seen["dialogs"] == []
    page.close()


def test_a_form_keeps_its_input_on_a_bad_name(server, browser, tmp_path):
    """A name matching nobody keeps the form as typed and says so; one matching several offers
    the choices, one click each; a unique name answers."""
    page, _ = visit(browser, server, "/paths", tmp_path, "path-form-bad-name")
    page.fill("input[name=target]", "Zhao Zhigangg")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=target]") == "Zhao Zhigangg"
    assert "no person with id 'Zhao Zhigangg'" in page.inner_text("p.error")
    page.fill("input[name=target]", "小刘 Xiao Liu")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.input_value("input[name=target]") == "小刘 Xiao Liu"
    assert page.locator("ul.choices a").count() == 2
    page.locator("ul.choices a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("h2").startswith("Warmest paths to 小刘 Xiao Liu")
    page.fill("input[name=target]", "赵志刚 Zhao Zhigang")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-graph]:not([data-ready='1'])", state="detached")  # maps settled
    assert "你 You → 李琼 Li Qiong → 赵志刚 Zhao Zhigang" in page.inner_text("ol.paths")
    page.close()


def test_a_committee_member_is_one_click_from_a_warm_path(server, browser, tmp_path):
    page, seen = visit(browser, server, PAGES["committee"], tmp_path, "committee-find-path")
    page.locator("a.find-path").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.split("/", 3)[3].startswith("paths?target=apex.")
    assert page.inner_text("h2").startswith("Warmest paths to ")
    assert seen["errors"] == []
    page.close()
