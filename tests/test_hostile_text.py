"""Hostile text in a real browser: every field a page shows, filled with an XSS corpus, is text.

`tests/hostile/xss.txt` holds the payloads; each would set `window.__xss`, change the title or
open a dialog if it ever ran. They go in through the normal import (CSV files this test writes)
into every field a page shows — people (name, title, department, email, phone, hobbies,
channels, notes, and their ids, which appear in URLs and links; an id holds the payload
without the invisible characters ids may not hold), accounts (name, industry and
ids), opportunities (name, id), every kind of tie's context (KNOWS, ALLY, OPPOSES, KIN,
INFLUENCES, REPORTS_TO, TIED_TO's kind), referral attributions — and into the import report
(cells the check quotes, uploaded file names, workbook sheet names). Then `graphcrm serve`
shows them in headless Chromium: home, search, every hostile account, person and opportunity,
the committee map, paths and chains with the hostile people on them, brokers, referrals, an
error page and the import report; the vis-network tooltips are inspected and hovered.

Each page: no dialog, no marker set, no element a payload would inject (img, svg, iframe, ...,
any `on...` attribute, a `javascript:` link), every tooltip a text node; and each field shows
its payload as text. Uses the browser helpers of tests/test_browser.py (skipped without
chromium and playwright; failed when CI=true).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from bench.soak import served
from graphcrm.ingest.formula_cells import is_formula
from graphcrm.words import TIE_WORDS
from tests.test_browser import browser, pytestmark  # noqa: F401

HERE = Path(__file__).parent
PAYLOADS = [
    line
    for line in (HERE / "hostile" / "xss.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("# ")
]
# Cells are stripped and formula-like cells refused on import: every payload here is neither.
assert all(p == p.strip() and not is_formula(p) for p in PAYLOADS)

# Elements and attributes that only an injected payload would put in a page (the edit forms'
# own details and textarea carry `data-ours`, which no payload holds).
INJECTED = (
    "img, svg, iframe, object, embed, video, audio, source, math, details:not([data-ours]), "
    "template, marquee, textarea:not([data-ours]), base, body meta, main style, nav script, "
    "[onerror], [onload], [onclick], [onmouseover], [onfocus], [ontoggle], [onstart], "
    "[autofocus], [srcdoc], form[action^='javascript' i], a[href^='javascript' i]"
)
# A `<script>` in main that is not ours: ours are the graphs' JSON.
FOREIGN_SCRIPT = "main script:not([type='application/json'])"


DOTS = "xss-dots/../../import"  # an id whose link a browser would resolve to another page


def as_id(payload: str) -> str:
    """The payload as an id may hold it: without the invisible characters (a right-to-left
    override...) that `graphcrm.ingest.fields.identifier` refuses in ids; names hold them."""
    return "".join(c for c in payload if unicodedata.category(c) != "Cf")


def pid(i: int) -> str:
    return f"xss-p{i} {as_id(PAYLOADS[i])}"


def aid(i: int) -> str:
    return f"xss-a{i} {as_id(PAYLOADS[i])}"


def oid(i: int) -> str:
    return f"xss-o{i} {as_id(PAYLOADS[i])}"


def _csv(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def hostile_files() -> dict[str, str]:
    """The import files: every payload in every shown field, and in the ids."""
    n = len(PAYLOADS)
    accounts = [
        ["id", "name", "kind", "industry", "nature", "tier", "status", "revenue", "potential", "region"]
    ]
    accounts += [
        ["xss-us", "Our company", "other", "", "", "", "", "", "", ""],
        ["xss-won", "Won Co", "customer", "", "", "A", "won", "100", "100", ""],
        ["xss-hub", "Hub Co", "prospect", "", "", "", "", "", "", ""],
        ["xss-comp", "Rival Telecom", "competitor", "", "", "", "", "", "", ""],
    ]
    accounts += [[aid(i), p, "prospect", p, "", "", "", "", "", p] for i, p in enumerate(PAYLOADS)]
    people = [["id", "name", "org_id", "title", "department", "rank", "is_rep"]]
    people[0] += ["email", "phone", "birthday", "hobbies", "channels", "notes"]
    people += [
        ["xss-rep", "Rep Hostile", "xss-us", "AM", "", "", "true", "", "", "", "", "", ""],
        ["xss-target", "Target Person", "xss-hub", "CEO", "", "1", "", "", "", "", "", "", ""],
        [DOTS, "Dots Person", "xss-hub", "", "", "", "", "", "", "", "", "", ""],
    ]
    people += [[pid(i), p, aid(i), p, p, "2", "", p, p, "", p, p, p] for i, p in enumerate(PAYLOADS)]
    ties = [["source", "target", "type", "strength", "context", "since", "last_contact"]]
    for i, p in enumerate(PAYLOADS):
        ties += [
            ["xss-rep", pid(i), "KNOWS", "0.9", p, "", "2026-11-01"],
            [pid(i), "xss-target", "KNOWS", "0.8", p, "", "2026-10-01"],
            [pid(i), "xss-target", "INFLUENCES", "0.7", p, "", ""],
            [pid(i), "xss-target", "REPORTS_TO", "", p, "", ""],
            [pid(i), "xss-comp", "TIED_TO", "0.9", p, "", ""],
            [pid(i), pid((i + 1) % n), "ALLY", "0.6", p, "", ""],
            [pid(i), pid((i + 2) % n), "OPPOSES", "0.6", p, "", ""],
            [pid(i), pid((i + 3) % n), "KIN", "0.6", p, "", ""],
        ]
    opportunities = [["id", "account_id", "name", "stage", "value", "close_date", "status"]]
    opportunities += [["xss-hub-opp", "xss-hub", "Hub deal", "consult", "1000", "2027-01-01", "open"]]
    opportunities += [[oid(i), aid(i), p, "need", "10", "", "open"] for i, p in enumerate(PAYLOADS)]
    committee = [
        ["opportunity_id", "person_id", "roles", "attitude", "stance", "influence", "stage_influence"]
    ]
    stances = ("champion", "supporter", "neutral", "enemy", "blocker")
    committee += [
        ["xss-hub-opp", pid(i), "DESU"[i % 4], "APR"[i % 3], stances[i % 5], "1", ""] for i in range(n)
    ]
    committee += [[oid(i), pid(i), "D", "A", "champion", "50", ""] for i in range(n)]
    referrals = [["source", "target", "date", "by_person", "value", "outcome"]]
    referrals += [["xss-won", aid(i), "2026-01-01", pid(i), "100", "open"] for i in range(n)]
    tables = {
        "accounts": accounts,
        "people": people,
        "ties": ties,
        "opportunities": opportunities,
        "committee": committee,
        "referrals": referrals,
    }
    return {f"{name}.csv": _csv(rows) for name, rows in tables.items()}


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_db):
    """`graphcrm serve` over a database holding the demo and the hostile data, on each engine."""
    root = tmp_path_factory.mktemp("hostile")
    db, data = module_db, root / "data"
    data.mkdir()
    for name, text in hostile_files().items():
        (data / name).write_text(text, encoding="utf-8")
    graphcrm = [sys.executable, "-m", "graphcrm"]
    env = {**os.environ, "GRAPHCRM_TODAY": "2026-11-23", "TMPDIR": str(root)}
    subprocess.run([*graphcrm, "demo", "--db", db], check=True, capture_output=True, env=env)
    done = subprocess.run([*graphcrm, "import", str(data), "--db", db], capture_output=True, env=env)
    assert done.returncode == 0, done.stderr.decode()
    with served(db, root / "serve.log", env=env) as base:
        yield base


def _url(route: str, ident: str, **query: str) -> str:
    return f"{route}/{quote(ident, safe='')}" + (f"?{urlencode(query)}" if query else "")


def _text(page, selector: str = "body") -> str:
    return " ".join(page.inner_text(selector).split())


def _squash(text: str) -> str:
    return " ".join(text.split())


def _assert_clean(page, seen, where: str) -> None:
    """No dialog, no marker, nothing injected, every tooltip a text element, no console error."""
    assert seen["dialogs"] == [], where
    assert page.evaluate("() => window.__xss") is None, where
    assert page.title() != "XSS" and page.title().endswith("graphcrm"), where
    injected = page.evaluate(
        "(sel) => Array.from(document.querySelectorAll(sel)).map(e => e.outerHTML.slice(0, 120))",
        f"{INJECTED}, {FOREIGN_SCRIPT}",
    )
    assert injected == [], f"{where}: {injected}"
    strings = page.evaluate(
        """() => { const found = [];
          for (const [gid, net] of Object.entries(window.graphcrmNetworks || {})) {
            for (const set of [net.body.data.nodes, net.body.data.edges]) {
              set.forEach(item => { if (item.title !== undefined && !(item.title instanceof HTMLElement))
                found.push([gid, item.id, typeof item.title]); });
            }
          } return found; }"""
    )
    assert strings == [], f"{where}: tooltips that vis would render as HTML: {strings}"
    links = page.evaluate("() => Array.from(document.links).map(a => a.href)")
    origin = page.evaluate("() => location.origin")
    assert all(link.startswith(origin + "/") for link in links), f"{where}: {links}"
    assert seen["errors"] == [], f"{where}: {seen['errors']}"
    assert seen["foreign"] == [], where


def _tooltips(page) -> dict[str, str]:
    """Node id -> its tooltip's text, for every graph of the page."""
    return page.evaluate(
        """() => { const out = {};
          for (const net of Object.values(window.graphcrmNetworks || {}))
            net.body.data.nodes.forEach(n => { if (n.title) out[n.id] = n.title.textContent; });
          return out; }"""
    )


