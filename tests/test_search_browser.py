"""Search as you type in headless Chromium: the header's box and a form's `data-suggest` box.

As tests/test_browser.py: Debian's chromium driven by playwright, the viewer run as `graphcrm
serve` on a free loopback port over the demo and a hostile person, on each engine. Without
chromium or playwright: skipped, or failed when CI=true.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.soak import served
from tests.test_browser import CHROMIUM, _missing, sync_playwright

HOSTILE = "<img src=x onerror=alert(1)>"
ZHAO = "jinchang.zhao-zhigang"
ZHAO_NAME = "赵志刚 Zhao Zhigang"

if not _missing:
    from playwright.sync_api import expect

pytestmark = pytest.mark.skipif(_missing is not None, reason=f"needs {_missing}")


def run(command: list[str], env: dict[str, str]) -> None:
    """Run a graphcrm command; its output in the failure when it fails."""
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, module_db: str) -> Iterator[str]:
    """`graphcrm serve` over the demo and a person whose name is markup, on each engine."""
    root = tmp_path_factory.mktemp("viewer")
    graphcrm = [sys.executable, "-m", "graphcrm"]
    env = {**os.environ, "GRAPHCRM_TODAY": "2026-11-23"}
    run([*graphcrm, "demo", "--db", module_db], env)
    hostile = root / "hostile"
    hostile.mkdir()
    (hostile / "people.csv").write_text(
        f'id,name,title\nx.hostile,"{HOSTILE}",<b>bold</b>\n', encoding="utf-8"
    )
    run([*graphcrm, "import", str(hostile), "--db", module_db], env)
    with served(module_db, root / "serve.log", env={"GRAPHCRM_TODAY": "2026-11-23"}) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A page of the viewer; the test fails on any console error or dialog (a script run)."""
    opened = browser.new_page(viewport={"width": 1280, "height": 800})
    trouble: list[str] = []
    opened.on("console", lambda m: trouble.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: trouble.append(str(e)))
    opened.on("dialog", lambda d: (trouble.append("dialog: " + d.message), d.dismiss()))
    opened.base = server
    yield opened
    opened.close()
    assert trouble == []


def header_box(page: Any, path: str = "/") -> Any:
    page.goto(page.base + path)
    box = page.locator("header input[name=q]")
    box.click()
    return box


def test_typing_pinyin_in_the_header_suggests_and_enter_opens_the_page(page, tmp_path: Path):
    box = header_box(page)
    box.press_sequentially("zhaozg", delay=30)
    first = page.locator("ul.suggestions li").first
    expect(first).to_contain_text(ZHAO_NAME)
    expect(first).to_contain_text("网络技术部主任")  # title · organisation beside the name
    expect(box).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=str(tmp_path / "suggestions.png"))
    box.press("ArrowDown")
    expect(first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**/people/{ZHAO}")
    expect(page.locator("h1")).to_contain_text(ZHAO_NAME)


def test_a_click_on_a_suggestion_opens_its_page(page):
    box = header_box(page, "/referrals")
    box.press_sequentially("zhao zhigang", delay=30)
    page.locator("ul.suggestions li", has_text=ZHAO_NAME).click()
    page.wait_for_url(f"**/people/{ZHAO}")


def test_enter_without_a_choice_still_searches_and_escape_closes(page):
    box = header_box(page)
    box.press_sequentially("huatong", delay=30)
    suggestions = page.locator("ul.suggestions")
    expect(suggestions.locator("li").first).to_contain_text("华通电子元件")
    box.press("Escape")
    expect(suggestions).to_be_hidden()
    box.press("Enter")
    page.wait_for_url("**/search?q=huatong")
    expect(page.locator("ul.hits li").first).to_contain_text("华通电子元件 Huatong Electronic Components")
    warm = page.locator("ul.hits a", has_text="Find a warm path").first
    assert "/paths?target=" in warm.get_attribute("href")


def test_names_are_shown_as_text_never_run(page):
    box = header_box(page)
    box.press_sequentially("img src", delay=30)
    first = page.locator("ul.suggestions li").first
    expect(first).to_contain_text(HOSTILE)
    assert page.locator("ul.suggestions img, ul.suggestions b").count() == 0


def test_a_form_box_with_data_suggest_fills_in_the_name(page):
    page.goto(page.base + "/paths")
    page.evaluate(
        """() => {
          const form = document.createElement("form");
          const box = document.createElement("input");
          box.name = "target"; box.id = "person-box"; box.setAttribute("data-suggest", "person");
          form.appendChild(box);
          document.querySelector("main").appendChild(form);
          window.graphcrmSuggest(box);
        }"""
    )
    box = page.locator("#person-box")
    box.click()
    box.press_sequentially("zzg", delay=30)
    first = page.locator("ul.suggestions:visible li").first
    expect(first).to_contain_text(ZHAO_NAME)
    expect(first.locator(".kind")).to_have_count(0)  # one kind asked for: no kind label
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(ZHAO_NAME)
    expect(box).to_have_attribute("data-suggested-id", ZHAO)
    expect(page.locator("ul.suggestions:visible")).to_have_count(0)
    assert page.url.endswith("/paths")  # filled in, not submitted
