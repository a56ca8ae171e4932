"""Spider middlewares: requests a crawl limit drops are recorded as planned pages not fetched.

Scrapy's ``DepthMiddleware`` (``DEPTH_LIMIT``) and ``UrlLengthMiddleware`` (``URLLENGTH_LIMIT``)
drop a request by leaving it out of the spider's output: a log line at debug or info level and a
stat, nothing else. The page was planned and never read, so the channel's coverage must count it
(a crawl cut at depth 8 once reported 100 % with a quarter of a shop unread). These replace them
with the same limits and settings, and put in the dropped request's place a ``PageVisit`` that
says why it was not fetched (category ``depth_limit`` or ``url_too_long``), so it reaches the
store like any other page, from a distributed crawl's workers too.

A link first met too deep may be met again nearer the start: the spider is told to forget it
(``ChannelSpider.forget``), so that it is asked for then, as plain Scrapy would; the store counts
a dropped URL once, and not at all when it was fetched after all (``crawler.store``).
"""

from __future__ import annotations

from typing import Any

from scrapy.http import Request, Response
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.spidermiddlewares.urllength import UrlLengthMiddleware

from crawler.items import PageVisit


def not_fetched(spider: Any, request: Request, category: str, reason: str) -> PageVisit | None:
    """The record of a request a limit dropped, for an omnicheck spider (None for another)."""
    channel = getattr(spider, "channel_name", None)
    if channel is None:
        return None
    depth = request.meta.get("depth", 0)
    forget = getattr(spider, "forget", None)
    if forget is not None:
        forget(request.url, depth)
    return PageVisit(
        channel=channel, url=request.url, ok=False, reason=reason, category=category, depth=depth
    )


class DepthLimit(DepthMiddleware):
    """Scrapy's depth middleware; a request deeper than ``DEPTH_LIMIT`` becomes its record."""

    def get_processed_request(  # type: ignore[override]
        self, request: Request, response: Response | None
    ) -> Request | PageVisit | None:
        kept = super().get_processed_request(request, response)
        if kept is not None:
            return kept
        reason = f"deeper than DEPTH_LIMIT {self.maxdepth}"
        return not_fetched(self.crawler.spider, request, "depth_limit", reason)


class UrlLengthLimit(UrlLengthMiddleware):
    """Scrapy's URL length middleware; a longer URL than ``URLLENGTH_LIMIT`` becomes its record."""

    def get_processed_request(  # type: ignore[override]
        self, request: Request, response: Response | None
    ) -> Request | PageVisit | None:
        kept = super().get_processed_request(request, response)
        if kept is not None:
            return kept
        reason = f"URL longer than URLLENGTH_LIMIT {self.maxlength}"
        return not_fetched(self.crawler.spider, request, "url_too_long", reason)
