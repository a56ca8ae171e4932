"""Offers read from pages: the current price, never an old, unit, shipping or other product's one.

Pages are small factories of real shop markup (Finnish, Swedish, English); the corpus test at the
end runs every annotated real page and asserts no page yields a wrong price.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlite_utils
from click.testing import CliRunner

from checker.cli import cli
from crawler.extraction import ExtractionOptions, extract_page
from crawler.items import Offer
from tests.conftest import DATA, run_omnicheck

FI = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
SV = ExtractionOptions(channel="webshop", currency="SEK", locale="sv_SE")
EN = ExtractionOptions(channel="webshop", currency="GBP", locale="en_GB")


def offers(body: str, options: ExtractionOptions = FI, head: str = "") -> list[Offer]:
    title = head or "<title>Tuote | Kauppa</title>"
    html = f"<html><head>{title}</head><body>{body}</body></html>"
    return extract_page(html, "https://kauppa.example.fi/tuote", options).offers


def only_price(body: str, options: ExtractionOptions = FI, head: str = "") -> Decimal | None:
    found = [offer for offer in offers(body, options, head) if offer.price is not None]
    assert len(found) <= 1
    return found[0].price if found else None


def json_ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# -- structured data ------------------------------------------------------------------------


def test_strikethrough_price_is_kept_as_regular_price() -> None:
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Vaellusreppu 40 L",
        "sku": "VR-40",
        "gtin13": "6417000000017",
        "offers": {
            "@type": "Offer",
            "price": "99.90",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "priceSpecification": [
                {
                    "@type": "UnitPriceSpecification",
                    "priceType": "https://schema.org/StrikethroughPrice",
                    "price": "129.90",
                }  # noqa: E501
            ],
        },
    }
    (offer,) = offers(json_ld(product))
    assert (offer.price, offer.regular_price, offer.currency) == (
        Decimal("99.90"),
        Decimal("129.90"),
        "EUR",
    )
    assert (offer.sku, offer.gtin, offer.availability) == ("VR-40", "6417000000017", "in_stock")
    assert offer.sources["price"] == "json-ld"


def test_aggregate_offer_range_is_a_from_price() -> None:
    product = {
        "@type": "Product",
        "name": "Makuupussi",
        "offers": {
            "@type": "AggregateOffer",
            "lowPrice": "79",
            "highPrice": "129",
            "priceCurrency": "EUR",
        },  # noqa: E501
    }
    (offer,) = offers(json_ld(product))
    assert (offer.price, offer.is_from_price) == (Decimal("79"), True)


def test_sizes_take_the_first_buyable_offer_and_any_size_in_stock() -> None:
    sizes = [
        {
            "@type": "Offer",
            "sku": "K-38",
            "price": "59.95",
            "priceCurrency": "EUR",
            "availability": "OutOfStock",
        },  # noqa: E501
        {
            "@type": "Offer",
            "sku": "K-39",
            "price": "69.95",
            "priceCurrency": "EUR",
            "availability": "InStock",
        },  # noqa: E501
        {
            "@type": "Offer",
            "sku": "K-40",
            "price": "69.95",
            "priceCurrency": "EUR",
            "availability": "InStock",
        },  # noqa: E501
    ]
    (offer,) = offers(json_ld({"@type": "Product", "name": "Kumisaappaat", "offers": sizes}))
    assert (offer.price, offer.availability, offer.is_from_price) == (
        Decimal("69.95"),
        "in_stock",
        True,
    )
    assert offer.variant["sku"] == "K-39"


def test_offer_wrapping_the_priced_offer_is_read() -> None:
    inner = {"@type": "Offer", "price": "115.0", "priceCurrency": "GBP", "availability": "InStock"}
    product = {"@type": "Product", "name": "Harness", "offers": {"@type": "Offer", "offers": inner}}
    (offer,) = offers(json_ld(product), EN)
    assert (offer.price, offer.currency) == (Decimal("115.0"), "GBP")


def test_json_ld_wrapped_in_cdata_is_read() -> None:
    data = json.dumps(
        {"@type": "Product", "name": "Tält", "offers": {"price": "1299", "priceCurrency": "SEK"}}
    )  # noqa: E501
    script = f'<script type="application/ld+json">/*<![CDATA[*/{data}/*]]>*/</script>'
    (offer,) = offers(script, SV)
    assert (offer.price, offer.currency) == (Decimal("1299"), "SEK")


def test_related_products_in_structured_data_are_not_the_page_product() -> None:
    product = {
        "@type": "Product",
        "name": "Retkikeitin",
        "offers": {"@type": "Offer", "price": "49.90", "priceCurrency": "EUR"},
        "isRelatedTo": {"@type": "Product", "name": "Kaasupatruuna", "offers": {"price": "6.90"}},
    }
    found = offers(json_ld(product))
    assert [(o.name, o.price) for o in found] == [("Retkikeitin", Decimal("49.90"))]


def test_opengraph_sale_price() -> None:
    head = (
        '<title>Tält</title><meta property="og:title" content="Tält">'
        '<meta property="product:price:amount" content="1499">'
        '<meta property="product:price:currency" content="SEK">'
        '<meta property="product:sale_price:amount" content="1199">'
    )
    (offer,) = offers("<h1>Tält</h1>", SV, head)
    assert (offer.price, offer.regular_price, offer.sources["price"]) == (
        Decimal("1199"),
        Decimal("1499"),
        "opengraph",
    )


# -- what the page shows ----------------------------------------------------------------------


HEAD_FI = "<title>Retkikeitin | Retkiaitta</title>"


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        # fi: struck-through and "ennen" prices are old prices
        (
            '<h1>Retkikeitin</h1><div class="price"><del>69,90 €</del> <span>49,90 €</span></div>',
            FI,
            "49.90",
        ),
        (
            '<h1>Retkikeitin</h1><span class="price-old">ennen 69,90 €</span>'
            '<span class="price">49,90 €</span>',
            FI,
            "49.90",
        ),
        (
            '<h1>Retkikeitin</h1><span class="hinta">Norm. 69,90 €</span>'
            '<span class="hinta">49,90 €</span>',
            FI,
            "49.90",
        ),
        # fi: unit price next to the price is not the price
        (
            '<h1>Retkikeitin</h1><span class="price">4,95 €</span>'
            '<span class="price">9,90 €/kg</span>',
            FI,
            "4.95",
        ),
        # sv: "ord. pris" is the regular price; crowns from the locale
        (
            '<h1>Retkikeitin</h1><span class="pris">ord. pris 1 599 kr</span>'
            '<span class="pris">1 299 kr</span>',
            SV,
            "1299",
        ),
        ('<h1>Retkikeitin</h1><span class="pris">1 299:-</span>', SV, "1299"),
        # en: cents in a superscript belong to the amount
        ('<h1>Retkikeitin</h1><span class="price">£229<sup>99</sup></span>', EN, "229.99"),
        (
            '<h1>Retkikeitin</h1><p class="price price--was">Was £30.00</p>'
            '<p class="price">Now £24.00</p>',
            EN,
            "24.00",
        ),
        # a row holding price and shipping: the inner price element is the price
        (
            '<h1>Retkikeitin</h1><div class="price-row">Hinta: <span class="price">49,90 €</span>'
            " + 5,90 € toimitus</div>",
            FI,
            "49.90",
        ),
        # no price markup: a lone price label next to the heading
        ("<div><h1>Retkikeitin</h1><p>49,90 €</p></div>", FI, "49.90"),
        # an add-on's price under a later subheading is that section's, not a second label
        (
            "<main><h1>Retkikeitin</h1><p>49,90 €</p><h2>Lisävarusteet</h2>"
            "<p>Tuulisuoja 12,90 €</p></main>",
            FI,
            "49.90",
        ),
        # a member's price shown first is not what everyone pays
        (
            '<h1>Retkikeitin</h1><p class="jasenhinta">Jäsenhinta 44,90 €</p>'
            '<p class="hinta">49,90 €</p>',
            FI,
            "49.90",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">Medlemspris 2 249 kr</div>'
            '<div class="price">2 499 kr</div>',
            SV,
            "2499",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price-member">2 249 kr</div>'
            '<div class="price">2 499 kr</div>',
            SV,
            "2499",
        ),
        # savings, unit prices by name and prices without VAT are not the price
        (
            '<h1>Retkikeitin</h1><div class="price">Spara 200 kr</div>'
            '<div class="price">1 299 kr</div>',
            SV,
            "1299",
        ),
        (
            '<h1>Retkikeitin</h1><div class="hinta">Kilohinta 12,90 €</div>'
            '<div class="hinta">3,87 €</div>',
            FI,
            "3.87",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">Jämförpris: 129 kr</div>'
            '<div class="price">38,70 kr</div>',
            SV,
            "38.70",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">1 039 kr exkl. moms</div>'
            '<div class="price">1 299 kr</div>',
            SV,
            "1299",
        ),
        (
            '<h1>Retkikeitin</h1><div class="hinta">1 035,78 € alv 0 %</div>'
            '<div class="hinta">1 299,90 € sis. alv 25,5 %</div>',
            FI,
            "1299.90",
        ),
        # the lowest price of the last 30 days (EU Omnibus) is a reference price
        (
            '<h1>Retkikeitin</h1><div class="hinta">Alin hinta 30 pv: 69,90 €</div>'
            '<div class="hinta">59,90 €</div>',
            FI,
            "59.90",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">Lägsta pris senaste 30 dagarna 699 kr</div>'
            '<div class="price">599 kr</div>',
            SV,
            "599",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">Lowest price in 30 days: £69</div>'
            '<div class="price">£59</div>',
            EN,
            "59",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">+ pant 2 kr</div>'
            '<div class="price">19,90 kr</div>',
            SV,
            "19.90",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price-badge">-200 kr</div>'
            '<div class="price">799 kr</div>',
            SV,
            "799",
        ),
        # the product's price before a section about other products still counts
        (
            '<h1>Retkikeitin</h1><span class="hinta">49,90 €</span>'
            '<h2>Asiakkaat ostivat myös</h2><div><span class="hinta">6,90 €</span></div>',
            FI,
            "49.90",
        ),
        (
            '<h1>Retkikeitin</h1><div class="price">49 € kuussa</div><div class="price">1 099 €</div>',
            FI,
            "1099",
        ),
    ],
)
def test_shown_price(body: str, options: ExtractionOptions, expected: str) -> None:
    assert only_price(body, options, HEAD_FI) == Decimal(expected)


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # unit, shipping and instalment prices alone are never the product's price
        ('<h1>Retkikeitin</h1><span class="price">9,90 €/kg</span>', FI),
        ('<h1>Retkikeitin</h1><span class="price">Toimitus 5,90 €</span>', FI),
        ('<h1>Retkikeitin</h1><span class="pris">Frakt 49 kr</span>', SV),
        ('<h1>Retkikeitin</h1><span class="price">£12.50 per month</span>', EN),
        ('<h1>Retkikeitin</h1><span class="price-shipping">£4.95</span>', EN),
        # only an old price shown
        ('<h1>Retkikeitin</h1><span class="price"><s>69,90 €</s></span>', FI),
        # other products' prices in a carousel
        (
            '<h1>Retkikeitin</h1><p>Hinta pyydettäessä</p><div class="related-products">'
            '<div class="product"><span class="price">19,90 €</span></div></div>',
            FI,
        ),
        (
            '<h1>Retkikeitin</h1><ul class="carousel"><li><a href="/a">Kaasu</a>'
            '<span class="price">6,90 €</span></li></ul>',
            FI,
        ),
        # a threshold inside a sentence is not a price label
        ("<div><h1>Retkikeitin</h1><p>Ilmainen toimitus yli 50 € tilauksille</p></div>", FI),
        ("<div><h1>Retkikeitin</h1><p>Fri frakt över 499 kr</p></div>", SV),
        # two different labels next to the heading: ambiguous
        ("<div><h1>Retkikeitin</h1><p>49,90 €</p><p>59,90 €</p></div>", FI),
        # a sold-out page that hides its price: the prices of the section about other
        # products (by its class in Finnish or Swedish, or by its heading) are not its own
        (
            '<h1>Retkikeitin</h1><p class="saatavuus">Loppuunmyyty</p>'
            '<section class="suositellut"><div class="tuote"><a href="/a">Kaasu</a>'
            '<span class="hinta">6,90 €</span></div></section>',
            FI,
        ),
        (
            '<h1>Retkikeitin</h1><p class="lagerstatus">Slutsåld</p><div class="tillbehor">'
            '<a href="/a">Gas</a><span class="pris">69 kr</span></div>',
            SV,
        ),
        (
            '<h1>Retkikeitin</h1><p class="saatavuus">Loppuunmyyty</p>'
            '<h2>Asiakkaat ostivat myös</h2><div><a href="/a">Kaasu</a>'
            '<span class="hinta">6,90 €</span></div>',
            FI,
        ),
        (
            "<div><h1>Retkikeitin</h1><p>Loppuunmyyty</p><h2>Liknande produkter</h2>"
            '<ul><li><a href="/a">Gas</a></li><li>69 kr</li></ul></div>',
            SV,
        ),
        # a discount badge, a deposit or an add-on alone is not the price
        ('<h1>Retkikeitin</h1><div class="price-badge">-200 kr</div>', SV),
        ('<h1>Retkikeitin</h1><div class="price">+ pant 2 kr</div>', SV),
        ('<h1>Retkikeitin</h1><div class="hinta">Asennus 99 €</div>', FI),
        # a multi-buy: price-parser would read the count as the price
        ('<h1>Retkikeitin</h1><div class="price">3 för 99 kr</div>', SV),
        ('<h1>Retkikeitin</h1><div class="hinta">2 kpl 10 €</div>', FI),
        ("<div><h1>Retkikeitin</h1><p>2 kpl 10 €</p></div>", FI),
        # a service page: the heading names no product, each section prices its own topic
        (
            "<main><h1>Asiakaspalvelu</h1><h2>Toimitukset</h2><p>Toimitusaika on 1–3"
            " arkipäivää.</p><h2>Asennus</h2><p>Asennuspalvelu televisioille 99 €.</p></main>",
            FI,
        ),
        (
            "<div><h1>Kundtjänst</h1><h3>Montering</h3><p>Montering 495 kr</p></div>",
            SV,
        ),
        # header and footer prices (mini cart) are outside the content
        (
            '<header><span class="price">0,00 €</span><span class="price">12,90 €</span></header>'
            "<h1>Retkikeitin</h1>",
            FI,
        ),
    ],
)
def test_no_price_it_cannot_stand_behind(body: str, options: ExtractionOptions) -> None:
    assert only_price(body, options, HEAD_FI) is None


@pytest.mark.parametrize(
    ("body", "options", "from_price"),
    [
        ('<h1>Retkikeitin</h1><span class="price">från 99 kr</span>', SV, True),
        ('<h1>Retkikeitin</h1><span class="hinta">alk. 49 €</span>', FI, True),
        ("<div><h1>Retkikeitin</h1><p>Hinta alkaen 129,90 €</p></div>", FI, True),
        ('<h1>Retkikeitin</h1><span class="price">From £49.00</span>', EN, True),
        ('<h1>Retkikeitin</h1><span class="price">1 299:-</span>', SV, False),
    ],
)
def test_a_shown_from_price_is_marked(
    body: str, options: ExtractionOptions, from_price: bool
) -> None:
    """A variant's lowest price ("från 99 kr") is not compared as the product's price."""
    (offer,) = offers(body, options, HEAD_FI)
    assert offer.price is not None and offer.is_from_price is from_price


def test_no_heading_naming_the_product_gives_no_text_price() -> None:
    body = '<h1>Tarjoukset</h1><h1>Uutuudet</h1><span class="price">49,90 €</span>'
    assert offers(body, FI, HEAD_FI) == []


def test_shown_price_records_source_and_evidence() -> None:
    (offer,) = offers('<h1>Retkikeitin</h1><span class="price">49,90 €</span>', FI, HEAD_FI)
    assert (offer.name, offer.sources["price"], offer.evidence["price"]) == (
        "Retkikeitin",
        "text",
        "49,90 €",
    )


@pytest.mark.parametrize(
    ("message", "options", "status"),
    [
        ("Loppuunmyyty", FI, "out_of_stock"),
        ("Slutsåld", SV, "out_of_stock"),
        ("Currently unavailable.", EN, "out_of_stock"),
        ("Ennakkotilattavissa", FI, "preorder"),
    ],
)
def test_sold_out_page_without_price_yields_a_priceless_offer(
    message: str, options: ExtractionOptions, status: str
) -> None:
    (offer,) = offers(
        f'<h1>Retkikeitin</h1><div class="availability">{message}</div>', options, HEAD_FI
    )
    assert (offer.price, offer.availability, offer.sources["availability"]) == (
        None,
        status,
        "text",
    )


def test_in_stock_message_alone_makes_no_offer() -> None:
    assert offers('<h1>Retkikeitin</h1><div class="stock">Varastossa</div>', FI, HEAD_FI) == []


def test_stock_message_fills_structured_offer_without_availability() -> None:
    product = {"@type": "Product", "name": "Retkikeitin", "offers": {"price": "49.90"}}
    body = json_ld(product) + '<h1>Retkikeitin</h1><p class="stock-status">I lager</p>'
    (offer,) = offers(body, SV, HEAD_FI)
    assert (offer.price, offer.availability) == (Decimal("49.90"), "in_stock")


def test_structured_product_without_price_takes_the_shown_price() -> None:
    product = {"@type": "Product", "name": "Retkikeitin", "sku": "RK-1"}
    body = json_ld(product) + '<h1>Retkikeitin</h1><span class="price">49,90 €</span>'
    (offer,) = offers(body, FI, HEAD_FI)
    assert (offer.sku, offer.price, offer.sources["sku"], offer.sources["price"]) == (
        "RK-1",
        Decimal("49.90"),
        "json-ld",
        "text",
    )


# -- the CLI --------------------------------------------------------------------------------


def test_extract_json_shows_values_and_sources(tmp_path) -> None:
    page = tmp_path / "tuote.html"
    product = {
        "@type": "Product",
        "name": "Retkikeitin",
        "gtin13": "6417000000024",
        "offers": {"price": "49.90", "priceCurrency": "EUR", "availability": "InStock"},
    }
    page.write_text(f"<html><head>{HEAD_FI}</head><body>{json_ld(product)}</body></html>")
    result = CliRunner().invoke(cli, ["extract", str(page), "--json"])
    assert result.exit_code == 0, result.output
    (offer,) = json.loads(result.output)["offers"]
    assert (offer["price"], offer["currency"], offer["availability"], offer["gtin"]) == (
        "49.90",
        "EUR",
        "in_stock",
        "6417000000024",
    )
    assert offer["sources"]["price"] == offer["sources"]["gtin"] == "json-ld"


# -- a crawl --------------------------------------------------------------------------------


@pytest.mark.slow
def test_crawl_counts_pages_without_a_trustworthy_price(http_server, tmp_path) -> None:
    base = http_server(DATA / "extraction_site")
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Retkiaitta\ncurrency: EUR\nlocale: fi_FI\nchannels:\n"
        f"  - name: webshop\n    kind: webshop\n    start_urls: ['{base}/index.html']\n"
        "crawl:\n  AUTOTHROTTLE_ENABLED: false\n"
    )
    database = tmp_path / "omnicheck.db"
    result = run_omnicheck("crawl", "--config", str(config), "--db", str(database))
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(database)
    skipped = {
        row["url"].rsplit("/", 1)[-1]: json.loads(row["skipped"] or "{}")
        for row in db["pages"].rows
    }
    assert skipped["loppu.html"] == {"no price": 1}
    assert skipped["keitin.html"] == {}
    prices = {row["name"]: (row["price"], row["availability"]) for row in db["offers"].rows}
    assert prices == {"Retkikeitin": ("49.90", "in_stock"), "Otsalamppu": (None, "out_of_stock")}
