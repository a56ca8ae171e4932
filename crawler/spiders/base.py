"""What every omnicheck spider shares: its channel's configuration and the record of each fetch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import scrapy
from twisted.python.failure import Failure

from crawler.extraction.claims import vocabulary_with
from crawler.extraction.offers import ExtractionOptions
from crawler.failures import classify
from crawler.items import PageVisit
from crawler.redirects import endpoint


class ChannelSpiderBase(scrapy.Spider):
    """Reads one channel. ``channel`` is the channel's configuration (a dict, or JSON of one);
    ``services`` the services that rule packs add to the vocabulary (``{id: definition}``)."""

    def __init__(
        self,
        channel: dict[str, Any] | str | None = None,
        currency: str | None = None,
        locale: str | None = None,
        services: dict[str, Any] | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        added = json.loads(services) if isinstance(services, str) else services
        self.vocabulary = vocabulary_with(added)
        if isinstance(channel, str):
            channel = json.loads(channel)
        if not isinstance(channel, dict) or not channel:
            raise ValueError("a channel configuration is required (-a channel='{...}')")
        self.channel: dict[str, Any] = channel
        self.channel_name: str = channel["name"]
        self.options = ExtractionOptions(
            channel=self.channel_name,
            currency=channel.get("currency") or currency,
            locale=channel.get("locale") or locale,
            selectors=dict(channel.get("selectors") or {}),
        )
        seeds = [
            *channel.get("start_urls", []),
            *channel.get("sitemap_urls", []),
            *channel.get("feeds", []),
        ]
        hosts = {urlsplit(url).hostname for url in seeds if urlsplit(url).hostname}
        self.allowed_domains = sorted(set(channel.get("allowed_domains") or []) | hosts)
        # Where the configuration itself points: a redirect may lead there (crawler.redirects).
        self.seed_endpoints = {endpoint(url) for url in seeds if urlsplit(url).hostname}

    def failed(self, failure: Failure) -> Iterator[PageVisit]:
        """Every failed fetch is recorded with its category and reason; none stops the crawl."""
        request = failure.request  # type: ignore[attr-defined]
        category, reason, status = classify(failure)
        asked = request.meta.get("redirect_urls") or [request.url]  # the URL the crawl linked to
        yield PageVisit(
            channel=self.channel_name,
            url=asked[0],
            status=status,
            ok=False,
            reason=reason,
            category=category,
            depth=request.meta.get("depth", 0),
        )

    def on_site(self, url: str) -> bool:
        """Whether a URL is within the channel's domains: the crawl never leaves them."""
        host = (urlsplit(url).hostname or "").lower()
        return not self.allowed_domains or any(
            host == domain.lower() or host.endswith(f".{domain.lower()}")
            for domain in self.allowed_domains
        )


def local_path(url: str) -> Path | None:
    """The path a file:// URL names; None for other URLs."""
    parts = urlsplit(url)
    return Path(url2pathname(parts.path)) if parts.scheme == "file" else None


def file_meta(url: str) -> dict[str, Any]:
    """A local file has no host: Scrapy's offsite filter must let it through (it would drop it
    unseen when the channel's other feeds are on the web)."""
    return {"allow_offsite": True} if url.startswith("file:") else {}


def missing_file(channel: str, url: str) -> PageVisit | None:
    """A configured file or folder that does not exist, recorded as a failed seed with a reason
    a person reads (Scrapy would retry it and log a traceback)."""
    path = local_path(url)
    if path is None or path.exists():
        return None
    return PageVisit(channel, url, ok=False, reason=f"no such file or folder: {path}",
                     category="unreadable", depth=0)  # fmt: skip


def as_url(location: str, base: Path | None = None) -> str:
    """A feed location as a URL: http(s) and file URLs as they are, paths as file:// URLs."""
    if urlsplit(location).scheme in ("http", "https", "file"):
        return location
    path = Path(location)
    if not path.is_absolute() and base is not None:
        path = base / path
    return path.resolve().as_uri()
