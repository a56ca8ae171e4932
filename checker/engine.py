"""Checking a stored run: link its offers into products, join the social posts that name them
(``checker.mentions``), apply the rules, store the findings.

Reads only what the crawl stored, so ``omnicheck check`` can re-check any run with today's rules.
Each finding is marked ``new`` or ``persisting`` against the previous checked run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.findings import Finding
from checker.link import DEFAULT_THRESHOLD, Product, link_offers
from checker.mentions import attach_mentions, read_mentions, run_day
from checker.rule_types import RuleType, RunView
from checker.store import Store
from crawler.extraction.claims import vocabulary_with


@dataclass
class CheckResult:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    products: list[Product]
    findings: list[Finding]
    baseline: int | None

    @property
    def incomplete(self) -> list[str]:
        return [c["channel"] for c in self.channels if not c["complete"]]


def check_run(
    store: Store,
    run_id: int,
    rules: list[RuleType],
    threshold: float = DEFAULT_THRESHOLD,
    services: dict[str, Any] | None = None,
) -> CheckResult:
    """Check a stored run; ``services`` are those rule packs add (for their labels)."""
    run = store.run(run_id)
    channels = store.channels(run_id)
    offers = store.offers(run_id)
    products = link_offers(offers, threshold=threshold)
    store.save_links(
        run_id,
        [
            (offer["id"], product.key, *product.methods.get(offer["id"], ("alone", None)))
            for product in products
            for offer in product.offers
        ],
    )
    social = {c["channel"] for c in channels if c["kind"] == "social"}
    mentions = read_mentions(products, store.posts(run_id), run_day(run), social)
    attach_mentions(mentions)
    view = RunView(
        run=run,
        channels={c["channel"]: c for c in channels},
        products=products,
        claims=store.claims(run_id),
        attributes=store.attributes(run_id),
        labels={service.id: service.label for service in vocabulary_with(services).services},
        mentions=mentions,
    )
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check(view))
    baseline = store.previous_run(run_id)
    known = store.fingerprints(baseline["id"]) if baseline else set()
    for finding in findings:
        finding.status = "persisting" if finding.fingerprint in known else "new"
    store.save_findings(run_id, [finding.to_dict() for finding in findings])
    return CheckResult(run, channels, products, findings, baseline["id"] if baseline else None)
