"""Crawl progress: live per-channel counts on a terminal, one quiet line per channel elsewhere.

On a TTY the counts redraw in place (at most a few times a second) while the spiders run; in CI
or a log file each channel writes a single line when its crawl ends, so logs stay short. Pages
that failed, or that a crawl limit kept from being asked for, are summed up at the end with one
line per channel and reason ("webshop: 3 failed: connection refused (http://... and 2 more)");
the details (Scrapy's log lines, tracebacks) are in the log file the crawl names.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from typing import Any, TextIO

from scrapy import signals

from crawler.failures import LIMITS, NOT_FAILURES
from crawler.items import Batch, Offer, PageVisit

REDRAW_SECONDS = 0.2


class CrawlProgress:
    def __init__(self, stream: TextIO, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.counts: dict[str, Counter[str]] = {}
        # channel → (what happened, reason) → [pages, one of their URLs]
        self.reasons: dict[str, dict[tuple[str, str], list[Any]]] = {}
        self.finished: dict[str, str] = {}
        self.drawn = 0.0

    def watch(self, channel: str, crawler: Any) -> None:
        """Count the items of one channel's crawler (a Scrapy ``Crawler``)."""
        self.counts[channel] = Counter()
        self.reasons[channel] = {}

        def scraped(item: Any, **_: Any) -> None:
            self.record(channel, item)

        def closed(reason: str, **_: Any) -> None:
            self.close(channel, reason)

        crawler.signals.connect(scraped, signal=signals.item_scraped, weak=False)
        crawler.signals.connect(closed, signal=signals.spider_closed, weak=False)

    def record(self, channel: str, item: Any) -> None:
        if isinstance(item, Batch):
            for part in item.items:
                self.record(channel, part)
            return
        counts = self.counts[channel]
        if isinstance(item, PageVisit):
            # A page not fetched on purpose (robots.txt, offsite, another channel's, 404) is no
            # failure, unless it is a seed: as the completeness verdict counts them.
            if item.ok:
                counts["pages"] += 1
            elif item.category in LIMITS:
                counts["not fetched"] += 1
                self.note_reason(channel, "not fetched", item)
            elif item.category not in NOT_FAILURES or item.depth == 0:
                counts["failed"] += 1
                self.note_reason(channel, "failed", item)
        elif isinstance(item, Offer):
            counts["offers"] += 1
        if self.live and time.monotonic() - self.drawn >= REDRAW_SECONDS:
            self.draw()

    def note_reason(self, channel: str, outcome: str, page: PageVisit) -> None:
        reason = page.reason or page.category or "unknown reason"
        entry = self.reasons.setdefault(channel, {}).setdefault((outcome, reason), [0, page.url])
        entry[0] += 1

    def close(self, channel: str, reason: str) -> None:
        self.finished[channel] = "done" if reason == "finished" else reason
        if self.live:
            self.draw()
        else:
            self.stream.write(f"{channel}: {self.describe(channel)}\n")
            self.write_reasons(channel)
            self.stream.flush()

    def describe(self, channel: str) -> str:
        counts = self.counts[channel]
        text = f"{counts['pages']} pages, {counts['failed']} failed, {counts['offers']} offers"
        if counts["not fetched"]:
            text += f", {counts['not fetched']} not fetched (crawl limits)"
        return text + (f" — {self.finished[channel]}" if channel in self.finished else "")

    def reason_lines(self, channel: str) -> list[str]:
        """One line per reason pages of the channel failed or were not fetched, most first."""
        entries = sorted(self.reasons.get(channel, {}).items(), key=lambda entry: -entry[1][0])
        lines = []
        for (outcome, reason), (pages, url) in entries:
            more = f" and {pages - 1} more" if pages > 1 else ""
            lines.append(f"{channel}: {pages} {outcome}: {reason} ({url}{more})")
        return lines

    def write_reasons(self, channel: str) -> None:
        for line in self.reason_lines(channel):
            self.stream.write(f"  {line}\n")

    def line(self, width: int) -> str:
        """Every channel's counts on one line, cut to the terminal's width."""
        text = " · ".join(
            f"{channel} {counts['pages']} pages {counts['offers']} offers"
            + (
                f" {'✓' if self.finished[channel] == 'done' else self.finished[channel]}"
                if channel in self.finished
                else ""
            )
            for channel, counts in self.counts.items()
        )
        return text if len(text) < width else text[: width - 2] + "…"

    def draw(self) -> None:
        self.drawn = time.monotonic()
        width = shutil.get_terminal_size().columns
        self.stream.write(f"\r\x1b[K{self.line(width)}")
        self.stream.flush()

    def end(self, log_file: str | None = None, logged: int = 0) -> None:
        """Leave the live line in place and move below it, with the reasons pages failed; name
        the log file when the crawl logged ``logged`` warnings or errors there."""
        if self.live and self.counts:
            self.draw()
            self.stream.write("\n")
            for channel in self.counts:
                self.write_reasons(channel)
        if log_file and logged:
            self.stream.write(f"details: {logged} warnings and errors in {log_file}\n")
        self.stream.flush()
