"""Editing from the pages in headless Chromium (as tests/test_browser.py): a title from the person
page, a stance from the seat page, a contact logged, and a form that keeps its input after a bad
name. The viewer runs as `graphcrm serve` over the demo, on each engine."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bench.soak import served
from graphcrm.history import history
from graphcrm.store import open_store
from tests import test_browser as shared
from tests.test_browser import _missing, visit

browser = shared.browser  # the same headless Chromium fixture

pytestmark = pytest.mark.skipif(_missing is not None, reason=f"needs {_missing}")
CHEN = "apex.chen-hong"


def submit(page, form: str) -> None:
    """Press the form's button from the keyboard: name suggestions may be open over it."""
    page.focus(f"{form} button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture(scope="module")
def server(tmp_path_factory, module_db):
    root = tmp_path_factory.mktemp("edits-viewer")
    env = {**os.environ, "GRAPHCRM_TODAY": "2026-11-23"}
    subprocess.run(
        [sys.executable, "-m", "graphcrm", "demo", "--db", module_db],
        check=True,
        capture_output=True,
        env=env,
    )
    with served(module_db, root / "serve.log", env={"GRAPHCRM_TODAY": "2026-11-23"}) as base:
        yield base, module_db


def test_edit_a_title_and_log_a_contact_from_the_person_page(server, browser, tmp_path):
    base, db = server
    page, seen = visit(browser, base, f"/people/{CHEN}", tmp_path, "person-edit")
    page.click("details.edit-profile summary")
    page.fill("#edit-profile input[name=title]", "首席信息官 CIO")
    submit(page, "#edit-profile")
    page.wait_for_load_state("networkidle")
    assert "首席信息官 CIO" in page.inner_text("p.facts")
    assert "title 信息中心主任 Director, IT Centre → 首席信息官 CIO" in page.inner_text(".edit-done")

    page.fill("#log-contact input[name=a]", "李青 Li Qing")
    page.select_option("#log-contact select[name=kind]", "visit")
    page.fill("#log-contact input[name=note]", "met at the site visit")
    submit(page, "#log-contact")
    page.wait_for_load_state("networkidle")
    assert "visit on 2026-11-23" in page.inner_text(".edit-done")
    assert "李青 Li Qing" in page.inner_text("table.ties")
    assert seen["errors"] == [] and seen["foreign"] == []
    with open_store(db) as store:
        fields = [c.field for c in history(store, CHEN).changes]
    assert "title" in fields and "contact" in fields
    page.close()


def test_a_bad_name_keeps_the_form_and_says_so(server, browser, tmp_path):
    base, _ = server
    page, _ = visit(browser, base, f"/people/{CHEN}", tmp_path, "person-bad-name")
    page.fill("#add-tie input[name=b]", "Nobody Here")
    page.fill("#add-tie input[name=context]", "golf club")
    submit(page, "#add-tie")
    page.wait_for_load_state("networkidle")
    assert "no person is called 'Nobody Here'" in page.inner_text(".edit-error")
    assert page.input_value("#add-tie input[name=b]") == "Nobody Here"
    assert page.input_value("#add-tie input[name=context]") == "golf club"
    page.close()


def test_edit_a_stance_from_the_seat_page(server, browser, tmp_path):
    base, _ = server
    opp = "apex.opp-apex-mobile-office"
    page, _ = visit(browser, base, f"/seats/edit?opportunity={opp}&person={CHEN}", tmp_path, "seat-edit")
    assert page.input_value("select[name=stance]") == "blocker"
    page.select_option("select[name=stance]", "neutral")
    submit(page, "form.edit-form")
    page.wait_for_load_state("networkidle")
    assert "stance blocker → neutral" in page.inner_text(".edit-done")
    page.goto(f"{base}/opportunities/{opp}/changes")
    assert "陈虹 Chen Hong: stance blocker → neutral" in page.inner_text("table.changes")
    page.close()
