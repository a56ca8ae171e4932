"""Hostile answers to a crawl, feeds and pages alike, against real local servers (issue 20).

Each fault is one channel (or one page of the webshop), so one crawl shows them all: a feed or
page redirecting to another host, another port, another site or the cloud metadata address is
recorded with its reason and nothing there is ever asked for; a server dripping one byte a
second fails as "timeout" and never holds a stop; a gzip bomb is "too_large"; feeds in UTF-16,
Latin-1 and with rows past every limit are read, each problem counted, never mojibake. No run
prints a traceback.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.extraction.product_feeds import TOO_LONG_ROW
from crawler.items import TEXT_CUT, TEXT_LIMIT
from tests.conftest import ROOT, run_omnicheck
from tests.fault_server import (
    FaultServer,
    Reply,
    fast_settings,
    feed_csv,
    gzip_bomb,
    merchant_xml,
    page,
    product,
    redirect,
    serve,
)
from tests.request_log import VARIABLE, extensions_setting

pytestmark = pytest.mark.slow

METADATA = "http://169.254.169.254/latest/meta-data/"
XML = {"Content-Type": "application/xml"}
CSV = {"Content-Type": "text/csv"}
FINNISH = [("Makuupussi Äijä -15", "149.00"), ("Kenkä för väg", "89.90")]
DRIP = {"drip": 1.0, "drip_size": 1}  # one byte a second


Servers = tuple[FaultServer, FaultServer, FaultServer, str, str, str]


@contextmanager
def three_servers() -> Iterator[Servers]:
    """The crawled server, another loopback host and another port, each with a valid feed."""
    main, other_host, other_port = FaultServer(), FaultServer(), FaultServer()
    for server in (other_host, other_port):
        server.route("/feed.xml", Reply(body=merchant_xml([("Vieras", "1.00")]), headers=XML))
        server.route("/page.html", Reply(body=product("Vieras", "1.00", "V-1")))
    with ExitStack() as stack:
        bases = [
            stack.enter_context(serve(main)),
            stack.enter_context(serve(other_host, "127.0.0.2")),
            stack.enter_context(serve(other_port)),
        ]
        yield main, other_host, other_port, *bases


def hostile_site(server: FaultServer, base: str, other_host: str, other_port: str) -> None:
    huge_row = ("x" * 2_000_000, "1,00")  # past every limit: one failed row
    long_row = ("y" * 200_000, "2,00")  # past csv's old limit: read, its title cut
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n"))
    flaky = Reply(body=feed_csv(FINNISH), headers=CSV)
    server.route("/feeds/flaky.csv", lambda count: Reply(503, b"Huolto") if count == 0 else flaky)
    routes = {
        "/feeds/offhost.xml": redirect(f"{other_host}/feed.xml"),
        "/feeds/otherport.xml": redirect(f"{other_port}/feed.xml"),
        "/feeds/elsewhere.xml": redirect("http://shop.invalid/feed.xml", 301),
        "/feeds/metadata.xml": redirect(METADATA),
        "/feeds/moved.xml": redirect("/feeds/real.xml"),
        "/feeds/real.xml": Reply(body=merchant_xml([("Reppu", "49.90")]), headers=XML),
        "/feeds/drip.csv": Reply(body=feed_csv(FINNISH), headers=CSV, **DRIP),
        "/feeds/utf16.xml": Reply(body=merchant_xml(FINNISH, "utf-16"), headers=XML),
        "/feeds/latin1.csv": Reply(body=feed_csv(FINNISH, "latin-1"), headers=CSV),
        "/feeds/latin1-declared.csv": Reply(
            body=feed_csv(FINNISH, "latin-1"), headers={"Content-Type": "text/csv; charset=latin1"}
        ),
        "/feeds/oversize.csv": Reply(
            body=feed_csv([FINNISH[0], huge_row, long_row, FINNISH[1]]), headers=CSV
        ),
        "/feeds/bomb.xml": gzip_bomb(64 * 1024 * 1024),
        "/feeds/gzipped.xml": Reply(
            body=gzip.compress(merchant_xml(FINNISH)),
            headers={**XML, "Content-Encoding": "gzip"},
        ),
        "/feeds/huge.csv": Reply(body=feed_csv(FINNISH * 100_000), announce_length=False),
        "/feeds/huge-title.xml": Reply(
            body=merchant_xml([("Teltta " + "z" * 3_000_000, "199.00")]), headers=XML
        ),
        "/private/feed.xml": Reply(body=merchant_xml([("Salainen", "9.90")]), headers=XML),
        "/shop/p1.html": Reply(body=product("Reppu", "49.90", "R-1")),
        "/shop/long-name.html": Reply(body=product("Reppu " + "w" * 50_000, "59.90", "L-1")),
        "/shop/to-metadata.html": redirect(METADATA),
        "/shop/to-offhost.html": redirect(f"{other_host}/page.html"),
        "/shop/to-otherport.html": redirect(f"{other_port}/page.html", 307),
        "/shop/refresh.html": Reply(
            body=page("Hetki", f'<meta http-equiv="refresh" content="0; url={METADATA}">')
        ),
        "/shop/bomb.html": gzip_bomb(16 * 1024 * 1024),
        "/shop/drip.html": Reply(body=page("Tippa", "x" * 1000), **DRIP),
    }
    for path, reply in routes.items():
        server.route(path, reply)
    links = [path for path in routes if path.startswith("/shop/")]
    server.route("/shop/index.html", Reply(body=page("Kauppa", links=links)))


FEEDS = {
    "offhost": "/feeds/offhost.xml",
    "otherport": "/feeds/otherport.xml",
    "elsewhere": "/feeds/elsewhere.xml",
    "metadata": "/feeds/metadata.xml",
    "moved": "/feeds/moved.xml",
    "drip": "/feeds/drip.csv",
    "utf16": "/feeds/utf16.xml",
    "latin1": "/feeds/latin1.csv",
    "latin1-declared": "/feeds/latin1-declared.csv",
    "oversize": "/feeds/oversize.csv",
    "bomb": "/feeds/bomb.xml",
    "gzipped": "/feeds/gzipped.xml",
    "huge": "/feeds/huge.csv",
    "flaky": "/feeds/flaky.csv",
    "huge-title": "/feeds/huge-title.xml",
    "forbidden": "/private/feed.xml",
}


def write_config(path: Path, base: str, feeds: dict[str, str], shop: bool = True) -> Path:
    lines = ["name: Vihamielinen", "currency: EUR", "locale: fi_FI", "channels:"]
    if shop:
        lines.append(f"  - {{name: shop, kind: webshop, start_urls: ['{base}/shop/index.html']}}")
    lines += [
        f"  - {{name: {name}, kind: feed, feeds: ['{base}{p}']}}" for name, p in feeds.items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def query(database: Path, sql: str, *parameters: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, parameters).fetchall()


@dataclass
class Crawl:
    """What one crawl of the hostile site left: its process, records, offers and requests."""

    result: subprocess.CompletedProcess[str]
    seconds: float
    base: str
    other_host_base: str
    other_port_base: str
    main: FaultServer
    elsewhere: list[FaultServer]
    asked: list[str]  # every URL that reached the downloader
    pages: dict[str, tuple]  # path → (ok, category, reason, offers, skipped)
    complete: dict[str, int]  # channel → complete
    offers: dict[str, list[tuple]]  # channel → [(name, price, evidence)]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    folder = tmp_path_factory.mktemp("hostile")
    with three_servers() as (main, other_host, other_port, base, other_host_base, other_port_base):
        hostile_site(main, base, other_host_base, other_port_base)
        config = write_config(folder / "omnicheck.yml", base, FEEDS)
        database, requests = folder / "hostile.db", folder / "requests.log"
        temporary = folder / "tmp"  # where the crawl writes feed bodies
        temporary.mkdir()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "checker", "crawl", "-c", str(config), "--db", str(database)]
            + fast_settings(
                OMNICHECK_FEED_TIMEOUT="2",
                OMNICHECK_FEED_MAXSIZE="5000000",
                EXTENSIONS=extensions_setting(),
            ),
            env={
                **os.environ,
                "PYTHONPATH": str(ROOT),
                VARIABLE: str(requests),
                "TMPDIR": str(temporary),
            },
            capture_output=True,
            text=True,
            timeout=180,
        )
        seconds = time.monotonic() - started
        pages = {
            url.removeprefix(base): (ok, category, reason, offers, json.loads(skipped or "{}"))
            for url, ok, category, reason, offers, skipped in query(
                database, "SELECT url, ok, category, reason, offers, skipped FROM pages"
            )
        }
        offers: dict[str, list[tuple]] = {}
        for channel, name, price, evidence in query(
            database, "SELECT channel, name, price, evidence FROM offers ORDER BY id"
        ):
            offers.setdefault(channel, []).append((name, price, json.loads(evidence)))
        asked = requests.read_text(encoding="utf-8").splitlines() if requests.exists() else []
        assert list(temporary.iterdir()) == []  # no body file outlives the crawl
        yield Crawl(
            result,
            seconds,
            base,
            other_host_base,
            other_port_base,
            main,
            [other_host, other_port],
            asked,
            pages,
            dict(query(database, "SELECT channel, complete FROM channels")),
            offers,
        )


def test_the_crawl_ends_in_time_incomplete_without_a_traceback(crawl: Crawl) -> None:
    assert crawl.result.returncode == 3, crawl.result.stderr
    assert "Traceback" not in crawl.result.stderr
    assert crawl.seconds < 60


def test_a_feed_redirected_to_another_host_or_port_stores_nothing(crawl: Crawl) -> None:
    """Before, the other host's items were stored as the channel's own, the channel complete."""
    for name, target in [
        ("offhost", f"{crawl.other_host_base}/feed.xml"),
        ("otherport", f"{crawl.other_port_base}/feed.xml"),
    ]:
        ok, category, reason, *_ = crawl.pages[FEEDS[name]]
        assert (ok, category) == (0, "unsafe_redirect"), name
        assert reason == f"redirect refused, to a loopback address on another port: {target}"
        assert crawl.complete[name] == 0 and name not in crawl.offers
    assert [server.log for server in crawl.elsewhere] == [[], []]


def test_a_feed_redirected_to_another_site_is_dropped_as_offsite(crawl: Crawl) -> None:
    ok, category, reason, *_ = crawl.pages[FEEDS["elsewhere"]]
    assert (ok, category) == (0, "offsite")
    assert reason == "redirect refused, to another site: http://shop.invalid/feed.xml"
    assert crawl.complete["elsewhere"] == 0 and "elsewhere" not in crawl.offers
    assert crawl.asked and not [url for url in crawl.asked if "shop.invalid" in url]


def test_cloud_metadata_is_never_requested(crawl: Crawl) -> None:
    """Before, a feed's redirect to 169.254.169.254 was requested."""
    ok, category, reason, *_ = crawl.pages[FEEDS["metadata"]]
    assert (ok, category) == (0, "unsafe_redirect")
    assert "link-local" in reason and reason.endswith(METADATA)
    assert crawl.complete["metadata"] == 0
    for path in ("/shop/to-metadata.html", "/shop/refresh.html"):  # a 302, a <meta refresh>
        assert crawl.pages[path][:2] == (0, "unsafe_redirect"), path
    assert crawl.asked and not [url for url in crawl.asked if "169.254" in url]


