"""Crawling the configured channels with Scrapy, in this process, into a new run.

One spider per channel, all in one ``AsyncCrawlerProcess`` so they run concurrently. Items reach
the database through ``crawler.pipelines.StorePipeline``. A channel's crawl counts as complete
when it fetched pages and few of its fetches failed; a run interrupted by Ctrl-C or SIGTERM is
marked aborted and never becomes a baseline.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings

from checker import __version__
from checker.config import Config
from checker.rulepacks import load_services
from checker.store import Store
from crawler.spiders.channel import ChannelSpider
from crawler.spiders.social import SocialSpider

SPIDERS = {
    "website": ChannelSpider,
    "webshop": ChannelSpider,
    "social": SocialSpider,
    "feed": SocialSpider,
}
MAX_FAILED_SHARE = 0.1
INTERRUPTED = {"shutdown", "cancelled"}


def crawl_settings(
    config: Config, database: str, run_id: int, overrides: dict[str, Any]
) -> Settings:
    """crawler/settings.py, then the config's `crawl:` key, then `-s NAME=VALUE` options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(config.crawl, priority="project")
    settings.update(overrides, priority="cmdline")
    settings.set("OMNICHECK_DB", database, priority="cmdline")
    settings.set("OMNICHECK_RUN_ID", run_id, priority="cmdline")
    return settings


def crawl(
    config: Config,
    store: Store,
    overrides: dict[str, Any] | None = None,
    channels: list[str] | None = None,
) -> int:
    """Crawl the configured channels (or the named ones) into a new run; return its id."""
    selected = [c for c in config.channels if not channels or c.name in channels]
    run_id = store.start_run(
        config.name,
        [(c.name, c.kind) for c in selected],
        str(config.path),
        config.digest,
        __version__,
    )
    services = load_services(config.rules, config.base_dir)
    settings = crawl_settings(config, str(store.path), run_id, overrides or {})
    process = AsyncCrawlerProcess(settings)
    crawlers = {}
    for channel in selected:
        spider = SPIDERS[channel.kind]
        crawler = process.create_crawler(spider)
        crawlers[channel.name] = crawler
        process.crawl(
            crawler,
            channel=channel.spider_arguments(config.base_dir),
            currency=config.currency,
            locale=config.locale,
            services=services,
        )
    status = "aborted"
    try:
        process.start()
        reasons = {
            name: c.stats.get_value("finish_reason") if c.stats else None
            for name, c in crawlers.items()
        }
        interrupted = any(reason in INTERRUPTED for reason in reasons.values())
        status = "aborted" if interrupted else finish_channels(store, run_id)
    finally:
        store.update_channel_counts(run_id)
        store.finish_run(run_id, status)
    return run_id


def finish_channels(store: Store, run_id: int) -> str:
    """Mark each channel complete or not; the run is complete when every channel is."""
    store.update_channel_counts(run_id)
    complete_run = True
    for channel in store.channels(run_id):
        fetched, failed = channel["pages"], channel["failed"]
        if fetched == 0:
            complete, note = False, f"no page could be fetched ({failed} failed)"
        elif failed > MAX_FAILED_SHARE * (fetched + failed):
            complete, note = False, f"{failed} of {fetched + failed} fetches failed"
        else:
            complete, note = True, f"{fetched} fetched, {failed} failed"
        store.set_channel_completeness(run_id, channel["channel"], complete, note)
        complete_run = complete_run and complete
    return "complete" if complete_run else "incomplete"
