"""The spider for websites and webshops: follows links within the channel and reads each page.

What is the channel's is decided by ``crawler.scope``: its folders (or ``allow:`` patterns),
minus ``deny:``, minus the narrower folders of other channels, which are left to them (asked
for with ``left_to`` in the meta, so Scrapy's duplicate filter counts each once, and recorded
as excluded by ``crawler.middlewares.LeftToOtherChannel``). With ``render: js`` page requests go
through the browser (``crawler.rendering``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler import settings
from crawler.extraction import extract_page, require_currency
from crawler.items import TEXT_CUT, Batch, PageVisit, cut_long_text
from crawler.rendering import page_meta, use_browser
from crawler.scope import Scope, owner
from crawler.spiders.base import ChannelSpiderBase

SKIP_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|mp4|mp3|webm|css|js|woff2?|ttf|xlsx?|docx?)$",
    re.IGNORECASE,
)

# Deeper than any crawl: a link no limit has dropped.
DEEPEST = 1 << 62


class ChannelSpider(ChannelSpiderBase):
    name = "channel"
    # Scrapy's asyncio scraper starts CONCURRENT_ITEMS worker tasks for every response, whatever
    # it yields: at the default 100, a hundred tasks per page, about a millisecond of CPU, for a
    # page that yields one Batch and a few new links to a synchronous store (item concurrency
    # buys nothing here, as for the feed spider).
    custom_settings = {"CONCURRENT_ITEMS": 1}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = Scope.of_channel(self.channel)
        self.other_scopes = {
            name: Scope.of_channel(other)
            for name, other in (self.channel.get("other_channels") or {}).items()
        }
        self.render_js = self.channel.get("render") == "js"
        # Links this spider already asked for. A shop links most pages from every page (menus,
        # footers, carousels); a request Scrapy's duplicate filter would drop still costs its
        # whole journey through the engine, so repeats stop here. The filter stays the
        # authority (canonical URLs, resumed crawls, other workers).
        self.requested: set[str] = set()
        # Links a crawl limit dropped (crawler.limits), with the depth they were met at: asked
        # for again only when met nearer the start, where the limit may let them through.
        self.too_deep: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ChannelSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.render_js:
            # This crawler's settings are not frozen yet: the browser is for this channel alone.
            use_browser(crawler.settings)
        return spider

    async def start(self) -> AsyncIterator[Any]:
        for url in self.channel.get("sitemap_urls") or []:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed)
        for url in self.channel.get("start_urls") or []:
            yield self.page_request(url)

    def page_request(self, url: str) -> scrapy.Request:
        meta = page_meta(self.settle_seconds()) if self.render_js else {}
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta)

    def settle_seconds(self) -> float:
        """``OMNICHECK_RENDER_SETTLE`` of this crawl; its default for a spider without a crawler
        (a distributed crawl's coordinator makes the start requests so)."""
        if hasattr(self, "crawler"):
            return self.settings.getfloat("OMNICHECK_RENDER_SETTLE")
        return float(settings.OMNICHECK_RENDER_SETTLE)

    def follow(self, url: str) -> scrapy.Request:
        """A request for a page of this channel, or one the crawl records as left to another
        channel whose narrower folder holds it (never fetched)."""
        other = owner(url, self.scope, self.other_scopes)
        if other is None:
            return self.page_request(url)
        return scrapy.Request(url, errback=self.failed, meta={"left_to": other})

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        body = response.body
        if response.url.endswith("/robots.txt"):
            urls = list(sitemap_urls_from_robots(response.text, base_url=response.url))
            yield from (
                scrapy.Request(u, callback=self.parse_sitemap, errback=self.failed) for u in urls
            )
            return
        try:
            sitemap = Sitemap(body)
        except Exception:  # not XML: recorded, not fatal
            yield PageVisit(
                self.channel_name,
                response.url,
                response.status,
                ok=False,
                reason="sitemap is not XML",
                category="unreadable",
                depth=response.meta.get("depth", 0),
            )
            return
        yield PageVisit(
            self.channel_name,
            response.url,
            response.status,
            content_type="sitemap",
            size=len(body),
            depth=response.meta.get("depth", 0),
        )
        index = sitemap.type == "sitemapindex"
        for entry in sitemap:
            url = entry.get("loc")
            if not url:
                continue
            if index:
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed)
            elif self.new_link(url, response) and self.wanted(url):
                self.requested.add(url)
                yield self.follow(url)

    def parse(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        depth = response.meta.get("depth", 0)
        if depth == 0:
            # A start URL that redirects (/webshop/ to /sv/webshop/) scopes the channel where
            # it landed too; a page already in scope leaves the scope as it is.
            self.scope.add(response.url)
        if not isinstance(response, TextResponse) or "html" not in (content_type or "text/html"):
            yield PageVisit(
                self.channel_name,
                response.url,
                response.status,
                ok=True,
                reason="not an HTML page",
                content_type=content_type,
                size=len(response.body),
                depth=depth,
            )
            return
        try:
            result = extract_page(
                response.body,
                response.url,
                self.options,
                vocabulary=self.vocabulary,
                encoding=response.encoding,
            )
        except Exception as error:  # a bug must cost this page, never the crawl
            # The traceback goes to the crawl's log file (<db>.log), never the terminal.
            self.logger.warning("could not read %s", response.url, exc_info=True)
            yield PageVisit(
                self.channel_name,
                response.url,
                response.status,
                ok=False,
                reason=f"extraction failed: {type(error).__name__}: {error}"[:200],
                category="unreadable",
                content_type=content_type,
                size=len(response.body),
                depth=depth,
            )
            return
        require_currency(result.offers, result.problems)
        skipped = {problem: 1 for problem in result.problems}
        unpriced = sum(1 for offer in result.offers if offer.price is None)
        if unpriced:
            # Products shown without a price omnicheck can stand behind: counted, never guessed.
            skipped["no price"] = unpriced
        items = [*result.offers, *result.claims, *result.attributes, *result.stock]
        cut = sum(1 for item in items if cut_long_text(item))
        if cut:
            skipped[TEXT_CUT] = cut
        visit = PageVisit(
            self.channel_name,
            response.url,
            response.status,
            content_type=content_type,
            size=len(response.body),
            offers=len(result.offers),
            claims=len(result.claims),
            skipped=skipped,
            depth=depth,
        )
        # One item per page: Scrapy's per-item work (signals, stats, pipelines) is paid once per
        # page instead of once per offer, claim and attribute.
        yield Batch([*items, visit])
        for url in self.links(response, result.links):
            yield self.follow(url)

    def links(self, response: Response, hrefs: list[str]) -> Iterator[str]:
        """The page's wanted links not yet requested. Scrapy's duplicate filter compares
        canonical URLs across the crawl, so a cheap join here is enough (canonicalising every
        link of every page twice was a tenth of the crawl's time)."""
        for href in hrefs:
            url = urldefrag(urljoin(response.url, href.strip())).url
            if not self.new_link(url, response) or not url.startswith(("http://", "https://")):
                continue
            self.requested.add(url)
            if self.wanted(url):
                yield url

    def new_link(self, url: str, response: Response) -> bool:
        """Not asked for yet, nor dropped by a limit at this depth or nearer the start."""
        if url in self.requested:
            return False
        return self.too_deep.get(url, DEEPEST) > response.meta.get("depth", 0) + 1

    def forget(self, url: str, depth: int) -> None:
        """A limit dropped the request for ``url`` at ``depth`` (``crawler.limits``)."""
        self.requested.discard(url)
        self.too_deep[url] = depth

    def wanted(self, url: str) -> bool:
        """A page on the channel's hosts, within its scope, not a file omnicheck cannot read."""
        if SKIP_EXTENSIONS.search(urlsplit(url).path) or not self.on_site(url):
            return False
        return self.scope.covers(url)