def test_a_feed_redirect_within_its_server_is_followed(crawl: Crawl) -> None:
    assert crawl.pages[FEEDS["moved"]][:2] == (1, None) and crawl.complete["moved"] == 1
    assert [offer[:2] for offer in crawl.offers["moved"]] == [("Reppu", "49.90")]


def test_pages_redirected_off_host_are_recorded_and_never_requested(crawl: Crawl) -> None:
    for path in ("/shop/to-offhost.html", "/shop/to-otherport.html"):
        ok, category, reason, *_ = crawl.pages[path]
        assert (ok, category) == (0, "unsafe_redirect"), path
        assert reason.endswith("/page.html")
    assert crawl.pages["/shop/p1.html"][:2] == (1, None)
    assert [server.log for server in crawl.elsewhere] == [[], []]


def test_a_server_dripping_one_byte_a_second_times_out(crawl: Crawl) -> None:
    """Before, a feed's timeout was per read: a drip never timed out."""
    assert crawl.pages[FEEDS["drip"]][:2] == (0, "timeout") and crawl.complete["drip"] == 0
    assert crawl.pages["/shop/drip.html"][:2] == (0, "timeout")


def test_a_gzip_bomb_is_too_large(crawl: Crawl) -> None:
    """Before, a page's gzip bomb was categorised "other"; a feed's had no category."""
    ok, category, reason, *_ = crawl.pages[FEEDS["bomb"]]
    assert (ok, category) == (0, "too_large") and "decompressed" in reason
    ok, category, reason, *_ = crawl.pages["/shop/bomb.html"]
    assert (ok, category) == (0, "too_large") and "decompression" in reason


