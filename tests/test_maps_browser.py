"""The maps in headless Chromium: readable, stable, saved, with true legends and a side panel.

Reads the drawn positions and label boxes from the live vis-network
(`window.graphcrmNetworks[id]`); the server and browser are test_browser.py's (Debian's
chromium, the demo and a hostile person, on each engine). Without chromium or playwright:
skipped, or failed when CI=true (as test_browser.py).
"""

from __future__ import annotations

import pytest

from tests.test_browser import HOSTILE, browser, pytestmark, server  # noqa: F401 (fixtures)

MAPS = {
    "dingsheng": ("/accounts/hd.dingsheng", "account-graph"),
    "apex": ("/accounts/apex.apex", "account-graph"),
    "committee": ("/opportunities/apex.opp-apex-mobile-office", "committee-graph"),
}
OTHER_MAPS = {
    "referrals": ("/referrals", "referral-graph"),
    "person": ("/people/jinchang.li-qiong", "ego-graph"),
    "paths": ("/paths?target=jinchang.zhao-zhigang", "path-graph"),
}
VIEWPORTS = [(1280, 720), (1920, 1080)]


def open_map(browser, base: str, path: str, graph: str, size=(1280, 720), page=None):  # noqa: F811
    """A new page (own storage) showing the map, once it has settled."""
    page = page or browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + path)
    page.wait_for_selector(f"#{graph}[data-ready='1']", timeout=20000)
    assert errors == []
    return page


def positions(page, graph: str) -> dict[str, list[float]]:
    return page.evaluate(
        f"""() => {{ const p = window.graphcrmNetworks[{graph!r}].getPositions();
        const out = {{}}; for (const k in p) {{ out[k] = [Math.round(p[k].x), Math.round(p[k].y)]; }}
        return out; }}"""
    )


def boxes(page, graph: str) -> dict[str, dict[str, float]]:
    return page.evaluate(
        f"""() => {{ const n = window.graphcrmNetworks[{graph!r}]; const out = {{}};
        n.body.data.nodes.getIds().forEach(id => {{ out[id] = n.getBoundingBox(id); }});
        return out; }}"""
    )


@pytest.mark.parametrize("size", VIEWPORTS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(MAPS))
def test_no_two_node_labels_overlap_on_the_seed_maps(server, browser, name, size):  # noqa: F811
    path, graph = MAPS[name]
    page = open_map(browser, server, path, graph, size)
    drawn = boxes(page, graph)
    assert len(drawn) >= 5
    ids = sorted(drawn)
    overlaps = []
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            p, q = drawn[a], drawn[b]
            if (
                p["left"] < q["right"]
                and q["left"] < p["right"]
                and p["top"] < q["bottom"]
                and q["top"] < p["bottom"]
            ):
                overlaps.append((a, b))
    assert overlaps == []
    page.close()


@pytest.mark.parametrize("name", ["dingsheng", "committee", "referrals"])
def test_the_same_page_draws_the_same_positions_twice(server, browser, name):  # noqa: F811
    path, graph = {**MAPS, **OTHER_MAPS}[name]
    first = open_map(browser, server, path, graph)
    second = open_map(browser, server, path, graph)
    assert positions(first, graph) == positions(second, graph)
    first.close()
    second.close()


def test_a_saved_layout_survives_a_reload_and_reset_forgets_it(server, browser):  # noqa: F811
    path, graph = MAPS["dingsheng"]
    page = open_map(browser, server, path, graph)
    before = positions(page, graph)
    x = before["hd.xiao-wang"][0] + 400
    page.evaluate(f"() => window.graphcrmNetworks[{graph!r}].moveNode('hd.xiao-wang', {x}, 900)")
    page.click(f"[data-save-layout='{graph}']")
    assert "saved" in page.inner_text(f"[data-layout-status='{graph}']")
    page.reload()
    page.wait_for_selector(f"#{graph}[data-ready='1']")
    after = positions(page, graph)
    assert after["hd.xiao-wang"] == [before["hd.xiao-wang"][0] + 400, 900]
    assert after["hd.president"] == before["hd.president"]
    page.click(f"[data-reset-layout='{graph}']")
    page.wait_for_load_state("load")
    page.wait_for_selector(f"#{graph}[data-ready='1']")
    assert positions(page, graph) == before
    page.close()


DRAWN = """(graph) => {
  const n = window.graphcrmNetworks[graph];
  const colour = c => (typeof c === 'string' ? c : c.background).toLowerCase();
  return {
    colours: [...new Set(n.body.data.nodes.get().map(x => colour(x.color)))].sort(),
    edges: [...new Set(n.body.data.edges.get().map(e => e.kind))].sort(),
  };
}"""
LEGEND = """(graph) => {
  const entries = [...document.querySelectorAll('#' + graph + '-legend .legend-entry')];
  return {
    colours: [...new Set(entries.filter(e => e.dataset.colour)
      .map(e => e.dataset.colour.toLowerCase()))].sort(),
    edges: entries.filter(e => e.dataset.facet === 'edge').map(e => e.dataset.value).sort(),
  };
}"""


@pytest.mark.parametrize("name", [*MAPS, *OTHER_MAPS])
def test_the_legend_lists_exactly_what_is_drawn(server, browser, name):  # noqa: F811
    path, graph = {**MAPS, **OTHER_MAPS}[name]
    page = open_map(browser, server, path, graph)
    assert page.evaluate(LEGEND, graph) == page.evaluate(DRAWN, graph)
    page.close()


