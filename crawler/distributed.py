"""One crawl shared by many worker processes through Redis, on scrapy-redis.

Each channel's request queue and duplicate filter live in Redis (scrapy-redis' queue
serialisation and ``RFPDupeFilter``), so every worker fetches different pages and no page twice.
A worker *claims* a request when it takes it: the request moves from the queue into the worker's
claims in one atomic step. When the request's callback (or errback) has finished, its items go
to the crawl's item list and the claim is dropped, again in one atomic step, so a page's items
reach the store exactly once. A worker that stops beating its heartbeat is dead: its claims go
back to the queue (``requeue``) and another worker fetches those pages. A worker stays open
while the crawl is not done, since other workers may still find links; the coordinator
(``checker.distributed``) sets ``done`` when no queue and no claim is left.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import asdict, fields, is_dataclass
from decimal import Decimal
from typing import Any

import redis
import scrapy_redis.scheduler
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base as RedisQueue
from twisted.internet import task

from crawler import items as item_types

JOB_KEY = "omnicheck:job"

# Take the oldest request and record it as this worker's claim, in one step; none once the
# crawl is over.
CLAIM = """
if redis.call('EXISTS', KEYS[3]) == 1 then return nil end
local raw = redis.call('RPOP', KEYS[1])
if raw then redis.call('HSET', KEYS[2], raw, ARGV[1]) end
return raw
"""
# Queue a request unless its fingerprint was seen (or it must not be filtered) or the crawl is
# over.
ENQUEUE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if ARGV[2] == '1' or redis.call('SADD', KEYS[2], ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[1], ARGV[3])
  return 1
end
return 0
"""
# Store a finished request's items unless its claim was taken back (the worker was presumed
# dead and the page is queued again): then the items would be stored twice.
COMMIT = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 and #ARGV > 1 then
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 2))
end
"""
# A worker's claims back to the front of the queue.
REQUEUE = """
local claimed = redis.call('HKEYS', KEYS[1])
for _, raw in ipairs(claimed) do redis.call('RPUSH', KEYS[2], raw) end
redis.call('DEL', KEYS[1])
return #claimed
"""


class CrawlKeys:
    """The Redis keys of one distributed crawl."""

    def __init__(self, crawl: str) -> None:
        self.prefix = f"omnicheck:{crawl}"
        self.items = f"{self.prefix}:items"
        self.workers = f"{self.prefix}:workers"
        self.done = f"{self.prefix}:done"

    def requests(self, channel: str) -> str:
        return f"{self.prefix}:{channel}:requests"

    def seen(self, channel: str) -> str:
        return f"{self.prefix}:{channel}:seen"

    def claims(self, channel: str, worker: str) -> str:
        return f"{self.prefix}:{channel}:claims:{worker}"

    def heartbeat(self, worker: str) -> str:
        return f"{self.prefix}:worker:{worker}"


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


def requeue(server: redis.Redis, keys: CrawlKeys, channels: Iterable[str], worker: str) -> int:
    """Put a worker's claimed requests back in their queues; how many there were."""
    return sum(
        int(server.eval(REQUEUE, 2, keys.claims(channel, worker), keys.requests(channel)))
        for channel in channels
    )


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


def encode_item(item: Any) -> str:
    """An item as JSON naming its type; money as text, never as a float."""
    return json.dumps({"type": type(item).__name__, "fields": asdict(item)}, default=str)


def decode_item(text: str | bytes) -> Any:
    data = json.loads(text)
    cls = getattr(item_types, data["type"], None)
    if not (isinstance(cls, type) and is_dataclass(cls)):
        raise ValueError(f"not an omnicheck item type: {data['type']!r}")
    values = data["fields"]
    for field in fields(cls):
        if "Decimal" in str(field.type) and values.get(field.name) is not None:
            values[field.name] = Decimal(values[field.name])
    return cls(**values)