def _edge_tooltips(page) -> list[str]:
    return page.evaluate(
        """() => { const out = [];
          for (const net of Object.values(window.graphcrmNetworks || {}))
            net.body.data.edges.forEach(e => { if (e.title) out.push(e.title.textContent); });
          return out; }"""
    )


def _labels(page) -> dict[str, str]:
    return page.evaluate(
        """() => { const out = {};
          for (const net of Object.values(window.graphcrmNetworks || {}))
            net.body.data.nodes.forEach(n => { out[n.id] = n.label; });
          return out; }"""
    )


class Walker:
    """One tab visiting many pages, gathering dialogs, errors and foreign requests per page."""

    def __init__(self, chromium, base: str) -> None:
        from urllib.parse import urlsplit

        self.base = base
        self.page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        self.seen = {"errors": [], "foreign": [], "dialogs": []}
        self.expect_errors: list[str] = []  # console errors a page is expected to log (its 404)
        host = urlsplit(base).netloc
        self.page.on("console", lambda m: self.seen["errors"].append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.seen["errors"].append(str(e)))
        self.page.on(
            "request",
            lambda r: (
                self.seen["foreign"].append(r.url) if urlsplit(r.url).netloc not in (host, "") else None
            ),
        )
        self.page.on("dialog", lambda d: (self.seen["dialogs"].append(d.message), d.dismiss()))

    def go(self, path: str):
        for found in self.seen.values():
            found.clear()
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        if self.page.locator("[data-graph]").count():
            self.page.wait_for_selector(
                "[data-graph]:not([data-ready='1'])", state="detached"
            )  # maps settled
        self.seen["errors"][:] = [e for e in self.seen["errors"] if e not in self.expect_errors]
        _assert_clean(self.page, self.seen, path)
        return response

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def walker(browser, server):  # noqa: F811
    walk = Walker(browser, server)
    yield walk
    walk.close()


