"""Checking a stored run: link its offers into products, join the social posts that name them
(``checker.linking.mentions``), apply the rules, store the findings.

Reads only what the crawl stored, so ``omnicheck check`` can re-check any run with today's rules
and waivers. Each finding is marked ``waived``, ``new`` or ``persisting`` against a baseline (see
``checker.findings.history``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from checker.config.model import POST_KINDS
from checker.findings import Finding
from checker.findings.history import Baseline, mark_statuses, previous_baseline
from checker.findings.waivers import Waiver, apply_waivers
from checker.linking.explain import explain_links
from checker.linking.linker import DEFAULT_THRESHOLD, Product, link_offers
from checker.linking.mentions import attach_mentions, read_mentions, run_day
from checker.linking.overrides import Overrides
from checker.linking.store_stock import join_stock
from checker.reports import touchpoints
from checker.rule_types.base import RuleType, RunView
from crawler.extraction.claims import vocabulary_with
from crawler.store import Store


@dataclass
class CheckResult:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    products: list[Product]
    findings: list[Finding]
    baseline: Baseline | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def incomplete(self) -> list[str]:
        return [c["channel"] for c in self.channels if not c["complete"]]


def link_run(
    store: Store,
    run_id: int,
    threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> list[Product]:
    """Link a stored run's offers into products and store how each offer was linked."""
    products = link_offers(store.offers(run_id), threshold=threshold, overrides=overrides)
    store.save_links(
        run_id,
        [
            (offer["id"], product.key, *product.methods.get(offer["id"], ("alone", None)))
            for product in products
            for offer in product.offers
        ],
    )
    return products


def check_run(
    store: Store,
    run_id: int,
    rules: list[RuleType],
    threshold: float = DEFAULT_THRESHOLD,
    services: dict[str, Any] | None = None,
    baseline: Baseline | None = None,
    waivers: list[Waiver] | None = None,
    today: dt.date | None = None,
    overrides: Overrides | None = None,
) -> CheckResult:
    """Check a stored run; ``services`` are those rule packs add (for their labels) and
    ``baseline`` defaults to the previous complete checked run."""
    run = store.run(run_id)
    channels = store.channels(run_id)
    products = link_run(store, run_id, threshold, overrides)
    social = {c["channel"] for c in channels if c["kind"] in POST_KINDS}
    posts = store.posts(run_id)
    mentions = read_mentions(products, posts, run_day(run), social)
    attach_mentions(mentions)
    view = RunView(
        run=run,
        channels={c["channel"]: c for c in channels},
        products=products,
        claims=store.claims(run_id),
        attributes=store.attributes(run_id),
        labels={service.id: service.label for service in vocabulary_with(services).services},
        mentions=mentions,
        posts=posts,
        stock=join_stock(
            store.store_stock(run_id), store.stock_stores(run_id), store.offer_products(run_id)
        ),
    )
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule.check(view))
    explain_links(findings, products)
    if baseline is None:
        baseline = previous_baseline(store, run_id)
    rows = [finding.to_dict() for finding in findings]
    apply_waivers(rows, waivers or [], today or dt.date.today())
    mark_statuses(rows, baseline)
    for finding, row in zip(findings, rows, strict=True):
        finding.status = row["status"]
    store.save_findings(run_id, rows)
    store.save_touchpoints(run_id, touchpoints.cells(view, rows))
    return CheckResult(run, channels, products, findings, baseline, rows)
