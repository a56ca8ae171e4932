"""Rows of the results database: crawl items as rows to insert, stored rows as Python values.

Money is stored as text and read back as ``Decimal``; the JSON columns of an offer are decoded
only when read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any

from crawler.items import Offer, PageVisit, ProductAttribute, ServiceClaim, StoreStock


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=json_default, sort_keys=True)


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot store {type(value).__name__}")


def insert_sql(table: str, row: dict[str, Any]) -> str:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def as_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def as_decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def offer_row(run_id: int, offer: Offer) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "channel": offer.channel,
        "url": offer.url,
        "name": offer.name,
        "brand": offer.brand,
        "sku": offer.sku,
        "gtin": offer.gtin,
        "mpn": offer.mpn,
        "price": as_text(offer.price),
        "currency": offer.currency,
        "regular_price": as_text(offer.regular_price),
        "price_valid_from": offer.price_valid_from,
        "price_valid_until": offer.price_valid_until,
        "is_from_price": int(offer.is_from_price),
        "availability": offer.availability,
        "canonical_url": offer.canonical_url,
        "variant": dumps(offer.variant),
        "sources": dumps(offer.sources),
        "evidence": dumps(offer.evidence),
        "published": offer.published,
        "item_id": offer.item_id,
        "feed": offer.feed,
    }


def stock_row(run_id: int, stock: StoreStock) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "channel": stock.channel,
        "url": stock.url,
        "store": stock.store,
        "store_name": stock.store_name,
        "city": stock.city,
        "status": stock.status,
        "quantity": stock.quantity,
        "item_id": stock.item_id,
        "name": stock.name,
        "sku": stock.sku,
        "gtin": stock.gtin,
        "price": as_text(stock.price),
        "currency": stock.currency,
        "source": stock.source,
        "evidence": stock.evidence,
    }


class OfferRow(dict[str, Any]):
    """A stored offer. Its JSON columns (variant, sources, evidence) are decoded when first
    read: a check over 300 000 offers reads them for the few that become findings, and decoding
    them all up front was a third of the check's memory."""

    __slots__ = ()

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if key in JSON_COLUMNS and (value is None or isinstance(value, str)):
            value = json.loads(value or "{}")
            self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        # dict.get bypasses __getitem__, so it must decode too.
        return self[key] if key in self else default  # noqa: SIM401


JSON_COLUMNS = frozenset({"variant", "sources", "evidence"})


def decode_offer(row: dict[str, Any] | Iterable[tuple[str, Any]]) -> OfferRow:
    """A stored offer from its row (a mapping, or its columns' names and values)."""
    offer = OfferRow(row)
    stored = dict.__getitem__
    offer["price"] = as_decimal(stored(offer, "price"))
    offer["regular_price"] = as_decimal(stored(offer, "regular_price"))
    offer["is_from_price"] = bool(stored(offer, "is_from_price"))
    return offer


def claim_id(run_id: int, claim: ServiceClaim) -> str:
    """Claims with the same wording on many pages (a footer) are one claim."""
    key = "\x1f".join(
        [
            str(run_id),
            claim.channel,
            claim.service,
            " ".join(claim.sentence.lower().split()),
            str(claim.negated),
            claim.product or "",
        ]
    )
    return hashlib.sha1(key.encode()).hexdigest()


def claim_row(run_id: int, claim: ServiceClaim) -> dict[str, Any]:
    return {
        "id": claim_id(run_id, claim),
        "run_id": run_id,
        "channel": claim.channel,
        "url": claim.url,
        "service": claim.service,
        "sentence": claim.sentence,
        "attribute": claim.attribute,
        "low": as_text(claim.low),
        "high": as_text(claim.high),
        "unit": claim.unit,
        "negated": int(claim.negated),
        "product": claim.product,
        "condition": claim.condition,
    }


def attribute_row(run_id: int, attribute: ProductAttribute) -> dict[str, Any]:
    """One row per page, attribute and value: the same statement read twice is stored once."""
    key = "\x1f".join(
        [str(run_id), attribute.channel, attribute.url, attribute.attribute, attribute.value]
    )
    return {
        "id": hashlib.sha1(key.encode()).hexdigest(),
        "run_id": run_id,
        "channel": attribute.channel,
        "url": attribute.url,
        "attribute": attribute.attribute,
        "value": attribute.value,
        "number": as_text(attribute.number),
        "unit": attribute.unit,
        "source": attribute.source,
        "evidence": attribute.evidence,
    }


def page_row(run_id: int, page: PageVisit) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "channel": page.channel,
        "url": page.url,
        "status": page.status,
        "ok": int(page.ok),
        "reason": page.reason,
        "content_type": page.content_type,
        "size": page.size,
        "offers": page.offers,
        "claims": page.claims,
        "skipped": dumps(page.skipped) if page.skipped else None,
        "category": page.category,
        "depth": page.depth,
    }