def test_the_hostile_data_went_in(walker):
    """A positive control: the payloads are in the graph, so the pages below really show them."""
    found = set()
    for digit in range(10):  # search shows 20 hits at most: by id prefix, a few at a time
        answer = walker.page.request.get(walker.base + "/api/search?" + urlencode({"q": f"xss-p{digit}"}))
        found |= {(h["id"], h["name"]) for h in answer.json()["hits"] if h["kind"] == "person"}
    assert found == {(pid(i), p) for i, p in enumerate(PAYLOADS)}


def test_home_lists_hostile_accounts_and_opportunities_as_text(walker):
    walker.go("/")
    text = _text(walker.page, "main")
    for p in PAYLOADS:
        assert _squash(p) in text
    links = walker.page.evaluate("() => Array.from(document.querySelectorAll('main a')).map(a => a.href)")
    base = walker.base + "/"
    assert all(link.startswith(base) for link in links)  # no javascript:, data: or other host


def test_search_shows_hostile_names_and_titles_as_text(walker):
    shown = {}
    for digit in range(10):
        walker.go("/search?" + urlencode({"q": f"xss-p{digit}"}))
        items = walker.page.evaluate(
            "() => Array.from(document.querySelectorAll('ul.hits li')).map(li => li.innerText)"
        )
        shown.update({_squash(t): t for t in items})
    for p in PAYLOADS:  # the name, then the kind, then the title · the account's name
        assert any(t.startswith(f"{_squash(p)} person {_squash(p)} · {_squash(p)}") for t in shown), p
    # the payload itself as the search text, as a user would type it
    for p in PAYLOADS[:12]:
        walker.go("/search?" + urlencode({"q": p}))
        assert _squash(p) in _text(walker.page, "h1")
        assert walker.page.input_value("nav input[name=q]") == p  # and in the search box's value


