"""Scrapy's scheduler with pending requests on disk even when no JOBDIR is set.

A sitemap of 50 000 product URLs queues 50 000 requests at once; in memory they would make a
crawl's peak memory grow with the size of the site. Without a JOBDIR, the queue lives in a
temporary folder for the crawl's duration (with one, Scrapy's own behaviour is unchanged:
``-s JOBDIR=crawls/webshop`` keeps the queue to resume).
"""

from __future__ import annotations

import tempfile
from typing import Any

from scrapy.core.scheduler import Scheduler
from scrapy.crawler import Crawler


class DiskQueueScheduler(Scheduler):
    temporary: tempfile.TemporaryDirectory[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskQueueScheduler:
        scheduler = super().from_crawler(crawler)
        if scheduler.dqdir is None:
            scheduler.temporary = tempfile.TemporaryDirectory(prefix="omnicheck-requests-")
            scheduler.dqdir = scheduler._dqdir(scheduler.temporary.name)
        return scheduler

    def close(self, reason: str) -> Any:
        result = super().close(reason)
        if self.temporary is not None:
            self.temporary.cleanup()
        return result
