"""The worker's side of a distributed crawl: scrapy-redis' scheduler with claims.

A worker takes a request by claiming it (``protocol``), runs its callback, and commits the
callback's items together with the end of the claim. A worker stays open while the crawl is not
done, since other workers may still find links; the coordinator sets ``done`` when no queue and
no claim is left.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import scrapy_redis.scheduler
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueue
from twisted.internet import task

from crawler import items as item_types
from crawler.distributed.protocol import CLAIM, COMMIT, ENQUEUE, CrawlKeys, encode_item, requeue


class FifoRequestQueue(RedisQueue):
    """A channel's requests, oldest first; taking one claims it for a worker."""

    def __len__(self) -> int:
        return int(self.server.llen(self.key))

    def push(self, request: Request) -> None:
        self.server.lpush(self.key, self._encode_request(request))

    def claim(self, claims_key: str, done_key: str) -> tuple[Request, bytes] | None:
        raw = self.server.eval(CLAIM, 3, self.key, claims_key, done_key, time.time())
        return None if raw is None else (self._decode_request(raw), raw)

    def add(self, request: Request, seen: RFPDupeFilter, done_key: str) -> bool:
        """Queue the request unless seen before; False when it was not queued."""
        fingerprint = seen.request_fingerprint(request)
        encoded = self._encode_request(request)
        flag = "1" if request.dont_filter else "0"
        return bool(
            self.server.eval(ENQUEUE, 3, self.key, seen.key, done_key, fingerprint, flag, encoded)
        )

    def clear(self) -> None:
        self.server.delete(self.key)


class DistributedScheduler(scrapy_redis.scheduler.Scheduler):
    """scrapy-redis' scheduler with per-channel keys, claims, a heartbeat and a shared end."""

    CLAIM_META = "omnicheck_claim"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        settings = crawler.settings
        scheduler.keys = CrawlKeys(settings["OMNICHECK_CRAWL"])
        scheduler.worker = settings["OMNICHECK_WORKER_ID"]
        scheduler.timeout = settings.getfloat("OMNICHECK_WORKER_TIMEOUT", 30)
        return scheduler

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.channel: str = spider.channel_name  # type: ignore[attr-defined]
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.keys.requests(self.channel)
        )
        self.df = RFPDupeFilter(self.server, key=self.keys.seen(self.channel))
        self.claims_key = self.keys.claims(self.channel, self.worker)
        self.server.sadd(self.keys.workers, self.worker)
        self.beat()
        self.heartbeat = task.LoopingCall(self.beat)
        self.heartbeat.start(self.timeout / 3, now=False)
        self.crawler.signals.connect(self.stay_open, signal=signals.spider_idle)

    def beat(self) -> None:
        self.server.set(self.keys.heartbeat(self.worker), self.channel, ex=int(self.timeout) + 1)

    def stay_open(self, spider: Spider) -> None:
        """Other workers may still find links: close only when the coordinator says so."""
        if not self.server.exists(self.keys.done):
            raise DontCloseSpider

    def close(self, reason: str) -> None:
        """Leave the queue and the duplicate filter to the others; give back unfinished work."""
        if self.heartbeat.running:
            self.heartbeat.stop()
        requeue(self.server, self.keys, [self.channel], self.worker)

    def enqueue_request(self, request: Request) -> bool:
        # A redirect or retry of a claimed request replaces it: queue it without the wrapper.
        committing = request.callback if isinstance(request.callback, Committing) else None
        if committing is not None:
            request = request.replace(
                callback=committing.function, errback=_unwrapped(request.errback)
            )
        queued = self.queue.add(request, self.df, self.keys.done)
        if queued and self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        if committing is not None:
            self.commit(committing.claim, [])
        return queued

    def next_request(self) -> Request | None:
        claimed = self.queue.claim(self.claims_key, self.keys.done)
        if claimed is None:
            return None
        request, raw = claimed
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        callback = request.callback or self.spider._parse  # type: ignore[attr-defined]
        return request.replace(
            callback=Committing(self, raw, callback),
            errback=Committing(self, raw, request.errback or _reraise),
        )

    def commit(self, claim: bytes, produced: list[Any]) -> None:
        encoded = [encode_item(item) for item in produced]
        self.server.eval(COMMIT, 2, self.claims_key, self.keys.items, claim, *encoded)


class Committing:
    """A claimed request's callback: its requests are scheduled as they come, its items held
    back and committed with the end of the claim (even when the callback raises)."""

    def __init__(
        self, scheduler: DistributedScheduler, claim: bytes, function: Callable[..., Any]
    ) -> None:
        self.scheduler, self.claim, self.function = scheduler, claim, function

    async def __call__(self, result: Any, **kwargs: Any) -> AsyncIterator[Any]:
        produced: list[Any] = []
        try:
            async for value in _each(self.function(result, **kwargs)):
                if isinstance(value, Request):
                    yield value
                elif isinstance(value, item_types.Batch):
                    produced.extend(value.items)
                else:
                    produced.append(value)
        finally:
            self.scheduler.commit(self.claim, produced)


async def _each(output: Iterable[Any] | AsyncIterator[Any] | None) -> AsyncIterator[Any]:
    """A callback's output, whether it is a generator, an async generator or nothing."""
    if isinstance(output, AsyncIterator):
        async for value in output:
            yield value
    else:
        for value in output or ():
            yield value


def _unwrapped(function: Any) -> Any:
    if not isinstance(function, Committing):
        return function
    return None if function.function is _reraise else function.function


def _reraise(failure: Any) -> None:
    """The errback of a request that had none: the failure stays a failure."""
    failure.raiseException()