@pytest.mark.neo4j_sample(4)  # the page is the same on both engines: see tests/conftest.py
@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_a_hostile_person_page(walker, i):
    p = PAYLOADS[i]
    walker.go(_url("/people", pid(i)))
    page = walker.page
    assert _squash(page.inner_text("h1")) == _squash(p)
    facts = _text(page, "p.facts")
    assert _squash(p) in facts  # title, department and the account's name
    assert facts.count(_squash(p)) >= 3
    details = page.evaluate(
        "() => Object.fromEntries(Array.from(document.querySelectorAll('aside dt')).map("
        "dt => [dt.innerText, dt.nextElementSibling.innerText]))"
    )
    for field in ("Email", "Phone", "Hobbies", "Notes"):
        assert _squash(details[field]) == _squash(p), field
    channels = [c.strip() for c in p.split(";") if c.strip()]
    assert _squash(details["Channels"]) == _squash(", ".join(channels))
    rows = page.evaluate(
        "() => Array.from(document.querySelectorAll('main table tbody tr')).map("
        "tr => Array.from(tr.cells).map(td => td.innerText))"
    )
    kinds = {w: t for t, both in TIE_WORDS.items() for w in both}  # "reports to" -> REPORTS_TO
    contexts = {kinds.get(row[0].strip()) for row in rows if _squash(row[3]) == _squash(p)}
    assert contexts >= {"KNOWS", "INFLUENCES", "REPORTS_TO", "ALLY", "OPPOSES", "KIN"}, contexts
    committees = _text(page, "aside ul")
    assert _squash(p) in committees  # the seat on the payload's own opportunity
    tooltips = _tooltips(page)
    assert _squash(p) in _squash(tooltips[pid(i)])
    assert _labels(page)[pid(i)] == p  # drawn on the canvas: text by construction
    assert any(_squash(p) in _squash(t) for t in _edge_tooltips(page))  # tie contexts


@pytest.mark.neo4j_sample(4)  # the page is the same on both engines: see tests/conftest.py
@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_a_hostile_account_page(walker, i):
    p = PAYLOADS[i]
    walker.go(_url("/accounts", aid(i)))
    page = walker.page
    assert _squash(page.inner_text("h1")) == _squash(p)
    assert _squash(p) in _text(page, "p.facts")  # the industry
    people = _text(page, "main table")
    assert people.count(_squash(p)) >= 2  # the person's name and title
    assert _squash(p) in _squash(_tooltips(page)[pid(i)])  # the person's tooltip: name and title


@pytest.mark.neo4j_sample(4)  # the page is the same on both engines: see tests/conftest.py
@pytest.mark.parametrize("i", range(len(PAYLOADS)))
def test_a_hostile_opportunity_page(walker, i):
    p = PAYLOADS[i]
    walker.go(_url("/opportunities", oid(i)))
    assert _squash(walker.page.inner_text("h1")) == _squash(p)
    assert walker.page.title().startswith(p[:10].strip() or p)  # the <title> holds the text
    assert _squash(p) in _text(walker.page, "main table")


def test_the_committee_map_of_hostile_people(walker):
    walker.go("/opportunities/xss-hub-opp")
    page = walker.page
    members = _text(page, "main table")
    tooltips = _tooltips(page)
    for i, p in enumerate(PAYLOADS):
        assert _squash(p) in members
        assert _squash(p) in _squash(tooltips[pid(i)])
    aside = _text(page, "aside")
    opposed = [_squash(p) for p in PAYLOADS if _squash(p) in aside]
    assert len(opposed) == len(PAYLOADS)  # blocs, oppositions (with their contexts), risks


