"""End to end on a retailer's own site: webshop and website in two folders of one host, footers
linking across, a configuration with a start URL per channel and no allow: lists. The CLI runs
in a subprocess against a real local server; the findings planted are found (tests/own_site.py).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import require_module, require_program, run_omnicheck
from tests.own_site import PRODUCTS, own_site_config, write_own_site

pytestmark = pytest.mark.slow


def run(tmp_path: Path, config: str, exit_code: int = 1) -> tuple[dict, Path, str]:
    (tmp_path / "omnicheck.yml").write_text(config, "utf-8")
    database = tmp_path / "results.db"
    result = run_omnicheck(
        "run",
        "--config",
        str(tmp_path / "omnicheck.yml"),
        "--db",
        str(database),
        "--format",
        "json",
    )
    assert result.returncode == exit_code, result.stderr  # 1: the planted findings are new
    return json.loads(result.stdout), database, result.stderr


def planted(report: dict) -> dict[tuple[str, str], dict]:
    return {
        (f["kind"], f["subject"].get("name") or f["subject"].get("service")): f
        for f in report["findings"]
    }


def pages(database: Path, channel: str) -> dict[str, tuple[int, str | None, str | None]]:
    """Each stored page of a channel: url → (ok, reason, skipped)."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT url, ok, reason, skipped FROM pages WHERE channel = ?", (channel,)
        ).fetchall()
    return {url: (ok, reason, skipped) for url, ok, reason, skipped in rows}


def assert_both_differences(report: dict, base: str) -> None:
    found = planted(report)
    assert set(found) == {("price_mismatch", "Tält Vandring 2"), ("claim_conflict", "returns")}
    price = found[("price_mismatch", "Tält Vandring 2")]["channels"]
    assert price["webshop"]["value"] == "1299 SEK"
    assert price["website"]["value"] == "1199 SEK"
    assert price["website"]["url"] == f"{base}/website/p/talt-vandring-2.html"
    returns = found[("claim_conflict", "returns")]["channels"]
    assert "30 dagar" in returns["webshop"]["evidence"]
    assert "14 dagar" in returns["website"]["evidence"]


@pytest.mark.parametrize("webshop_start", ["/webshop/", "/webshop/index.html"])
def test_two_folders_of_one_host_are_two_channels(
    tmp_path: Path, http_server, webshop_start: str
) -> None:
    base = http_server(write_own_site(tmp_path / "site"))
    report, database, stderr = run(tmp_path, own_site_config(base, webshop_start))
    assert_both_differences(report, base)
    assert "warning:" not in stderr  # two folders side by side do not overlap
    channels = {c["channel"]: c for c in report["channels"]}
    assert channels["webshop"]["offers"] == 5 and channels["website"]["offers"] == 5
    assert all(c["complete"] for c in report["channels"])
    # The footer links into the other folder are not the channel's pages: never fetched.
    assert not [url for url in pages(database, "webshop") if "/website/" in url]
    assert not [url for url in pages(database, "website") if "/webshop/" in url]


def test_a_webshop_at_the_root_leaves_the_website_folder_to_the_website(
    tmp_path: Path, http_server
) -> None:
    base = http_server(write_own_site(tmp_path / "site"))
    report, database, stderr = run(tmp_path, own_site_config(base, webshop_start="/"))
    assert_both_differences(report, base)
    # the overlap is said once, naming both channels
    [overlap] = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert "webshop" in overlap and "website" in overlap
    webshop = {c["channel"]: c for c in report["channels"]}["webshop"]
    left = {
        url: reason
        for url, (ok, reason, _) in pages(database, "webshop").items()
        if "/website/" in url
    }
    # Each website page the webshop links to is recorded once, excluded with its reason.
    assert set(left) == {
        f"{base}/website/index.html",
        f"{base}/website/kundservice.html",
        *(f"{base}/website/p/{slug}.html" for slug in PRODUCTS),
    }
    assert set(left.values()) == {"in channel website's scope"}
    assert webshop["excluded"] == len(left) and webshop["failed"] == 0
    assert webshop["complete"] and webshop["coverage"] == 1.0


def test_javascript_website_is_read_with_render_js(tmp_path: Path, http_server) -> None:
    require_program("chromium")
    require_module("scrapy_playwright")
    base = http_server(write_own_site(tmp_path / "site", js_website=True))

    # Read as served, the website's product pages are empty shells: each is recorded as such.
    (tmp_path / "plain").mkdir()
    plain, database, _ = run(tmp_path / "plain", own_site_config(base), exit_code=3)
    shells = {
        url: json.loads(skipped)
        for url, (_, _, skipped) in pages(database, "website").items()
        if "/p/" in url
    }
    assert len(shells) == 5 and all(s == {"script-built": 1} for s in shells.values())
    website = {c["channel"]: c for c in plain["channels"]}["website"]
    assert website["offers"] == 0
    # The channel is not complete, so nothing is "missing" from it, and the report says why and
    # what to do: one notice naming the channel and render: js.
    assert website["complete"] is False and plain["summary"]["incomplete_channels"] == ["website"]
    [notice] = plain["notices"]
    assert notice.startswith("website: crawl incomplete (7 of 7 pages fetched, 5 of them built")
    assert "set render: js on channel website" in notice
    assert not [f for f in plain["findings"] if f["kind"] == "missing_in_channel"]

    (tmp_path / "js").mkdir()
    report, database, _ = run(tmp_path / "js", own_site_config(base, render_website=True))
    assert_both_differences(report, base)
    website = {c["channel"]: c for c in report["channels"]}["website"]
    assert website["offers"] == 5 and website["complete"]
    assert not [s for _, _, s in pages(database, "website").values() if s and "script" in s]
