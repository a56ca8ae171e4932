"""The spider for product feeds: Merchant Center XML, CSV/TSV or JSON Lines, from a URL or a file.

A feed can hold hundreds of thousands of products, more than Scrapy should hold as one response
body. So a feed on the web is streamed to a temporary file (robots.txt and the User-Agent as for
every other request; ``OMNICHECK_FEED_MAXSIZE`` caps its size), a local feed is read where it
is, and either is parsed row by row: offers flow to the store pipeline in batches, no more
than three of them in memory at once, so a larger feed does not take more memory.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import scrapy
from lxml import etree
from protego import Protego
from scrapy.http import Response

from crawler.extraction.local_inventory import (
    InventoryOptions,
    Store,
    read_local_inventory,
    read_stores,
)
from crawler.extraction.product_feeds import FeedOptions, read_rows, row_offer
from crawler.items import Batch, Offer, PageVisit
from crawler.spiders.base import ChannelSpiderBase, as_url

CHUNK = 1024 * 1024


class FeedProblem(Exception):
    """A feed that cannot be read; recorded as a failed fetch with this reason."""


class FeedSpider(ChannelSpiderBase):
    name = "feed"
    # Scrapy queues up to 2 × CONCURRENT_ITEMS of a callback's outputs ahead of the pipelines,
    # and the reader fills that queue without waiting: at the default 100 it held 300 batches,
    # 150 000 offers (about 110 MB per feed of 100 000 rows). The store pipeline writes
    # synchronously, so item concurrency buys no speed here: one at a time keeps at most three
    # batches in flight, whatever the feed's size (docs/benchmarks.md, "Product feeds").
    custom_settings = {"CONCURRENT_ITEMS": 1}

    async def start(self) -> AsyncIterator[Any]:
        # A data: request only hands each feed to a callback: Scrapy consumes a callback's items
        # from a queue as the pipelines take them, where items yielded by start() go one per
        # loop turn.
        for location in self.channel.get("feeds") or []:
            yield scrapy.Request(
                "data:,",
                callback=self.parse_feed,
                cb_kwargs={"url": as_url(location)},
                dont_filter=True,
            )
        if self.channel.get("local_inventory"):
            yield scrapy.Request("data:,", callback=self.parse_stock, dont_filter=True)

    async def parse_stock(self, response: Response) -> AsyncIterator[Any]:
        """The stores file, then each local-inventory feed's stock per store
        (``crawler.extraction.local_inventory``). A file that cannot be read is recorded with
        its reason; the others are read all the same."""
        stores: dict[str, Store] = {}
        files = [(as_url(self.channel["stores"]), True)] if self.channel.get("stores") else []
        files += [(as_url(location), False) for location in self.channel["local_inventory"]]
        for url, is_stores in files:
            try:
                path, temporary = await self.local_copy(url)
            except FeedProblem as problem:
                yield unreadable(self.channel_name, url, str(problem))
                continue
            try:
                if is_stores:
                    with path.open("rb") as stream:
                        stores = read_stores(stream)
                    yield PageVisit(self.channel_name, url, 200, content_type="stores", depth=0)
                else:
                    for item in self.read_stock(url, path, stores):
                        yield item
            except (ValueError, etree.XMLSyntaxError) as problem:
                yield unreadable(self.channel_name, url, str(problem))
            finally:
                if temporary:
                    path.unlink(missing_ok=True)

    def read_stock(self, url: str, path: Path, stores: dict[str, Store]) -> Iterator[Any]:
        """A local-inventory feed's rows in batches, then its ``PageVisit``."""
        options = InventoryOptions(
            self.channel_name, url, self.options.currency, self.options.locale
        )
        size = self.crawler.settings.getint("OMNICHECK_BATCH_SIZE", 500)
        rows = 0
        skipped: Counter[str] = Counter()
        with path.open("rb") as stream:
            for batch in batches(read_local_inventory(stream, options, stores), size, skipped):
                rows += len(batch.items)
                yield batch
        if not rows:
            yield unreadable(self.channel_name, url, "no stock rows in the local-inventory feed")
            return
        yield PageVisit(
            self.channel_name,
            url,
            200,
            content_type="local-inventory",
            size=os.path.getsize(path),
            skipped=dict(skipped),
            depth=0,
        )

    async def parse_feed(self, response: Response, url: str) -> AsyncIterator[Any]:
        """Every offer of the feed at ``url``, then a record of how reading it went."""
        try:
            path, temporary = await self.local_copy(url)
        except FeedProblem as problem:
            yield PageVisit(self.channel_name, url, ok=False, reason=str(problem))
            return
        try:
            for item in self.read(url, path):
                yield item
        finally:
            if temporary:
                path.unlink(missing_ok=True)

    async def local_copy(self, url: str) -> tuple[Path, bool]:
        """The feed as a local file, and whether it is a temporary copy to delete after."""
        if urlsplit(url).scheme == "file":
            path = Path(url2pathname(urlsplit(url).path))
            if not path.is_file():
                raise FeedProblem(f"no such file: {path}")
            return path, False
        settings = self.crawler.settings
        agent = settings.get("USER_AGENT")
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 30)
        if settings.getbool("ROBOTSTXT_OBEY") and not await asyncio.to_thread(
            allowed_by_robots, url, agent, timeout
        ):
            raise FeedProblem("ignored: forbidden by robots.txt")
        limit = settings.getint("OMNICHECK_FEED_MAXSIZE")
        return await asyncio.to_thread(download, url, agent, timeout, limit), True

    def read(self, url: str, path: Path) -> Iterator[Batch | PageVisit]:
        """The feed's offers in batches of ``OMNICHECK_BATCH_SIZE``, then its ``PageVisit``."""
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
        problem = None
        with path.open("rb") as stream:
            try:
                for number, row in enumerate(read_rows(stream), 1):
                    result = "unreadable row" if row is None else row_offer(row, number, options)
                    if isinstance(result, str):
                        skipped[result] += 1
                        continue
                    offers += 1
                    batch.append(result)
                    if len(batch) >= size:
                        yield Batch(batch)
                        batch = []
            except (ValueError, etree.XMLSyntaxError) as error:
                problem = f"unreadable feed after {offers} offers: {error}"[:200]
        if batch:
            yield Batch(batch)
        yield PageVisit(
            self.channel_name,
            url,
            200,
            ok=problem is None and offers > 0,
            reason=problem or (None if offers else "no products in feed"),
            content_type="feed",
            size=os.path.getsize(path),
            offers=offers,
            skipped=dict(skipped),
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


def download(url: str, agent: str, timeout: float, limit: int) -> Path:
    """Stream ``url`` into a temporary file, at most ``limit`` bytes; the file's path."""
    request = urllib.request.Request(url, headers={"User-Agent": agent})
    handle, name = tempfile.mkstemp(prefix="omnicheck-feed-")
    path = Path(name)
    try:
        with (
            os.fdopen(handle, "wb") as target,
            urllib.request.urlopen(request, timeout=timeout) as response,
        ):
            copied = 0
            while chunk := response.read(CHUNK):
                copied += len(chunk)
                if limit and copied > limit:
                    raise FeedProblem(f"feed larger than OMNICHECK_FEED_MAXSIZE ({limit} bytes)")
                target.write(chunk)
    except urllib.error.HTTPError as error:
        path.unlink(missing_ok=True)
        raise FeedProblem(f"HTTP {error.code}") from None
    except (OSError, urllib.error.URLError) as error:
        path.unlink(missing_ok=True)
        raise FeedProblem(f"{type(error).__name__}: {error}"[:200]) from None
    except FeedProblem:
        path.unlink(missing_ok=True)
        raise
    return path


def allowed_by_robots(url: str, agent: str, timeout: float) -> bool:
    """What the site's robots.txt says about ``url``; no robots.txt allows everything."""
    request = urllib.request.Request(urljoin(url, "/robots.txt"), headers={"User-Agent": agent})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            rules = response.read(512 * 1024).decode("utf-8", errors="replace")
    except (OSError, urllib.error.URLError):
        return True
    return Protego.parse(rules).can_fetch(url, agent)