def test_a_feed_is_read_through_compression_retries_and_its_size_limit(crawl: Crawl) -> None:
    for name in ("gzipped", "flaky"):
        assert [offer[:2] for offer in crawl.offers[name]] == FINNISH, name
        assert crawl.complete[name] == 1
    assert len(crawl.main.requests(FEEDS["flaky"])) == 2
    ok, category, reason, *_ = crawl.pages[FEEDS["huge"]]
    assert (ok, category) == (0, "too_large") and "5000000" in reason


def test_a_feed_forbidden_by_robots_txt_is_recorded_with_its_category(crawl: Crawl) -> None:
    assert crawl.pages[FEEDS["forbidden"]][:2] == (0, "robots")
    assert crawl.complete["forbidden"] == 0  # a seed: never excused
    assert crawl.main.requests("/private/feed.xml") == []


def test_a_utf16_xml_feed_reads_as_xml(crawl: Crawl) -> None:
    """Before, it was read as CSV: 0 offers."""
    assert [offer[:2] for offer in crawl.offers["utf16"]] == FINNISH
    assert crawl.complete["utf16"] == 1


def test_a_latin1_csv_is_decoded_and_an_undeclared_one_noted(crawl: Crawl) -> None:
    """Before, it was stored as mojibake with no warning."""
    for name in ("latin1", "latin1-declared"):
        assert [offer[:2] for offer in crawl.offers[name]] == FINNISH, name
        assert crawl.complete[name] == 1
    assert crawl.pages[FEEDS["latin1"]][2] == (
        "read as Windows-1252: not UTF-8, and no charset declared"
    )
    assert crawl.pages[FEEDS["latin1-declared"]][2] is None


