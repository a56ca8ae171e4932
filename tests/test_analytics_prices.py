"""The price a page reports to its analytics (Meta's ViewContent, gtag's view_item, dataLayer
e-commerce), taken only when no other source gives one and the page shows that amount as a
price; never alone, never from a struck-through, shipping or other product's amount."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from crawler.extraction import ExtractionOptions, extract_page

FI = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
SV = ExtractionOptions(channel="webshop", currency="SEK", locale="sv_SE")
EN = ExtractionOptions(channel="webshop", currency="GBP", locale="en_GB")
TW = ExtractionOptions(channel="webshop")


def fbq(value: str, currency: str = "EUR", **more: str) -> str:
    extra = "".join(f", {key}: '{text}'" for key, text in more.items())
    return (
        "<script>fbq('track', 'ViewContent', {content_ids: ['1'], content_type: 'product',"
        f" value: {value}, currency: '{currency}'{extra}}}, {{eventID: 7}});</script>"
    )


def gtag(value: str, currency: str, name: str) -> str:
    return (
        f"<script>gtag('event', 'view_item', {{currency: '{currency}', value: {value},"
        f" items: [{{item_id: 'S1', item_name: '{name}', price: {value}}}]}});</script>"
    )


def data_layer(data: dict) -> str:
    return f"<script>window.dataLayer = window.dataLayer || []; dataLayer.push({json.dumps(data)});</script>"


def read(
    body: str, options: ExtractionOptions, url: str = "https://kauppa.example.fi/t"
) -> tuple[str, str | None, bool, str | None, str | None] | None:
    # No h1: the page's markup gives its reader no heading to find a price beside.
    html = (
        "<html><head><title>Retkikeitin | Kauppa</title></head><body><main>"
        f'<div class="title">Retkikeitin</div>{body}</main>'
        "<footer><p>Toimitus 4,90 €</p></footer></body></html>"
    )
    found = [offer for offer in extract_page(html, url, options).offers if offer.price]
    if not found:
        return None
    (offer,) = found
    return (
        str(offer.price),
        offer.currency,
        offer.is_from_price,
        offer.sources.get("price"),
        offer.name,
    )


UA_DETAIL = {
    "ecommerce": {
        "currencyCode": "EUR",
        "detail": {"products": [{"name": "Retkikeitin", "id": "RK-1", "price": "49.90"}]},
    }
}
GA4_VIEW = {
    "event": "view_item",
    "ecommerce": {
        "currency": "GBP",
        "value": 34.99,
        "items": [{"item_id": "S1", "item_name": "Camping stove", "price": 34.99}],
    },
}


@pytest.mark.parametrize(
    ("body", "options", "url", "expected"),
    [
        # Meta's pixel, gtag and the dataLayer, each confirmed by the amount the page shows
        (fbq("49.90") + "<p>Hinta 49,90 €</p>", FI, None, ("49.90", "EUR", False, None)),
        (
            gtag("1299", "SEK", "Stormkök") + "<div><b>1 299</b> kr</div>",
            SV,
            None,
            ("1299", "SEK", False, "Stormkök"),
        ),
        (
            data_layer(GA4_VIEW) + "<p>Now £34.99</p>",
            EN,
            None,
            ("34.99", "GBP", False, "Camping stove"),
        ),
        (
            data_layer(UA_DETAIL) + "<p>49,90 €</p>",
            FI,
            None,
            ("49.90", "EUR", False, "Retkikeitin"),
        ),
        (
            fbq("29", "TWD") + "<div>最低價$<span>29</span>元起/罐</div>",
            TW,
            "https://www.kauppa.example.com.tw/p/1",
            ("29", "TWD", True, None),
        ),
        (
            fbq("49.90", content_name="Retkikeitin") + "<p>alk. 49,90 €</p>",
            FI,
            None,
            ("49.90", "EUR", True, "Retkikeitin"),
        ),
    ],
)
def test_a_reported_price_the_page_shows(
    body: str, options: ExtractionOptions, url: str | None, expected: tuple
) -> None:
    assert read(body, options, url or "https://kauppa.example.fi/t") == (
        *expected[:3],
        "analytics",
        expected[3],
    )


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # reported, not shown: a price without VAT, in cents, a set's total
        (fbq("39.76") + "<p>Hinta 49,90 €</p>", FI),
        (fbq("4990") + "<p>Hinta 49,90 €</p>", FI),
        # shown only struck through, as shipping, or in another currency
        (fbq("59.90") + "<p><del>59,90 €</del> 49,90 €</p>", FI),
        (fbq("59.90") + "<p>Ennen 59,90 €</p>", FI),
        (fbq("4.90") + "<p>Frakt 4,90 €</p>", SV),
        (fbq("49.90", "SEK") + "<p>49,90 €</p>", SV),
        # shown only in a section about other products
        (fbq("49.90") + '<div class="related-products"><p>49,90 €</p></div>', FI),
        # reported twice, differently
        (fbq("49.90") + gtag("59.90", "EUR", "Retkikeitin") + "<p>49,90 €</p>", FI),
        # not one product's view: a category's, or a list's
        (fbq("49.90").replace("'product'", "'product_group'") + "<p>49,90 €</p>", FI),
        (data_layer({**GA4_VIEW, "event": "view_item_list"}) + "<p>£34.99</p>", EN),
        (data_layer({**GA4_VIEW, "event": "add_to_cart"}) + "<p>£34.99</p>", EN),
        # nothing reported
        ("<p>Hinta 49,90 €</p><script>var x = {value: 49.90};</script>", FI),
    ],
)
def test_no_price_from_analytics_alone(body: str, options: ExtractionOptions) -> None:
    assert read(body, options) is None


def test_a_declared_price_is_never_replaced_by_a_reported_one() -> None:
    product = {
        "@type": "Product",
        "name": "Retkikeitin",
        "offers": {"price": "59.90", "priceCurrency": "EUR"},
    }
    body = f'<script type="application/ld+json">{json.dumps(product)}</script>'
    body += fbq("49.90") + "<p>49,90 €</p>"
    assert read(body, FI) == ("59.90", "EUR", False, "json-ld", "Retkikeitin")


def test_a_shown_price_beside_the_heading_comes_before_a_reported_one() -> None:
    html = (
        "<html><head><title>Retkikeitin | Kauppa</title></head><body><main><div>"
        '<h1>Retkikeitin</h1><span class="price">59,90 €</span></div>'
        f"{fbq('49.90')}<p>49,90 €</p></main></body></html>"
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/t", FI).offers
    assert (offer.price, offer.sources["price"]) == (Decimal("59.90"), "text")


def test_the_evidence_names_the_report_and_the_line() -> None:
    html = (
        "<html><head><title>Retkikeitin</title></head><body>"
        f"<main>{fbq('49.90')}<p>Hinta 49,90 €</p></main></body></html>"
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/t", FI).offers
    assert offer.evidence["price"] == "reported 49.90 EUR, shown: Hinta 49,90 €"
