"""The spider for social channels: public post feeds (RSS/Atom, or JSON exports of posts).

Each post's text is read like a page's: the services it promises become claims tagged with the
post's link and date. No logins and nothing behind walls: only what the feed publishes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import feedparser
import scrapy
from scrapy.http import Response

from crawler.extraction.claims import extract_claims
from crawler.extraction.page import ParsedPage, TextBlock
from crawler.items import PageVisit
from crawler.spiders.base import ChannelSpiderBase, as_url

TEXT_KEYS = ("text", "message", "caption", "content", "body", "description", "title")
LINK_KEYS = ("url", "permalink", "permalink_url", "link", "post_url")
DATE_KEYS = ("published", "date", "created_time", "timestamp", "created_at", "posted_at")


class SocialSpider(ChannelSpiderBase):
    name = "social"

    async def start(self) -> AsyncIterator[Any]:
        for location in self.channel.get("feeds") or []:
            yield scrapy.Request(as_url(location), callback=self.parse, errback=self.failed)

    def parse(self, response: Response) -> Iterator[Any]:
        posts = list(read_posts(response.body, response.url))
        claims = 0
        for post in posts:
            blocks = [TextBlock(text, "main") for text in post["texts"]]
            for claim in extract_claims(
                blocks,
                self.channel_name,
                post["url"],
                self.vocabulary,
                currency=self.options.currency,
                locale=self.options.locale,
            ):
                claims += 1
                yield claim
        yield PageVisit(
            self.channel_name,
            response.url,
            response.status,
            ok=bool(posts),
            reason=None if posts else "no posts in feed",
            content_type="feed",
            size=len(response.body),
            claims=claims,
        )


def read_posts(body: bytes, url: str) -> Iterator[dict[str, Any]]:
    """Posts as {url, published, texts} from RSS/Atom or a JSON export (a list, or under
    "posts" or "data")."""
    stripped = body.lstrip()[:1]
    if stripped in (b"[", b"{"):
        try:
            data = json.loads(body)
        except ValueError:
            return
        items = data if isinstance(data, list) else data.get("posts") or data.get("data") or []
        for item in items:
            if isinstance(item, dict):
                texts = [_plain(str(item[key])) for key in TEXT_KEYS if item.get(key)]
                link = next((str(item[key]) for key in LINK_KEYS if item.get(key)), url)
                date = next((str(item[key]) for key in DATE_KEYS if item.get(key)), None)
                if texts:
                    yield {"url": link, "published": date, "texts": texts}
        return
    feed = feedparser.parse(body)
    for entry in feed.entries:
        texts = [_plain(entry.get(key, "")) for key in ("title", "summary")]
        texts = [text for text in texts if text]
        if texts:
            yield {
                "url": entry.get("link") or url,
                "published": entry.get("published"),
                "texts": texts,
            }


def _plain(text: str) -> str:
    """Post text without markup (feeds often carry HTML in their descriptions)."""
    if "<" not in text:
        return " ".join(text.split())
    page = ParsedPage.from_html(f"<html><body><div>{text}</div></body></html>", "")
    return page.visible_text.replace("\n", " ")
