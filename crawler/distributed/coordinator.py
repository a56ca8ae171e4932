"""The coordinator of a distributed crawl (``omnicheck crawl --redis URL``).

It starts the run in the store, seeds each channel's start requests into Redis, and publishes
the job (run, channels, settings) under ``omnicheck:job`` for the workers (``worker``). Only the
coordinator writes the store: it moves the items workers commit to Redis into SQLite, takes back
the claims of workers whose heartbeat stopped, and ends the crawl when no queue and no claim is
left. Completeness is then judged from what was stored, as for a local crawl.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import redis
from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.distributed.protocol import (
    JOB_KEY,
    CrawlKeys,
    connect,
    decode_item,
    encode_item,
    requeue,
)
from crawler.distributed.scheduler import FifoRequestQueue
from crawler.run.plan import CrawlPlan
from crawler.run.process import SPIDERS, finish_channels, start_run
from crawler.store import Store
from crawler.store.liveness import HEARTBEAT_SECONDS

DRAIN_BATCH = 500
DONE_SECONDS = 3600  # how long a finished crawl's keys stay, for workers still stopping
# How much work is left: items not yet stored, queued requests, and claims of live workers.
OUTSTANDING = """
local left = 0
for _, key in ipairs(KEYS) do left = left + redis.call('LLEN', key) end
for _, worker in ipairs(redis.call('SMEMBERS', ARGV[1])) do
  for i = 2, #ARGV do left = left + redis.call('HLEN', ARGV[i] .. worker) end
end
return left
"""


def crawl_distributed(
    plan: CrawlPlan,
    store: Store,
    redis_url: str,
    overrides: dict[str, Any] | None = None,
    channels: list[str] | None = None,
    poll: float = 0.5,
    echo: Callable[[str], None] = print,
) -> int:
    """Coordinate one crawl that workers carry out; return the run's id once it is finished."""
    server = connect(redis_url)
    run_id, selected = start_run(plan, store, channels)
    crawl = f"{run_id}-{uuid.uuid4().hex[:8]}"
    keys = CrawlKeys(crawl)
    job: dict[str, Any] = {
        "crawl": crawl,
        "run": run_id,
        # What every spider is given besides its channel.
        "spider": plan.spider_arguments,
        "settings": {**plan.settings, **(overrides or {})},
        "channels": [channel.spider for channel in selected],
    }
    names = [channel.name for channel in selected]
    status = "aborted"
    try:
        for arguments in job["channels"]:
            seed(server, keys, arguments, job["spider"])
        server.set(JOB_KEY, json.dumps(job))
        echo(f"run {run_id}: waiting for workers (omnicheck worker --redis {redis_url})")
        beaten = time.monotonic()
        while True:
            drain(server, keys, store, run_id)
            if time.monotonic() - beaten >= HEARTBEAT_SECONDS:  # this process is alive
                store.beat(run_id)
                beaten = time.monotonic()
            for worker in dead_workers(server, keys):
                count = requeue(server, keys, names, worker)
                server.srem(keys.workers, worker)
                echo(f"worker {worker} stopped: {count} unfinished requests queued again")
            if outstanding(server, keys, names) == 0:
                break
            time.sleep(poll)
        status = finish_channels(store, run_id, plan)
    finally:
        server.set(keys.done, 1, ex=DONE_SECONDS)
        if server.get(JOB_KEY) == json.dumps(job).encode():
            server.delete(JOB_KEY)
        server.delete(
            keys.items, *(key(name) for name in names for key in (keys.requests, keys.seen))
        )
        expire_leftovers(server, keys)
        store.update_channel_counts(run_id)
        store.finish_run(run_id, status)
    return run_id


def expire_leftovers(server: redis.Redis, keys: CrawlKeys) -> None:
    """Every key the crawl still has (its workers, a claim, the ``done`` mark that tells late
    workers to stop) expires with ``done``: a finished crawl leaves nothing behind for good."""
    for key in server.scan_iter(match=f"{keys.prefix}:*", count=500):
        server.expire(key, DONE_SECONDS)


def seed(
    server: redis.Redis, keys: CrawlKeys, channel: dict[str, Any], arguments: dict[str, Any]
) -> None:
    """A channel's start requests into its queue, through the shared duplicate filter."""
    spider = SPIDERS[channel["kind"]](channel=channel, **arguments)
    queue = FifoRequestQueue(server, spider, keys.requests(channel["name"]))
    seen = RFPDupeFilter(server, key=keys.seen(channel["name"]))
    for output in asyncio.run(_start(spider)):
        if not isinstance(output, Request):
            # what start() records itself (a configured file that does not exist)
            server.rpush(keys.items, encode_item(output))
        elif not seen.request_seen(output):
            queue.push(output)


async def _start(spider: Spider) -> list[Any]:
    return [output async for output in spider.start()]


def drain(server: redis.Redis, keys: CrawlKeys, store: Store, run_id: int) -> int:
    """Move the items workers committed into the store, in batches; how many moved."""
    moved = 0
    while batch := cast(list[bytes] | None, server.lpop(keys.items, DRAIN_BATCH)):
        store.add_items(run_id, [decode_item(text) for text in batch])
        moved += len(batch)
    return moved


def dead_workers(server: redis.Redis, keys: CrawlKeys) -> list[str]:
    workers = [bytes(member).decode() for member in cast(set[bytes], server.smembers(keys.workers))]
    return [worker for worker in workers if not server.exists(keys.heartbeat(worker))]


def outstanding(server: redis.Redis, keys: CrawlKeys, channels: list[str]) -> int:
    """Work left, counted in one atomic step so that no request slips between two counts."""
    queues = [keys.items, *(keys.requests(channel) for channel in channels)]
    claims = [keys.claims(channel, "") for channel in channels]
    return int(server.eval(OUTSTANDING, len(queues), *queues, keys.workers, *claims))
