"""The spider for newsletters: saved e-mails and the public web archives of e-mail campaigns.

Each of the channel's ``feeds`` is a folder of saved e-mails (``.eml``, ``.html``, ``.htm``; each
file is read, none inside subfolders), one saved e-mail, an archive page or archive feed on the
web, or one campaign's web page (see ``crawler.extraction.emails``). Every e-mail becomes a
``Post`` published on the day it was sent, with the services it promises as claims, as a social
post does. An e-mail that cannot be read is recorded with its reason; the others are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.extraction import emails
from crawler.extraction.post_sources import PostSource, RawPost
from crawler.items import PageVisit
from crawler.spiders.base import file_meta, local_path
from crawler.spiders.social import SocialSpider


class NewsletterSpider(SocialSpider):
    name = "newsletter"

    def requests(self, url: str) -> Iterator[Any]:
        """A folder's e-mails, each read as a page of the channel; else the file or URL."""
        folder = local_path(url)
        if folder is None or not folder.is_dir():
            yield self.mail_request(url, None, depth=0)
            return
        files = sorted(
            path
            for path in folder.iterdir()
            if path.is_file() and path.suffix.lower() in emails.EMAIL_SUFFIXES
        )
        yield PageVisit(
            self.channel_name,
            url,
            ok=bool(files),
            reason=None if files else f"no e-mails (.eml, .html, .htm) in {folder}",
            category=None if files else "unreadable",
            content_type="folder",
            depth=0,
        )
        for path in files:
            yield self.mail_request(path.as_uri(), None, depth=1)

    def mail_request(self, url: str, published: datetime | None, depth: int) -> scrapy.Request:
        meta = {"depth": depth, "published": published.isoformat() if published else None}
        meta.update(file_meta(url))
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta)

    def parse(self, response: Response) -> Iterator[Any]:
        body, url = response.body, response.url
        listed = response.meta.get("published")
        source = PostSource()
        try:
            if emails.looks_like_eml(body, url):
                source.add(emails.read_eml(body, url))
            elif body.lstrip()[:5].lower() in (b"<?xml", b"<rss ", b"<feed"):
                yield from self.campaigns(emails.archive_feed(body, url), response, source)
            else:
                listing = emails.archive_listing(body, url)
                if listing:
                    yield from self.campaigns(listing, response, source)
                    return
                moment = datetime.fromisoformat(listed) if listed else None
                source.add(emails.read_email_page(body, url, moment))
        except emails.EmailProblem as problem:
            source.problem = str(problem)
        if source.posts or source.problem:
            yield from self.posts_of(source, response, "e-mail")

    def campaigns(
        self, campaigns: list[emails.Campaign], response: Response, source: PostSource
    ) -> Iterator[Any]:
        """Campaigns an archive holds become posts; those it only links to are read next."""
        depth = response.meta.get("depth", 0) + 1
        for campaign in campaigns:
            if campaign.text is not None:
                source.add(RawPost(campaign.url, campaign.text, campaign.published))
            else:
                yield self.mail_request(campaign.url, campaign.published, depth)
        if not source.posts:  # an archive of links: its campaigns are read next
            yield PageVisit(
                self.channel_name,
                response.url,
                response.status,
                content_type="archive",
                size=len(response.body),
                depth=response.meta.get("depth", 0),
            )
