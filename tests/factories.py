"""Small factories that build real stored runs (a real SQLite file) for rule and CLI tests."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from checker.crawl import finish_channels
from checker.store import Store
from crawler.items import Offer, PageVisit, ServiceClaim


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
) -> tuple[Store, int]:
    """A finished run: ``channels`` maps name -> kind, ``pages`` name -> (fetched, failed)."""
    store = Store(path)
    run_id = store.start_run("test", list(channels.items()))
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
