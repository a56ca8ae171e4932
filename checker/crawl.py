"""Crawling the configured channels with Scrapy, in this process, into a new run.

One spider per channel, all in one ``AsyncCrawlerProcess`` so they run concurrently. Items reach
the database through ``crawler.pipelines.StorePipeline``, in one transaction per batch. A run is
``running`` while it crawls and ends ``complete`` (every channel complete, see
``checker.completeness``), ``incomplete`` or ``aborted`` (Ctrl-C, SIGTERM). An aborted run is
never a baseline and never checked by default; its queue stays in a Scrapy ``JOBDIR`` beside the
database, so ``omnicheck crawl --resume`` fetches what is left into the same run.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings, default_settings

from checker import __version__
from checker.completeness import judge
from checker.config import DEFAULT_COMPLETENESS, Channel, Config, ConfigError
from checker.progress import CrawlProgress
from checker.rulepacks import load_services
from checker.store import Store
from crawler.extensions import pending_requests
from crawler.spiders.channel import ChannelSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.social import SocialSpider

SPIDERS = {
    "website": ChannelSpider,
    "webshop": ChannelSpider,
    "social": SocialSpider,
    "feed": FeedSpider,
}
# Scrapy's finish reasons for a crawl stopped from outside; None: the reactor was killed.
INTERRUPTED = {"shutdown", "cancelled", None}


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


# Settings scrapy-redis reads (distributed mode); it has no module listing them all.
SCRAPY_REDIS_SETTINGS = [
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_DB",
    "REDIS_PARAMS",
    "REDIS_ENCODING",
    "REDIS_DECODE_RESPONSES",
    "REDIS_START_URLS_KEY",
    "REDIS_START_URLS_AS_SET",
    "REDIS_START_URLS_AS_ZSET",
    "REDIS_ITEMS_KEY",
    "REDIS_ITEMS_SERIALIZER",
    "SCHEDULER_PERSIST",
    "SCHEDULER_FLUSH_ON_START",
    "SCHEDULER_IDLE_BEFORE_CLOSE",
    "SCHEDULER_QUEUE_KEY",
    "SCHEDULER_QUEUE_CLASS",
    "SCHEDULER_DUPEFILTER_KEY",
    "SCHEDULER_DUPEFILTER_CLASS",
    "SCHEDULER_SERIALIZER",
    "DUPEFILTER_KEY",
    "STATS_KEY",
]


def known_setting_names() -> set[str]:
    """Every setting Scrapy, scrapy-redis or omnicheck itself defines."""
    import crawler.settings

    names = {name for name in dir(default_settings) if name.isupper()}
    names.update(name for name in dir(crawler.settings) if name.isupper())
    names.update(SCRAPY_REDIS_SETTINGS)
    names.update(
        f"OMNICHECK_{name}"
        for name in ["CONFIG", "CRAWL", "REDIS", "WORKER_ID", "WORKER_TIMEOUT", "FEED_MAXSIZE"]
    )
    return names


def misspelled_setting(name: str, known: set[str] | None = None) -> str | None:
    """The setting ``name`` was probably meant to be, if it is a near miss of a known one.

    A name far from every known one is left alone: extensions bring settings of their own, and
    Scrapy passes every name on, so only a likely typo is worth a warning.
    """
    known = known_setting_names() if known is None else known
    if name in known:
        return None
    if name.upper() in known:
        return name.upper()
    match = process.extractOne(name.upper(), known, scorer=fuzz.ratio, score_cutoff=85)
    return match[0] if match else None


def _given_settings(
    config: Config, overrides: dict[str, Any]
) -> Iterator[tuple[str, Any, str | None]]:
    """Each setting the config's ``crawl:`` key gives (name, value, its key there), then each a
    ``-s`` gives (name, value, None)."""
    for name, value in config.crawl.items():
        yield str(name), value, f"crawl.{name}"
    for name, value in overrides.items():
        yield name, value, None


def setting_warnings(config: Config, overrides: dict[str, Any]) -> list[str]:
    """One line per setting, in the config's ``crawl:`` key or a ``-s``, that looks mistyped."""
    known = known_setting_names()
    warnings = []
    for name, _, key in _given_settings(config, overrides):
        meant = misspelled_setting(name, known)
        if meant:
            message = "not a setting of Scrapy or omnicheck;"
            message += f" did you mean {meant}? (passed on as written)"
            warnings.append(config.located(key, message) if key else f"-s {name}: {message}")
    return warnings


