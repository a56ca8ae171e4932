"""Availability read from a product page's own block: structured data first, then the stock
message, then an enabled buy button; never the related products, the footer, the menu or what is
hidden."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import ExtractionOptions, extract_page

FI = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
HEAD = "<title>Retkikeitin | Retkiaitta</title>"
PRODUCT = {
    "@type": "Product",
    "name": "Retkikeitin",
    "sku": "RK-1",
    "offers": {"@type": "Offer", "price": "49.90", "priceCurrency": "EUR"},
}
DECLARED = f'<script type="application/ld+json">{json.dumps(PRODUCT)}</script>'
RELATED = (
    '<section class="related-products"><h2>Asiakkaat ostivat myös</h2>'
    '<div class="card"><p class="stock">Varastossa</p><button>Lisää ostoskoriin</button></div>'
    "</section>"
)


def read(body: str, head: str = HEAD) -> tuple[str, str | None, str | None]:
    html = f"<html><head>{head}</head><body>{DECLARED}{body}</body></html>"
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", FI).offers
    return offer.availability, offer.sources.get("availability"), offer.evidence.get("availability")


BLOCKS = [
    # a stock message in the product's block
    ('<h1>Retkikeitin</h1><p class="stock-status">Varastossa 5 kpl</p>', "in_stock", "text"),
    ('<h1>Retkikeitin</h1><p class="lagerstatus">Ej i lager</p>', "out_of_stock", "text"),
    (
        '<h1>Retkikeitin</h1><p class="availability">Not currently available</p>',
        "out_of_stock",
        "text",
    ),
    (
        '<h1>Retkikeitin</h1><span id="stock">Notify me when available</span>',
        "out_of_stock",
        "text",
    ),
    (
        '<h1>Retkikeitin</h1><div class="availability">Available for back order</div>',
        "backorder",
        "text",
    ),
    # a message beats a buy button at the same level
    (
        '<div><h1>Retkikeitin</h1><p class="availability">Loppuunmyyty</p>'
        "<button>Lisää ostoskoriin</button></div>",
        "out_of_stock",
        "text",
    ),
    # an enabled buy button: in stock, of lower confidence
    (
        '<div><h1>Retkikeitin</h1><form><button type="submit">Lisää ostoskoriin</button></form></div>',
        "in_stock",
        "buy-button",
    ),
    (
        '<div><h1>Retkikeitin</h1><input type="submit" value="Lägg i varukorgen"></div>',
        "in_stock",
        "buy-button",
    ),
    (
        '<div><h1>Retkikeitin</h1><a class="btn btn-primary" href="/cart/add/1">Add to cart</a></div>',
        "in_stock",
        "buy-button",
    ),
    (
        '<div><h1>Retkikeitin</h1><div class="buy-box"><a href="#">Legg i handlekurv</a></div></div>',
        "in_stock",
        "buy-button",
    ),
    ("<div><h1>Retkikeitin</h1><button>In den Warenkorb</button></div>", "in_stock", "buy-button"),
    # a disabled or hidden button is no evidence
    ("<div><h1>Retkikeitin</h1><button disabled>Lisää ostoskoriin</button></div>", "unknown", None),
    (
        '<div><h1>Retkikeitin</h1><button aria-disabled="true">Add to cart</button></div>',
        "unknown",
        None,
    ),
    (
        '<div><h1>Retkikeitin</h1><button class="btn is-disabled">Osta</button></div>',
        "unknown",
        None,
    ),
    (
        "<div><h1>Retkikeitin</h1><fieldset disabled><button>Köp</button></fieldset></div>",
        "unknown",
        None,
    ),
    ('<div><h1>Retkikeitin</h1><button style="display: none">Osta</button></div>', "unknown", None),
    (
        '<div><h1>Retkikeitin</h1><div hidden><p class="stock">Loppuunmyyty</p></div></div>',
        "unknown",
        None,
    ),
    # what is no buy button, and what belongs to other products, the footer or the menu, says
    # nothing of the product: only its price, offered with no stock message, implies it is in stock
    ("<div><h1>Retkikeitin</h1><button>Lisää toivelistalle</button></div>", "in_stock", "implied"),
    ("<div><h1>Retkikeitin</h1></div>" + RELATED, "in_stock", "implied"),
    (
        '<div><h1>Retkikeitin</h1></div><div class="recommendations">'
        '<p class="stock">In stock</p><button>Add to cart</button></div>',
        "in_stock",
        "implied",
    ),
    (
        '<div><h1>Retkikeitin</h1></div><footer><p class="stock">Varastossa</p></footer>',
        "in_stock",
        "implied",
    ),
    (
        '<nav><a class="btn" href="/osta">Osta</a></nav><div><h1>Retkikeitin</h1></div>',
        "in_stock",
        "implied",
    ),
    # the product's own block is nearer than the related products
    (
        '<div class="product"><h1>Retkikeitin</h1><div class="buy">'
        '<p class="availability">Tilapäisesti loppu</p></div></div>' + RELATED,
        "out_of_stock",
        "text",
    ),
    # a buy box in another column of the product's block (as large marketplaces lay it out)
    (
        '<div id="product"><div class="right"><div id="availability">Only 2 left in stock.</div>'
        '<input type="submit" value="Add to Basket"></div>'
        '<div class="center"><h1>Retkikeitin</h1></div></div>'
        '<div class="carousel"><p class="stock">Currently unavailable</p></div>',
        "in_stock",
        "text",
    ),
]


@pytest.mark.parametrize(("body", "status", "source"), BLOCKS)
def test_availability_of_the_products_own_block(body: str, status: str, source: str | None) -> None:
    found, found_source, _ = read(body)
    assert (found, found_source) == (status, source)


def test_structured_availability_comes_first() -> None:
    product = {**PRODUCT, "offers": {**PRODUCT["offers"], "availability": "OutOfStock"}}
    html = (
        f'<html><head>{HEAD}</head><body><script type="application/ld+json">'
        f"{json.dumps(product)}</script><h1>Retkikeitin</h1><button>Lisää ostoskoriin</button>"
        "</body></html>"
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", FI).offers
    assert (offer.availability, offer.sources["availability"]) == ("out_of_stock", "json-ld")


def test_opengraph_availability_when_the_price_is_declared_elsewhere() -> None:
    head = HEAD + '<meta property="product:availability" content="in stock">'
    assert read("<h1>Retkikeitin</h1>", head)[:2] == ("in_stock", "opengraph")


def test_store_stock_is_kept_as_a_note_beside_the_online_status() -> None:
    html = (
        f"<html><head>{HEAD}</head><body>{DECLARED}<h1>Retkikeitin</h1>"
        '<p class="stock">Ej i lager online. Finns i lager i 5 butiker</p></body></html>'
    )
    (offer,) = extract_page(html, "https://kauppa.example.fi/tuote", FI).offers
    assert offer.availability == "out_of_stock"
    assert offer.evidence["store_availability"] == "in stores: in_stock: Finns i lager i 5 butiker"


def test_a_buy_button_alone_makes_no_offer_of_a_page_without_one() -> None:
    html = (
        f"<html><head>{HEAD}</head><body><h1>Retkikeitin</h1>"
        "<button>Lisää ostoskoriin</button></body></html>"
    )
    assert extract_page(html, "https://kauppa.example.fi/tuote", FI).offers == []
