"""Crawling the configured channels with Scrapy, in this process, into a new run.

One spider per channel, all in one ``AsyncCrawlerProcess`` so they run concurrently. Items reach
the database through ``crawler.pipelines.StorePipeline``, in one transaction per batch. A run is
``running`` while it crawls, its row naming this process and renewing a heartbeat
(``crawler.store.liveness``), and ends ``complete`` (every channel complete, see
``crawler.run.completeness``), ``incomplete`` or ``aborted`` (Ctrl-C, SIGTERM, or a database that
cannot be written, with the reason). An aborted run is never a baseline and never checked by
default; its queue stays in a ``JOBDIR`` beside the database, so ``omnicheck crawl --resume``
fetches what is left into the same run.

A storage error stops every channel at once (the ``storage_failed`` signal), and ``crawl``
raises it once the run is marked aborted. When even that write fails, the run stays ``running``
with a heartbeat that stops: ``--resume`` then treats its process as gone.

Scrapy's own log (each failed request, each traceback, the stats) goes to ``<db>.log`` beside
the database, so that a refused connection costs the terminal one summary line, not a page of
Twisted traceback; ``LOG_FILE`` or ``LOG_LEVEL`` set in ``crawl:`` or ``-s`` take over.
"""

from __future__ import annotations

import logging
import shutil
import signal
import threading
from pathlib import Path
from typing import Any

from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler import signals
from crawler.extensions import pending_requests
from crawler.extraction.script_built import SCRIPT_BUILT
from crawler.frontier import queued
from crawler.run.completeness import STOPPED_FROM_OUTSIDE, judge
from crawler.run.plan import DEFAULT_COMPLETENESS, ChannelPlan, CrawlPlan
from crawler.run.progress import CrawlProgress
from crawler.spiders.channel import ChannelSpider
from crawler.spiders.feed import FeedSpider
from crawler.spiders.newsletter import NewsletterSpider
from crawler.spiders.social import SocialSpider
from crawler.store import StorageError, Store
from crawler.store.liveness import HEARTBEAT_SECONDS, local_time

SPIDERS = {
    "website": ChannelSpider,
    "webshop": ChannelSpider,
    "social": SocialSpider,
    "feed": FeedSpider,
    "newsletter": NewsletterSpider,
}
# A crawl stopped from outside; None: the reactor was killed.
INTERRUPTED = {*STOPPED_FROM_OUTSIDE, None}
STOPPED = "stopped before it finished (Ctrl-C or SIGTERM)"


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
    failures: list[StorageError] = []

    def storage_failed(error: StorageError, **_: Any) -> None:
        """The first storage error stops every channel and the heartbeat (each write would wait
        for a lock again); the others only repeat it."""
        if not failures:
            failures.append(error)
            heartbeat.stop()
            for other in crawlers.values():  # its pipeline drops what waits: --resume has it
                other.signals.send_catch_log(signal=signals.storage_failed, error=error)
            deferred_from_coro(process.stop())

    crawlers: dict[str, Crawler] = {}
    for channel in selected:
        crawler = process.create_crawler(SPIDERS[channel.kind])
        crawler.settings.set("JOBDIR", str(jobs / channel.name), priority="cmdline")
        crawler.signals.connect(storage_failed, signal=signals.storage_failed, weak=False)
        crawlers[channel.name] = crawler
        if progress is not None:
            progress.watch(channel.name, crawler)
        process.crawl(crawler, channel=channel.spider, **plan.spider_arguments)
    # The crawl's own writes wait for a lock no longer than its pipelines: a stop is never
    # held for long by another process's transaction.
    writer = Store(store.path, timeout=settings.getfloat("OMNICHECK_DB_TIMEOUT"))
    heartbeat = Heartbeat(writer, run_id, storage_failed)
    status, verdict = "aborted", "aborted"
    reason: str | None = STOPPED
    counter = LogCounter()
    logging.getLogger().addHandler(counter)
    try:
        process.start()
        _default_signal_handlers()  # a stop from now on ends the process, never waits
        heartbeat.stop()
        reasons = {
            name: c.stats.get_value("finish_reason") if c.stats else None
            for name, c in crawlers.items()
        }
        pending = {name: pending_requests(c.stats) for name, c in crawlers.items()}
        try:
            if not failures:  # else the one write left to try is marking the run aborted
                verdict = finish_channels(writer, run_id, plan, pending, reasons)
        except StorageError as error:
            failures.append(error)
        if failures:
            reason = f"storage error: {failures[0]}"
        elif not any(r in INTERRUPTED for r in reasons.values()):
            status, reason = verdict, None
    finally:
        heartbeat.stop()
        logging.getLogger().removeHandler(counter)
        if progress is not None:
            progress.end(settings.get("LOG_FILE"), counter.count)
        try:
            writer.update_channel_counts(run_id)
            writer.finish_run(run_id, status, reason)
        except StorageError as error:
            # The run stays `running`, its heartbeat stopped: --resume takes it as interrupted.
            raise (failures[0] if failures else error) from None
        finally:
            writer.close()
    if failures:
        pages = store.stored_pages(run_id)
        raise failures[0].told(
            f"run {run_id} aborted, its {pages} pages kept; `omnicheck crawl --resume` continues it"
        )
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


class Heartbeat:
    """Renew the run's heartbeat every ``HEARTBEAT_SECONDS`` while the reactor runs."""

    def __init__(self, store: Store, run_id: int, failed: Any) -> None:
        self.store = store
        self.run_id = run_id
        self.failed = failed
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(HEARTBEAT_SECONDS, now=False)

    def beat(self) -> None:
        try:
            self.store.beat(self.run_id)
        except StorageError as error:
            self.stop()
            self.failed(error)

    def stop(self) -> None:
        if self.loop.running:
            self.loop.stop()


def _default_signal_handlers() -> None:
    """Scrapy's handlers wait for a reactor that has stopped: a SIGTERM would be ignored."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)


def interruption(store: Store, run: dict[str, Any]) -> str:
    """What ``--resume`` found: why the run stopped, what it stored, what it has left."""
    if run["status"] == "running":
        why = f"process {run['pid']} gone since {local_time(run['heartbeat'])}"
    else:
        why = f"{run['reason'] or 'stopped'}, at {local_time(run['finished'])}"
    jobs = job_directory(store.path, run["id"])
    left = sum(
        queued(jobs / channel["channel"], store.page_urls(run["id"], channel["channel"]))
        for channel in store.channels(run["id"])
    )
    return (
        f"run {run['id']} was interrupted ({why}): {store.stored_pages(run['id'])} pages stored,"
        f" {left} queued; resuming"
    )


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