def test_rows_around_an_oversized_csv_field_are_kept(crawl: Crawl) -> None:
    """Before, a field over 131 072 characters aborted the feed and lost the rows before it."""
    ok, _, _, count, skipped = crawl.pages[FEEDS["oversize"]]
    assert (ok, count, skipped) == (1, 3, {TOO_LONG_ROW: 1, TEXT_CUT: 1})
    names = [name for name, *_ in crawl.offers["oversize"]]
    assert names == [FINNISH[0][0], "y" * TEXT_LIMIT, FINNISH[1][0]]


def test_a_huge_title_is_cut_and_the_cut_recorded(crawl: Crawl) -> None:
    ((title, price, evidence),) = crawl.offers["huge-title"]
    assert (len(title), price) == (TEXT_LIMIT, "199.00")
    assert evidence["cut"] == f"title: cut at {TEXT_LIMIT} characters"
    assert crawl.pages[FEEDS["huge-title"]][4] == {TEXT_CUT: 1}
    assert "cut" not in crawl.offers["moved"][0][2]
    ok, _, _, count, skipped = crawl.pages["/shop/long-name.html"]
    assert (ok, count, skipped) == (1, 1, {TEXT_CUT: 1})
    [(name, price, evidence)] = [offer for offer in crawl.offers["shop"] if offer[1] == "59.90"]
    assert len(name) == TEXT_LIMIT and evidence["cut"].startswith("name")


def test_sigterm_is_not_held_by_a_server_dripping_a_feed_and_a_page(tmp_path: Path) -> None:
    """Before, a feed read in a thread with a per-read timeout kept the process alive."""
    main, database = FaultServer(), tmp_path / "drip.db"
    main.route("/feeds/drip.csv", Reply(body=feed_csv(FINNISH) * 100, headers=CSV, **DRIP))
    main.route("/shop/index.html", Reply(body=page("Tippa", "x" * 1000), **DRIP))
    with serve(main) as base:
        config = write_config(tmp_path / "omnicheck.yml", base, {"drip": "/feeds/drip.csv"})
        crawl = subprocess.Popen(
            [sys.executable, "-m", "checker", "crawl", "-c", str(config), "--db", str(database)]
            + ["-s", "DOWNLOAD_TIMEOUT=600", "-s", "AUTOTHROTTLE_ENABLED=false"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (
            main.requests("/feeds/drip.csv") and main.requests("/shop/index.html")
        ):
            time.sleep(0.05)
        time.sleep(1)
        crawl.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        _, stderr = crawl.communicate(timeout=60)
    assert time.monotonic() - stopped < 15
    assert crawl.returncode == 3, stderr
    assert "Traceback" not in stderr and "omnicheck crawl --resume" in stderr
    assert query(database, "SELECT status FROM runs") == [("aborted",)]
    # The cut downloads went back in the queue: counted as still to do, not as failed pages.
    notes = dict(query(database, "SELECT channel, note FROM channels"))
    assert all("1 still queued" in notes[name] for name in ("drip", "shop")), notes
    assert query(database, "SELECT COUNT(*) FROM pages") == [(0,)]


def test_a_local_feed_is_read_in_place_and_a_missing_one_recorded(tmp_path: Path) -> None:
    (tmp_path / "tuotteet.csv").write_bytes(feed_csv(FINNISH, "latin-1"))
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Paikallinen\ncurrency: EUR\nchannels:\n"
        "  - {name: erp, kind: feed, feeds: [tuotteet.csv, puuttuu.csv]}\n",
        encoding="utf-8",
    )
    database = tmp_path / "local.db"
    result = run_omnicheck("crawl", "-c", str(config), "--db", str(database))
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert query(database, "SELECT name, price FROM offers ORDER BY id") == FINNISH
    pages = query(database, "SELECT url, ok, category, reason, depth FROM pages ORDER BY url")
    missing = tmp_path / "puuttuu.csv"
    assert pages == [
        (missing.as_uri(), 0, "not_found", f"no such file: {missing}", 0),
        (
            (tmp_path / "tuotteet.csv").as_uri(),
            1,
            None,
            "read as Windows-1252: not UTF-8, and no charset declared",
            0,
        ),
    ]
    assert (tmp_path / "tuotteet.csv").exists()  # a local feed is never a temporary file
