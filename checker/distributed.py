"""A crawl spread over worker processes through Redis: the coordinator and the worker.

``crawl_distributed`` (``omnicheck crawl --redis URL``) is the coordinator: it starts the run in
the store, seeds each channel's start requests into Redis, and publishes the job (run, channels,
settings) under ``omnicheck:job``. ``work`` (``omnicheck worker --redis URL``) reads that job, so
a worker needs no configuration file and no database, only Redis; it crawls with
``crawler.distributed.DistributedScheduler`` until the coordinator says the crawl is done. Only
the coordinator writes the store: it moves the items workers commit to Redis into SQLite, takes
back the claims of workers whose heartbeat stopped, and ends the crawl when no queue and no
claim is left. Completeness is then judged from what was stored, as for a local crawl.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Any, cast

import redis
from scrapy import Request, Spider
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings
from scrapy_redis.dupefilter import RFPDupeFilter

from checker.config import Config
from checker.crawl import SPIDERS, finish_channels, start_run
from checker.rulepacks import load_services
from checker.store import Store
from crawler.distributed import JOB_KEY, CrawlKeys, FifoRequestQueue, decode_item, requeue

DRAIN_BATCH = 500
IDLE_POLL = 1.0
# How much work is left: items not yet stored, queued requests, and claims of live workers.
OUTSTANDING = """
local left = 0
for _, key in ipairs(KEYS) do left = left + redis.call('LLEN', key) end
for _, worker in ipairs(redis.call('SMEMBERS', ARGV[1])) do
  for i = 2, #ARGV do left = left + redis.call('HLEN', ARGV[i] .. worker) end
end
return left
"""


class DistributedError(Exception):
    """Redis cannot be used: the one line to show the user."""


def connect(url: str) -> redis.Redis:
    try:
        server = redis.Redis.from_url(url)
        server.ping()
    except (redis.RedisError, ValueError) as error:
        raise DistributedError(f"--redis {url}: cannot use Redis ({error})") from None
    return server


def crawl_distributed(
    config: Config,
    store: Store,
    redis_url: str,
    overrides: dict[str, Any] | None = None,
    channels: list[str] | None = None,
    poll: float = 0.5,
    echo: Callable[[str], None] = print,
) -> int:
    """Coordinate one crawl that workers carry out; return the run's id once it is finished."""
    server = connect(redis_url)
    run_id, selected = start_run(config, store, channels)
    crawl = f"{run_id}-{uuid.uuid4().hex[:8]}"
    keys = CrawlKeys(crawl)
    job: dict[str, Any] = {
        "crawl": crawl,
        "run": run_id,
        # What every spider is given besides its channel.
        "spider": {
            "currency": config.currency,
            "locale": config.locale,
            "services": load_services(config.rules, config.base_dir),
        },
        "settings": {**config.crawl, **(overrides or {})},
        "channels": [channel.spider_arguments(config.base_dir) for channel in selected],
    }
    names = [channel.name for channel in selected]
    status = "aborted"
    try:
        for arguments in job["channels"]:
            seed(server, keys, arguments, job["spider"])
        server.set(JOB_KEY, json.dumps(job))
        echo(f"run {run_id}: waiting for workers (omnicheck worker --redis {redis_url})")
        while True:
            drain(server, keys, store, run_id)
            for worker in dead_workers(server, keys):
                count = requeue(server, keys, names, worker)
                server.srem(keys.workers, worker)
                echo(f"worker {worker} stopped: {count} unfinished requests queued again")
            if outstanding(server, keys, names) == 0:
                break
            time.sleep(poll)
        status = finish_channels(store, run_id, config)
    finally:
        server.set(keys.done, 1, ex=3600)
        if server.get(JOB_KEY) == json.dumps(job).encode():
            server.delete(JOB_KEY)
        server.delete(
            keys.items, *(key(name) for name in names for key in (keys.requests, keys.seen))
        )
        store.update_channel_counts(run_id)
        store.finish_run(run_id, status)
    return run_id


def seed(
    server: redis.Redis, keys: CrawlKeys, channel: dict[str, Any], arguments: dict[str, Any]
) -> None:
    """A channel's start requests into its queue, through the shared duplicate filter."""
    spider = SPIDERS[channel["kind"]](channel=channel, **arguments)
    queue = FifoRequestQueue(server, spider, keys.requests(channel["name"]))
    seen = RFPDupeFilter(server, key=keys.seen(channel["name"]))
    for request in asyncio.run(_start_requests(spider)):
        if not seen.request_seen(request):
            queue.push(request)


async def _start_requests(spider: Spider) -> list[Request]:
    return [request async for request in spider.start() if isinstance(request, Request)]


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


def wait_for_job(server: redis.Redis, wait: float | None, poll: float = 0.5) -> dict[str, Any]:
    """The published job; waits for one (``wait`` seconds at most, or forever when None)."""
    deadline = None if wait is None else time.monotonic() + wait
    while True:
        raw = server.get(JOB_KEY)
        if raw is not None:
            job: dict[str, Any] = json.loads(raw)
            if not server.exists(CrawlKeys(job["crawl"]).done):
                return job
        if deadline is not None and time.monotonic() >= deadline:
            raise DistributedError(f"no crawl to join in Redis after {wait:g} s")
        time.sleep(poll)


def worker_settings(job: dict[str, Any], redis_url: str, worker: str) -> Settings:
    """crawler/settings.py, the coordinator's settings, then Redis queueing for this worker."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(job["settings"], priority="cmdline")
    settings.update(
        {
            "SCHEDULER": "crawler.distributed.DistributedScheduler",
            "SCHEDULER_QUEUE_CLASS": "crawler.distributed.FifoRequestQueue",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "REDIS_URL": redis_url,
            "OMNICHECK_CRAWL": job["crawl"],
            "OMNICHECK_WORKER_ID": worker,
            # Items travel through Redis to the coordinator, which alone writes the store.
            "ITEM_PIPELINES": {},
        },
        priority="cmdline",
    )
    return settings


def work(redis_url: str, wait: float | None = None) -> tuple[dict[str, Any], int]:
    """Join the published crawl and work on it until it is done: the job, pages fetched."""
    server = connect(redis_url)
    job = wait_for_job(server, wait)
    worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    # An idle worker asks the scheduler for work again only on the engine's heartbeat (5 s by
    # default); pages other workers queue meanwhile should not wait that long.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL
    process = AsyncCrawlerProcess(worker_settings(job, redis_url, worker))
    crawlers = []
    for channel in job["channels"]:
        crawler = process.create_crawler(SPIDERS[channel["kind"]])
        crawlers.append(crawler)
        process.crawl(crawler, channel=channel, **job["spider"])
    process.start()
    fetched = 0
    for crawler in crawlers:
        if crawler.stats is not None:
            fetched += int(crawler.stats.get_value("response_received_count", 0))
    return job, fetched
