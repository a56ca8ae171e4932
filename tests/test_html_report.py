"""The HTML report: self-contained, escaped, and sortable/filterable in a real headless Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.findings import Finding
from checker.reports import build_report, render
from crawler.store import Store
from tests.conftest import require_program
from tests.factories import checked_run, missing_finding, price_finding
from tests.webdriver import Browser

SCRIPT_NAME = "<script>alert(1)</script>"


def hostile_finding() -> Finding:
    """A product whose crawled name, evidence and URL try to run code in the report."""
    finding = price_finding(SCRIPT_NAME, "10.00", "12.50")
    finding.channels["website"]["evidence"] = '<img src=x onerror="alert(2)">12,50 €'
    finding.channels["webshop"]["url"] = "javascript:alert(3)"
    return finding


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    store = Store(tmp_path / "omnicheck.db")
    checked_run(
        store, [price_finding("Otsalamppu 300", "34.90", "29.90"), missing_finding("returns")]
    )
    checked_run(
        store,
        [
            price_finding("Otsalamppu 300", "34.90", "29.90"),
            price_finding("Termosmuki 0,4 L", "19.90", "26.90"),
            hostile_finding(),
            missing_finding("click_and_collect"),
        ],
    )
    path = tmp_path / "report.html"
    html = render(build_report(store, 2), "html")
    assert isinstance(html, str)
    path.write_text(html, encoding="utf-8")
    return path


def test_crawled_text_is_escaped_and_nothing_is_loaded_from_elsewhere(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onerror="alert(2)"' not in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!webshop|website)""", html)
    assert "Resolved since run 1" in html and "returns is described" in html


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    chromium = require_program("chromium")
    chromedriver = require_program("chromedriver")
    browser = Browser(chromedriver, chromium, tmp_path / "profile")
    yield browser
    browser.close()


VISIBLE_SUBJECTS = """return Array.from(document.querySelectorAll('#findings tbody tr'))
  .filter(function (row) { return !row.hidden; })
  .map(function (row) { return row.cells[3].querySelector('strong').textContent; });"""


@pytest.mark.slow
def test_report_in_chromium_filters_sorts_and_runs_no_crawled_script(
    report_file: Path, browser: Browser
) -> None:
    browser.open(report_file.as_uri())
    assert browser.alert_text() is None
    assert browser.run("return document.scripts.length;") == 1
    assert browser.run("return document.title;") == "Retkiaitta: run 2 — omnicheck"
    subjects = browser.run(VISIBLE_SUBJECTS)
    assert subjects == ["Otsalamppu 300", "Termosmuki 0,4 L", SCRIPT_NAME, "Click and collect"]
    assert browser.run("return document.getElementById('shown').textContent;") == (
        "4 of 4 findings shown"
    )
    bars = browser.run(
        "return Array.from(document.querySelectorAll('#chart svg rect title'))"
        ".map(function (title) { return title.textContent; });"
    )
    assert sorted(bars) == [
        "run 1: 2 new",
        "run 2: 1 persisting",
        "run 2: 1 resolved",
        "run 2: 3 new",
    ]

    browser.type("#filter-text", "otsalamppu")
    assert browser.run(VISIBLE_SUBJECTS) == ["Otsalamppu 300"]
    assert browser.run("return document.getElementById('shown').textContent;") == (
        "1 of 4 findings shown"
    )
    browser.command("POST", f"/element/{browser.find('#filter-text')}/clear")
    browser.click("#filter-status option[value=new]")
    assert browser.run(VISIBLE_SUBJECTS) == ["Termosmuki 0,4 L", SCRIPT_NAME, "Click and collect"]
    browser.click("#filter-kind option[value=price_mismatch]")
    assert browser.run(VISIBLE_SUBJECTS) == ["Termosmuki 0,4 L", SCRIPT_NAME]
    browser.click("#filter-status option[value='']")
    browser.click("#filter-kind option[value='']")

    browser.click("#findings th[data-key=difference]")
    ascending = ["Click and collect", SCRIPT_NAME, "Otsalamppu 300", "Termosmuki 0,4 L"]
    assert browser.run(VISIBLE_SUBJECTS) == ascending
    browser.click("#findings th[data-key=difference]")
    assert browser.run(VISIBLE_SUBJECTS) == ascending[::-1]
    browser.click("#findings th[data-key=subject]")
    assert browser.run(VISIBLE_SUBJECTS)[0] == SCRIPT_NAME
    assert browser.alert_text() is None
    assert browser.run("return document.scripts.length;") == 1
