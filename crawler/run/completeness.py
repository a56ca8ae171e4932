"""Whether a channel's crawl saw enough of the channel to let absence count as evidence.

A channel is complete when it fetched at least one page, every seed (start URL, sitemap, feed)
was read, and the share of planned pages it fetched (its coverage) reaches the configured
threshold. Planned pages are those fetched, those that failed, those a crawl limit dropped
(``DEPTH_LIMIT``, ``URLLENGTH_LIMIT``) and those still queued when the crawl stopped; pages
skipped on purpose (robots.txt, other sites, 404) count for neither side.

A page whose content its scripts build (``crawler.extraction.script_built``) was fetched but not
read: a plain fetch sees an empty shell, so the crawl saw as little of it as of a page that
failed, and coverage counts it as unread. The channel's own threshold decides, as for failures:
a store locator app among hundreds of server-built pages leaves a channel complete, a website
whose product pages are all shells does not, and its note says to set ``render: js`` (or, for
a channel read through the browser already, that the rendered pages stayed empty).

A crawl a limit cut short is never complete, whatever its coverage: beyond a page the depth
limit dropped, or after a ``CLOSESPIDER_*`` or memory limit stopped the crawl, lie pages no
count can measure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.failures import LIMITS, NOT_FAILURES

# Scrapy's finish reasons for a crawl stopped from outside (Ctrl-C, SIGTERM): an aborted run, to
# be resumed. Any other reason but "finished" is a limit that ended the crawl (CLOSESPIDER_*,
# MEMUSAGE_LIMIT_MB).
STOPPED_FROM_OUTSIDE = ("shutdown", "cancelled")


@dataclass
class Completeness:
    """A channel's crawl measured, and the verdict with the reason a person reads."""

    fetched: int
    failed: int
    excluded: int = 0
    pending: int = 0
    threshold: float = 0.9
    failures: dict[str, int] = field(default_factory=dict)
    seed_failures: list[str] = field(default_factory=list)
    stop_reason: str | None = None
    # Pages crawl limits dropped, by reason ("deeper than DEPTH_LIMIT 2" → 37).
    limited: dict[str, int] = field(default_factory=dict)
    # Fetched pages that were empty shells a script fills in; ``rendered``: read by a browser.
    script_built: int = 0
    rendered: bool = False
    channel: str = ""

    @property
    def planned(self) -> int:
        return self.fetched + self.failed + self.excluded + self.pending

    @property
    def coverage(self) -> float:
        """The share of planned pages the crawl read."""
        wanted = self.fetched + self.failed + self.pending
        return (self.fetched - self.script_built) / wanted if wanted else 0.0

    @property
    def cut_short(self) -> bool:
        """A limit ended the crawl, or dropped pages whose links were then never seen."""
        stopped = self.stop_reason not in (None, "finished", *STOPPED_FROM_OUTSIDE)
        return stopped or bool(self.failures.get("depth_limit"))

    @property
    def complete(self) -> bool:
        return (
            self.fetched > 0
            and not self.seed_failures
            and self.coverage >= self.threshold
            and not self.cut_short
        )

    @property
    def note(self) -> str:
        wanted = self.fetched + self.failed + self.pending
        text = f"{self.fetched} of {wanted} pages fetched"
        if self.script_built:
            shells = "still empty shells after rendering" if self.rendered else "built by scripts"
            text += f", {self.script_built} of them {shells} ({self.coverage:.0%} read"
        else:
            text += f" ({self.coverage:.0%}"
        text += ")" if self.coverage >= self.threshold else f", below {self.threshold:.0%})"
        failures = {c: n for c, n in self.failures.items() if c not in LIMITS}
        if failures:
            counts = ", ".join(f"{n} {category}" for category, n in sorted(failures.items()))
            text += f"; failed: {counts}"
        if self.limited:
            counts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.limited.items()))
            text += f"; not fetched: {counts}"
        if self.excluded:
            text += f"; {self.excluded} skipped (robots.txt, offsite or 404)"
        if self.pending:
            text += f"; {self.pending} still queued when the crawl stopped"
        if self.stop_reason and self.stop_reason != "finished":
            text += f"; stopped: {self.stop_reason}"
        if self.cut_short:
            text += "; cut short by a crawl limit, so pages beyond it were never seen"
        if self.seed_failures:
            text += f"; could not read {self.seed_failures[0]}"
            if len(self.seed_failures) > 1:
                text += f" and {len(self.seed_failures) - 1} more configured URLs"
        if self.fetched == 0:
            text += "; no page could be fetched"
        if self.script_built and self.rendered:
            text += (
                "; Chromium ran their scripts and they still showed nothing: they may need longer"
                " than OMNICHECK_RENDER_SETTLE, a cookie consent or a login"
            )
        elif self.script_built:
            text += (
                f"; set render: js on channel {self.channel or 'this channel'} to read them"
                " through a browser"
            )
        return text

    def measures(self) -> dict[str, Any]:
        """What the store keeps besides the verdict and the note."""
        return {
            "planned": self.planned,
            "pending": self.pending,
            "coverage": round(self.coverage, 4),
            "threshold": self.threshold,
            "failures": self.failures,
        }


def judge(
    channel: dict[str, Any],
    failed_pages: list[dict[str, Any]],
    threshold: float,
    pending: int = 0,
    stop_reason: str | None = None,
    script_built: int = 0,
    rendered: bool = False,
) -> Completeness:
    """Measure one channel from its stored counts (``store.channels``), its failed pages and
    its pages built by scripts (``rendered``: read through a browser)."""
    failures = Counter(
        page["category"] or "other"
        for page in failed_pages
        if (page["category"] or "other") not in NOT_FAILURES
    )
    seeds = [
        f"{page['url']} ({page['reason'] or page['category']})"
        for page in failed_pages
        if page["depth"] == 0
    ]
    limited = Counter(
        page["reason"] or page["category"] for page in failed_pages if page["category"] in LIMITS
    )
    return Completeness(
        fetched=channel["pages"],
        failed=channel["failed"],
        excluded=channel.get("excluded") or 0,
        pending=pending,
        threshold=threshold,
        failures=dict(failures),
        seed_failures=seeds,
        stop_reason=stop_reason,
        limited=dict(limited),
        script_built=script_built,
        rendered=rendered,
        channel=channel.get("channel") or "",
    )
