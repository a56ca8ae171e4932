"""Prices on pages without price markup, written across inline elements: an amount and its
currency in two elements are one label ("<b>129,90</b> €", "<span>294</span><span>元</span>"), and
the words and numbers of its line say what kind of price it is (an old price, shipping, an
instalment, a multi-buy, a from-price)."""

from __future__ import annotations

import pytest

from crawler.extraction import ExtractionOptions
from tests.test_price_labels import FI, SV, UNCONFIGURED, shown

EN = ExtractionOptions(channel="webshop", currency="GBP", locale="en_GB")
# A Taiwanese shop crawled without configuration: its domain tells the market.
TAIWAN = "https://www.kauppa.example.com.tw/p/1"


def in_block(
    body: str, options: ExtractionOptions, url: str = "https://kauppa.example.fi/t"
) -> tuple[str, str, bool] | None:
    """The price read from ``body`` beside the product's heading, on a page without price markup."""
    block = f'<main><div class="product"><h1>Retkikeitin</h1>{body}</div></main>'
    return shown(block, options, "<title>Retkikeitin | Kauppa</title>", url)


@pytest.mark.parametrize(
    ("body", "options", "expected"),
    [
        # an amount and its currency in two elements
        ("<p>Hinta: <b>129,90</b> €</p>", FI, ("129.90", "EUR", False)),
        ("<p>Pris <strong>1 299</strong> kr</p>", SV, ("1299", "SEK", False)),
        ("<p>Pris <strong>1 299</strong>:-</p>", SV, ("1299", "SEK", False)),
        ("<p><span>£</span><span>34.99</span></p>", EN, ("34.99", "GBP", False)),
        # the line's words make it a from-price
        ("<p>Hinta alkaen <b>49,90</b> €</p>", FI, ("49.90", "EUR", True)),
        ("<p>Från <b>99</b> kr</p>", SV, ("99", "SEK", True)),
        ("<p>From <b>£49</b></p>", EN, ("49", "GBP", True)),
        # an old price, shipping or an instalment in its own line leaves the price alone
        ("<p>Ennen <span>149 €</span></p><p>Nyt <span>129 €</span></p>", FI, ("129", "EUR", False)),
        (
            "<p>Hinta <b>129,90 €</b></p><p>Toimitus <b>4,90</b> €</p>",
            FI,
            ("129.90", "EUR", False),
        ),
        ("<p>Ord. pris <b>1 499 kr</b></p><p><b>1 199 kr</b></p>", SV, ("1199", "SEK", False)),
        ("<p><b>£89</b></p><p>Delivery <b>£4.95</b></p>", EN, ("89", "GBP", False)),
        # a row of several amounts: each stands alone, the shipping one is left out
        ("<div><span>129 €</span> <span>Toimitus 4,90 €</span></div>", FI, ("129", "EUR", False)),
    ],
)
def test_prices_written_across_elements(
    body: str, options: ExtractionOptions, expected: tuple[str, str, bool]
) -> None:
    assert in_block(body, options) == expected


@pytest.mark.parametrize(
    ("body", "options"),
    [
        # a multi-buy or a count in the amount's line
        ("<p>3 för <b>99</b> kr</p>", SV),
        ("<p>2 kpl <b>10 €</b></p>", FI),
        ("<p>Buy 2 for <b>£30</b></p>", EN),
        # only a price of something else
        ("<p>Toimitus <b>4,90</b> €</p>", FI),
        ("<p>Frakt <b>49</b> kr</p>", SV),
        ("<p>Shipping <b>£4.95</b></p>", EN),
        ("<p>Jämförpris <b>129</b> kr/kg</p>", SV),
        ("<p>Ennen <b>149</b> €</p>", FI),
        # an amount with no currency anywhere in its line
        ("<p>Paino <b>1 200</b> g</p>", FI),
        ("<p><b>129</b></p>", FI),
    ],
)
def test_no_price_from_a_line_about_something_else(body: str, options: ExtractionOptions) -> None:
    assert in_block(body, options) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<td><span>294</span><span> 元 </span></td>", ("294", "TWD", False)),
        ("<div>NT$<span>29</span>元起</div>", ("29", "TWD", True)),
        (
            "<tr><td>建議售價 <del>$420</del> 元</td></tr>"
            "<tr><td>一次付清特價 <b>7</b> 折 <span>294</span><span>元</span></td></tr>"
            "<tr><td>每期 <span>$</span><span>98</span></td></tr>",
            ("294", "TWD", False),
        ),
        ("<p>特價 <b>2320</b> 元</p><p>宅配 <b>80</b> 元</p>", ("2320", "TWD", False)),
        # an instalment, a delivery fee
        ("<td>每期 <span>$</span><span>98</span></td>", None),
        ("<td>宅配 <strong>80</strong> 元</td>", None),
    ],
)
def test_a_taiwanese_shops_lines(body: str, expected: tuple[str, str, bool] | None) -> None:
    assert in_block(body, UNCONFIGURED, TAIWAN) == expected
