"""Implied availability: a product offered at a price on a page that says nothing about stock is
in stock, with the least sure source (``implied``); never over anything the page states, never
on a listing, never without a price; and ``availability_mismatch`` compares it only when asked
(``compare_implied``), since a shop may write its stock message with a script."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from checker.rule_types.availability_mismatch import AvailabilityMismatch
from checker.rule_types.base import OptionError
from crawler.extraction import ExtractionOptions, extract_page
from crawler.items import Offer
from tests.factories import findings_of, offer

FI = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
SV = ExtractionOptions(channel="webshop", currency="SEK", locale="sv_SE")
EN = ExtractionOptions(channel="webshop", currency="GBP", locale="en_GB")
IMPLIED = ("in_stock", "implied")
UNKNOWN = ("unknown", None)


def declared(name: str = "Retkikeitin", **offer: str) -> str:
    product = {
        "@type": "Product",
        "name": name,
        "offers": {"@type": "Offer", "price": "49.90", "priceCurrency": "EUR", **offer},
    }
    return f'<script type="application/ld+json">{json.dumps(product)}</script>'


def read(body: str, options: ExtractionOptions = FI) -> tuple[str, str | None]:
    html = (
        "<html><head><title>Retkikeitin | Retkiaitta</title></head><body><main>"
        f'<div class="product"><h1>Retkikeitin</h1>{body}</div></main>'
        "<footer><p>Ilmainen toimitus yli 50 €</p></footer></body></html>"
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", options).offers
    return offer.availability, offer.sources.get("availability")


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        # a declared price, nothing said about stock
        (declared() + "<p>Kevyt retkikeitin.</p>", FI, IMPLIED),
        (declared() + "<p>Lätt stormkök.</p>", SV, IMPLIED),
        (declared() + "<p>A light camping stove.</p>", EN, IMPLIED),
        # a price shown next to the heading, nothing said about stock
        ('<span class="price">49,90 €</span>', FI, IMPLIED),
        ('<span class="pris">499 kr</span>', SV, IMPLIED),
        ("<p>Hinta: <b>49,90</b> €</p>", FI, IMPLIED),
        # an in-stock phrase in plain text agrees with it
        (declared() + "<p>Delivery available to the whole country.</p>", EN, IMPLIED),
        # what the page states is read, never overridden
        (declared(availability="https://schema.org/OutOfStock"), FI, ("out_of_stock", "json-ld")),
        (declared(availability="https://schema.org/InStock"), FI, ("in_stock", "json-ld")),
        (declared() + '<p class="stock-status">Varastossa</p>', FI, ("in_stock", "text")),
        (declared() + '<p class="lagerstatus">Slutsåld</p>', SV, ("out_of_stock", "text")),
        (declared() + "<button>Lägg i varukorgen</button>", SV, ("in_stock", "buy-button")),
        # a stock message the vocabulary cannot read is no silence
        (declared() + '<p class="stock-status">Dostępne 3 szt.</p>', FI, UNKNOWN),
        (declared(availability="https://schema.org/LimitedSupply"), FI, UNKNOWN),
        (
            '<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Stove'
            '</span><div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
            '<span itemprop="price">15</span><meta itemprop="priceCurrency" content="GBP">'
            '<span itemprop="availability">NOT SOLD</span></div></div>',
            EN,
            UNKNOWN,
        ),
        # a disabled or hidden buy button: the shop decides what it shows
        (declared() + "<button disabled>Lisää ostoskoriin</button>", FI, UNKNOWN),
        (declared() + '<button style="display: none">Add to basket</button>', EN, UNKNOWN),
        # a stock phrase in plain text, even hidden, that says anything but in stock
        (declared() + "<p>Tuote on tilapäisesti loppu.</p>", FI, UNKNOWN),
        (declared() + "<p>Loppuunmyyty</p>", FI, UNKNOWN),
        (declared() + "<p>Sold out</p>", EN, UNKNOWN),
        (declared() + "<p>Not currently available online.</p>", EN, UNKNOWN),
        (declared() + "<p>Finns i lager i 5 butiker</p>", SV, UNKNOWN),
        (declared() + "<p>Beställningsvara, leveranstid 3 veckor</p>", SV, UNKNOWN),
        (declared() + "<div hidden><p>Ilmoita kun saatavilla</p></div>", FI, UNKNOWN),
    ],
)
def test_implied_only_where_the_page_says_nothing_about_stock(
    body: str, options: ExtractionOptions, expected: tuple[str, str | None]
) -> None:
    assert read(body, options) == expected


def test_implied_availability_records_its_evidence() -> None:
    html = (
        "<html><head><title>Retkikeitin</title></head><body>"
        f"<main><h1>Retkikeitin</h1>{declared()}</main></body></html>"
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", FI).offers
    assert offer.sources["availability"] == "implied"
    assert offer.evidence["availability"] == "price shown, no stock message"


def test_never_on_a_listing_of_several_products() -> None:
    html = (
        "<html><head><title>Retkikeittimet</title></head><body><h1>Retkikeittimet</h1>"
        f"{declared('Retkikeitin')}{declared('Retkikeitin Pro')}</body></html>"
    )
    offers = extract_page(html, "https://kauppa.example.fi/keittimet", FI).offers
    assert [offer.availability for offer in offers] == ["unknown", "unknown"]


def test_never_on_a_listing_read_with_a_product_selector() -> None:
    html = (
        "<html><head><title>Retkikeittimet</title></head><body><h1>Retkikeittimet</h1>"
        '<div class="card"><h2>Retkikeitin</h2><span class="price">49,90 €</span></div>'
        "</body></html>"
    )
    selectors = {"product": ".card", "name": "h2", "price": ".price"}
    options = ExtractionOptions(channel="webshop", currency="EUR", selectors=selectors)
    (offer,) = extract_page(html, "https://kauppa.example.fi/keittimet", options).offers
    assert (offer.price, offer.availability) == (Decimal("49.90"), "unknown")


def test_never_without_a_price() -> None:
    product = {"@type": "Product", "name": "Retkikeitin", "sku": "RK-1"}
    html = (
        "<html><head><title>Retkikeitin</title></head><body><h1>Retkikeitin</h1>"
        f'<script type="application/ld+json">{json.dumps(product)}</script></body></html>'
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", FI).offers
    assert (offer.price, offer.availability) == (None, "unknown")


# -- the rule: silence is no statement ---------------------------------------------------------


def shop_offer(body: str) -> Offer:
    html = (
        "<html><head><title>Retkikeitin | Retkiaitta</title></head><body>"
        f"<main><h1>Retkikeitin</h1>{declared()}{body}</main></body></html>"
    )
    (found,) = extract_page(html, "https://webshop.example.fi/retkikeitin", FI).offers
    return found


def mismatches(tmp_path: Path, shop: Offer, **options: bool) -> list[dict]:
    feed = offer("feed", "Retkikeitin", "49.90", availability="out_of_stock")
    rule = AvailabilityMismatch("availability", **options)
    channels = {"webshop": "webshop", "feed": "feed"}
    return findings_of(tmp_path / "run.db", channels, [shop, feed], [rule])


def test_an_implied_in_stock_never_makes_a_finding_by_default(tmp_path: Path) -> None:
    shop = shop_offer("<p>Kevyt retkikeitin.</p>")
    assert shop.sources["availability"] == "implied"
    assert mismatches(tmp_path, shop) == []


def test_an_implied_in_stock_is_compared_when_asked(tmp_path: Path) -> None:
    [finding] = mismatches(tmp_path, shop_offer("<p>Kevyt retkikeitin.</p>"), compare_implied=True)
    webshop = finding["channels"]["webshop"]
    assert (webshop["value"], webshop["source"]) == ("in stock", "implied")
    assert webshop["evidence"] == "price shown, no stock message"
    assert finding["channels"]["feed"]["value"] == "out of stock"


def test_a_stated_in_stock_is_compared_without_asking(tmp_path: Path) -> None:
    shop = shop_offer('<p class="stock-status">Varastossa</p>')
    [finding] = mismatches(tmp_path, shop)
    assert finding["channels"]["webshop"]["source"] == "text"


def test_compare_implied_is_a_flag() -> None:
    with pytest.raises(OptionError, match="expected true or false, got 'sometimes'") as raised:
        AvailabilityMismatch("availability", compare_implied="sometimes")
    assert raised.value.key == "compare_implied"
