"""The HTML report: self-contained, escaped, ordered by what to fix first, and readable in a real
headless Chromium on a desktop and on a 390 px phone."""

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
IMAGE_NAME = '<img src=x onerror="alert(4)">Termosmuki'


def hostile_finding() -> Finding:
    """A product whose crawled name, evidence and URL try to run code in the report."""
    finding = price_finding(SCRIPT_NAME, "10.00", "12.50", sku="<b>SKU-1</b>")
    finding.channels["website"]["evidence"] = '<img src=x onerror="alert(2)">12,50 €'
    finding.channels["webshop"]["url"] = "javascript:alert(3)"
    return finding


def three_channel_finding() -> Finding:
    """Instagram alone asks less than the webshop and the website."""
    finding = price_finding("Kantokassi 16 L", "79.90", "79.90", sku="KA-KK16")
    finding.channels["instagram"] = {**finding.channels["website"], "price": "69.90"}
    finding.channels["instagram"]["value"] = "69.90 EUR"
    return Finding(**{**finding.to_dict(), "fingerprint": ""})


def low_finding() -> Finding:
    finding = price_finding("Retkituoli", "49.90", "49.00", gtin="6434012300799")
    finding.severity = "low"
    return finding


def report_html(tmp_path: Path, locale: str | None = None) -> Path:
    store = Store(tmp_path / "omnicheck.db")
    lamp = price_finding("Otsalamppu 300", "34.90", "29.90", sku="OT-300", gtin="6434012300102")
    checked_run(store, [lamp, missing_finding("returns")], locale=locale)
    checked_run(
        store,
        [
            low_finding(),
            missing_finding("click_and_collect"),
            price_finding(IMAGE_NAME, "19.90", "26.90"),
            hostile_finding(),
            lamp,
            three_channel_finding(),
        ],
        locale=locale,
    )
    path = tmp_path / "report.html"
    html = render(build_report(store, 2), "html")
    assert isinstance(html, str)
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    return report_html(tmp_path)


