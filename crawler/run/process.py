"""Crawling the configured channels with Scrapy, in this process, into a new run.

One spider per channel, all in one ``AsyncCrawlerProcess`` so they run concurrently. Items reach
the database through ``crawler.pipelines.StorePipeline``, in one transaction per batch. A run is
``running`` while it crawls and ends ``complete`` (every channel complete, see
``crawler.run.completeness``), ``incomplete`` or ``aborted`` (Ctrl-C, SIGTERM). An aborted run is
never a baseline and never checked by default; its queue stays in a Scrapy ``JOBDIR`` beside the
database, so ``omnicheck crawl --resume`` fetches what is left into the same run.

Scrapy's own log (each failed request, each traceback, the stats) goes to ``<db>.log`` beside
the database, so that a refused connection costs the terminal one summary line, not a page of
Twisted traceback; ``LOG_FILE`` or ``LOG_LEVEL`` set in ``crawl:`` or ``-s`` take over.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from crawler.extensions import pending_requests
from crawler.extraction.script_built import SCRIPT_BUILT
from crawler.run.completeness import STOPPED_FROM_OUTSIDE, judge
from crawler.run.plan import DEFAULT_COMPLETENESS, ChannelPlan, CrawlPlan
from crawler.run.progress import CrawlProgress
from crawler.spiders.channel import ChannelSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.newsletter import NewsletterSpider
from crawler.spiders.social import SocialSpider
from crawler.store import Store

SPIDERS = {
    "website": ChannelSpider,
    "webshop": ChannelSpider,
    "social": SocialSpider,
    "feed": FeedSpider,
    "newsletter": NewsletterSpider,
}
# A crawl stopped from outside; None: the reactor was killed.
INTERRUPTED = {*STOPPED_FROM_OUTSIDE, None}


def crawl_settings(
    plan: CrawlPlan, database: str, run_id: int, overrides: dict[str, Any]
) -> Settings:
    """crawler/settings.py, then the configuration's `crawl:` key, then `-s NAME=VALUE`."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if not {"LOG_FILE", "LOG_LEVEL"} & {*plan.settings, *overrides}:
        settings.set("LOG_FILE", str(log_file(Path(database))), priority="project")
        settings.set("LOG_LEVEL", "INFO", priority="project")
    settings.update(plan.settings, priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("OMNICHECK_DB", database, priority="cmdline")
    settings.set("OMNICHECK_RUN_ID", run_id, priority="cmdline")
    return settings


def log_file(database: Path) -> Path:
    """Where a crawl's Scrapy log goes by default: ``<db>.log``, each run appended."""
    return database.with_name(f"{database.name}.log")


def job_directory(database: Path, run_id: int) -> Path:
    """Where a run keeps its crawl queues until it finishes: ``<db>.jobs/run-<id>/``."""
    return database.with_name(f"{database.name}.jobs") / f"run-{run_id}"


def crawl(
    plan: CrawlPlan,
    store: Store,
    overrides: dict[str, Any] | None = None,
    channels: list[str] | None = None,
    resume: int | None = None,
    progress: CrawlProgress | None = None,
) -> int:
    """Crawl the configured channels (or the named ones) into a new run; return its id.

    With ``resume``, continue that aborted run instead: its channels, its saved queues.
    """
    if resume is None:
        run_id, selected = start_run(plan, store, channels)
    else:
        selected = [plan.channel(c["channel"]) for c in store.channels(resume)]
        run_id = resume
        store.resume_run(run_id)
    jobs = job_directory(store.path, run_id)
    settings = crawl_settings(plan, str(store.path), run_id, overrides or {})
    process = AsyncCrawlerProcess(settings)
    crawlers: dict[str, Crawler] = {}
    for channel in selected:
        crawler = process.create_crawler(SPIDERS[channel.kind])
        crawler.settings.set("JOBDIR", str(jobs / channel.name), priority="cmdline")
        crawlers[channel.name] = crawler
        if progress is not None:
            progress.watch(channel.name, crawler)
        process.crawl(crawler, channel=channel.spider, **plan.spider_arguments)
    status = "aborted"
    counter = LogCounter()
    logging.getLogger().addHandler(counter)
    try:
        process.start()
        reasons = {
            name: c.stats.get_value("finish_reason") if c.stats else None
            for name, c in crawlers.items()
        }
        pending = {name: pending_requests(c.stats) for name, c in crawlers.items()}
        verdict = finish_channels(store, run_id, plan, pending, reasons)
        if not any(reason in INTERRUPTED for reason in reasons.values()):
            status = verdict
    finally:
        logging.getLogger().removeHandler(counter)
        if progress is not None:
            progress.end(settings.get("LOG_FILE"), counter.count)
        store.update_channel_counts(run_id)
        store.finish_run(run_id, status)
    if status != "aborted":
        shutil.rmtree(jobs, ignore_errors=True)
    return run_id


class LogCounter(logging.Handler):
    """Counts the warnings and errors logged while it is attached (Scrapy's own ``log_count``
    stats count every crawler's records in each crawler, once per channel)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def start_run(
    plan: CrawlPlan, store: Store, channels: list[str] | None = None
) -> tuple[int, list[ChannelPlan]]:
    """A new run of the plan's channels (or the named ones): its id and its channels."""
    selected = [c for c in plan.channels if not channels or c.name in channels]
    run_id = store.start_run(
        plan.name,
        [(c.name, c.kind, c.market) for c in selected],
        plan.source,
        plan.digest,
        plan.version,
        plan.locale,
    )
    return run_id, selected


def finish_channels(
    store: Store,
    run_id: int,
    plan: CrawlPlan | None = None,
    pending: dict[str, int] | None = None,
    reasons: dict[str, str | None] | None = None,
) -> str:
    """Judge each channel complete or not; the run is complete when every channel is.

    A channel stopped from outside (Ctrl-C, SIGTERM) is never complete, however much it read.
    """
    store.update_channel_counts(run_id)
    failed_pages = store.failed_pages(run_id)
    shells = store.pages_with(run_id, SCRIPT_BUILT)
    complete_run = True
    for channel in store.channels(run_id):
        name = channel["channel"]
        verdict = judge(
            channel,
            [page for page in failed_pages if page["channel"] == name],
            plan.threshold_of(name) if plan else DEFAULT_COMPLETENESS,
            (pending or {}).get(name, 0),
            (reasons or {}).get(name),
            shells.get(name, 0),
            rendered=plan is not None and plan.renders(name),
        )
        complete = verdict.complete and (reasons or {}).get(name, "finished") not in INTERRUPTED
        store.set_channel_completeness(run_id, name, complete, verdict.note, **verdict.measures())
        complete_run = complete_run and complete
    return "complete" if complete_run else "incomplete"
