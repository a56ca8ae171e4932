"""Downloader middleware: retries that wait before asking again.

Scrapy's own ``RetryMiddleware`` puts a failed request straight back in the queue, so a server
answering 503 or 429 is asked again at once, and its ``Retry-After`` header is ignored. This one
replaces it (same settings: ``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``) and waits
before each retry: as long as ``Retry-After`` says (seconds or an HTTP date), otherwise
``RETRY_BACKOFF_BASE * 2**(attempt - 1)`` seconds, at most ``RETRY_BACKOFF_MAX``. A server that
asks for a longer pause than ``RETRY_AFTER_MAX`` is not retried: the failure is recorded.

The retry itself is Scrapy's public ``get_retry_request`` (stats, ``max_retry_times`` and
``priority_adjust`` meta, the give-up log), called after the wait.

A page in another channel's narrower folder is asked for with ``left_to`` in its meta, so that
Scrapy's duplicate filter counts it once (across a resumed crawl and Redis workers too);
``LeftToOtherChannel`` turns it into an excluded page, never fetched (``crawler.scope``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)
# While waiting, look this often whether the crawl is being stopped (Ctrl-C, SIGTERM).
WAIT_STEP = 0.25


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, waiting before each retry and honouring Retry-After."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 0)
        return float(min(self.backoff_max, self.backoff_base * 2**attempt))

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            logger.warning(
                "Not retrying %s: Retry-After %.0f s is longer than RETRY_AFTER_MAX (%.0f s)",
                request.url,
                asked,
                self.retry_after_max,
            )
            self.crawler.stats.inc_value("retry/retry_after_too_long")  # type: ignore[union-attr]
            return response
        wait = asked if asked is not None else self.backoff(request)
        retry = self.retry(request, response_status_message(response.status))
        if retry is None:
            return response
        return retry if await self._wait(wait) else response

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        wait = self.backoff(request)
        retry = self.retry(request, exception)
        if retry is None or not await self._wait(wait):
            return None
        return retry

    def retry(self, request: Request, reason: str | Exception) -> Request | None:
        """The request to ask again, or None when its retries are used up (Scrapy's own)."""
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    async def _wait(self, seconds: float) -> bool:
        """Wait; False when the crawl is being stopped meanwhile (then give up the retry)."""
        remaining = seconds
        while remaining > 0:
            if not self.crawler.crawling:
                return False
            step = min(WAIT_STEP, remaining)
            await sleep(step)
            remaining -= step
        return bool(self.crawler.crawling)


class LeftToOtherChannel:
    """Records a page left to another channel (``meta["left_to"]``) instead of fetching it."""

    def process_request(self, request: Request) -> None:
        other = request.meta.get("left_to")
        if other:
            raise IgnoreRequest(f"in channel {other}'s scope")
