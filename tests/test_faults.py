"""Fault injection: a crawl against a server that fails in every way a real one does.

The run must finish, record each failure with its URL and category, mark the faulty channel
incomplete, and never report as missing what it could not see (exit code 3, report written).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import free_port, run_omnicheck
from tests.factories import write_config
from tests.fault_server import (
    TIMEOUT_SLEEP,
    FaultServer,
    Reply,
    fast_settings,
    garbage,
    page,
    product,
    serve,
)

SHOP_SETTINGS = {"name": "Vikakauppa", "currency": "EUR", "locale": "fi_FI"}

pytestmark = pytest.mark.slow

GOOD = [f"/shop/p{number}.html" for number in range(1, 5)]
# Path → the category its failure must be recorded with.
FAILURES = {
    "/shop/unavailable.html": "server_error",
    "/shop/slow.html": "timeout",
    "/shop/drip.html": "timeout",
    "/shop/loop-a.html": "redirect_loop",
    "/shop/chain/1.html": "redirect_loop",
    "/shop/huge.html": "too_large",
    "/shop/huge-stream.html": "too_large",
    "/shop/truncated-transfer.html": "truncated",
}
# Recorded, but not failures of the crawl.
NOT_FAILURES = {"/shop/private/secret.html": "robots", "/shop/missing.html": "not_found"}
# Served, odd or broken inside, but readable: fetched, never a crash, never a bad price.
ODD = [
    "/shop/flaky.html",
    "/shop/rate-limited.html",
    "/shop/garbage.html",
    "/shop/truncated.html",
    "/shop/broken-data.html",
]
BROKEN_DATA = (
    b'<!doctype html><html><head><meta charset="utf-8"><title>Rikki</title>'
    b'<script type="application/ld+json">{"@type": "Product", "name": "Rikki", '
    b'"offers": {"price": "19,9.0.0", </script>'
    b'<script type="application/ld+json">{"@type": "Product", "name": "Miinus", "sku": "M-1",'
    b' "offers": {"@type": "Offer", "price": "-5.00", "priceCurrency": "EUR"}}</script>'
    b'<script type="application/ld+json">{"@type": "Product", "name": "Nolla", "sku": "N-1",'
    b' "offers": {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}}</script>'
    b'<script type="application/ld+json">{"@type": "Product", "name": "Iso", "sku": "I-1",'
    b' "offers": {"@type": "Offer", "price": "1e400", "priceCurrency": "EUR"}}</script>'
    b"</head><body><h1>K\xe4ytetty reppu \xe0 99999999999999999999 \x80</h1></body></html>"
)


def shop(server: FaultServer, base: str) -> None:
    """The faulty channel: every kind of fault one link away from its start page."""
    offsite = base.replace("127.0.0.1", "localhost") + "/shop/elsewhere.html"
    links = [*GOOD, *FAILURES, *NOT_FAILURES, *ODD, offsite]
    server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /shop/private/\n"))
    server.route("/shop/index.html", Reply(body=page("Kauppa", links=links)))
    for number, path in enumerate(GOOD, 1):
        server.route(path, Reply(body=product(f"Tuote {number}", f"{number}9.90", f"T-{number}")))
    server.route("/shop/unavailable.html", Reply(503, page("Huolto")))
    server.route("/shop/slow.html", Reply(body=page("Hidas"), delay=TIMEOUT_SLEEP))
    server.route("/shop/drip.html", Reply(body=page("Tippa", "x" * 4000), drip=0.1))
    server.route("/shop/loop-a.html", Reply(302, headers={"Location": "/shop/loop-b.html"}))
    server.route("/shop/loop-b.html", Reply(302, headers={"Location": "/shop/loop-a.html"}))
    for number in range(1, 10):
        location = f"/shop/chain/{number + 1}.html"
        server.route(f"/shop/chain/{number}.html", Reply(301, headers={"Location": location}))
    server.route("/shop/huge.html", Reply(body=page("Iso", "x" * 300_000)))
    server.route(
        "/shop/huge-stream.html", Reply(body=page("Iso", "x" * 300_000), announce_length=False)
    )
    server.route(
        "/shop/truncated-transfer.html",
        Reply(body=product("Katkennut", "9.90", "K-1")[:300], declared_length=10_000),
    )
    server.route("/shop/private/secret.html", Reply(body=page("Salainen")))
    server.route(
        "/shop/flaky.html",
        lambda count: Reply(503) if count == 0 else Reply(body=product("Oikku", "29.90", "O-1")),
    )
    server.route(
        "/shop/rate-limited.html",
        lambda count: (
            Reply(429, headers={"Retry-After": "1"})
            if count == 0
            else Reply(body=product("Jono", "39.90", "J-1"))
        ),
    )
    server.route("/shop/garbage.html", Reply(body=garbage(20_000)))
    half = product("Puolikas", "49.90", "P-1")
    server.route("/shop/truncated.html", Reply(body=half[: half.index(b"<ul>") + 3]))  # mid-tag
    server.route("/shop/broken-data.html", Reply(body=BROKEN_DATA))
    server.route("/shop/elsewhere.html", Reply(body=page("Muualla")))


def query(database: Path, sql: str, *parameters: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, parameters).fetchall()


def test_faulty_channel_is_recorded_page_by_page_and_marked_incomplete(tmp_path: Path) -> None:
    server = FaultServer()
    server.route("/site/index.html", Reply(body=page("Etusivu", links=["/site/about.html"])))
    server.route("/site/about.html", Reply(body=page("Meistä")))
    with serve(server) as base:
        shop(server, base)
        config = write_config(
            tmp_path,
            [
                {"name": "shop", "kind": "webshop", "start_urls": [f"{base}/shop/index.html"]},
                {"name": "site", "kind": "website", "start_urls": [f"{base}/site/index.html"]},
            ],
            **SHOP_SETTINGS,
        )
        database = tmp_path / "faults.db"
        result = run_omnicheck(
            "crawl", "-c", str(config), "--db", str(database), *fast_settings(), timeout=120
        )

    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert query(database, "SELECT status FROM runs") == [("incomplete",)]
    recorded = {
        url.removeprefix(base): (ok, category)
        for url, ok, category in query(database, "SELECT url, ok, category FROM pages")
    }
    expected_failures = FAILURES | NOT_FAILURES
    assert {path: category for path, (ok, category) in recorded.items() if not ok} == (
        expected_failures
    )
    for path in [*GOOD, *ODD, "/shop/index.html"]:
        assert recorded[path] == (1, None), path

    (shop_row,) = query(
        database,
        "SELECT pages, failed, excluded, planned, coverage, complete, note, failures"
        " FROM channels WHERE channel = 'shop'",
    )
    fetched = len(GOOD) + len(ODD) + 1
    assert shop_row[:6] == (
        fetched,
        len(FAILURES),
        len(NOT_FAILURES),
        fetched + len(FAILURES) + len(NOT_FAILURES),
        round(fetched / (fetched + len(FAILURES)), 4),
        0,
    )
    assert json.loads(shop_row[7]) == dict(Counter(FAILURES.values()))
    assert "below 90%" in shop_row[6] and "2 timeout" in shop_row[6]
    assert query(database, "SELECT complete FROM channels WHERE channel = 'site'") == [(1,)]
    assert "shop: 10 of 18 pages fetched" in result.stdout

    # Retries: 503 once then fine; 429 waited for its Retry-After; 503 forever given up.
    assert len(server.requests("/shop/flaky.html")) == 2
    first, second = server.requests("/shop/rate-limited.html")
    assert second.time - first.time >= 1.0
    assert len(server.requests("/shop/unavailable.html")) == 2
    # Never fetched: what robots.txt forbids, and anything outside the channel's domain.
    assert server.requests("/shop/private/secret.html") == []
    assert all(request.host.startswith("127.0.0.1") for request in server.log)
    # Pages that came through after a retry, or cut short, still give their prices; bad data
    # (negative, zero, absurd) never becomes a price.
    prices = query(database, "SELECT sku, price, currency FROM offers WHERE price IS NOT NULL")
    assert sorted(prices) == sorted(
        [(f"T-{n}", f"{n}9.90", "EUR") for n in range(1, 5)]
        + [("J-1", "39.90", "EUR"), ("O-1", "29.90", "EUR"), ("P-1", "49.90", "EUR")]
    )


SERVICES = page(
    "Palvelut",
    "<p>Click &amp; collect: tilaa verkosta ja nouda myymälästä jo samana päivänä.</p>",
)


@pytest.mark.parametrize("webshop", ["down-503", "refusing-connections", "up-without-service"])
def test_a_channel_that_is_down_yields_no_missing_findings_and_exit_3(
    tmp_path: Path, webshop: str
) -> None:
    server = FaultServer()
    server.route("/site/index.html", Reply(body=page("Etusivu", links=["/site/palvelut.html"])))
    server.route("/site/palvelut.html", Reply(body=SERVICES))
    shop_page = page("Kauppa", "<p>Tervetuloa ostoksille.</p>")
    server.route("/shop/index.html", Reply(503) if webshop == "down-503" else Reply(body=shop_page))
    with serve(server) as base:
        start = f"{base}/shop/index.html"
        if webshop == "refusing-connections":
            start = f"http://127.0.0.1:{free_port()}/shop/index.html"
        config = write_config(
            tmp_path,
            [
                {"name": "website", "kind": "website", "start_urls": [f"{base}/site/index.html"]},
                {"name": "webshop", "kind": "webshop", "start_urls": [start]},
            ],
            **SHOP_SETTINGS,
        )
        output = tmp_path / "findings.json"
        result = run_omnicheck(
            "run",
            "-c",
            str(config),
            "--db",
            str(tmp_path / "omnicheck.db"),
            "-f",
            "json",
            "-o",
            str(output),
            *fast_settings(),
            timeout=120,
        )

    report = json.loads(output.read_text(encoding="utf-8"))
    missing = [f for f in report["findings"] if f["kind"] == "missing_in_channel"]
    channels = {channel["channel"]: channel for channel in report["channels"]}
    if webshop == "up-without-service":  # the control: a complete channel is reported missing
        assert result.returncode == 1, result.stderr
        assert [f["subject"]["service"] for f in missing] == ["click_and_collect"]
        assert channels["webshop"]["complete"] is True
        return
    assert result.returncode == 3, result.stderr
    assert missing == []
    assert channels["webshop"]["complete"] is False
    assert "could not read" in channels["webshop"]["note"]
    assert report["summary"]["incomplete_channels"] == ["webshop"]
    assert any("webshop" in notice for notice in report["notices"])
