"""The configuration as omnicheck uses it, once ``checker.config.validate`` has checked it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.config.errors import ConfigError
from checker.version import __version__
from crawler.run.plan import DEFAULT_COMPLETENESS, ChannelPlan, CrawlPlan
from crawler.spiders.base import as_url


@dataclass
class Channel:
    name: str
    kind: str
    start_urls: list[str] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    selectors: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    locale: str | None = None
    completeness: float | None = None
    recency_days: int | None = None
    market: str | None = None
    render: str = "html"
    # The other website/webshop channels' scopes: this one leaves their narrower folders to them.
    other_channels: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    def scope_arguments(self) -> dict[str, list[str]]:
        """What decides the pages this channel reads (see ``crawler.scope``)."""
        return {
            "start_urls": self.start_urls,
            "sitemap_urls": self.sitemap_urls,
            "allow": self.allow,
            "deny": self.deny,
        }

    def spider_arguments(self, base_dir: Path) -> dict[str, Any]:
        """The channel as a spider reads it (feed paths resolved against the config's folder)."""
        return {
            "name": self.name,
            "kind": self.kind,
            **self.scope_arguments(),
            "feeds": [as_url(location, base_dir) for location in self.feeds],
            "render": self.render,
            "other_channels": self.other_channels,
            "allowed_domains": self.allowed_domains,
            "selectors": self.selectors,
            "fields": self.fields,
            "currency": self.currency,
            "locale": self.locale,
            "recency_days": self.recency_days,
        }


@dataclass
class LinkSettings:
    """``links:`` — how sure a name match must be, and the file of a person's corrections
    (read by ``checker.linking.overrides.load_overrides``)."""

    threshold: float = 88.0
    overrides: Path | None = None


@dataclass
class Config:
    path: Path
    name: str
    channels: list[Channel]
    currency: str | None = None
    locale: str | None = None
    rules: list[str] = field(default_factory=lambda: ["default"])
    waivers: Path | None = None
    crawl: dict[str, Any] = field(default_factory=dict)
    completeness: float = DEFAULT_COMPLETENESS
    links: LinkSettings = field(default_factory=lambda: LinkSettings())
    digest: str = ""
    lines: dict[str, int] = field(default_factory=dict, repr=False)
    # Lines to show before crawling ("omnicheck.yml:9: channels[1].start_urls: ..."): channels
    # whose folders overlap.
    warnings: list[str] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels)
        raise ConfigError(self.path, None, "channels", f"no channel named {name!r} (have: {known})")

    def completeness_of(self, name: str) -> float:
        """The share of planned pages a channel must fetch: its own setting, else the global."""
        own = self.channel(name).completeness
        return self.completeness if own is None else own

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)

    def located(self, key: str, message: str) -> str:
        """A message about a key of this file, where it stands ("omnicheck.yml:7: crawl.X: ...")."""
        return str(ConfigError(self.path, self.line_of(key), key, message))

    def crawl_plan(self, services: dict[str, Any] | None = None) -> CrawlPlan:
        """What the crawler is asked to do; ``services`` are those rule packs add."""
        return CrawlPlan(
            name=self.name,
            channels=[
                ChannelPlan(
                    name=channel.name,
                    kind=channel.kind,
                    spider=channel.spider_arguments(self.base_dir),
                    market=channel.market,
                    threshold=self.completeness_of(channel.name),
                )
                for channel in self.channels
            ],
            currency=self.currency,
            locale=self.locale,
            settings=dict(self.crawl),
            services=dict(services or {}),
            source=str(self.path),
            digest=self.digest,
            version=__version__,
            threshold=self.completeness,
        )
