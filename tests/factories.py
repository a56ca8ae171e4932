"""Small factories that build real stored runs (a real SQLite file) for rule and CLI tests,
and real checked runs holding given findings (for history and report tests)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from checker.findings import Finding
from checker.findings.history import Baseline, mark_statuses, previous_baseline
from crawler.items import Offer, PageVisit, ServiceClaim
from crawler.run.process import finish_channels
from crawler.store import Store


def offer(channel: str, name: str, price: str | None, **fields: Any) -> Offer:
    url = fields.pop("url", f"https://{channel}.example.fi/{name.lower().replace(' ', '-')}")
    amount = Decimal(price) if price is not None else None
    currency = fields.pop("currency", "EUR")
    item = Offer(channel=channel, url=url, name=name, price=amount, currency=currency, **fields)
    item.sources.setdefault("price", "json-ld")
    item.evidence.setdefault("price", f"{price} {currency}")
    return item


def claim(channel: str, service: str, sentence: str, **fields: Any) -> ServiceClaim:
    url = fields.pop("url", f"https://{channel}.example.fi/palvelut")
    return ServiceClaim(channel=channel, url=url, service=service, sentence=sentence, **fields)


def stored_run(
    path: Path,
    channels: dict[str, str],
    items: list[Any],
    pages: dict[str, tuple[int, int]] | None = None,
    markets: dict[str, str] | None = None,
) -> tuple[Store, int]:
    """A finished run: ``channels`` maps name -> kind, ``pages`` name -> (fetched, failed),
    ``markets`` name -> the market the configuration gives it."""
    store = Store(path)
    markets = markets or {}
    run_id = store.start_run(
        "test", [(name, kind, markets.get(name)) for name, kind in channels.items()]
    )
    visits: list[Any] = []
    for channel in channels:
        fetched, failed = (pages or {}).get(channel, (3, 0))
        visits += [PageVisit(channel, f"https://{channel}.example.fi/{i}") for i in range(fetched)]
        visits += [
            PageVisit(
                channel, f"https://{channel}.example.fi/x{i}", 503, ok=False, reason="HTTP 503"
            )
            for i in range(failed)
        ]
    store.add_items(run_id, visits + items)
    store.finish_run(run_id, finish_channels(store, run_id))
    return store, run_id


CHANNELS = (("webshop", "webshop"), ("website", "website"))


def price_finding(name: str, shop: str, site: str, **subject: Any) -> Finding:
    """A price_mismatch between webshop and website, shaped as the rule type makes it."""
    low, high = sorted((float(shop), float(site)))
    return Finding(
        kind="price_mismatch",
        rule="price-parity",
        severity="high",
        subject={"product": f"name:{name.lower()}", "name": name, **subject},
        channels={
            channel: {
                "url": f"https://{channel}.example.fi/tuotteet/{name.lower().replace(' ', '-')}",
                "value": f"{price} EUR",
                "price": price,
                "currency": "EUR",
                "evidence": f"{price.replace('.', ',')} €",
            }
            for channel, price in (("webshop", shop), ("website", site))
        },
        message=f"{name}: prices differ by {high - low:.2f} EUR",
        details={"difference": f"{high - low:.2f}", "currency": "EUR"},
    )


def missing_finding(service: str) -> Finding:
    return Finding(
        kind="missing_in_channel",
        rule="service-presence",
        severity="medium",
        subject={"service": service, "label": service.replace("_", " ").capitalize()},
        channels={
            "website": {"url": "https://website.example.fi/palvelut", "value": "described"},
            "webshop": {"url": None, "value": "missing", "evidence": "not found on 8 pages"},
        },
        message=f"{service} is described on website but not on webshop",
    )


def checked_run(
    store: Store,
    findings: list[Finding],
    waived: dict[str, dict[str, Any]] | None = None,
    status: str = "complete",
) -> int:
    """A finished, checked run holding these findings; statuses set against the previous run."""
    run_id = store.start_run("Retkiaitta", CHANNELS, "omnicheck.yml", "abc123", "0.1.0")
    for channel, _ in CHANNELS:
        store.set_channel_completeness(run_id, channel, status == "complete", "8 fetched")
    store.finish_run(run_id, status)
    rows = [finding.to_dict() for finding in findings]
    for row in rows:
        if row["fingerprint"] in (waived or {}):
            row["status"], row["waiver"] = "waived", (waived or {})[row["fingerprint"]]
    baseline: Baseline | None = previous_baseline(store, run_id)
    mark_statuses(rows, baseline)
    store.save_findings(run_id, rows)
    return run_id