# Settings whose default is a whole number but which Scrapy reads with getfloat.
FRACTIONAL_INT_SETTINGS = frozenset(
    {
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "CLOSESPIDER_TIMEOUT",
        "CLOSESPIDER_TIMEOUT_NO_ITEM",
        "DNS_TIMEOUT",
        "RETRY_BACKOFF_BASE",
        "RETRY_BACKOFF_MAX",
        "RETRY_AFTER_MAX",
        "OMNICHECK_WORKER_TIMEOUT",
        "MEMUSAGE_CHECK_INTERVAL_SECONDS",
        "LOGSTATS_INTERVAL",
        "SCHEDULER_IDLE_BEFORE_CLOSE",
    }
)


def setting_type_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be a known setting's value, or None.

    Scrapy reads a number or a flag only when a component starts, so a wrong type
    (``DOWNLOAD_DELAY: abc``) surfaces as tracebacks and a run aborted with nothing fetched.
    A number setting takes any number (Scrapy's own ``DOWNLOAD_DELAY`` defaults to the integer
    0 yet takes 0.5); settings without a number or flag default are not checked.
    """
    import crawler.settings

    default = getattr(crawler.settings, name, getattr(default_settings, name, None))
    probe = Settings({name: value})
    read: Callable[[str], object]
    if isinstance(default, bool):
        read, expected = probe.getbool, "true or false"
    elif isinstance(default, int) and name not in FRACTIONAL_INT_SETTINGS:
        read, expected = probe.getint, "a whole number"  # 1.5 or 1e3 would crash Scrapy's getint
    elif isinstance(default, (int, float)):
        read, expected = probe.getfloat, "a number"
    else:
        return None
    try:
        read(name)
    except (ValueError, TypeError):
        return f"{value!r} is not {expected} (default {default!r})"
    return None


def setting_errors(config: Config, overrides: dict[str, Any]) -> list[str]:
    """One line per setting, in the config's ``crawl:`` key or a ``-s``, of the wrong type."""
    errors = []
    for name, value, key in _given_settings(config, overrides):
        problem = setting_type_problem(name, value)
        if problem:
            errors.append(config.located(key, problem) if key else f"-s {name}={value}: {problem}")
    return errors


def job_directory(database: Path, run_id: int) -> Path:
    """Where a run keeps its crawl queues until it finishes: ``<db>.jobs/run-<id>/``."""
    return database.with_name(f"{database.name}.jobs") / f"run-{run_id}"


def crawl(
    config: Config,
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
        run_id, selected = start_run(config, store, channels)
    else:
        selected = [config.channel(c["channel"]) for c in store.channels(resume)]
        run_id = resume
        store.resume_run(run_id)
    jobs = job_directory(store.path, run_id)
    services = load_services(config.rules, config.base_dir)
    settings = crawl_settings(config, str(store.path), run_id, overrides or {})
    process = AsyncCrawlerProcess(settings)
    crawlers: dict[str, Crawler] = {}
    for channel in selected:
        crawler = process.create_crawler(SPIDERS[channel.kind])
        crawler.settings.set("JOBDIR", str(jobs / channel.name), priority="cmdline")
        crawlers[channel.name] = crawler
        if progress is not None:
            progress.watch(channel.name, crawler)
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
        pending = {name: pending_requests(c.stats) for name, c in crawlers.items()}
        verdict = finish_channels(store, run_id, config, pending, reasons)
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
    config: Config, store: Store, channels: list[str] | None = None
) -> tuple[int, list[Channel]]:
    """A new run of the configured channels (or the named ones): its id and its channels."""
    selected = [c for c in config.channels if not channels or c.name in channels]
    run_id = store.start_run(
        config.name,
        [(c.name, c.kind, c.market) for c in selected],
        str(config.path),
        config.digest,
        __version__,
    )
    return run_id, selected


def finish_channels(
    store: Store,
    run_id: int,
    config: Config | None = None,
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
            _threshold(config, name),
            (pending or {}).get(name, 0),
            (reasons or {}).get(name),
        )
        complete = verdict.complete and (reasons or {}).get(name, "finished") not in INTERRUPTED
        store.set_channel_completeness(run_id, name, complete, verdict.note, **verdict.measures())
        complete_run = complete_run and complete
    return "complete" if complete_run else "incomplete"


def _threshold(config: Config | None, name: str) -> float:
    if config is None:
        return DEFAULT_COMPLETENESS
    try:
        return config.completeness_of(name)
    except ConfigError:  # a channel since removed from the configuration: the global threshold
        return config.completeness