def _hover(page, point: list[float], text: str) -> bool:
    """Move the pointer onto `point` until vis shows a popup holding `text` (a few tries)."""
    from playwright.sync_api import TimeoutError as Timeout

    for dx, dy in ((3, 3), (-3, 2), (2, -3)):
        page.mouse.move(point[0] + dx, point[1] + dy)
        page.mouse.move(*point)
        try:
            page.wait_for_function(
                """(text) => { const tip = document.querySelector('div.vis-tooltip');
                  return tip && tip.style.visibility !== 'hidden' && tip.textContent.includes(text); }""",
                arg=text,
                timeout=2000,
            )
            return True
        except Timeout:
            continue
    return False


def test_hovering_hostile_nodes_shows_their_tooltip_as_text(walker):
    """vis-network's own popup, really shown by hovering the node on the canvas."""
    walker.go("/opportunities/xss-hub-opp")
    page = walker.page
    page.evaluate("() => window.graphcrmNetworks['committee-graph'].stopSimulation()")
    hovered = 0
    for i in range(len(PAYLOADS)):
        point = page.evaluate(
            """(id) => { const net = window.graphcrmNetworks['committee-graph'];
              net.moveTo({position: net.getPosition(id), scale: 2, animation: false});
              const p = net.canvasToDOM(net.getPosition(id));
              if (net.getNodeAt(p) !== id) return null;  // another node drawn over it
              const box = net.body.container.getBoundingClientRect();
              return [box.left + p.x, box.top + p.y]; }""",
            pid(i),
        )
        if point is None:
            continue
        if not _hover(page, point, PAYLOADS[i]):
            continue  # vis did not pop this one up (another node's popup won): try the next
        assert _squash(PAYLOADS[i]) in _squash(page.locator("div.vis-tooltip").inner_text()), PAYLOADS[i]
        assert (
            page.evaluate("() => document.querySelector('div.vis-tooltip').querySelectorAll('*').length") == 1
        )
        assert page.evaluate("() => window.__xss") is None
        hovered += 1
    assert hovered >= len(PAYLOADS) // 2
    _assert_clean(page, walker.seen, "hover")


def test_paths_and_chains_through_hostile_people(walker):
    walker.go("/paths?" + urlencode({"target": "xss-target", "k": "10"}))
    page = walker.page
    paths = _text(page, "ol.paths")
    shown = [p for p in PAYLOADS if _squash(p) in paths]
    assert len(shown) >= 10  # ten paths, each through a hostile person and their tie contexts
    flags = [
        _squash(f)
        for f in page.evaluate(
            "() => Array.from(document.querySelectorAll('ol.paths p.flag')).map(p => p.innerText)"
        )
    ]
    kinds = [
        p for p in PAYLOADS if any(f"tied to competitor Rival Telecom ({_squash(p)})" in f for f in flags)
    ]
    assert len(kinds) >= 10  # each path's flag, with the TIED_TO tie's hostile kind
    walker.go("/paths?" + urlencode({"target": pid(3)}))
    assert _squash(PAYLOADS[3]) in _text(page, "h2")


def test_brokers_among_hostile_people(walker):
    walker.go("/brokers?" + urlencode({"opportunity": "xss-hub-opp"}))
    walker.page.click("main details summary")  # the measures' table, with every broker's name
    listed = _text(walker.page, "main ol.brokers") + _text(walker.page, "main details table")
    assert sum(_squash(p) in listed for p in PAYLOADS) >= len(PAYLOADS) // 2


def test_referrals_with_hostile_accounts_and_referrers(walker):
    walker.go("/referrals?" + urlencode({"from": "xss-won"}))
    text = _text(walker.page, "main")
    for p in PAYLOADS:
        assert text.count(_squash(p)) >= 2  # the referred account and the person who referred it
    tooltips = _tooltips(walker.page)
    assert all(_squash(PAYLOADS[i]) in _squash(tooltips[aid(i)]) for i in range(len(PAYLOADS)))


def test_error_pages_show_a_hostile_id_as_text(walker):
    for p in PAYLOADS[:20]:
        walker.expect_errors = [
            "Failed to load resource: the server responded with a status of 404 (NOT FOUND)"
        ]
        response = walker.go(_url("/people", "missing " + p))
        assert response.status == 404
        assert f"no person with id {_squash(repr('missing ' + p))}" in _text(walker.page, "p.error")
    walker.expect_errors = []


