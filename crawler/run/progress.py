"""Crawl progress: live per-channel counts on a terminal, one quiet line per channel elsewhere.

On a TTY the counts redraw in place (at most a few times a second) while the spiders run; in CI
or a log file each channel writes a single line when its crawl ends, so logs stay short. A
configured file, feed or start URL that gave nothing, and any file or page whose content could
not be read (a broken e-mail, an export without a text column), adds one line with its reason
("  newsletter: mails/broken.eml: not an e-mail: no Subject, From or Date header"), at most
``PROBLEMS`` per channel; the crawl goes on.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from typing import Any, TextIO

from scrapy import signals

from crawler.failures import NOT_FAILURES
from crawler.items import Batch, Offer, PageVisit
from crawler.spiders.base import local_path

REDRAW_SECONDS = 0.2
PROBLEMS = 10


class CrawlProgress:
    def __init__(self, stream: TextIO, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.counts: dict[str, Counter[str]] = {}
        self.finished: dict[str, str] = {}
        self.problems: dict[str, list[str]] = {}
        self.drawn = 0.0

    def watch(self, channel: str, crawler: Any) -> None:
        """Count the items of one channel's crawler (a Scrapy ``Crawler``)."""
        self.counts[channel] = Counter()

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
            elif item.category not in NOT_FAILURES or item.depth == 0:
                counts["failed"] += 1
                if item.reason and (item.depth == 0 or item.category == "unreadable"):
                    self.problems.setdefault(channel, []).append(
                        f"{shown(item.url)}: {item.reason}"
                    )
        elif isinstance(item, Offer):
            counts["offers"] += 1
        if self.live and time.monotonic() - self.drawn >= REDRAW_SECONDS:
            self.draw()

    def close(self, channel: str, reason: str) -> None:
        self.finished[channel] = "done" if reason == "finished" else reason
        if self.live:
            self.draw()
        else:
            self.stream.write(f"{channel}: {self.describe(channel)}\n")
            self.write_problems(channel)
            self.stream.flush()

    def write_problems(self, channel: str) -> None:
        problems = self.problems.get(channel, [])
        for problem in problems[:PROBLEMS]:
            self.stream.write(f"  {channel}: {problem}\n")
        if len(problems) > PROBLEMS:
            self.stream.write(f"  {channel}: … and {len(problems) - PROBLEMS} more\n")

    def describe(self, channel: str) -> str:
        counts = self.counts[channel]
        text = f"{counts['pages']} pages, {counts['failed']} failed, {counts['offers']} offers"
        return text + (f" — {self.finished[channel]}" if channel in self.finished else "")

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

    def end(self) -> None:
        """Leave the live line in place and move below it."""
        if self.live and self.counts:
            self.draw()
            self.stream.write("\n")
            for channel in self.counts:
                self.write_problems(channel)
            self.stream.flush()


def shown(url: str) -> str:
    """A URL as a person wrote it: a file's path rather than its file:// URL."""
    path = local_path(url)
    return str(path) if path is not None else url
