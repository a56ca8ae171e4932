"""A worker of a distributed crawl (``omnicheck worker --redis URL``).

A worker needs no configuration file and no database, only Redis: it reads the job the
coordinator published, crawls with ``DistributedScheduler`` until the coordinator says the
crawl is done, and exits.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from typing import Any

import redis
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from crawler.distributed import DistributedError
from crawler.distributed.protocol import JOB_KEY, CrawlKeys, connect
from crawler.run.process import SPIDERS

IDLE_POLL = 1.0


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
            "SCHEDULER": "crawler.distributed.scheduler.DistributedScheduler",
            "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.FifoRequestQueue",
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
