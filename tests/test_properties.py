"""Property-based tests: thousands of mutated pages and price strings through extraction.

Whatever the markup or the string, extraction returns; it never raises, and every price it
produces is a positive, plausible Decimal with an ISO currency code. Seeds are real: product
pages in Finnish, Swedish and English written here, windows of the shared corpus's real shop
pages, and price-parser's collection of real price strings (when the corpus is present).
"""

from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extraction import ExtractionOptions, extract_page, require_currency
from crawler.extraction.prices import MAX_PRICE, parse_price, to_decimal
from tests.conftest import CORPUS

ISO = re.compile(r"^[A-Z]{3}$")
SEED_PAGES = [
    # JSON-LD with a struck-through regular price (fi)
    """<html lang="fi"><head><meta charset="utf-8"><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "Product", "name": "Vaellusreppu 40 L",
     "sku": "VR-40", "gtin13": "6412345678901", "offers": {"@type": "Offer", "price": "129.90",
     "priceCurrency": "EUR", "availability": "https://schema.org/InStock",
     "priceSpecification": {"@type": "UnitPriceSpecification", "priceType":
     "https://schema.org/StrikethroughPrice", "price": "149.90", "priceCurrency": "EUR"}}}
    </script></head><body><h1>Vaellusreppu 40 L</h1><p class="hinta">129,90 €
    <del>149,90 €</del></p><p>Toimitus 4,90 €. Ilmainen toimitus yli 50 € tilauksiin.</p>
    </body></html>""",
    # microdata, Swedish crowns, from-price
    """<html lang="sv"><body><div itemscope itemtype="https://schema.org/Product">
    <h1 itemprop="name">Sovsäck Vinter</h1><span itemprop="sku">SV-2</span>
    <div itemprop="offers" itemscope itemtype="https://schema.org/AggregateOffer">
    <span itemprop="lowPrice" content="1299">Pris från 1 299:-</span>
    <meta itemprop="highPrice" content="1799"><meta itemprop="priceCurrency" content="SEK">
    </div></div><p>Fri frakt över 499 kr. 30 dagars öppet köp.</p></body></html>""",
    # OpenGraph product, English
    """<html lang="en"><head><meta property="og:type" content="product">
    <meta property="og:title" content="Camping Stove">
    <meta property="product:price:amount" content="49.00">
    <meta property="product:price:currency" content="GBP">
    <meta property="product:availability" content="out of stock"></head>
    <body><h1>Camping Stove</h1><p>£49.00 — was £59.00</p></body></html>""",
    # no markup at all: one heading, one price in text (fi)
    """<html><body><main><div><h1>Kantokassi 16 L</h1><p>Hinta 24,90 €</p>
    <p>Nouda myymälästä samana päivänä.</p></div></main>
    <footer>Palautusoikeus 30 päivää</footer></body></html>""",
    # declared in the wrong charset, numbers everywhere (sv)
    """<html><head><meta charset="iso-8859-1"></head><body><h1>Tält 2 pers</h1>
    <span class="price">2 499 kr</span><span>Jämförpris 12,50 kr/kg</span>
    <p>Leverans 1–3 vardagar, 49 kr</p></body></html>""",
]
TOKENS = [
    b"<",
    b">",
    b'"',
    b"}",
    b"{",
    b"</script>",
    b"<script type='application/ld+json'>",
    b"-",
    b"0",
    b"-0",
    b"1e400",
    b"1e-400",
    b"NaN",
    b"Infinity",
    b"99999999999999999999999999",
    b"0,00",
    b"1.2.3",
    b"\xe2\x88\x925",  # U+2212 minus sign, 5
    b"\xff\xfe",
    b"\x00",
    b"&#0;",
    b"&#x110000;",
    b"\xe2\x82\xac",  # €
    b" kr",
    b":-",
    b'"priceCurrency": "XX"',
    b'"price": -1',
    b'"price": null',
    b'"price": [1, 2]',
    b'"price": {"a": 1}',
]
PRICE_SEEDS = [
    "129,90 €",
    "1 299,00 €",
    "alk. 19,90 €",
    "Pris från 172 kr",
    "1 299:-",
    "7 990 kr",
    "1.890,00 DKK",
    "$1,299.99",
    "£49",
    "EUR 84.10",
    "0,00 €",
    "-5 €",
    "ilmainen",
]


@cache
def corpus_windows() -> list[bytes]:
    """8 kB windows of real shop pages around where they state a price (empty without corpus)."""
    windows: list[bytes] = []
    for path in sorted((CORPUS / "product-pages").glob("*.html.gz"))[:40]:
        body = gzip.decompress(path.read_bytes())
        found = re.search(rb"ld\+json|itemprop=.price|product:price|class=.[a-z-]*price", body)
        start = max(0, found.start() - 2000) if found else 0
        windows.append(body[start : start + 8000])
    return windows


