"""The spider for social channels: public post feeds, exports of posts and public post pages.

Each post becomes a ``Post`` item (its text, date and the campaign window it states) and the
services it promises become claims tagged with the post's link. Which products and prices a post
mentions is decided when the run is checked, against what the other channels sell. No logins and
nothing behind walls: only what the channel publishes (see ``crawler.extraction.post_sources``
for the accepted shapes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.extraction.campaigns import campaign_window
from crawler.extraction.claims import extract_claims
from crawler.extraction.page import TextBlock
from crawler.extraction.post_sources import PostSource, RawPost, read_source
from crawler.items import TEXT_CUT, Batch, PageVisit, Post, cut_long_text
from crawler.spiders.base import ChannelSpiderBase, as_url, file_meta, missing_file

DEFAULT_RECENCY_DAYS = 14


class SocialSpider(ChannelSpiderBase):
    name = "social"

    async def start(self) -> AsyncIterator[Any]:
        for location in self.channel.get("feeds") or []:
            url = as_url(location)
            missing = missing_file(self.channel_name, url)
            if missing is not None:
                yield missing
                continue
            for output in self.requests(url):
                yield output

    def requests(self, url: str) -> Iterator[Any]:
        """What reading one of the channel's feeds starts with."""
        yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta=file_meta(url))

    def parse(self, response: Response) -> Iterator[Any]:
        yield from self.posts_of(read_source(response.body, response.url), response, "posts")

    def posts_of(self, source: PostSource, response: Response, content: str) -> Iterator[Batch]:
        """The source's posts and the services they promise, and the record of reading it, as
        one item: stored together, so a killed crawl never keeps half of them (``--resume``
        reads the source again)."""
        items: list[Any] = []
        claims = 0
        for raw in source.posts:
            post = self.post(raw)
            if cut_long_text(post):
                source.skipped[TEXT_CUT] += 1
            items.append(post)
            blocks = [TextBlock(line, "main") for line in raw.text.split("\n")]
            for claim in extract_claims(
                blocks,
                self.channel_name,
                raw.url,
                self.vocabulary,
                currency=self.options.currency,
                locale=self.options.locale,
            ):
                claims += 1
                if cut_long_text(claim):
                    source.skipped[TEXT_CUT] += 1
                items.append(claim)
        visit = PageVisit(
            self.channel_name,
            response.url,
            response.status,
            ok=bool(source.posts),
            reason=None if source.posts else source.problem or f"no {content} in it",
            category=None if source.posts else "unreadable",
            content_type=content,
            size=len(response.body),
            claims=claims,
            skipped=dict(source.skipped),
            depth=response.meta.get("depth", 0),
        )
        yield Batch([*items, visit])

    def post(self, raw: RawPost) -> Post:
        window = campaign_window(raw.text, raw.published.date()) if raw.published else None
        recency = self.channel.get("recency_days")
        return Post(
            channel=self.channel_name,
            url=raw.url,
            text=raw.text,
            published=raw.published.isoformat() if raw.published else None,
            valid_from=window.start.isoformat() if window and window.start else None,
            valid_until=window.end.isoformat() if window and window.end else None,
            campaign=window.evidence if window else None,
            recency_days=DEFAULT_RECENCY_DAYS if recency is None else int(recency),
            currency=self.options.currency,
            locale=self.options.locale,
        )
