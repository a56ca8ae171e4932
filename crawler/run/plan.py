"""What a crawl is asked to do: the channels to read and how, as the crawler needs them.

The configuration (``checker.config``) is where a person writes this; it hands the crawler a
``CrawlPlan``, so the crawler depends on nothing of the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Share of a channel's planned pages that must be fetched for its crawl to count as complete.
DEFAULT_COMPLETENESS = 0.9


@dataclass
class ChannelPlan:
    """One channel: ``spider`` is the channel as its spider reads it (see
    ``crawler.spiders.base.ChannelSpiderBase``); ``threshold`` its completeness threshold."""

    name: str
    kind: str
    spider: dict[str, Any]
    market: str | None = None
    threshold: float = DEFAULT_COMPLETENESS


@dataclass
class CrawlPlan:
    """A crawl of ``channels``; ``settings`` are the configuration's Scrapy settings, ``services``
    the services rule packs add to the vocabulary, ``source`` and ``digest`` name the
    configuration it came from (a run records them; ``--resume`` compares them)."""

    name: str
    channels: list[ChannelPlan]
    currency: str | None = None
    locale: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    services: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    digest: str = ""
    version: str = ""
    threshold: float = DEFAULT_COMPLETENESS

    def channel(self, name: str) -> ChannelPlan:
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(channel.name for channel in self.channels)
        raise KeyError(f"no channel named {name!r} (have: {known})")

    def threshold_of(self, name: str) -> float:
        """A channel's completeness threshold; the global one for a channel the plan lacks (a
        channel since removed from the configuration, judged on a resumed run)."""
        for channel in self.channels:
            if channel.name == name:
                return channel.threshold
        return self.threshold

    def renders(self, name: str) -> bool:
        """Whether the channel's pages are read through a browser (``render: js``)."""
        return any(c.name == name and c.spider.get("render") == "js" for c in self.channels)

    @property
    def spider_arguments(self) -> dict[str, Any]:
        """What every spider is given besides its channel."""
        return {"currency": self.currency, "locale": self.locale, "services": self.services}
