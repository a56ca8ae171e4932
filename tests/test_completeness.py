"""Completeness without crawling: the verdict on a channel, its configuration, retry waits,
failure categories, and what `check` does when a channel is incomplete (exit 3 over 1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.config import ConfigError, parse_config
from crawler.failures import classify_status
from crawler.items import Offer, PageVisit, ServiceClaim
from crawler.middlewares import retry_after_seconds
from crawler.run.completeness import judge
from crawler.run.process import finish_channels
from crawler.store import Store

CHANNEL = {"pages": 0, "failed": 0, "excluded": 0}


def failed(
    category: str | None, depth: int | None = 1, url: str = "https://x.fi/a", reason: str = ""
) -> dict:
    return {"url": url, "category": category, "reason": reason or category, "depth": depth}


TOO_DEEP = failed("depth_limit", 3, reason="deeper than DEPTH_LIMIT 2")
TOO_LONG = failed("url_too_long", 2, reason="URL longer than URLLENGTH_LIMIT 2083")


@pytest.mark.parametrize(
    ("counts", "pages", "pending", "threshold", "complete", "in_note"),
    [
        ({"pages": 20}, [], 0, 0.9, True, "20 of 20 pages fetched (100%)"),
        ({"pages": 18, "failed": 2}, [failed("timeout")] * 2, 0, 0.9, True, "2 timeout"),
        ({"pages": 17, "failed": 3}, [failed("server_error")] * 3, 0, 0.9, False, "below 90%"),
        ({"pages": 17, "failed": 3}, [failed("server_error")] * 3, 0, 0.8, True, "(85%)"),
        ({"pages": 10}, [], 10, 0.9, False, "10 still queued"),
        ({"pages": 0, "failed": 1}, [failed("connection", 0)], 0, 0.9, False, "no page could"),
        # A seed that failed: whatever the coverage, the channel was not seen.
        (
            {"pages": 50, "failed": 1},
            [failed("server_error", 0, "https://x.fi/")],
            0,
            0.9,
            False,
            "could not read https://x.fi/",
        ),
        # A 404 at a seed is a failure; a 404 elsewhere, robots.txt or offsite are not.
        ({"pages": 5, "excluded": 1}, [failed("not_found", 0)], 0, 0.9, False, "could not read"),
        (
            {"pages": 5, "excluded": 3},
            [failed("not_found"), failed("robots"), failed("offsite")],
            0,
            0.9,
            True,
            "3 skipped",
        ),
        # Pages a limit dropped are planned and not fetched, with the limit as their reason.
        (
            {"pages": 30, "failed": 40},
            [TOO_DEEP] * 40,
            0,
            0.9,
            False,
            "30 of 70 pages fetched (43%, below 90%); not fetched: 40 deeper than DEPTH_LIMIT 2",
        ),
        # One page beyond the depth limit hides the pages it links to: never complete.
        ({"pages": 99, "failed": 1}, [TOO_DEEP], 0, 0.9, False, "cut short by a crawl limit"),
        # A URL too long is one page not fetched: coverage decides, as for a failure.
        (
            {"pages": 99, "failed": 1},
            [TOO_LONG],
            0,
            0.9,
            True,
            "99 of 100 pages fetched (99%); not fetched: 1 URL longer than URLLENGTH_LIMIT 2083",
        ),
    ],
)
def test_judge(
    counts: dict, pages: list, pending: int, threshold: float, complete: bool, in_note: str
) -> None:
    verdict = judge(CHANNEL | counts, pages, threshold, pending)
    assert verdict.complete is complete
    assert in_note in verdict.note
    if complete:
        assert "cut short" not in verdict.note


@pytest.mark.parametrize(
    ("stop_reason", "complete", "in_note"),
    [
        ("finished", True, "20 of 20 pages fetched (100%)"),
        # A limit that ends the crawl leaves pages unseen that nothing counted.
        ("closespider_pagecount", False, "stopped: closespider_pagecount; cut short"),
        ("closespider_timeout", False, "stopped: closespider_timeout; cut short"),
        ("memusage_exceeded", False, "cut short by a crawl limit"),
        # Stopped from outside: the run is aborted (crawler.run.process), not cut by a limit.
        ("shutdown", True, "stopped: shutdown"),
    ],
)
def test_a_crawl_a_limit_stopped_is_not_complete(
    stop_reason: str, complete: bool, in_note: str
) -> None:
    verdict = judge(CHANNEL | {"pages": 20}, [], 0.9, 0, stop_reason)
    assert verdict.complete is complete
    assert in_note in verdict.note
    assert ("cut short" in verdict.note) is not complete


@pytest.mark.parametrize(
    ("fetched", "shells", "rendered", "complete", "in_note"),
    [
        # A website whose product pages a script fills in, read as served: mostly unread.
        (
            7,
            5,
            False,
            False,
            "7 of 7 pages fetched, 5 of them built by scripts (29% read, below 90%); set render: js"
            " on channel website to read them through a browser",
        ),
        # One app page (a store locator) among server-built pages: read enough, still said.
        (100, 1, False, True, "100 of 100 pages fetched, 1 of them built by scripts (99% read)"),
        # Read through Chromium and still empty: said differently, no advice to set render: js.
        (
            7,
            5,
            True,
            False,
            "5 of them still empty shells after rendering (29% read, below 90%); Chromium ran"
            " their scripts and they still showed nothing",
        ),
    ],
)
def test_pages_built_by_scripts_are_fetched_but_not_read(
    fetched: int, shells: int, rendered: bool, complete: bool, in_note: str
) -> None:
    channel = CHANNEL | {"channel": "website", "pages": fetched}
    verdict = judge(channel, [], 0.9, 0, "finished", shells, rendered=rendered)
    assert verdict.complete is complete
    assert verdict.coverage == (fetched - shells) / fetched
    assert in_note in verdict.note
    assert ("render: js" in verdict.note) is not rendered


def test_a_page_a_limit_dropped_counts_once_and_not_when_fetched_after_all(tmp_path: Path) -> None:
    store = Store(tmp_path / "limits.db")
    run_id = store.start_run("t", [("webshop", "webshop")])

    def dropped(url: str, depth: int = 3) -> PageVisit:
        reason = "deeper than DEPTH_LIMIT 2"
        return PageVisit(
            "webshop", url, ok=False, category="depth_limit", reason=reason, depth=depth
        )

    store.add_items(
        run_id,
        [
            PageVisit("webshop", "https://x.fi/", depth=0),
            dropped("https://x.fi/a"),  # met too deep, then nearer the start: fetched
            PageVisit("webshop", "https://x.fi/a", depth=2),
            dropped("https://x.fi/b"),  # met too deep twice: one page not fetched
            dropped("https://x.fi/b", 4),
            dropped("https://x.fi/c"),  # met too deep, then failed nearer the start: one failure
            PageVisit("webshop", "https://x.fi/c", ok=False, category="timeout", depth=2),
        ],
    )
    store.update_channel_counts(run_id)
    (channel,) = store.channels(run_id)
    assert (channel["pages"], channel["failed"]) == (2, 2)
    assert [(p["url"], p["category"]) for p in store.failed_pages(run_id)] == [
        ("https://x.fi/b", "depth_limit"),
        ("https://x.fi/c", "timeout"),
    ]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (b" 5 ", 5.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),  # already past: no wait
        ("soon", None),
        ("-1", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_seconds(header: str | bytes | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds(header, now) == seconds


@pytest.mark.parametrize(
    ("status", "category"),
    [
        (404, "not_found"),
        (410, "not_found"),
        (429, "rate_limited"),
        (503, "server_error"),
        (500, "server_error"),
        (403, "refused"),
        (401, "refused"),
    ],
)
def test_classify_status(status: int, category: str) -> None:
    assert classify_status(status) == category


CONFIG = """name: t
completeness: {top}
channels:
  - name: webshop
    kind: webshop
    start_urls: [https://kauppa.example.fi/]
    completeness: {own}
  - name: website
    kind: website
    start_urls: [https://www.example.fi/]
"""


@pytest.mark.parametrize(
    ("top", "own", "webshop", "website"),
    [
        ("null", "null", 0.9, 0.9),
        ("0.75", "null", 0.75, 0.75),
        ("0.8", "1", 1.0, 0.8),
        ("'95%'", "0.5", 0.5, 0.95),
    ],
)
def test_completeness_threshold_globally_or_per_channel(
    top: str, own: str, webshop: float, website: float
) -> None:
    config = parse_config(CONFIG.format(top=top, own=own))
    assert (config.completeness_of("webshop"), config.completeness_of("website")) == (
        webshop,
        website,
    )


@pytest.mark.parametrize(
    ("top", "own", "message"),
    [
        ("0", "null", "omnicheck.yml:2: completeness: 0 is not a share of pages between 0 and 1"),
        ("1.5", "null", "omnicheck.yml:2: completeness: 1.5 is not a share"),
        ("lots", "null", "omnicheck.yml:2: completeness: 'lots' is not a share"),
        ("0.9", "true", "omnicheck.yml:7: channels[0].completeness: True is not a share"),
        ("0.9", "'120%'", "omnicheck.yml:7: channels[0].completeness: '120%' is not a share"),
    ],
)
def test_completeness_threshold_errors_name_line_and_key(top: str, own: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(CONFIG.format(top=top, own=own))
    assert str(error.value).startswith(message)


def test_check_exits_3_over_1_writes_the_report_and_says_why(tmp_path: Path) -> None:
    """Two complete channels disagree on a price (a new finding: exit 1), a third is down:
    exit 3 wins, the report is still written, and the down channel is reported missing
    nothing although it describes no service."""
    config_path = tmp_path / "omnicheck.yml"
    config_path.write_text(
        "name: t\ncurrency: EUR\nchannels:\n"
        + "".join(
            f"  - {{name: {name}, kind: {kind}, start_urls: ['https://{name}.fi/']}}\n"
            for name, kind in [
                ("webshop", "webshop"),
                ("website", "website"),
                ("outlet", "webshop"),
            ]
        ),
        encoding="utf-8",
    )
    config = parse_config(config_path.read_text(encoding="utf-8"), config_path)
    store = Store(tmp_path / "omnicheck.db")
    run_id = store.start_run("t", [(c.name, c.kind) for c in config.channels])
    items: list[object] = []
    for name, price in [("webshop", "129.90"), ("website", "119.90")]:
        url = f"https://{name}.fi/reppu"
        items += [
            PageVisit(name, url, 200, depth=0),
            Offer(name, url, name="Reppu 40 L", sku="R-40", price=Decimal(price), currency="EUR"),
            ServiceClaim(name, url, "click_and_collect", "Click & collect: nouda myymälästä."),
        ]
    items.append(
        PageVisit(
            "outlet",
            "https://outlet.fi/",
            503,
            ok=False,
            reason="HTTP 503",
            category="server_error",
            depth=0,
        )
    )
    store.add_items(run_id, items)
    store.finish_run(run_id, finish_channels(store, run_id, config.crawl_plan()))
    store.close()

    output = tmp_path / "findings.json"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "-c",
            str(config_path),
            "--db",
            str(tmp_path / "omnicheck.db"),
            "-f",
            "json",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 3, result.output
    report = json.loads(output.read_text(encoding="utf-8"))
    assert [f["kind"] for f in report["findings"]] == ["price_mismatch"]
    assert report["summary"]["incomplete_channels"] == ["outlet"]
    (notice,) = report["notices"]
    assert notice.startswith("outlet: crawl incomplete (0 of 1 pages fetched (0%, below 90%)")
    assert "missing_in_channel findings against it are not reported" in notice

    table = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "omnicheck.db")])
    assert "Incomplete crawl: outlet" in table.output
    assert "outlet: 0 of 1 pages fetched" in table.output
