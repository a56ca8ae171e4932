"""Structured data as search engines read it: schema.org's own Offer examples in microdata and
RDFa, and JSON-LD with comments, trailing commas and keys in another case."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.extraction import ExtractionOptions, extract_page
from tests.conftest import DATA

EXAMPLES = DATA / "schema_org"
UNCONFIGURED = ExtractionOptions(channel="webshop")


@pytest.mark.parametrize(
    ("page", "source", "name", "price", "currency", "availability", "from_price"),
    [
        ("offer_microdata.html", "microdata", "Blend-O-Matic", "19.95", "USD", "in_stock", False),
        ("offer_rdfa.html", "rdfa", "Blend-O-Matic", "19.95", "USD", "in_stock", False),
        (
            "product_offer_microdata.html",
            "microdata",
            'Kenmore White 17" Microwave',
            "1000.00",
            "USD",
            "in_stock",
            False,
        ),
        (
            "product_offer_rdfa.html",
            "rdfa",
            'Kenmore White 17" Microwave',
            "1000.00",
            "USD",
            "in_stock",
            False,
        ),
        # offered by sellers at a price, stock not stated: in stock, implied
        (
            "aggregate_offer_microdata.html",
            "microdata",
            'Dell UltraSharp 30" LCD Monitor',
            "1250",
            "USD",
            "in_stock",
            True,
        ),
        (
            "aggregate_offer_rdfa.html",
            "rdfa",
            'Dell UltraSharp 30" LCD Monitor',
            "1250",
            "USD",
            "in_stock",
            True,
        ),
    ],
)
def test_schema_org_offer_examples(
    page: str,
    source: str,
    name: str,
    price: str,
    currency: str,
    availability: str,
    from_price: bool,
) -> None:
    html = (EXAMPLES / page).read_bytes()
    (offer,) = extract_page(html, "https://shop.example.com/p", UNCONFIGURED).offers
    assert (offer.name, offer.price, offer.currency, offer.availability, offer.is_from_price) == (
        name,
        Decimal(price),
        currency,
        availability,
        from_price,
    )
    # the declared price, never the one shown beside it ("1,000.00")
    assert offer.sources["price"] == source


PRODUCT = (
    '{"@context": "https://schema.org", "@type": "Product", "name": "Retkikeitin",'
    ' "offers": {"@type": "Offer", "price": "49.90", "priceCurrency": "EUR",'
    ' "availability": "https://schema.org/InStock"}}'
)


@pytest.mark.parametrize(
    "script",
    [
        PRODUCT,
        "// product data\n" + PRODUCT,
        "/* product data */ " + PRODUCT,
        "<!-- product data -->\n" + PRODUCT,
        "<!--\n" + PRODUCT + "\n-->",
        "/*<![CDATA[*/" + PRODUCT + "/*]]>*/",
        PRODUCT.replace('"InStock"}', '"InStock",}').replace("}}", "},}"),
        PRODUCT.replace('"price": "49.90",', '"price": "49.90", // today\n'),
        # keys in another case, as some shops write them
        PRODUCT.replace('"offers"', '"Offers"')
        .replace('"price"', '"Price"')
        .replace('"priceCurrency"', '"PriceCurrency"'),
        PRODUCT.replace('"availability"', '"Availability"').replace('"name"', '"Name"'),
    ],
)
def test_json_ld_read_the_way_search_engines_read_it(script: str) -> None:
    html = f'<html><body><script type="application/ld+json">{script}</script></body></html>'
    result = extract_page(html, "https://kauppa.example.fi/t", UNCONFIGURED)
    (offer,) = result.offers
    assert (offer.name, offer.price, offer.currency, offer.availability) == (
        "Retkikeitin",
        Decimal("49.90"),
        "EUR",
        "in_stock",
    )
    assert offer.sources["price"] == "json-ld"
    assert result.problems == []


def test_broken_json_ld_is_a_page_problem_not_a_crash() -> None:
    html = '<html><body><script type="application/ld+json">{"@type": "Product", </script></body></html>'
    result = extract_page(html, "https://kauppa.example.fi/t", UNCONFIGURED)
    assert result.offers == [] and result.problems == ["json-ld: invalid JSON"]


def test_a_property_in_its_own_case_wins_over_a_variant() -> None:
    script = PRODUCT.replace('"offers"', '"Offers": {"price": "1.00"}, "offers"')
    html = f'<html><body><script type="application/ld+json">{script}</script></body></html>'
    (offer,) = extract_page(html, "https://kauppa.example.fi/t", UNCONFIGURED).offers
    assert offer.price == Decimal("49.90")
