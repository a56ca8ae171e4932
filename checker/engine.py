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
from checker.linking.linker import DEFAULT_THRESHOLD
from checker.linking.mentions import attach_mentions, read_mentions, run_day
from checker.linking.overrides import Overrides
from checker.linking.store_stock import join_stock
from checker.linking.stored import StoredProducts, link_run
from checker.reports import touchpoints
from checker.rule_types.base import RuleType, RunView
from checker.shared_pass import check_rules
from crawler.extraction.claims import vocabulary_with
from crawler.store import Store

BATCH = 1_000  # findings stored at a time


@dataclass
class CheckResult:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    products: StoredProducts
    findings: list[Finding]
    baseline: Baseline | None
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def incomplete(self) -> list[str]:
        return [c["channel"] for c in self.channels if not c["complete"]]


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
    ``baseline`` defaults to the previous complete checked run.

    The rules walk one read of the products, a block at a time (``checker.shared_pass``), and
    findings are stored a batch at a time, so the check's memory does not grow with the
    catalogue."""
    run = store.run(run_id)
    channels = store.channels(run_id)
    products = link_run(store, run_id, threshold, overrides)
    social = {c["channel"] for c in channels if c["kind"] in POST_KINDS}
    posts = store.posts(run_id)
    mentions = read_mentions(products, posts, run_day(run), social)
    attach_mentions(mentions)
    products.keep(p for m in mentions for p in [m.product, *m.alternatives])
    currencies = store.offer_currencies(run_id)
    for mention in mentions:
        for offer in mention.product.offers:
            if offer["id"] < 0 and offer.get("currency"):
                currencies.setdefault(offer["channel"], set()).add(offer["currency"])
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
        currencies=currencies,
    )
    if baseline is None:
        baseline = previous_baseline(store, run_id)
    store.clear_findings(run_id)
    findings: list[Finding] = []
    rows: list[dict[str, Any]] = []
    for found in check_rules(rules, view, products, explain_links):
        for start in range(0, len(found), BATCH):
            batch = found[start : start + BATCH]
            # a product not at hand when its rule reported it (a post's, mostly)
            unexplained = [f for f in batch if "product" in f.subject and "link" not in f.subject]
            explain_links(unexplained, products.find)
            rows.extend(_store_findings(store, run_id, batch, baseline, waivers, today))
        findings.extend(found)
    store.save_touchpoints(run_id, touchpoints.cells(view, rows))
    store.mark_checked(run_id)
    return CheckResult(run, channels, products, findings, baseline, rows)


def _store_findings(
    store: Store,
    run_id: int,
    findings: list[Finding],
    baseline: Baseline | None,
    waivers: list[Waiver] | None,
    today: dt.date | None,
) -> list[dict[str, Any]]:
    """Mark findings waived, new or persisting, and store them; the stored rows."""
    rows = [finding.to_dict() for finding in findings]
    apply_waivers(rows, waivers or [], today or dt.date.today())
    mark_statuses(rows, baseline)
    for finding, row in zip(findings, rows, strict=True):
        finding.status = row["status"]
    store.add_findings(run_id, rows)
    return rows