@cache
def corpus_prices() -> list[str]:
    path = CORPUS / "price-strings.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [row["raw"] for row in rows if isinstance(row["raw"], str)]


def mutate(data: bytes, operations: list[tuple[int, int, int]], alphabet: list[bytes]) -> bytes:
    """Apply (kind, position, argument) edits: insert a token, delete, truncate, duplicate."""
    for kind, position, argument in operations:
        at = position % (len(data) + 1)
        if kind == 0:
            data = data[:at] + alphabet[argument % len(alphabet)] + data[at:]
        elif kind == 1:
            data = data[:at] + data[at + argument % 64 :]
        elif kind == 2:
            data = data[:at]
        else:
            data = data[:at] + data[at : at + argument % 256] * 2 + data[at:]
    return data


def numbers_replaced(data: bytes, replacement: bytes, every: int) -> bytes:
    """Each ``every``-th run of digits replaced, where prices live."""
    count = 0

    def swap(match: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        return replacement if count % every == 0 else match.group(0)

    return re.sub(rb"\d+(?:[.,]\d+)?", swap, data)


operations = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 100_000), st.integers(0, 10_000)), max_size=6
)
options = st.builds(
    ExtractionOptions,
    channel=st.just("shop"),
    currency=st.sampled_from([None, "EUR", "SEK"]),
    locale=st.sampled_from([None, "fi_FI", "sv_SE", "en_GB"]),
    selectors=st.sampled_from([{}, {"price": ".price, .hinta", "name": "h1"}]),
)


def assert_prices_are_money(result_offers: list, problems: list[str]) -> None:
    """What extraction gives is positive and plausible; what the crawl keeps has a currency."""
    for offer in result_offers:
        for amount in (offer.price, offer.regular_price):
            if amount is not None:
                assert isinstance(amount, Decimal) and amount.is_finite()
                assert Decimal(0) < amount < MAX_PRICE
    require_currency(result_offers, problems)
    for offer in result_offers:
        if offer.price is not None:
            assert offer.currency is not None and ISO.match(offer.currency), offer.currency


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=operations, number=st.sampled_from(TOKENS), every=st.integers(1, 4), reading=options)
def test_mutated_pages_never_raise_and_prices_are_positive_money(
    edits: list, number: bytes, every: int, reading: ExtractionOptions
) -> None:
    """400 examples × every seed page: 2,000 mutated pages per run."""
    for seed in SEED_PAGES:
        html = mutate(numbers_replaced(seed.encode("utf-8"), number, every), edits, TOKENS)
        result = extract_page(html, "https://kauppa.example.fi/tuote", reading)
        assert_prices_are_money(result.offers, result.problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 10_000), edits=operations, reading=options)
def test_mutated_real_shop_pages_never_raise(
    index: int, edits: list, reading: ExtractionOptions
) -> None:
    windows = corpus_windows() or [page.encode("utf-8") for page in SEED_PAGES]
    html = mutate(windows[index % len(windows)], edits, TOKENS)
    result = extract_page(html, "https://shop.example.com/p/1", reading)
    assert_prices_are_money(result.offers, result.problems)


@settings(max_examples=800, deadline=None)
@given(
    index=st.integers(0, 100_000),
    edits=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 100), st.integers(0, 100)), max_size=4
    ),
    default=st.sampled_from([None, "EUR", "SEK"]),
    locale=st.sampled_from([None, "fi_FI", "sv_SE", "en_GB", "nb_NO"]),
)
def test_mutated_price_strings_give_positive_amounts_or_nothing(
    index: int, edits: list, default: str | None, locale: str | None
) -> None:
    """800 examples × 5 neighbouring seed strings: 4,000 mutated price strings per run."""
    seeds = PRICE_SEEDS + corpus_prices()
    for offset in range(5):
        raw = seeds[(index + offset) % len(seeds)]
        text = mutate(raw.encode("utf-8"), edits, TOKENS).decode("utf-8", errors="replace")
        money = parse_price(text, default, locale)
        if money is not None:
            assert isinstance(money.amount, Decimal) and Decimal(0) < money.amount < MAX_PRICE
            assert money.currency is None or ISO.match(money.currency), money.currency
            assert default is None or money.currency is not None


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(), st.decimals(), st.none()))
def test_to_decimal_gives_a_finite_decimal_or_nothing(value: object) -> None:
    amount = to_decimal(value)
    assert amount is None or (isinstance(amount, Decimal) and amount.is_finite())
