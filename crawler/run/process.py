"""Crawling the configured channels with Scrapy, in this process, into a new run.

One spider per channel, all in one ``AsyncCrawlerProcess`` so they run concurrently. Items reach
the database through ``crawler.pipelines.StorePipeline``, in one transaction per batch. A run is
``running`` while it crawls and ends ``complete`` (every channel complete, see
``crawler.run.completeness``), ``incomplete`` or ``aborted`` (Ctrl-C, SIGTERM). An aborted run is
never a baseline and never checked by default; its queue stays in a Scrapy ``JOBDIR`` beside the
database, so ``omnicheck crawl --resume`` fetches what is left into the same run.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from crawler.extensions import pending_requests
from crawler.run.completeness import judge
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
# Scrapy's finish reasons for a crawl stopped from outside; None: the reactor was killed.
INTERRUPTED = {"shutdown", "cancelled", None}


def crawl_settings(
    plan: CrawlPlan, database: str, run_id: int, overrides: dict[str, Any]
) -> Settings:
    """crawler/settings.py, then the configuration's `crawl:` key, then `-s NAME=VALUE`."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(plan.settings, priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("OMNICHECK_DB", database, priority="cmdline")
    settings.set("OMNICHECK_RUN_ID", run_id, priority="cmdline")
    return settings


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
        if progress is not None:
            progress.end()
        store.update_channel_counts(run_id)
        store.finish_run(run_id, status)
    if status != "aborted":
        shutil.rmtree(jobs, ignore_errors=True)
    return run_id


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
    complete_run = True
    for channel in store.channels(run_id):
        name = channel["channel"]
        verdict = judge(
            channel,
            [page for page in failed_pages if page["channel"] == name],
            plan.threshold_of(name) if plan else DEFAULT_COMPLETENESS,
            (pending or {}).get(name, 0),
            (reasons or {}).get(name),
        )
        complete = verdict.complete and (reasons or {}).get(name, "finished") not in INTERRUPTED
        store.set_channel_completeness(run_id, name, complete, verdict.note, **verdict.measures())
        complete_run = complete_run and complete
    return "complete" if complete_run else "incomplete"
