"""Whether a channel's crawl saw enough of the channel to let absence count as evidence.

A channel is complete when it fetched at least one page, every seed (start URL, sitemap, feed)
was read, and the share of planned pages it fetched (its coverage) reaches the configured
threshold. Planned pages are those fetched, those that failed, and those still queued when the
crawl stopped; pages skipped on purpose (robots.txt, other sites, 404) count for neither side.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.failures import NOT_FAILURES


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

    @property
    def planned(self) -> int:
        return self.fetched + self.failed + self.excluded + self.pending

    @property
    def coverage(self) -> float:
        wanted = self.fetched + self.failed + self.pending
        return self.fetched / wanted if wanted else 0.0

    @property
    def complete(self) -> bool:
        return self.fetched > 0 and not self.seed_failures and self.coverage >= self.threshold

    @property
    def note(self) -> str:
        wanted = self.fetched + self.failed + self.pending
        text = f"{self.fetched} of {wanted} pages fetched ({self.coverage:.0%}"
        text += ")" if self.coverage >= self.threshold else f", below {self.threshold:.0%})"
        if self.failures:
            counts = ", ".join(f"{n} {category}" for category, n in sorted(self.failures.items()))
            text += f"; failed: {counts}"
        if self.excluded:
            text += f"; {self.excluded} skipped (robots.txt, offsite or 404)"
        if self.pending:
            text += f"; {self.pending} still queued when the crawl stopped"
        if self.stop_reason and self.stop_reason != "finished":
            text += f"; stopped: {self.stop_reason}"
        if self.seed_failures:
            text += f"; could not read {self.seed_failures[0]}"
            if len(self.seed_failures) > 1:
                text += f" and {len(self.seed_failures) - 1} more configured URLs"
        if self.fetched == 0:
            text += "; no page could be fetched"
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
) -> Completeness:
    """Measure one channel from its stored counts (``store.channels``) and its failed pages."""
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
    return Completeness(
        fetched=channel["pages"],
        failed=channel["failed"],
        excluded=channel.get("excluded") or 0,
        pending=pending,
        threshold=threshold,
        failures=dict(failures),
        seed_failures=seeds,
        stop_reason=stop_reason,
    )
