"""Item pipeline: stream crawl items into the results database in small batches.

Items are buffered and written in one transaction per batch: when ``OMNICHECK_BATCH_SIZE``
items are waiting, and at least every ``OMNICHECK_BATCH_SECONDS``, so a crawl of any size keeps a
small, flat memory, SQLite sees a few large writes instead of many small ones, and a process
killed outright loses at most the last second's pages (``--resume`` fetches them again). A page's
items arrive as one ``Batch`` and are never split between two transactions.

A database that cannot be written (disk full, read-only, locked for longer than
``OMNICHECK_DB_TIMEOUT``) stops the crawl: the pipeline sends ``storage_failed`` once and stores
nothing more, so the error is told once and never retried in a loop. It stores nothing more
either when the crawl's queue could not be written (``crawler.frontier``): a page whose links
were lost must not count as read, so ``--resume`` fetches it again.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.items import Batch
from crawler.signals import storage_failed
from crawler.store import StorageError, Store


class StorePipeline:
    def __init__(
        self,
        database: str,
        run_id: int,
        batch_size: int = 500,
        batch_seconds: float = 1.0,
        timeout: float = 5.0,
        crawler: Crawler | None = None,
    ) -> None:
        self.database = database
        self.run_id = run_id
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.timeout = timeout
        self.crawler = crawler
        self.buffer: list[Any] = []
        self.store: Store | None = None
        self.failure: StorageError | None = None
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        run_id = settings.getint("OMNICHECK_RUN_ID", 0)
        if not run_id:
            raise NotConfigured("OMNICHECK_RUN_ID is not set: items are not stored")
        pipeline = cls(
            settings.get("OMNICHECK_DB"),
            run_id,
            settings.getint("OMNICHECK_BATCH_SIZE", 500),
            settings.getfloat("OMNICHECK_BATCH_SECONDS", 1.0),
            settings.getfloat("OMNICHECK_DB_TIMEOUT", 5.0),
            crawler,
        )
        crawler.signals.connect(pipeline.stop_storing, signal=storage_failed)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        try:
            self.store = Store(self.database, timeout=self.timeout)
        except StorageError as error:
            self.fail(error)
            return
        if self.batch_seconds > 0:
            self.timer = task.LoopingCall(self.flush)
            self.timer.start(self.batch_seconds, now=False)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if self.failure is not None:
            return item  # the crawl is stopping; its request is fetched again on --resume
        if isinstance(item, Batch):
            self.buffer.extend(item.items)
        else:
            self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if self.buffer and self.store is not None and self.failure is None:
            try:
                self.store.add_items(self.run_id, self.buffer)
            except StorageError as error:
                self.fail(error)
        self.buffer = []

    def fail(self, error: StorageError) -> None:
        """Store nothing more, and have the crawl stopped."""
        self.stop_storing(error)
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal=storage_failed, error=error)

    def stop_storing(self, error: StorageError, **_: object) -> None:
        """What waits is dropped: its requests are still in the queue's taken ones."""
        self.failure = self.failure or error
        self.buffer = []

    def close_spider(self, spider: Any = None) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.flush()
        if self.store is not None:
            self.store.close()
