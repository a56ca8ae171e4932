"""Stock per store from product pages: store rows in fi/sv/en, the blocks that hold them,
schema.org ``availableAtOrFrom``, and what the page says about the stores beside its online
status."""

from __future__ import annotations

import json

import pytest

from crawler.extraction import ExtractionOptions, extract_page
from crawler.extraction.availability import stores_promised
from crawler.extraction.store_stock import read_store_row

# row text -> (status, quantity, store name), or None: not a store's row
ROWS = [
    ("Helsinki Kamppi: Varastossa 5 kpl", ("in_stock", 5, "Helsinki Kamppi")),
    ("Tampere – Loppu", ("out_of_stock", None, "Tampere")),
    ("Tampere 0 kpl", ("out_of_stock", 0, "Tampere")),
    ("Espoo Iso Omena yli 10 kpl", ("in_stock", 10, "Espoo Iso Omena")),
    ("Vantaa Jumbo 10+ kpl", ("in_stock", 10, "Vantaa Jumbo")),
    ("Oulu: Ei myymälän valikoimassa", ("not_carried", None, "Oulu")),
    ("Turku – ei valikoimassa", ("not_carried", None, "Turku")),
    ("Jyväskylä: Tilapäisesti loppu", ("out_of_stock", None, "Jyväskylä")),
    ("Kuopio | Vähissä", ("in_stock", None, "Kuopio")),
    ("Lahti: Varastossa: 0 kpl", ("out_of_stock", 0, "Lahti")),
    ("Pori – tulossa varastoon", ("out_of_stock", None, "Pori")),
    ("Stockholm City: Finns i lager (3 st)", ("in_stock", 3, "Stockholm City")),
    ("Göteborg Nordstan Få kvar", ("in_stock", None, "Göteborg Nordstan")),
    ("Malmö: Slut i lager", ("out_of_stock", None, "Malmö")),
    ("Uppsala – Säljs ej i denna butik", ("not_carried", None, "Uppsala")),
    ("Västerås: Ej i sortimentet", ("not_carried", None, "Västerås")),
    ("Örebro 12 st", ("in_stock", 12, "Örebro")),
    ("London Oxford Street — In stock", ("in_stock", None, "London Oxford Street")),
    ("Manchester: Out of stock", ("out_of_stock", None, "Manchester")),
    ("Leeds - Not sold in this store", ("not_carried", None, "Leeds")),
    ("Bristol: Low stock", ("in_stock", None, "Bristol")),
    ("York: 4 pcs", ("in_stock", 4, "York")),
    ("Oslo Storo: På lager", ("in_stock", None, "Oslo Storo")),
    ("Bergen: Utsolgt", ("out_of_stock", None, "Bergen")),
    ("København: Udsolgt", ("out_of_stock", None, "København")),
    ("Berlin Mitte: Nicht im Sortiment", ("not_carried", None, "Berlin Mitte")),
    ("Hamburg: Auf Lager", ("in_stock", None, "Hamburg")),
    # no store's row
    ("Saatavilla myymälöissä", None),
    ("Finns i lager i 5 butiker", None),
    ("Avoinna ma–pe 9–21, la 10–18", None),
    ("Mannerheimintie 20, 00100 Helsinki", None),
    ("Helsinki: varastossa, Tampere: loppu", None),  # two stores: a block, not a row
    ("Varastossa 5 kpl", None),  # no store named
    pytest.param(
        "Helsinki Kamppi 5",
        ("in_stock", 5, "Helsinki Kamppi"),
        marks=pytest.mark.xfail(
            strict=True, reason="a bare number without a unit or stock word is not a count"
        ),
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROWS)
def test_store_rows(text: str, expected: tuple | None) -> None:
    reading = read_store_row(text)
    if expected is None:
        assert reading is None
    else:
        assert reading is not None
        assert (reading.status, reading.quantity, reading.name) == expected


def page(body: str, jsonld: dict | None = None, lang: str = "fi") -> bytes:
    script = f'<script type="application/ld+json">{json.dumps(jsonld)}</script>' if jsonld else ""
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>T</title>'
        f"{script}</head><body><header><nav>Myymälät: Helsinki, Tampere</nav></header>"
        f"<main>{body}</main><footer>Helsinki Kamppi, avoinna ma–pe 9–21</footer></body></html>"
    ).encode()


PRODUCT = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": "Retkikeitin Kompakti",
    "sku": "RA-RKK",
    "offers": {
        "@type": "Offer",
        "price": "89.00",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
    },
}


