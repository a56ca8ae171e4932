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

from typing import Any, ClassVar

from scrapy.crawler import Crawler
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


class _Recorded:
    """What both limits share: the request Scrapy's middleware drops becomes its record."""

    category: ClassVar[str]
    crawler: Crawler

    def reason(self) -> str:
        raise NotImplementedError

    def get_processed_request(
        self, request: Request, response: Response | None
    ) -> Request | PageVisit | None:
        kept = super().get_processed_request(request, response)  # type: ignore[misc]
        if kept is not None:
            return kept
        return not_fetched(self.crawler.spider, request, self.category, self.reason())


class DepthLimit(_Recorded, DepthMiddleware):  # type: ignore[misc]
    """Scrapy's depth middleware; a request deeper than ``DEPTH_LIMIT`` becomes its record."""

    category = "depth_limit"

    def reason(self) -> str:
        return f"deeper than DEPTH_LIMIT {self.maxdepth}"


class UrlLengthLimit(_Recorded, UrlLengthMiddleware):  # type: ignore[misc]
    """Scrapy's URL length middleware; a longer URL than ``URLLENGTH_LIMIT`` becomes its record."""

    category = "url_too_long"

    def reason(self) -> str:
        return f"URL longer than URLLENGTH_LIMIT {self.maxlength}"