def test_the_referral_tree_colours_won_open_and_lost_apart(server, browser):  # noqa: F811
    path, graph = OTHER_MAPS["referrals"]
    page = open_map(browser, server, path, graph)
    legend = page.inner_text(f"#{graph}-legend")
    for outcome in ("referral won", "referral open", "referral lost"):
        assert outcome in legend
    assert len(page.evaluate(DRAWN, graph)["colours"]) >= 4  # root, won, open, lost
    labels = page.evaluate(
        f"() => window.graphcrmNetworks[{graph!r}].body.data.edges.get().map(e => e.label)"
    )
    assert "won 800,000" in labels
    link = page.locator("table a", has_text="瑞丰食品 Ruifeng Foods").first
    assert (link.get_attribute("href") or "").startswith("/accounts/")
    page.close()


def test_each_kind_of_informal_line_can_be_hidden(server, browser):  # noqa: F811
    path, graph = MAPS["dingsheng"]
    page = open_map(browser, server, path, graph)
    kinds = page.eval_on_selector_all("[data-edge-kind]", "els => els.map(e => e.dataset.edgeKind)")
    assert "INFLUENCES" in kinds and "REPORTS_TO" not in kinds
    page.uncheck("[data-edge-kind='INFLUENCES']")
    hidden = page.evaluate(
        f"""() => window.graphcrmNetworks[{graph!r}].body.data.edges.get()
        .filter(e => e.kind === 'INFLUENCES').every(e => e.hidden === true)"""
    )
    assert hidden
    page.close()


def node_point(page, graph: str, node: str) -> tuple[float, float]:
    """Where a node is drawn on screen (page coordinates)."""
    where = page.evaluate(
        f"""() => {{ const n = window.graphcrmNetworks[{graph!r}];
        return n.canvasToDOM(n.getPositions([{node!r}])[{node!r}]); }}"""
    )
    box = page.locator(f"#{graph}").bounding_box()
    return box["x"] + where["x"], box["y"] + where["y"]


def click_node(page, graph: str, node: str) -> None:
    """Click a node where it is drawn on screen."""
    page.mouse.click(*node_point(page, graph, node))


def test_clicking_a_person_opens_their_card_beside_the_map(server, browser):  # noqa: F811
    path, graph = MAPS["dingsheng"]
    page = open_map(browser, server, path, graph)
    page.locator(f"#{graph}").scroll_into_view_if_needed()
    click_node(page, graph, "hd.xiao-wang")
    panel = page.locator(f"#{graph}-panel")
    panel.wait_for(state="visible")
    assert "小王 Xiao Wang" in panel.locator("h3").inner_text()
    assert "Planning Specialist" in panel.inner_text()
    assert (
        panel.locator("a", has_text="Find a warm path").get_attribute("href") == "/paths?target=hd.xiao-wang"
    )
    assert panel.locator("a", has_text="Open their page").get_attribute("href") == "/people/hd.xiao-wang"
    assert (
        panel.locator("a", has_text="Log a contact").get_attribute("href")
        == "/people/hd.xiao-wang#log-contact"
    )
    page.close()


def test_the_panel_shows_a_hostile_name_as_text(server, browser):  # noqa: F811
    page = open_map(browser, server, "/people/x.hostile", "ego-graph")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("#ego-graph").scroll_into_view_if_needed()
    click_node(page, "ego-graph", "x.hostile")
    panel = page.locator("#ego-graph-panel")
    panel.wait_for(state="visible")
    assert panel.locator("h3").inner_text() == HOSTILE
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    page.close()


def test_an_empty_map_says_so_instead_of_a_blank_canvas(server, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(server + "/accounts/apex.boyuan")  # a competitor nobody on record works at
    assert page.locator("[data-graph]").count() == 0
    assert "Nobody recorded at this organisation yet." in page.inner_text("#account-graph-empty")
    page.close()


@pytest.mark.parametrize("name", ["referrals", "person", "dingsheng"])
def test_a_map_is_as_tall_as_what_it_shows(server, browser, name):  # noqa: F811
    """The drawing fills most of the canvas's height: no small map on a tall empty canvas."""
    path, graph = {**MAPS, **OTHER_MAPS}[name]
    page = open_map(browser, server, path, graph)
    canvas = page.locator(f"#{graph}").bounding_box()["height"]
    drawn = page.evaluate(
        f"""() => {{ const n = window.graphcrmNetworks[{graph!r}];
        const b = n.body.data.nodes.getIds().map(id => n.getBoundingBox(id));
        const top = n.canvasToDOM({{x: 0, y: Math.min(...b.map(x => x.top))}}).y;
        const bottom = n.canvasToDOM({{x: 0, y: Math.max(...b.map(x => x.bottom))}}).y;
        return bottom - top; }}"""
    )
    assert drawn >= 0.6 * canvas
    page.close()


def test_an_organisation_on_a_person_map_opens_its_own_page(server, browser):  # noqa: F811
    """Each node opens the page of what it is: an account on a person's map opens the account."""
    path, graph = OTHER_MAPS["person"]
    page = open_map(browser, server, path, graph)
    page.locator(f"#{graph}").scroll_into_view_if_needed()
    click_node(page, graph, "jinchang.jinchang")
    panel = page.locator(f"#{graph}-panel")
    panel.wait_for(state="visible")
    assert panel.locator("a", has_text="Open its page").get_attribute("href") == "/accounts/jinchang.jinchang"
    assert panel.locator("a", has_text="Find a warm path").count() == 0  # not a person
    page.locator("button", has_text="Close").click()
    with page.expect_navigation():
        page.mouse.dblclick(*node_point(page, graph, "jinchang.jinchang"))
    assert page.url.endswith("/accounts/jinchang.jinchang")
    page.close()