def stock_of(html: bytes) -> list[tuple]:
    result = extract_page(html, "https://shop.example/p/1", ExtractionOptions(channel="webshop"))
    return [(s.store, s.status, s.quantity, s.source) for s in result.stock]


BLOCKS = [
    (
        "a list in a block whose class says store and stock",
        '<h1>Retkikeitin Kompakti</h1><div class="store-availability"><h3>Saatavuus myymälöissä'
        "</h3><ul><li><span>Helsinki</span> <span>Varastossa 4 kpl</span></li>"
        "<li>Tampere: Ei myymälän valikoimassa</li></ul></div>",
        [("Helsinki", "in_stock", 4, "text"), ("Tampere", "not_carried", None, "text")],
    ),
    (
        "a table under a heading",
        "<h1>Retkikeitin Kompakti</h1><h2>Lagerstatus i butik</h2><table><tr><th>Butik</th>"
        "<th>Lager</th></tr><tr><td>Stockholm City</td><td>3 st</td></tr><tr><td>Malmö</td>"
        "<td>Slut i lager</td></tr></table><h2>Beskrivning</h2><p>I lager</p>",
        [("Stockholm City", "in_stock", 3, "text"), ("Malmö", "out_of_stock", None, "text")],
    ),
    (
        "terms and descriptions",
        "<h1>Retkikeitin Kompakti</h1><section><h3>Availability in stores</h3><dl>"
        "<dt>London</dt><dd>In stock</dd><dt>Leeds</dt><dd>Not sold in this store</dd></dl>"
        "</section>",
        [("London", "in_stock", None, "text"), ("Leeds", "not_carried", None, "text")],
    ),
    (
        "rows as elements of a marked block, a hidden copy left out",
        '<h1>Retkikeitin Kompakti</h1><div id="storeStock"><div class="row"><b>Oulu</b>'
        '<i>Vähissä</i></div><div class="row"><b>Pori</b><i>Loppu</i></div></div>'
        '<div class="butikslager" style="display:none"><p>Oulu: Loppu</p></div>',
        [("Oulu", "in_stock", None, "text"), ("Pori", "out_of_stock", None, "text")],
    ),
    (
        "a related product's stock is no store's",
        '<h1>Retkikeitin Kompakti</h1><p class="stock">Varastossa</p><section class="related">'
        "<h2>Katso myös</h2><ul><li>Retkikattila: Varastossa 3 kpl</li></ul></section>",
        [],
    ),
    (
        "a store list with opening hours is no stock",
        "<h1>Retkikeitin Kompakti</h1><h2>Saatavuus myymälöissä</h2><ul><li>Helsinki, avoinna"
        " ma–pe 9–21</li><li>Tampere, avoinna ma–la 10–18</li></ul>",
        [],
    ),
]


