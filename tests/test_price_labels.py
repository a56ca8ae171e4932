"""Prices a page shows without a currency, as a range, or in a neighbouring market's currency; and
numbers that are no price at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.extraction import ExtractionOptions, extract_page
from crawler.extraction.prices import currency_code, parse_price

FI = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
SV = ExtractionOptions(channel="webshop", currency="SEK", locale="sv_SE")
NO = ExtractionOptions(channel="webshop", currency="NOK", locale="nb_NO")
UNCONFIGURED = ExtractionOptions(channel="webshop")
HEAD = "<title>Retkikeitin | Retkiaitta</title>"


def shown(
    body: str,
    options: ExtractionOptions,
    head: str = HEAD,
    url: str = "https://kauppa.example.fi/t",
) -> tuple[str, str, bool] | None:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    found = [o for o in extract_page(html, url, options).offers if o.price]
    assert len(found) <= 1
    if not found:
        return None
    return str(found[0].price), str(found[0].currency), found[0].is_from_price


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        # an amount without a currency in a price element takes the channel's currency
        ('<h1>Retkikeitin</h1><span class="price">119,00</span>', FI, ("119.00", "EUR", False)),
        ('<h1>Retkikeitin</h1><span class="hinta">Hinta 49,90</span>', FI, ("49.90", "EUR", False)),
        ('<h1>Retkikeitin</h1><span class="pris">129,-</span>', SV, ("129", "SEK", False)),
        ('<h1>Retkikeitin</h1><span class="pris">1 299:-</span>', SV, ("1299", "SEK", False)),
        ('<h1>Retkikeitin</h1><span class="pris">129 kr</span>', NO, ("129", "NOK", False)),
        ('<h1>Retkikeitin</h1><span class="pris">1.299,-</span>', NO, ("1299", "NOK", False)),
        # ... or the currency the page declares, over the channel's
        (
            '<h1>Retkikeitin</h1><meta itemprop="priceCurrency" content="SEK">'
            '<span class="price">499,00</span>',
            FI,
            ("499.00", "SEK", False),
        ),
        # a neighbouring market's currency in the label wins over the channel's
        ('<h1>Retkikeitin</h1><span class="price">129 zł</span>', FI, ("129", "PLN", False)),
        ('<h1>Retkikeitin</h1><span class="price">2 490 Kč</span>', FI, ("2490", "CZK", False)),
        ('<h1>Retkikeitin</h1><span class="price">12 990 Ft</span>', FI, ("12990", "HUF", False)),
        ('<h1>Retkikeitin</h1><span class="price">249 lei</span>', FI, ("249", "RON", False)),
        ('<h1>Retkikeitin</h1><span class="price">₴1 299</span>', FI, ("1299", "UAH", False)),
        ('<h1>Retkikeitin</h1><span class="price">₩39,000</span>', FI, ("39000", "KRW", False)),
        ('<h1>Retkikeitin</h1><span class="price">1 990 ₽</span>', FI, ("1990", "RUB", False)),
        # a range gives its low end, as a from-price (as an AggregateOffer's lowPrice does)
        (
            '<h1>Retkikeitin</h1><span class="price">£10.00 - £14.00</span>',
            FI,
            ("10.00", "GBP", True),
        ),
        ('<h1>Retkikeitin</h1><span class="hinta">129 € – 159 €</span>', FI, ("129", "EUR", True)),
    ],
)
def test_shown_prices(body: str, options: ExtractionOptions, expected: tuple) -> None:
    assert shown(body, options) == expected


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # a currency-less amount with no currency known anywhere is no price
        ('<h1>Retkikeitin</h1><span class="price">119,00</span>', UNCONFIGURED),
        # a currency-less number outside a price element is never a price
        ("<div><h1>Retkikeitin</h1><p>119,00</p></div>", FI),
        ("<div><h1>Retkikeitin</h1><p>Paino 1 200</p></div>", FI),
        ("<div><h1>Retkikeitin</h1><p>6 ft</p></div>", FI),
        # nor one beside words that make it something else
        ('<h1>Retkikeitin</h1><span class="price">30 pv</span>', FI),
        ('<h1>Retkikeitin</h1><span class="price">2 kpl 10</span>', FI),
        ('<h1>Retkikeitin</h1><span class="price-unit">4,95</span>', FI),
        ('<h1>Retkikeitin</h1><span class="hinta">Toimitus 5,90</span>', FI),
        # two amounts that are no range
        ('<h1>Retkikeitin</h1><span class="price">129 € 159 €</span>', FI),
    ],
)
def test_no_price(body: str, options: ExtractionOptions) -> None:
    assert shown(body, options) is None


@pytest.mark.parametrize(
    ("symbol", "code"),
    [
        ("EUR", "EUR"),
        ("eur", "EUR"),
        ("NOK", "NOK"),
        ("TWD", "TWD"),
        ("ABC", None),
        ("XYZ", None),
        ("XXX", None),
        ("zł", "PLN"),
        ("Kč", "CZK"),
        ("₽", "RUB"),
        ("₴", "UAH"),
        ("₩", "KRW"),
        ("Ft", "HUF"),
        ("lei", "RON"),
        ("лв", "BGN"),
        ("NT$", "TWD"),
        ("€", "EUR"),
    ],
)
def test_currency_codes_only_from_iso_4217(symbol: str, code: str | None) -> None:
    assert currency_code(symbol) == code


def test_an_unknown_code_in_structured_data_leaves_the_price_without_currency() -> None:
    product = (
        '{"@type": "Product", "name": "Retkikeitin", '
        '"offers": {"price": "49.90", "priceCurrency": "ABC"}}'
    )
    html = f'<html><body><script type="application/ld+json">{product}</script></body></html>'
    (offer,) = extract_page(html, "https://kauppa.example.fi/t", UNCONFIGURED).offers
    assert currency_code(offer.currency) is None


def test_bare_amount_takes_default_currency() -> None:
    money = parse_price("119,00", "EUR", "fi_FI")
    assert money is not None and (money.amount, money.currency) == (Decimal("119.00"), "EUR")
