"""Signs several markets write ("kr", "$", "元", "¥") read as the currency of the page's market:
the currency the page declares or the channel is configured with, the channel's locale, the
page's own language and region, the country of its domain; and signs price-parser does not know
("294 元", "1 299:-") read as well as those it does."""

from __future__ import annotations

import pytest

from crawler.extraction import ExtractionOptions, extract_page
from crawler.extraction.market import domain_country
from crawler.extraction.prices import currency_code, parse_price, territories

UNCONFIGURED = ExtractionOptions(channel="webshop")


@pytest.mark.parametrize(
    ("symbol", "locale", "preferred", "code"),
    [
        # the channel's or the page's locale: its country, else where its language is spoken
        ("kr", "sv_SE", None, "SEK"),
        ("kr", "nb_NO", None, "NOK"),
        ("kr", "nn", None, "NOK"),
        ("kr", "da", None, "DKK"),
        ("kr.", "da_DK", None, "DKK"),
        ("kr", "is_IS", None, "ISK"),
        ("kr", "en_NO", None, "NOK"),
        ("kr", "und_DK", None, "DKK"),
        (":-", "sv_SE", None, "SEK"),
        ("kr", "fi_FI", None, "SEK"),  # no crowns in Finland: the sign's first currency
        ("kr", None, None, "SEK"),
        ("元", "zh_TW", None, "TWD"),
        ("元", "zh-TW", None, "TWD"),
        ("元", "und_TW", None, "TWD"),
        ("圓", "zh_Hant_TW", None, "TWD"),
        ("元", "zh_CN", None, "CNY"),
        ("元", "zh", None, "CNY"),
        ("元", "zh_HK", None, "HKD"),
        ("元", None, None, "CNY"),
        ("¥", "ja_JP", None, "JPY"),
        ("¥", "zh_CN", None, "CNY"),
        ("￥", "zh", None, "CNY"),
        ("$", "en_US", None, "USD"),
        ("$", "en_CA", None, "CAD"),
        ("$", "es_AR", None, "ARS"),
        ("$", "und_TW", None, "TWD"),
        ("$", "fi_FI", None, "USD"),
        ("$", None, None, "USD"),
        # the currency the page declares (or the channel is configured with) decides first
        ("kr", "sv_SE", "NOK", "NOK"),
        ("kr", None, "DKK", "DKK"),
        ("元", "zh_CN", "TWD", "TWD"),
        ("$", "en_US", "CAD", "CAD"),
        ("kr", "sv_SE", "EUR", "SEK"),  # a declared currency the sign cannot mean is no answer
        # signs of one currency wherever they are written
        ("円", "zh_TW", None, "JPY"),
        ("원", None, None, "KRW"),
        ("NT$", "zh_CN", None, "TWD"),
        ("新台幣", None, None, "TWD"),
        ("人民币", None, None, "CNY"),
        ("RUR", None, None, "RUB"),
        ("€", "sv_SE", "SEK", "EUR"),
    ],
)
def test_a_sign_means_its_markets_currency(
    symbol: str, locale: str | None, preferred: str | None, code: str
) -> None:
    assert currency_code(symbol, locale, preferred) == code


@pytest.mark.parametrize(
    ("locale", "countries"),
    [
        ("sv_FI", ("FI", "SE")),
        ("zh-Hant-TW", ("TW", "CN")),
        ("nb", ("NO",)),
        ("und_TW", ("TW",)),
        ("", ()),
        (None, ()),
    ],
)
def test_a_locale_points_to_its_country_then_its_languages(
    locale: str | None, countries: tuple[str, ...]
) -> None:
    assert territories(locale) == countries


