"""``render: js``: a channel's pages read through the system's Chromium with scrapy-playwright,
and what a user is told when that cannot work."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from scrapy.settings import BaseSettings

from checker.config import ConfigError, parse_config
from crawler.rendering import CHROMIUM_FLAGS, launch_options, rendering_problem
from tests.conftest import require_module, require_program, run_omnicheck
from tests.own_site import write_own_site
from tests.webdriver import free_port

JS_CONFIG = """name: Fjällbutiken
currency: SEK
locale: sv_SE
channels:
  - name: website
    kind: website
    start_urls: ["{base}/website/", "{closed}/website/"]
    render: js
  - name: plain
    kind: website
    start_urls: ["{base}/plain/pannlampa.html"]
crawl:
  AUTOTHROTTLE_ENABLED: false
  RETRY_TIMES: 0
"""


@pytest.mark.slow
def test_a_page_built_by_its_script_is_read_through_chromium(tmp_path: Path, http_server) -> None:
    require_program("chromium")
    require_module("scrapy_playwright")
    site = write_own_site(tmp_path / "site", js_website=True)
    (site / "website" / "index.html").write_text(
        (site / "website" / "index.html")
        .read_text("utf-8")
        .replace(
            "</main>",
            '<a href="/website/p/borta.html">Borta</a>'
            '<a href="/website/p/utgangen.html">Utgången</a></main>',
        ),
        "utf-8",
    )
    # A page whose script fails (its product is gone from the API): a shell even in Chromium.
    (site / "website" / "p" / "utgangen.html").write_bytes(
        (site / "website" / "p" / "pannlampa.html").read_bytes()
    )
    # The same shell in a folder of its own, for a channel read without the browser.
    (site / "plain").mkdir()
    (site / "plain" / "pannlampa.html").write_bytes(
        (site / "website" / "p" / "pannlampa.html").read_bytes()
    )
    base = http_server(site)
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    (tmp_path / "omnicheck.yml").write_text(JS_CONFIG.format(base=base, closed=closed), "utf-8")
    database = tmp_path / "results.db"
    result = run_omnicheck(
        "crawl", "--config", str(tmp_path / "omnicheck.yml"), "--db", str(database)
    )
    assert result.returncode == 3, result.stderr  # one start URL refuses connections
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        offers = {
            row["name"]: row
            for row in connection.execute("SELECT * FROM offers WHERE channel = 'website'")
        }
        failed = {
            row["url"]: (row["category"], row["reason"])
            for row in connection.execute("SELECT * FROM pages WHERE NOT ok")
        }
        plain = connection.execute("SELECT skipped FROM pages WHERE channel = 'plain'").fetchall()
        notes = dict(connection.execute("SELECT channel, note FROM channels").fetchall())
    # Name, price and stock exist only after the script ran.
    tent = offers["Tält Vandring 2"]
    assert (tent["price"], tent["currency"], tent["availability"]) == ("1199", "SEK", "in_stock")
    assert json.loads(tent["sources"]) == {"name": "text", "price": "text", "availability": "text"}
    assert len(offers) == 5
    # Failures through the browser are recorded like any other: a 404, a refused connection.
    assert failed[f"{base}/website/p/borta.html"][0] == "not_found"
    assert failed[f"{closed}/website/"] == (
        "connection",
        f"Page.goto: net::ERR_CONNECTION_REFUSED at {closed}/website/",
    )
    # A channel without render: js reads the page as served, without the browser, and is told
    # to set render: js; one read through the browser whose page stayed empty is told that.
    assert [json.loads(row[0]) for row in plain] == [{"script-built": 1}]
    assert "1 of them built by scripts (0% read" in notes["plain"]
    assert "set render: js on channel plain" in notes["plain"]
    assert "1 of them still empty shells after rendering" in notes["website"]
    assert "render: js" not in notes["website"]


def test_the_browser_starts_headless_on_the_system_chromium_with_the_flags_it_needs() -> None:
    options = launch_options()
    assert options["headless"] is True
    assert options["args"][-len(CHROMIUM_FLAGS) :] == list(CHROMIUM_FLAGS)
    assert ("--no-sandbox" in options["args"]) is (os.geteuid() == 0)
    if options.get("executable_path"):
        assert Path(options["executable_path"]).name.startswith(("chromium", "google-chrome"))
    given = launch_options({"executable_path": "/opt/chrome/chrome", "headless": False})
    assert given["executable_path"] == "/opt/chrome/chrome" and given["headless"] is False


def test_missing_chromium_is_one_line_naming_what_to_do(monkeypatch, tmp_path: Path) -> None:
    require_module("scrapy_playwright")
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without any browser on it
    assert rendering_problem(BaseSettings()) == (
        "needs Chromium, and none was found (looked for chromium, chromium-browser,"
        " google-chrome, google-chrome-stable); install it (apt-get install chromium) or name"
        " it in crawl: {PLAYWRIGHT_LAUNCH_OPTIONS: {executable_path: /path/to/chromium}}"
    )
    named = BaseSettings({"PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": "/no/chromium"}})
    assert rendering_problem(named) == (
        "PLAYWRIGHT_LAUNCH_OPTIONS.executable_path: '/no/chromium': no such program"
    )
    remote = BaseSettings({"PLAYWRIGHT_CDP_URL": "http://127.0.0.1:9222"})
    assert rendering_problem(remote) is None  # a browser elsewhere: nothing to find here


def test_missing_scrapy_playwright_is_one_line_naming_the_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "scrapy_playwright.handler", None)  # as if not installed
    problem = rendering_problem(BaseSettings())
    assert problem is not None
    assert problem.startswith("needs scrapy-playwright (")
    assert problem.endswith("); install it: pip install 'omnicheck[js]'")


def test_a_configuration_with_render_js_names_the_missing_piece_at_its_line(
    monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "scrapy_playwright.handler", None)
    text = "channels:\n  - name: web\n    kind: website\n    start_urls: [https://a.fi/]\n    render: js\n"
    with pytest.raises(ConfigError) as raised:
        parse_config(text)
    assert str(raised.value).startswith(
        "omnicheck.yml:5: channels[0].render: js needs scrapy-playwright ("
    )


def test_the_crawl_command_stops_before_crawling_when_chromium_is_missing(
    tmp_path: Path,
) -> None:
    require_module("scrapy_playwright")
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: web, kind: website, start_urls: ['http://127.0.0.1:9/'], render: js}\n",
        "utf-8",
    )
    environment = {**os.environ, "PATH": str(tmp_path)}
    result = run_omnicheck(
        "crawl", "--config", str(config), "--db", str(tmp_path / "r.db"), env=environment
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {config}:2: channels[0].render: js needs Chromium")
    assert result.stderr.count("\n") == 1 and not (tmp_path / "r.db").exists()


def test_page_requests_go_to_the_browser_and_survive_a_saved_queue() -> None:
    """A render: js channel's page requests carry scrapy-playwright's meta and can be written to
    a JOBDIR queue or Redis (pickled) like any other; sitemaps stay with Scrapy's downloader."""
    import asyncio
    import pickle

    from scrapy.utils.request import request_from_dict

    from crawler.spiders.channel import ChannelSpider

    require_module("scrapy_playwright")
    channel = {
        "name": "web",
        "kind": "website",
        "start_urls": ["https://shop.example/website/"],
        "sitemap_urls": ["https://shop.example/website/sitemap.xml"],
        "render": "js",
    }
    spider = ChannelSpider(channel=channel)  # as a distributed crawl's coordinator makes it

    async def start() -> list:
        return [request async for request in spider.start()]

    sitemap, page = asyncio.run(start())
    assert "playwright" not in sitemap.meta
    assert page.meta["playwright"] is True
    [settle] = page.meta["playwright_page_methods"]
    assert settle.args == (5.0,)
    saved = pickle.loads(pickle.dumps(page.to_dict(spider=spider)))
    restored = request_from_dict(saved, spider=spider)
    assert restored.meta["playwright"] is True and restored.callback == spider.parse
