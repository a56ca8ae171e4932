"""Offers a page declares in schema.org (JSON-LD, microdata, RDFa): which product, at what price,
whether it can be bought. A declared price is the page's commitment and wins over any shown one.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.extraction import availability
from crawler.extraction.options import ExtractionOptions
from crawler.extraction.page import ParsedPage
from crawler.extraction.prices import Money, parse_price, plausible, to_decimal
from crawler.extraction.structured import (
    as_list,
    first_text,
    offers_of,
    store_places,
    type_names,
    variants_of,
)
from crawler.items import Offer

REGULAR_PRICE_TYPES = {"strikethroughprice", "listprice", "msrp", "srp", "regularprice"}
GTIN_KEYS = ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "isbn")
SNIPPET = 160
VARIANT_KEYS = ("sku", "name", "size", "color", "gtin13", "gtin")
DISTINGUISHING = (*VARIANT_KEYS, "itemCondition")


def from_product(
    node: dict[str, Any], syntax: str, page: ParsedPage, options: ExtractionOptions
) -> Offer | None:
    offer = Offer(channel=options.channel, url=page.url)
    _identity(offer, node, syntax)
    own_offers = offers_of(node)
    variants = variants_of(node)
    for variant in variants:
        own_offers.extend(offers_of(variant))
    # An offer made at a store (``availableAtOrFrom`` a Store) says nothing about buying online:
    # its stock is the store's (``crawler.extraction.store_stock``), and its price counts only
    # when the product has no other offer.
    online = [item for item in own_offers if not store_places(item)]
    own_offers = online or own_offers
    prices: list[tuple[Money, dict[str, Any]]] = []
    statuses: list[str] = []
    for item in own_offers:
        statuses.append(availability.from_schema(first_text(item.get("availability"))))
        money = _offer_price(item, options)
        if money is not None:
            prices.append((money, item))
        regular = _regular_price(item, options)
        if regular is not None and offer.regular_price is None:
            offer.regular_price = regular.amount
            record(offer, "regular_price", syntax, f"{regular}")
    if prices:
        money, chosen = _selling_price(prices)
        amounts = {amount.amount for amount, _ in prices}
        offer.is_from_price = len(amounts) > 1 or _has_range(chosen)
        offer.price, offer.currency = money.amount, money.currency
        record(offer, "price", syntax, f"offers.price = {money}")
        offer.price_valid_from = _date(chosen.get("validFrom") or chosen.get("priceValidFrom"))
        offer.price_valid_until = _date(chosen.get("priceValidUntil"))
        if len(own_offers) > 1:
            _variant(offer, chosen)
        offer.sku = offer.sku or first_text(chosen.get("sku"))
        offer_url = first_text(chosen.get("url"))
        if offer_url and offer_url.startswith("http"):
            offer.canonical_url = offer_url
    status = _product_status(statuses) if online else availability.UNKNOWN
    if status != availability.UNKNOWN:
        offer.availability = status
        record(offer, "availability", syntax, _status_evidence(own_offers, status))
    if any(_in_store_only(item) for item in online):
        offer.evidence["store_availability"] = availability.ONLY_IN_STORES
    old, current = offer.regular_price, offer.price
    if old is not None and current is not None and old <= current:
        offer.regular_price = None
    if offer.price is None and not offer.name:
        return None
    return offer


def _in_store_only(item: dict[str, Any]) -> bool:
    value = first_text(item.get("availability")) or ""
    return value.rstrip("/").rsplit("/", 1)[-1].lower() == "instoreonly"


def _selling_price(
    prices: list[tuple[Money, dict[str, Any]]],
) -> tuple[Money, dict[str, Any]]:
    """The price the page sells at: that of its first offer one can buy (the variant the page
    shows first), else its first offer; a summary range (AggregateOffer) only when the page lists
    no single offer. Offers that tell no variant apart (no sku, name, size, colour, gtin or
    condition of their own) are one product offered at several prices: its selling price is the
    lowest."""
    single = [pair for pair in prices if "aggregateoffer" not in type_names(pair[1])]
    candidates = single or prices
    buyable = [
        pair
        for pair in candidates
        if availability.from_schema(first_text(pair[1].get("availability"))) == "in_stock"
    ]
    chosen = buyable or candidates
    if not any(first_text(item.get(key)) for _, item in chosen for key in DISTINGUISHING):
        return min(chosen, key=lambda pair: pair[0].amount)
    return chosen[0]


def _product_status(statuses: list[str]) -> str:
    """In stock when any offer is (a size sold out is not the product sold out)."""
    known = [status for status in statuses if status != availability.UNKNOWN]
    if "in_stock" in known:
        return "in_stock"
    return known[0] if known else availability.UNKNOWN


def _status_evidence(items: list[dict[str, Any]], status: str) -> str:
    values = [first_text(item.get("availability")) or "" for item in items]
    matching = [v for v in values if availability.from_schema(v) == status]
    counted = f" ({len(matching)} of {len(values)} offers)" if len(values) > 1 else ""
    return f"offers.availability = {matching[0] if matching else status}{counted}"


def _variant(offer: Offer, item: dict[str, Any]) -> None:
    """Attributes of the offer whose price was taken, when it is one of several variants."""
    for key in VARIANT_KEYS:
        value = first_text(item.get(key))
        if value and value != getattr(offer, key, None):
            offer.variant[key] = value


def _identity(offer: Offer, node: dict[str, Any], syntax: str) -> None:
    offer.name = first_text(node.get("name"))
    offer.brand = first_text(node.get("brand")) or first_text(node.get("manufacturer"))
    offer.sku = first_text(node.get("sku")) or first_text(node.get("productID"))
    offer.mpn = first_text(node.get("mpn"))
    for key in GTIN_KEYS:
        gtin = first_text(node.get(key))
        if gtin and re.fullmatch(r"\d{8,14}", gtin.replace(" ", "")):
            offer.gtin = gtin.replace(" ", "")
            break
    for key in ("name", "brand", "sku", "mpn", "gtin"):
        if getattr(offer, key):
            offer.sources[key] = syntax
    url = first_text(node.get("url"))
    if url and url.startswith("http"):
        offer.canonical_url = url


def _offer_price(item: dict[str, Any], options: ExtractionOptions) -> Money | None:
    currency = first_text(item.get("priceCurrency"))
    written = first_text(item.get("price"))
    amount = to_decimal(written)
    if amount is None:
        written = first_text(item.get("lowPrice"))
        amount = to_decimal(written)
    if amount is None:
        for spec in _price_specs(item):
            if not _spec_kind(spec) and not spec.get("referenceQuantity"):
                amount = to_decimal(first_text(spec.get("price")))
                currency = currency or first_text(spec.get("priceCurrency"))
                if amount is not None:
                    break
    if not plausible(amount):
        return None
    assert amount is not None
    if currency is None and written:
        # A price written with its sign and no priceCurrency ("$19.95"): the sign says it.
        shown = parse_price(written, None, options.locale)
        currency = shown.currency if shown else None
    return Money(amount, (currency or options.currency or "").upper() or None)


def _regular_price(item: dict[str, Any], options: ExtractionOptions) -> Money | None:
    for spec in _price_specs(item):
        if _spec_kind(spec) in REGULAR_PRICE_TYPES:
            amount = to_decimal(first_text(spec.get("price")))
            if plausible(amount):
                assert amount is not None
                currency = first_text(spec.get("priceCurrency")) or options.currency
                return Money(amount, currency)
    return None


def _price_specs(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [spec for spec in as_list(item.get("priceSpecification")) if isinstance(spec, dict)]


def _spec_kind(spec: dict[str, Any]) -> str:
    kind = first_text(spec.get("priceType")) or ""
    return kind.rstrip("/").rsplit("/", 1)[-1].lower()


def _has_range(item: dict[str, Any]) -> bool:
    low, high = (
        to_decimal(first_text(item.get("lowPrice"))),
        to_decimal(first_text(item.get("highPrice"))),
    )
    return low is not None and high is not None and high > low


def _date(value: Any) -> str | None:
    text = first_text(value)
    return text[:25] if text else None


def merge_or_add(offers: list[Offer], new: Offer) -> None:
    """The same product declared in two syntaxes is one offer; fill what the first lacked."""
    for offer in offers:
        same = (offer.sku and offer.sku == new.sku) or (offer.gtin and offer.gtin == new.gtin)
        same = same or (offer.name is not None and offer.name == new.name)
        if same:
            for key in ("name", "brand", "sku", "gtin", "mpn", "price", "regular_price"):
                if getattr(offer, key) is None and getattr(new, key) is not None:
                    setattr(offer, key, getattr(new, key))
                    if key in new.sources:
                        offer.sources[key] = new.sources[key]
                    if key in new.evidence:
                        offer.evidence[key] = new.evidence[key]
            if offer.currency is None:
                offer.currency = new.currency
            if offer.availability == availability.UNKNOWN:
                offer.availability = new.availability
            return
    offers.append(new)


def record(offer: Offer, key: str, source: str, evidence: str) -> None:
    offer.sources[key] = source
    offer.evidence[key] = evidence[:SNIPPET]