@pytest.mark.parametrize(("case", "body", "expected"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_store_blocks(case: str, body: str, expected: list) -> None:
    assert stock_of(page(body, PRODUCT)) == expected


def test_a_listing_page_has_no_store_rows() -> None:
    products = [dict(PRODUCT, name=name, sku=name) for name in ("Kuksa", "Retkikeitin")]
    html = page(
        "<h2>Saatavuus myymälöissä</h2><ul><li>Helsinki: Varastossa</li></ul>",
        {"@context": "https://schema.org", "@graph": products},
    )
    assert stock_of(html) == []


def store_offer(place: dict | str, availability: str, level: int | None = None) -> dict:
    offer = {
        "@type": "Offer",
        "price": "89.00",
        "priceCurrency": "EUR",
        "availability": f"https://schema.org/{availability}",
        "availableAtOrFrom": place,
    }
    if level is not None:
        offer["inventoryLevel"] = {"@type": "QuantitativeValue", "value": level}
    return offer


HELSINKI = {
    "@type": "Store",
    "name": "Retkiaitta Helsinki",
    "branchCode": "HKI",
    "address": {"@type": "PostalAddress", "addressLocality": "Helsinki"},
}


def test_schema_offers_at_stores_are_the_stores_stock_not_the_online_status() -> None:
    product = dict(
        PRODUCT,
        offers=[
            {**PRODUCT["offers"], "availability": "https://schema.org/OutOfStock"},
            store_offer(HELSINKI, "InStock", 3),
            store_offer({"@type": "Store", "name": "Retkiaitta Tampere"}, "InStock", 0),
            store_offer({"@type": "SportingGoodsStore", "name": "Retkiaitta Oulu"}, "OnlineOnly"),
        ],
    )
    result = extract_page(page("<h1>Retkikeitin Kompakti</h1>", product), "https://s.example/p")
    assert result.offers[0].availability == "out_of_stock"  # online: the store offers do not count
    assert [(s.store, s.status, s.quantity, s.store_name, s.city) for s in result.stock] == [
        ("HKI", "in_stock", 3, "Retkiaitta Helsinki", "Helsinki"),
        ("Retkiaitta Tampere", "out_of_stock", 0, "Retkiaitta Tampere", None),
        ("Retkiaitta Oulu", "not_carried", None, "Retkiaitta Oulu", None),
    ]
    assert result.stock[0].source == "json-ld"
    assert "availableAtOrFrom = Retkiaitta Helsinki" in result.stock[0].evidence


def test_only_store_offers_leave_the_online_status_unknown_and_give_the_price() -> None:
    product = dict(PRODUCT, offers=[store_offer(HELSINKI, "InStock", 2)])
    result = extract_page(page("<h1>Retkikeitin Kompakti</h1>", product), "https://s.example/p")
    [offer] = result.offers
    assert (offer.price, offer.availability) == (89, "unknown")
    assert [(s.store, s.status) for s in result.stock] == [("HKI", "in_stock")]


def test_availableatorfrom_on_the_product_applies_its_one_offer() -> None:
    product = dict(
        PRODUCT,
        availableAtOrFrom=[HELSINKI, {"@type": "Place", "name": "Tampere", "branchCode": "TRE"}],
    )
    result = extract_page(page("<h1>Retkikeitin Kompakti</h1>", product), "https://s.example/p")
    assert [(s.store, s.status) for s in result.stock] == [("HKI", "in_stock"), ("TRE", "in_stock")]


def test_a_place_that_is_no_store_is_where_an_item_ships_from() -> None:
    # a marketplace's microdata: <span itemprop="availableAtOrFrom">dudley, United Kingdom</span>
    offers = [
        {**PRODUCT["offers"], "availableAtOrFrom": "dudley, United Kingdom"},
        {**PRODUCT["offers"], "availableAtOrFrom": {"@type": "Place", "name": "Tampere"}},
    ]
    result = extract_page(
        page("<h1>Retkikeitin Kompakti</h1>", dict(PRODUCT, offers=offers)), "https://s.example/p"
    )
    assert result.offers[0].availability == "in_stock"
    assert result.stock == []


# what a page says, and what it tells of the stores
NOTES = [
    ({"availability": "https://schema.org/InStoreOnly"}, "", "out_of_stock", True),
    ({"availability": "https://schema.org/OutOfStock"}, "Loppuunmyyty", "out_of_stock", None),
    (
        {"availability": "https://schema.org/OutOfStock"},
        "Loppu verkkokaupasta – saatavilla myymälöistä",
        "out_of_stock",
        True,
    ),
    (None, "Saatavilla vain myymälöistä", "out_of_stock", True),
    (None, "Slut i webblager. Finns i lager i 5 butiker", "out_of_stock", True),
    (None, "Out of stock online, not available in stores", "out_of_stock", False),
    (None, "Sold out", "out_of_stock", None),
    (None, "In stock", "in_stock", None),
]


@pytest.mark.parametrize(("offer", "text", "status", "promised"), NOTES)
def test_what_a_page_says_about_the_stores(
    offer: dict | None, text: str, status: str, promised: bool | None
) -> None:
    product = dict(PRODUCT, offers={**PRODUCT["offers"], **offer}) if offer else None
    html = page(f'<h1>Retkikeitin Kompakti</h1><p class="price">89,00 €</p>'
                f'<p class="availability">{text}</p>', product)  # fmt: skip
    [found] = extract_page(html, "https://s.example/p", ExtractionOptions(currency="EUR")).offers
    assert found.availability == status
    assert stores_promised(found.evidence.get("store_availability")) is promised


def test_a_store_block_never_gives_the_online_status() -> None:
    html = page(
        '<h1>Retkikeitin Kompakti</h1><p class="price">89,00 €</p><div class="store-stock">'
        "<ul><li>Helsinki: Varastossa</li><li>Tampere: Varastossa</li></ul></div>"
    )
    result = extract_page(html, "https://s.example/p", ExtractionOptions(currency="EUR"))
    assert result.offers[0].availability == "unknown"
    assert [(s.store, s.status) for s in result.stock] == [
        ("Helsinki", "in_stock"),
        ("Tampere", "in_stock"),
    ]
