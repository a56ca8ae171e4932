"""Crawl progress: redrawn in place on a terminal, one line per channel in CI logs."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from crawler.items import Offer, PageVisit
from crawler.run.progress import CrawlProgress
from tests.conftest import ROOT


def feed(progress: CrawlProgress) -> None:
    for channel in ("webshop", "website"):
        progress.counts[channel] = Counter()
    progress.record("webshop", PageVisit(channel="webshop", url="https://x/1"))
    for url in ("https://x/2", "https://x/3"):
        refused = PageVisit("webshop", url, ok=False, reason="connection refused", depth=1)
        progress.record("webshop", refused)
    too_deep = PageVisit(
        "webshop", "https://x/9", ok=False, category="depth_limit", reason="deeper than 2"
    )
    progress.record("webshop", too_deep)
    # Pages not fetched on purpose are not failures (the run's note counts them as excluded).
    for category in ("robots", "offsite", "other_channel", "not_found"):
        left = PageVisit("webshop", f"https://x/{category}", ok=False, category=category, depth=1)
        progress.record("webshop", left)
    seed = PageVisit(
        "webshop", "https://x/", ok=False, category="not_found", reason="HTTP 404", depth=0
    )
    progress.record("webshop", seed)
    progress.record("webshop", Offer(channel="webshop", url="https://x/1"))
    progress.record("website", PageVisit(channel="website", url="https://y/1"))


def test_off_a_terminal_each_channel_writes_one_line_when_it_ends() -> None:
    stream = io.StringIO()
    progress = CrawlProgress(stream)
    feed(progress)
    assert stream.getvalue() == ""
    progress.close("webshop", "finished")
    progress.close("website", "closespider_timeout")
    progress.end("results.db.log", 4)
    assert stream.getvalue() == (
        "webshop: 1 pages, 3 failed, 1 offers, 1 not fetched (crawl limits) — done\n"
        # one line per reason, most pages first (then as met), with one of their URLs
        "  webshop: 2 failed: connection refused (https://x/2 and 1 more)\n"
        "  webshop: 1 not fetched: deeper than 2 (https://x/9)\n"
        "  webshop: 1 failed: HTTP 404 (https://x/)\n"
        "website: 1 pages, 0 failed, 0 offers — closespider_timeout\n"
        "details: 4 warnings and errors in results.db.log\n"
    )


def test_on_a_terminal_the_line_is_redrawn_and_fits_the_width() -> None:
    progress = CrawlProgress(io.StringIO(), live=True)
    feed(progress)
    progress.close("webshop", "finished")
    assert progress.line(200) == "webshop 1 pages 1 offers ✓ · website 1 pages 0 offers"
    assert progress.line(30) == "webshop 1 pages 1 offers ✓ ·…"
    assert progress.stream.getvalue().startswith("\r\x1b[Kwebshop")
    progress.end()  # below the line, the reasons
    assert progress.stream.getvalue().endswith(
        "\n  webshop: 2 failed: connection refused (https://x/2 and 1 more)\n"
        "  webshop: 1 not fetched: deeper than 2 (https://x/9)\n"
        "  webshop: 1 failed: HTTP 404 (https://x/)\n"
    )


@pytest.mark.slow
def test_a_crawl_on_a_terminal_shows_live_progress() -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "demo", "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        cwd=Path(ROOT),
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    last = output.decode().split("\r\x1b[K")[-1]
    assert re.match(r"webshop [1-9]\d* pages \d+ offers ✓ · website [1-9]\d* pages", last), last
