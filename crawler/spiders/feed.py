"""The spider for product feeds: Merchant Center XML, CSV/TSV or JSON Lines, from a URL or a file.

A feed is one request through Scrapy's downloader, like a page: robots.txt, the offsite and
redirect policy (``crawler.redirects``), retries with their waits, AutoThrottle and stats are the
same for every channel. A feed can hold hundreds of thousands of products, more than Scrapy should
hold as a response body, so its request asks for the body in a temporary file
(``crawler.downloads``), under the feed limits ``OMNICHECK_FEED_TIMEOUT``,
``OMNICHECK_FEED_MAXSIZE`` and ``OMNICHECK_FEED_WARNSIZE`` instead of the page limits, and a local
feed is read where it is.
Scrapy's HTTP cache does not keep feeds: it would hold them in memory. Either is parsed row by
row: offers flow to the store pipeline in batches, no more than three of them in memory at once,
so a larger feed does not take more memory.

A feed that gives no offers is recorded like a failed page, with a category
(``crawler.failures``): its download's, or ``unreadable`` / ``too_large`` for its content. A note
on its encoding is the reason of its record; rows that could not be read, rows with characters
that did not decode, and offers with a value cut are counted in its ``skipped``.

A channel's ``local_inventory`` files (stock per store, Merchant Center's format) are fetched the
same way, after its ``stores`` file, and read by ``crawler.extraction.local_inventory``; a stores
file not read is recorded and the stock is read by store code.
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from lxml import etree
from scrapy.http import Response
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from crawler.downloads import TO_FILE, body_size, discard_body, open_body
from crawler.extraction.feed_streams import FeedTooLarge
from crawler.extraction.local_inventory import (
    InventoryOptions,
    Store,
    read_local_inventory,
    read_stores,
)
from crawler.extraction.product_feeds import FeedOptions, read_rows, row_offer
from crawler.items import TEXT_CUT, Batch, Offer, PageVisit
from crawler.spiders.base import ChannelSpiderBase, as_url

UNDECODABLE = "rows with characters that did not decode (shown as �)"
# What reading a downloaded feed can raise: broken XML, CSV or gzip, a JSON array.
UNREADABLE = (ValueError, etree.XMLSyntaxError, csv.Error, OSError, EOFError, zlib.error)
CONTENT_ENCODINGS = (b"", b"identity", b"gzip", b"x-gzip")  # what feed_streams reads


class FeedSpider(ChannelSpiderBase):
    name = "feed"
    # Scrapy queues up to 2 × CONCURRENT_ITEMS of a callback's outputs ahead of the pipelines,
    # and the reader fills that queue without waiting: at the default 100 it held 300 batches,
    # 150 000 offers (about 110 MB per feed of 100 000 rows). The store pipeline writes
    # synchronously, so item concurrency buys no speed here: one at a time keeps at most three
    # batches in flight, whatever the feed's size (docs/benchmarks.md, "Product feeds").
    custom_settings = {"CONCURRENT_ITEMS": 1}

    async def start(self) -> AsyncIterator[Any]:
        for location in self.channel.get("feeds") or []:
            yield self.file_request(as_url(location), self.parse_feed)
        if self.channel.get("stores"):
            stores = as_url(self.channel["stores"])
            yield self.file_request(stores, self.parse_stores, errback=self.stores_failed)
        elif self.channel.get("local_inventory"):
            for request in self.stock_requests({}):
                yield request

    def file_request(
        self, url: str, callback: Any, errback: Any = None, **arguments: Any
    ) -> scrapy.Request:
        """A feed's request: its body to a file, under the feed limits; a seed (depth 0)."""
        settings = self.crawler.settings
        meta = {
            TO_FILE: True,
            "download_timeout": settings.getfloat("OMNICHECK_FEED_TIMEOUT"),
            "download_maxsize": settings.getint("OMNICHECK_FEED_MAXSIZE"),
            "download_warnsize": settings.getint("OMNICHECK_FEED_WARNSIZE"),
            "dont_cache": True,
            # A file has no host: Scrapy's offsite filter would drop it.
            "allow_offsite": url.startswith("file:"),
            # a file the configuration names is a seed, also when another one's callback asks
            "depth_reset": True,
        }
        return scrapy.Request(
            url,
            callback=callback,
            errback=errback or self.feed_failed,
            headers={"Accept-Encoding": "gzip"},  # the one compression read as a stream
            meta=meta,
            cb_kwargs=arguments,
        )

    # -- stock per store (``crawler.extraction.local_inventory``) ---------------------------

    def parse_stores(self, response: Response) -> Iterator[Any]:
        """The stores file, then the local-inventory feeds that name its stores."""
        url = (response.meta.get("redirect_urls") or [response.url])[0]
        stores: dict[str, Store] = {}
        try:
            with open_body(response) as stream:
                stores = read_stores(stream)
        except UNREADABLE as problem:
            yield unreadable(self.channel_name, url, str(problem))
        else:
            size = body_size(response)
            yield PageVisit(self.channel_name, url, response.status, content_type="stores",
                            size=size, depth=0)  # fmt: skip
        finally:
            discard_body(response)
        yield from self.stock_requests(stores)

    def stores_failed(self, failure: Failure) -> Iterator[Any]:
        """A stores file not read: recorded; the stock is read all the same, by store code."""
        yield from self.feed_failed(failure)
        yield from self.stock_requests({})

    def stock_requests(self, stores: dict[str, Store]) -> Iterator[scrapy.Request]:
        for location in self.channel.get("local_inventory") or []:
            yield self.file_request(as_url(location), self.parse_stock, stores=stores)

    def parse_stock(self, response: Response, stores: dict[str, Store]) -> Iterator[Any]:
        """A local-inventory feed's rows in batches, then its ``PageVisit``."""
        url = (response.meta.get("redirect_urls") or [response.url])[0]
        options = InventoryOptions(
            self.channel_name, url, self.options.currency, self.options.locale
        )
        size = self.crawler.settings.getint("OMNICHECK_BATCH_SIZE", 500)
        rows, size_read = 0, body_size(response)
        skipped: Counter[str] = Counter()
        problem = None
        try:
            with open_body(response) as stream:
                found = read_local_inventory(stream, options, stores)
                for batch in batches(found, size, skipped):
                    rows += len(batch.items)
                    yield batch
        except UNREADABLE as error:
            problem = f"unreadable local-inventory feed after {rows} rows: {error}"
        finally:
            discard_body(response)
        if problem or not rows:
            yield unreadable(self.channel_name, url, problem or "no stock rows in the file")
            return
        yield PageVisit(self.channel_name, url, response.status, content_type="local-inventory",
                        size=size_read, skipped=dict(skipped), depth=0)  # fmt: skip

    def parse_feed(self, response: Response) -> Iterator[Batch | PageVisit]:
        try:
            yield from self.read(response)
        finally:
            discard_body(response)

    def feed_failed(self, failure: Failure) -> Iterator[PageVisit]:
        discard_body(getattr(failure.value, "response", None))
        yield from self.failed(failure)

    def read(self, response: Response) -> Iterator[Batch | PageVisit]:
        """The feed's offers in batches of ``OMNICHECK_BATCH_SIZE``, then its ``PageVisit``."""
        url = (response.meta.get("redirect_urls") or [response.url])[0]  # as configured
        options = FeedOptions(
            channel=self.channel_name,
            url=url,
            fields=dict(self.channel.get("fields") or {}),
            currency=self.options.currency,
            locale=self.options.locale,
        )
        size = self.crawler.settings.getint("OMNICHECK_BATCH_SIZE", 500)
        batch: list[Offer] = []
        offers = 0
        skipped: Counter[str] = Counter()
        notes: list[str] = []
        category = problem = None
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        encoding = (response.headers.get("Content-Encoding") or b"").strip().lower()
        with open_body(response) as stream:
            rows = read_rows(
                stream,
                http_content_type_encoding(content_type),
                notes,
                response.meta.get("download_maxsize", 0),
            )
            try:
                if encoding not in CONTENT_ENCODINGS:
                    raise ValueError(f"Content-Encoding {encoding.decode('latin-1')} not supported")
                for number, row in enumerate(rows, 1):
                    result = row if isinstance(row, str) else row_offer(row, number, options)
                    if isinstance(result, str):
                        skipped[result] += 1
                        continue
                    if any("\ufffd" in value for value in row.values()):  # type: ignore[union-attr]
                        skipped[UNDECODABLE] += 1
                    if "cut" in result.evidence:
                        skipped[TEXT_CUT] += 1
                    offers += 1
                    batch.append(result)
                    if len(batch) >= size:
                        yield Batch(batch)
                        batch = []
            except FeedTooLarge as error:
                category, problem = "too_large", f"feed {error}"
            except UNREADABLE as error:
                category, problem = "unreadable", f"unreadable feed after {offers} offers: {error}"
        if batch:
            yield Batch(batch)
        if problem is None and not offers:
            category, problem = "unreadable", "no products in feed"
        yield PageVisit(
            self.channel_name,
            url,
            response.status,
            ok=problem is None,
            reason="; ".join(filter(None, [problem, *notes]))[:200] or None,
            category=category,
            content_type="feed",
            size=body_size(response),
            offers=offers,
            skipped=dict(skipped),
            depth=0,
        )


def batches(results: Iterable[Any], size: int, skipped: Counter[str]) -> Iterator[Batch]:
    """Items in batches of ``size``; a text among them (why a row was skipped) is counted in
    ``skipped`` instead."""
    batch: list[Any] = []
    for result in results:
        if isinstance(result, str):
            skipped[result] += 1
            continue
        batch.append(result)
        if len(batch) >= size:
            yield Batch(batch)
            batch = []
    if batch:
        yield Batch(batch)


def unreadable(channel: str, url: str, reason: str) -> PageVisit:
    """A configured file that gave nothing: a failed seed, with the reason a person reads."""
    return PageVisit(channel, url, ok=False, reason=reason[:200], category="unreadable", depth=0)
