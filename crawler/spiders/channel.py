"""The spider for websites and webshops: follows links within the channel and reads each page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.extraction import extract_page, require_currency
from crawler.items import TEXT_CUT, Batch, PageVisit, cut_long_text
from crawler.spiders.base import ChannelSpiderBase

SKIP_EXTENSIONS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|pdf|zip|gz|mp4|mp3|webm|css|js|woff2?|ttf|xlsx?|docx?)$",
    re.IGNORECASE,
)


class ChannelSpider(ChannelSpiderBase):
    name = "channel"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow = [re.compile(pattern) for pattern in self.channel.get("allow") or []]
        self.deny = [re.compile(pattern) for pattern in self.channel.get("deny") or []]
        # Links this spider already asked for. A shop links most pages from every page (menus,
        # footers, carousels); a request Scrapy's duplicate filter would drop still costs its
        # whole journey through the engine, so repeats stop here. The filter stays the
        # authority (canonical URLs, resumed crawls, other workers).
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Any]:
        for url in self.channel.get("sitemap_urls") or []:
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed)
        for url in self.channel.get("start_urls") or []:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

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
        callback = self.parse_sitemap if sitemap.type == "sitemapindex" else self.parse
        for entry in sitemap:
            url = entry.get("loc")
            if url and (callback == self.parse_sitemap or self.wanted(url)):
                if callback == self.parse:
                    if url in self.requested:
                        continue
                    self.requested.add(url)
                yield scrapy.Request(url, callback=callback, errback=self.failed)

    def parse(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        depth = response.meta.get("depth", 0)
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
            self.logger.exception("could not read %s", response.url)
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
        items = [*result.offers, *result.claims, *result.attributes]
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
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def links(self, response: Response, hrefs: list[str]) -> Iterator[str]:
        """The page's wanted links not yet requested. Scrapy's duplicate filter compares
        canonical URLs across the crawl, so a cheap join here is enough (canonicalising every
        link of every page twice was a tenth of the crawl's time)."""
        for href in hrefs:
            url = urldefrag(urljoin(response.url, href.strip())).url
            if url in self.requested or not url.startswith(("http://", "https://")):
                continue
            self.requested.add(url)
            if self.wanted(url):
                yield url

    def wanted(self, url: str) -> bool:
        parts = urlsplit(url)
        if SKIP_EXTENSIONS.search(parts.path) or not self.on_site(url):
            return False
        if any(pattern.search(url) for pattern in self.deny):
            return False
        return not self.allow or any(pattern.search(url) for pattern in self.allow)