def test_double_clicking_a_hostile_node_opens_that_person(walker):
    """The graph's links carry ids with encodeURIComponent: the page opened is the person's."""
    walker.go(_url("/people", pid(2)))
    page = walker.page
    page.evaluate("() => window.graphcrmNetworks['ego-graph'].stopSimulation()")
    neighbour = pid(3)
    point = page.evaluate(
        """(id) => { const net = window.graphcrmNetworks['ego-graph'];
          net.moveTo({position: net.getPosition(id), scale: 1.5, animation: false});
          const p = net.canvasToDOM(net.getPosition(id));
          const box = net.body.container.getBoundingClientRect();
          return [box.left + p.x, box.top + p.y]; }""",
        neighbour,
    )
    with page.expect_navigation():
        page.mouse.dblclick(*point)
    page.wait_for_load_state("load")
    assert _squash(page.inner_text("h1")) == _squash(PAYLOADS[3])
    assert page.evaluate("() => window.__xss") is None


# -- the import report ----------------------------------------------------------------------------


def _upload(walker, files: list[dict]) -> None:
    walker.go("/import")
    walker.page.set_input_files("input[type=file]", files=files)
    with walker.page.expect_navigation():
        walker.page.click("form button[type=submit]")
    walker.page.wait_for_load_state("load")
    _assert_clean(walker.page, walker.seen, "import report")


def test_import_report_quotes_hostile_cells_as_text(walker):
    rows = [["id", "name", "rank"]] + [[f"xss-bad{i}", "x", p] for i, p in enumerate(PAYLOADS)]
    _upload(walker, [{"name": "people.csv", "mimeType": "text/csv", "buffer": _csv(rows).encode()}])
    problems = walker.page.evaluate(
        "() => Array.from(document.querySelectorAll('ul.problems li')).map(li => li.innerText)"
    )
    assert len(problems) == len(PAYLOADS)
    for problem, p in zip(problems, PAYLOADS, strict=True):
        assert "rank: not a whole number" in problem
        assert _squash(repr(p)[1:-1])[:30] in _squash(problem) or _squash(p)[:30] in _squash(problem)


def test_import_report_shows_hostile_sheet_names_as_text(walker):
    from openpyxl import Workbook

    allowed = [p for p in PAYLOADS if len(p) <= 31 and not set(p) & set("[]:*?/\\")][:10]
    assert len(allowed) >= 5
    book = Workbook()
    book.active.title = "people"
    book.active.append(["id", "name"])
    book.active.append(["xss-ok", "OK"])
    for name in allowed:
        book.create_sheet(name).append(["id"])
    data = io.BytesIO()
    book.save(data)
    _upload(
        walker, [{"name": "book.xlsx", "mimeType": "application/octet-stream", "buffer": data.getvalue()}]
    )
    text = _text(walker.page, "ul.problems")
    for name in allowed:
        assert f"book.xlsx[{_squash(name)}]: unknown sheet" in text


def test_import_report_shows_a_hostile_file_name_made_safe(walker):
    name = '"><img src=x onerror=window.__xss=1>.csv'
    walker.page.goto(walker.base + "/import")
    walker.page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": b"id\n"}]
    )
    with walker.page.expect_navigation():
        walker.page.click("form button[type=submit]")
    assert "cannot import img_srcx_onerrorwindow.__xss1.csv" in _text(walker.page, "p.error")
    assert walker.page.evaluate("() => window.__xss") is None
    assert walker.page.locator("main img").count() == 0


def test_a_link_to_an_id_with_dot_segments_opens_that_person(walker):
    walker.go("/search?" + urlencode({"q": "xss-dots"}))
    with walker.page.expect_navigation():
        walker.page.click("ul.hits a")
    walker.page.wait_for_load_state("load")
    assert walker.page.inner_text("h1") == "Dots Person"


@pytest.mark.parametrize(
    "html",
    [
        '<main><img src=x onerror="window.__xss=1"></main>',  # the marker set
        "<main><svg></svg></main>",  # an element injected, nothing run
        "<main><script>alert(1)</script></main>",  # a dialog
        '<main><a href="javascript:void(0)">x</a></main>',  # a link off the site
    ],
)
def test_the_checks_are_not_blind(browser, html):  # noqa: F811
    """The page checks fail on a page where a payload did get in."""
    page = browser.new_page()
    seen = {"errors": [], "foreign": [], "dialogs": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.set_content(f"<title>x · graphcrm</title>{html}")
    page.wait_for_load_state("load")
    with pytest.raises(AssertionError):
        _assert_clean(page, seen, "a page with a payload that ran")
    page.close()
