"""Small factories that build real files: a configuration (``write_config``), stored runs (a
real SQLite file) for rule and CLI tests, the findings rules make of one (``findings_of``), and
checked runs holding given findings (for history and report tests)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from checker.engine import check_run
from checker.findings import Finding
from checker.findings.history import Baseline, mark_statuses, previous_baseline
from crawler.items import Offer, PageVisit, ServiceClaim
from crawler.run.process import finish_channels
from crawler.store import Store


def write_config(
    folder: Path,
    channels: list[dict[str, Any]],
    *,
    name: str = "Shop",
    currency: str | None = None,
    locale: str | None = None,
    crawl: dict[str, Any] | str | None = None,
) -> Path:
    """``folder/omnicheck.yml``, one line per key as a person writes it (errors name lines):
    ``name``, ``currency``, ``locale``, each channel's keys in the order given, then ``crawl``
    (a mapping, or YAML text written as it is, e.g. ``"  DEPTH_LIMIT: 1e3"``)."""
    lines = [f"name: {name}"]
    lines += [f"{key}: {value}" for key, value in (("currency", currency), ("locale", locale))]
    lines = [line for line in lines if not line.endswith(": None")]
    lines.append("channels:")
    for channel in channels:
        for number, (key, value) in enumerate(channel.items()):
            lines.append(f"{'  - ' if number == 0 else '    '}{key}: {json.dumps(value)}")
    if isinstance(crawl, dict):
        lines += ["crawl:", *(f"  {key}: {json.dumps(value)}" for key, value in crawl.items())]
    elif crawl is not None:
        lines += ["crawl:", crawl]
    path = folder / "omnicheck.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


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


def findings_of(
    path: Path, channels: dict[str, str], items: list[Any], rules: list[Any], **run: Any
) -> list[dict[str, Any]]:
    """The findings ``rules`` make of a stored run of these channels and items (as dicts, as a
    report shows them); ``run`` is passed on to ``stored_run`` (pages, markets)."""
    store, run_id = stored_run(path, channels, items, **run)
    return [finding.to_dict() for finding in check_run(store, run_id, rules).findings]


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
    locale: str | None = None,
) -> int:
    """A finished, checked run holding these findings; statuses set against the previous run."""
    run_id = store.start_run(
        "Retkiaitta", CHANNELS, "omnicheck.yml", "abc123", "0.1.0", locale=locale
    )
    # each channel read a page and an offer: the run compared something
    store.add_items(
        run_id,
        [
            item
            for channel, _ in CHANNELS
            for item in (
                PageVisit(channel, f"https://{channel}.example.fi/"),
                offer(channel, "Otsalamppu 300", "34.90"),
            )
        ],
    )
    store.update_channel_counts(run_id)
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