@pytest.mark.parametrize(
    ("text", "locale", "amount", "currency"),
    [
        ("294 元", "zh_TW", "294", "TWD"),
        ("294元", "und_TW", "294", "TWD"),
        ("2 320 圓", "zh_TW", "2320", "TWD"),
        ("NT$1,299", None, "1299", "TWD"),
        ("1 299 新台幣", None, "1299", "TWD"),
        ("99 元", "zh_CN", "99", "CNY"),
        ("3 000 円", None, "3000", "JPY"),
        ("15 000 원", None, "15000", "KRW"),
        ("1 299:-", "sv_SE", "1299", "SEK"),
        ("499 kr", "nb_NO", "499", "NOK"),
        ("$3.499", "es_AR", "3499", "ARS"),
    ],
)
def test_signs_price_parser_does_not_know_are_read(
    text: str, locale: str | None, amount: str, currency: str
) -> None:
    money = parse_price(text, None, locale)
    assert money is not None
    assert (str(money.amount), money.currency) == (amount, currency)


@pytest.mark.parametrize(
    ("url", "country"),
    [
        ("https://www.pcstore.com.tw/p/1.htm", "TW"),
        ("https://kauppa.example.fi/t", "FI"),
        ("https://www.argos.co.uk/product/1", "GB"),
        ("https://butik.example.se/", "SE"),
        ("https://www.example.com/", None),
        ("https://shop.example.co/", None),  # .co is used everywhere, not only in Colombia
        ("https://www.example.nu/", None),
        ("https://127.0.0.1:8080/", None),
        ("not a url", None),
    ],
)
def test_a_country_code_domain_names_its_country(url: str, country: str | None) -> None:
    assert domain_country(url) == country


def page(body: str, lang: str | None = None, head: str = "") -> str:
    language = f' lang="{lang}"' if lang else ""
    return (
        f"<html{language}><head><title>Retkikeitin | Kauppa</title>{head}</head>"
        f'<body><main><div class="product"><h1>Retkikeitin</h1>{body}</div></main></body></html>'
    )


def read(html: str, url: str, options: ExtractionOptions = UNCONFIGURED) -> list[tuple[str, str]]:
    offers = extract_page(html, url, options).offers
    return [(str(offer.price), str(offer.currency)) for offer in offers if offer.price]


KR = '<span class="pris">499 kr</span>'
YUAN = '<span class="price">294 元</span>'


@pytest.mark.parametrize(
    ("url", "lang", "body", "expected"),
    [
        # the page's language and region
        ("https://example.com/p", "nb-NO", KR, ("499", "NOK")),
        ("https://example.com/p", "da", KR, ("499", "DKK")),
        ("https://example.com/p", "sv", KR, ("499", "SEK")),
        # the domain's country when the page names none
        ("https://butikk.example.no/p", None, KR, ("499", "NOK")),
        ("https://butik.example.dk/p", "en", '<span class="pris">499 kr.</span>', ("499", "DKK")),
        # the amount-then-currency-word shape, read as "129 kr" is
        ("https://www.example.com.tw/p", None, YUAN, ("294", "TWD")),
        ("https://www.example.com/p", "zh-TW", YUAN, ("294", "TWD")),
        ("https://www.example.cn/p", "zh", YUAN, ("294", "CNY")),
        ("https://www.example.com.tw/p", None, "<p>Hinta 294 元</p>", ("294", "TWD")),
        ("https://www.example.jp/p", "ja", '<span class="price">3 000 円</span>', ("3000", "JPY")),
        # the currency the page declares decides over its domain
        (
            "https://butik.example.se/p",
            "sv",
            KR + '<meta itemprop="priceCurrency" content="DKK">',
            ("499", "DKK"),
        ),
    ],
)
def test_a_page_without_configured_locale_reads_signs_in_its_own_market(
    url: str, lang: str | None, body: str, expected: tuple[str, str]
) -> None:
    assert read(page(body, lang), url) == [expected]


def test_og_locale_tells_the_market_of_a_page_without_lang() -> None:
    html = page(KR, head='<meta property="og:locale" content="nb_NO">')
    assert read(html, "https://example.com/p") == [("499", "NOK")]


def test_the_configured_locale_decides_over_the_pages_market() -> None:
    options = ExtractionOptions(channel="webshop", locale="nb_NO")
    assert read(page(KR, "sv"), "https://butik.example.se/p", options) == [("499", "NOK")]
