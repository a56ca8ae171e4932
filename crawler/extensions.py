"""Extension: how much of a channel's crawl was still to do when it stopped.

A crawl stopped by Ctrl-C or SIGTERM leaves requests in its queue (on disk, with ``JOBDIR``, so
``omnicheck crawl --resume`` can fetch them). Those pages were planned but never fetched; the
channel's coverage must count them. Scrapy's stats count what this process enqueued and
dequeued; a resumed crawl also starts with the queue the interrupted one left, recorded here.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

RESUMED = "omnicheck/resumed_requests"


class PendingRequests:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PendingRequests:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self, spider: Any = None) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(RESUMED, queued)


def pending_requests(stats: StatsCollector | None) -> int:
    """Requests still queued when the crawl stopped (0 when it ran to its end)."""
    if stats is None:
        return 0
    resumed = stats.get_value(RESUMED, 0)
    enqueued = stats.get_value("scheduler/enqueued", 0)
    dequeued = stats.get_value("scheduler/dequeued", 0)
    return max(0, resumed + enqueued - dequeued)