def test_crawled_text_is_escaped_and_nothing_is_loaded_from_elsewhere(report_file: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'onerror="alert(2)"' not in html and 'onerror="alert(4)"' not in html
    assert "<b>SKU-1</b>" not in html and "&lt;b&gt;SKU-1&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
    assert html.count("<script>") == 1
    assert "Content-Security-Policy" in html and "script-src 'sha256-" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//(?!webshop|website)""", html)
    assert "Resolved since run 1" in html and "Missing on webshop (described: website)" in html


def test_the_report_speaks_the_runs_language(tmp_path: Path) -> None:
    html = report_html(tmp_path, "fi_FI").read_text(encoding="utf-8")
    assert '<html lang="fi">' in html
    assert "2 kanavaa, 0 tuotetta yhdistetty, 0 lupausta verrattu: 6 löydöstä (5 uutta)" in html
    assert "Hinta eroaa: webshop 34,90\xa0€, website 29,90\xa0€" in html
    assert "Näin korjaat" in html and "Korjaa ensin" in html


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    chromium = require_program("chromium")
    chromedriver = require_program("chromedriver")
    browser = Browser(chromedriver, chromium, tmp_path / "profile")
    yield browser
    browser.close()


def open_at(browser: Browser, report: Path, width: int, height: int = 900) -> None:
    """Open the report in a page ``width`` CSS pixels wide (the window's frame taken off)."""
    browser.command("POST", "/window/rect", {"width": width, "height": height})
    inner = browser.run("return window.innerWidth;")
    browser.command("POST", "/window/rect", {"width": 2 * width - inner, "height": height})
    browser.open(report.as_uri())
    assert browser.run("return window.innerWidth;") == width


VISIBLE = """return Array.from(document.querySelectorAll('article.finding'))
  .filter(function (card) { return !card.hidden; })
  .map(function (card) {
    return card.getAttribute('data-kind') + ' ' + card.querySelector('.name').textContent;
  });"""
ORDER = [
    f"price_mismatch {name}"
    for name in ("Kantokassi 16 L", "Otsalamppu 300", IMAGE_NAME, SCRIPT_NAME, "Retkituoli")
] + ["missing_in_channel Click and collect"]


@pytest.mark.slow
def test_on_a_desktop_findings_come_in_the_order_to_fix_them(
    report_file: Path, browser: Browser
) -> None:
    open_at(browser, report_file, 1280)
    assert browser.alert_text() is None
    assert browser.run("return document.scripts.length;") == 1
    assert browser.run("return document.images.length;") == 0  # crawled <img> stayed text
    assert browser.run("return document.title;") == "Retkiaitta: run 2 — omnicheck"
    assert browser.run("return document.getElementById('headline').textContent;") == (
        "2 channels, 0 products linked, 0 claims compared: 6 findings (5 new)"
    )
    assert browser.run(VISIBLE) == ORDER
    counts = browser.run(
        "return ['high', 'medium', 'low', 'changed', 'resolved'].map(function (name) {"
        " return document.querySelector('#count-' + name + ' .count').textContent; });"
    )
    assert counts == ["4", "1", "1", "0", "1"]
    types = browser.run(
        "return Array.from(document.querySelectorAll('#by-type tbody tr')).map(function (row) {"
        " return Array.from(row.cells).map(function (cell) { return cell.textContent; }); });"
    )
    assert types == [
        ["Price differs", "high", "5", "5"],
        ["Missing in a channel", "medium", "1", "1"],
    ]
    first = "article.finding[data-rank='1']"
    assert browser.run(f'return document.querySelector("{first} .title").textContent;') == (
        "Price differs on instagram: €69.90 (elsewhere €79.90)"
    )
    assert browser.run(f'return document.querySelector("{first} .odd .channel").textContent;') == (
        "instagram"
    )
    assert browser.run(f'return document.querySelector("{first} .sku").textContent;') == ("KA-KK16")
    names = browser.run(
        "return Array.from(document.querySelectorAll('.name'), n => n.textContent);"
    )
    assert SCRIPT_NAME in names and IMAGE_NAME in names  # shown as the text they are
    assert "<b>SKU-1</b>" in browser.run(
        "return Array.from(document.querySelectorAll('.sku'), n => n.textContent);"
    )
    dates = browser.run(
        "return Array.from(document.querySelectorAll('#chart text.date'), t => t.textContent);"
    )
    assert len(dates) == 2 and all(re.fullmatch(r"\d{2}/\d{2}", day) for day in dates)

    browser.type("#filter-text", "otsalamppu")
    assert browser.run(VISIBLE) == ["price_mismatch Otsalamppu 300"]
    assert browser.run("return document.getElementById('shown').textContent;") == (
        "1 of 6 findings shown"
    )
    assert browser.run("return document.getElementById('type-missing_in_channel').hidden;")
    browser.command("POST", f"/element/{browser.find('#filter-text')}/clear")
    browser.click("#filter-status option[value=new]")
    assert browser.run(VISIBLE) == [ORDER[0], *ORDER[2:]]
    browser.click("#filter-severity option[value=low]")
    assert browser.run(VISIBLE) == ["price_mismatch Retkituoli"]
    assert browser.alert_text() is None
    assert browser.run("return document.scripts.length;") == 1


@pytest.mark.slow
def test_on_a_phone_each_finding_is_a_card_that_fits_the_screen(
    report_file: Path, browser: Browser
) -> None:
    open_at(browser, report_file, 390)
    assert browser.alert_text() is None
    width = browser.run("return document.documentElement.clientWidth;")
    assert browser.run("return document.documentElement.scrollWidth;") <= width  # no sideways
    cards = browser.run(
        "return Array.from(document.querySelectorAll('article.finding')).map(function (card) {"
        " var box = card.getBoundingClientRect(), sku = card.querySelector('.name');"
        " return {left: box.left, right: box.right, top: box.top, bottom: box.bottom,"
        " radius: getComputedStyle(card).borderTopRightRadius,"
        " rows: getComputedStyle(card.querySelector('ul.channels li')).display,"
        " name: sku.getBoundingClientRect().right}; });"
    )
    assert len(cards) == len(ORDER)
    for card in cards:
        assert card["left"] >= 0 and card["right"] <= width  # the whole card on screen
        assert card["name"] <= width
        assert card["radius"] != "0px" and card["rows"] == "block"  # a card, channels stacked
    groups = browser.run(
        "return Array.from(document.querySelectorAll('details.type')).map(function (group) {"
        " return Array.from(group.querySelectorAll('article.finding'), function (card) {"
        " var box = card.getBoundingClientRect(); return [box.top, box.bottom]; }); });"
    )
    for boxes in groups:  # one below the other, never side by side
        assert all(below[0] >= above[1] for above, below in zip(boxes, boxes[1:], strict=False))
    assert browser.run(VISIBLE) == ORDER
    skus = browser.run(
        "return Array.from(document.querySelectorAll('.sku'), function (sku) {"
        " return [sku.textContent, sku.getBoundingClientRect().right]; });"
    )
    assert [text for text, _ in skus if text in ("KA-KK16", "OT-300")] == ["KA-KK16", "OT-300"]
    assert all(right <= width for _, right in skus)
