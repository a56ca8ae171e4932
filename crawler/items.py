"""What a crawl produces: one small dataclass per kind of item.

Every item carries the channel it came from and the URL it was read on, so each value in a
finding can be traced back to a page. Money is ``Decimal`` with an ISO currency code.

No text of an item is longer than ``TEXT_LIMIT`` characters: longer than any product name, URL,
sentence or post a channel means to show, short enough that a hostile page or feed (a 200 MB
"title") cannot exhaust memory or the store. ``cut_long_text`` cuts and says what it cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

TEXT_LIMIT = 10_000
TEXT_CUT = f"items with text cut at {TEXT_LIMIT} characters"  # counted in a page's ``skipped``

AVAILABILITY_VALUES = (
    "in_stock",
    "out_of_stock",
    "preorder",
    "backorder",
    "discontinued",
    "unknown",
)


@dataclass
class Batch:
    """Many items handed on as one: a product feed yields its offers in batches, so Scrapy's
    per-item work is paid once per batch instead of once per row."""

    items: list[Any]


@dataclass
class PageVisit:
    """One fetch attempt: what was asked for and what happened.

    A page that gave nothing has ``ok=False``, a ``reason`` a person reads and a ``category``
    (see ``crawler.failures``) that decides whether it counts against the channel's coverage.
    ``depth`` is 0 for the configured start URLs, sitemaps and feeds.
    """

    channel: str
    url: str
    status: int | None = None
    ok: bool = True
    reason: str | None = None
    content_type: str | None = None
    size: int | None = None
    offers: int = 0
    claims: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    category: str | None = None
    depth: int | None = None


@dataclass
class Offer:
    """A product as one channel presents it: identity, price and availability.

    ``sources`` maps each field to where it was read (``json-ld``, ``microdata``, ``rdfa``,
    ``opengraph``, ``selector``, ``text``, ``feed``, ``post``); ``evidence`` maps fields to a short
    snippet of the page that shows the value. ``item_id`` is the id a feed gives the row (never
    taken for a SKU): a local-inventory feed names products by it.
    """

    channel: str
    url: str
    name: str | None = None
    brand: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    regular_price: Decimal | None = None
    price_valid_from: str | None = None
    price_valid_until: str | None = None
    is_from_price: bool = False
    availability: str = "unknown"
    canonical_url: str | None = None
    variant: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    published: str | None = None
    item_id: str | None = None
    # The product feed the offer was read from, as configured (None for pages): a feed's offers
    # are stored in several batches, and a feed read again after a killed crawl replaces them.
    feed: str | None = None


@dataclass
class StoreStock:
    """What one source says about a product's stock in one physical store.

    ``store`` is the store's code when the source gives one (a local-inventory feed's
    ``store_code``), else its name as written ("Helsinki Kamppi"); ``store_name`` and ``city``
    come from the stores file or the page. ``status`` is ``in_stock``, ``out_of_stock`` (the store
    sells it and has none), ``not_carried`` (the store does not sell it) or ``unknown``;
    ``quantity`` is the count when one is stated. The product is named by the page or feed row it
    was read from: ``url`` and the offer's identifiers for a page, ``item_id`` (the feed's ``id``)
    for a local-inventory feed. ``source`` is ``json-ld``, ``microdata``, ``rdfa``, ``text`` or
    ``local-feed``; ``evidence`` the words or row read.
    """

    channel: str
    url: str
    store: str
    status: str
    source: str
    evidence: str
    store_name: str | None = None
    city: str | None = None
    quantity: int | None = None
    item_id: str | None = None
    name: str | None = None
    sku: str | None = None
    gtin: str | None = None
    price: Decimal | None = None
    currency: str | None = None


@dataclass
class Post:
    """A public social post: its text, when it was published and the campaign window it states.

    Product and price mentions are resolved when the run is checked, against the products the
    other channels sell; ``valid_from``/``valid_until`` are ISO dates read from the text
    ("tarjous voimassa 20.–30.11."), ``campaign`` the words they were read from.
    """

    channel: str
    url: str
    text: str
    published: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    campaign: str | None = None
    recency_days: int = 14
    currency: str | None = None
    locale: str | None = None


@dataclass
class ServiceClaim:
    """A sentence in which a channel promises (or denies) a service.

    ``low``/``high`` hold the numeric attribute (a single value has low == high), normalised to
    ``unit`` (days for durations, the currency code for money thresholds). ``condition`` holds
    the words that narrow the claim to part of the assortment or some customers ("outlet",
    "members"); such a claim is shown but not compared with a general one.
    """

    channel: str
    url: str
    service: str
    sentence: str
    attribute: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    negated: bool = False
    product: str | None = None
    condition: str | None = None


@dataclass
class ProductAttribute:
    """What a channel states about one property of the product its page sells.

    ``attribute`` is an id from ``rules/vocab/attributes.yml`` (weight, volume, dimensions...).
    A measured value is normalised to the attribute's base ``unit`` (grams, litres, millimetres,
    years) in ``number``; dimensions keep their sides, largest first, in ``value`` ("600x300x200");
    a named value (material, origin) is a canonical id in ``value`` ("polyester", "FI").
    ``source`` says where it was read (``json-ld``, ``microdata``, ``table``, ``list``, ``text``)
    and ``evidence`` is the row or sentence, as the page writes it.
    """

    channel: str
    url: str
    attribute: str
    value: str
    source: str
    evidence: str
    number: Decimal | None = None
    unit: str | None = None


def cut_long_text(item: Any) -> list[str]:
    """Cut each text field of ``item`` (and each text in its dicts) to ``TEXT_LIMIT``
    characters; the names of the fields cut. An offer also records them in its evidence."""
    cut = []
    for item_field in fields(item):
        value = getattr(item, item_field.name)
        if isinstance(value, str) and len(value) > TEXT_LIMIT:
            setattr(item, item_field.name, value[:TEXT_LIMIT])
            cut.append(item_field.name)
        elif isinstance(value, dict):
            for key, text in value.items():
                if isinstance(text, str) and len(text) > TEXT_LIMIT:
                    value[key] = text[:TEXT_LIMIT]
                    cut.append(f"{item_field.name}.{key}")
    if cut and isinstance(item, Offer):
        item.evidence["cut"] = f"{', '.join(cut)}: cut at {TEXT_LIMIT} characters"
    return cut
