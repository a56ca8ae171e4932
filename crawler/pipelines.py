"""Item pipeline: stream crawl items into the results database in batches.

Items are buffered and written in one transaction per batch, so a crawl of any size keeps a
small, flat memory and SQLite sees a few large writes instead of many small ones.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.items import Batch
from crawler.store import Store


class StorePipeline:
    def __init__(self, database: str, run_id: int, batch_size: int = 500) -> None:
        self.database = database
        self.run_id = run_id
        self.batch_size = batch_size
        self.buffer: list[Any] = []
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        settings = crawler.settings
        run_id = settings.getint("OMNICHECK_RUN_ID", 0)
        if not run_id:
            raise NotConfigured("OMNICHECK_RUN_ID is not set: items are not stored")
        return cls(
            settings.get("OMNICHECK_DB"), run_id, settings.getint("OMNICHECK_BATCH_SIZE", 500)
        )

    def open_spider(self, spider: Any = None) -> None:
        self.store = Store(self.database)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, Batch):
            self.buffer.extend(item.items)
        else:
            self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        if self.buffer and self.store is not None:
            self.store.add_items(self.run_id, self.buffer)
        self.buffer = []

    def close_spider(self, spider: Any = None) -> None:
        self.flush()
        if self.store is not None:
            self.store.close()
