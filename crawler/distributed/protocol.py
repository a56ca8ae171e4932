"""How the coordinator and the workers of a distributed crawl talk through Redis.

Each channel's request queue and duplicate filter live in Redis (scrapy-redis' queue
serialisation and ``RFPDupeFilter``), so every worker fetches different pages and no page twice.
A worker *claims* a request when it takes it: the request moves from the queue into the worker's
claims in one atomic step (the Lua scripts below). When the request's callback (or errback) has
finished, its items go to the crawl's item list and the claim is dropped, again in one atomic
step, so a page's items reach the store exactly once. A worker that stops beating its heartbeat
is dead: its claims go back to the queue (``requeue``) and another worker fetches those pages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, fields, is_dataclass
from decimal import Decimal
from typing import Any

import redis

from crawler import items as item_types
from crawler.distributed import DistributedError

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
# A worker's claims back to the front of the queue; once the crawl is over, just dropped (a
# queue made then would never expire).
REQUEUE = """
local claimed = redis.call('HKEYS', KEYS[1])
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
for _, raw in ipairs(claimed) do redis.call('RPUSH', KEYS[2], raw) end
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


def connect(url: str) -> redis.Redis:
    try:
        server = redis.Redis.from_url(url)
        server.ping()
    except (redis.RedisError, ValueError) as error:
        raise DistributedError(f"--redis {url}: cannot use Redis ({error})") from None
    return server


def requeue(server: redis.Redis, keys: CrawlKeys, channels: Iterable[str], worker: str) -> int:
    """Put a worker's claimed requests back in their queues; how many there were."""
    return sum(
        int(
            server.eval(REQUEUE, 3, keys.claims(channel, worker), keys.requests(channel), keys.done)
        )
        for channel in channels
    )


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
