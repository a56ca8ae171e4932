"""Social posts: prices and stock phrases in free text, the export shapes we read, product
mentions, and the findings current posts produce (and old posts do not)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from checker.engine import check_run
from checker.linking.linker import link_offers
from checker.linking.mentions import Catalogue
from checker.rule_types.packs import load_rules
from crawler.extraction.post_sources import date_order, read_posts, read_source
from crawler.extraction.posts import availability_mentions, price_mentions
from crawler.items import Post
from rules import RULES_DIR
from tests.factories import offer, stored_run

# text -> [(amount, currency, role), ...] in order
PRICES = [
    (
        "🔥 Kånken 16 L nyt vain 59,90 € 🔥 (ennen 79,90 €)",
        [("59.90", "EUR", "current"), ("79.90", "EUR", "old")],
    ),
    ("Retkikeitin Kompakti nyt 89,00 €, tarjous voimassa 1.–30.11.", [("89.00", "EUR", "current")]),
    ("Uusi Vaellusreppu 40 L Pro on nyt saatavilla! 159,90 €", [("159.90", "EUR", "current")]),
    ("Makuupussi 149 euroa, norm. 179 euroa", [("149", "EUR", "current"), ("179", "EUR", "old")]),
    ("Reput alkaen 39,90 €", [("39.90", "EUR", "from")]),
    ("Kengät 49 € alkaen", [("49", "EUR", "from")]),
    ("Ilmainen toimitus yli 50 € tilauksiin!", [("50", "EUR", "other")]),
    ("Säästä 20 € – nyt 79,90 €", [("20", "EUR", "other"), ("79.90", "EUR", "current")]),
    ("-20 € kaikista repuista 💥", [("20", "EUR", "other")]),
    ("Lahjakortti 50 € kaupan päälle", [("50", "EUR", "other")]),
    (
        "Teltta 1 299,00 € ja makuupussi 2.499,00 €",
        [("1299.00", "EUR", "current"), ("2499.00", "EUR", "current")],
    ),
    ("Kantokassi 59,90e 👜", [("59.90", "EUR", "current")]),
    ("Kånken nu 599:- (ord. pris 799:-)", [("599", "SEK", "current"), ("799", "SEK", "old")]),
    ("Jackor från 499 kr", [("499", "SEK", "from")]),
    (
        "Spara 200 kr på Kånken – nu bara 599 kr",
        [("200", "SEK", "other"), ("599", "SEK", "current")],
    ),
    ("Fri frakt över 499 kr ✨", [("499", "SEK", "other")]),
    ("Pris 1.299 kr", [("1299", "SEK", "current")]),
    ("Sale: €59.90, was €79.90", [("59.90", "EUR", "current"), ("79.90", "EUR", "old")]),
    ("Backpacks from €49", [("49", "EUR", "from")]),
    ("Now only £20 off!", [("20", "GBP", "other")]),
    ("Free shipping on orders over $50", [("50", "USD", "other")]),
    ("Kånken 16 L for 89.95 EUR 🎒", [("89.95", "EUR", "current")]),
    # members' prices, unit and monthly prices, multi-buys and the 30-day lowest price
    (
        "Sovsäck ord. pris 2 499 kr, medlemspris 2 249 kr.",
        [("2499", "SEK", "old"), ("2249", "SEK", "other")],
    ),
    ("Jäsenhinta 54,90 €!", [("54.90", "EUR", "other")]),
    # a members' price named after its amount: the other amount is not left as the price alone
    ("Kuoritakki 89 € jäsenille, muille 99 €", [("89", "EUR", "other"), ("99", "EUR", "other")]),
    (
        "Kånken 699 kr för medlemmar, annars 799 kr",
        [("699", "SEK", "other"), ("799", "SEK", "other")],
    ),
    (
        "Trail Jacket €89 for members, €99 for everyone else",
        [("89", "EUR", "other"), ("99", "EUR", "other")],
    ),
    ("Sohva Lepo vain 49 €/kk!", [("49", "EUR", "other")]),
    ("Only £12.50 per month", [("12.50", "GBP", "other")]),
    ("Kahvipavut: 2 kpl 34 €, kilohinta 17 €.", [("34", "EUR", "other"), ("17", "EUR", "other")]),
    ("Strumpor 3 för 99 kr", [("99", "SEK", "other")]),
    (
        "Moka nyt 59,90 € (alin hinta 30 pv 69,90 €)",
        [("59.90", "EUR", "current"), ("69.90", "EUR", "old")],
    ),
    # the price of two products together is neither one's price
    ("Teltta + Vaellusreppu yhteishintaan 429 € ⛺", [("429", "EUR", "other")]),
    ("Reppu ja teltta – nyt paketti 429 €!", [("429", "EUR", "other")]),
    ("Reppu ja teltta 429 € yhteensä", [("429", "EUR", "other")]),
    ("Tält och ryggsäck tillsammans 3 999 kr", [("3999", "SEK", "other")]),
    ("Tält + ryggsäck, paketpris 3 999 kr", [("3999", "SEK", "other")]),
    ("Tent and backpack bundle price €429", [("429", "EUR", "other")]),
    ("Tent + backpack, €429 for both", [("429", "EUR", "other")]),
    # not prices at all
    ("Kånken 16 L – 40 x 30 x 15 cm, 20 % alennus", []),
    ("Tarjous voimassa 20.–30.11.", []),
    ("Vain 3 kpl jäljellä!", []),
]


@pytest.mark.parametrize(("text", "expected"), PRICES)
def test_price_mentions(text: str, expected: list[tuple[str, str, str]]) -> None:
    found = [(str(p.amount), p.currency, p.role) for p in price_mentions(text, "EUR", "sv_SE")]
    assert found == expected


@pytest.mark.xfail(strict=True, reason="a price written without any currency is not read")
def test_price_without_currency() -> None:
    assert price_mentions("Kånken nyt vain 59,90!", "EUR", "fi_FI")


@pytest.mark.xfail(strict=True, reason='a bare number before "för" reads as a multi-buy count')
def test_name_ending_in_a_number_before_for_is_not_a_multibuy() -> None:
    (mention,) = price_mentions("iPhone 15 för 9 990 kr", "SEK", "sv_SE")
    assert mention.role == "current"


AVAILABILITY = [
    ("Makuupussi Talvi -15 on taas saatavilla! ❄️", ["in_stock"]),
    ("Nyt saatavilla kaikissa myymälöissä", ["in_stock"]),
    ("Kånken on loppuunmyyty 😢", ["out_of_stock"]),
    ("Suosikkireppu myytiin loppuun hetkessä", []),
    ("Åter i lager! 🎉", ["in_stock"]),
    ("Slutsåld på två dagar", ["out_of_stock"]),
    ("Back in stock: Kånken Mini", ["in_stock"]),
    ("Sorry, sold out!", ["out_of_stock"]),
    ("Ennakkotilattavissa nyt", ["preorder"]),
    ("Coming soon 👀", ["preorder"]),
    ("Available in three colours", []),
    ("Saatavilla kolmessa värissä", []),
]


@pytest.mark.parametrize(("text", "expected"), AVAILABILITY)
def test_availability_phrases(text: str, expected: list[str]) -> None:
    assert [a.availability for a in availability_mentions(text)] == expected


DATA = Path(__file__).parent / "data" / "social"
# file -> (posts, first post's text contains, first post's day, first post's url)
SOURCES = [
    ("feed.rss", 2, "Kånken 16 L nyt vain 59,90 €", "2026-11-20", "https://some.example/p/1"),
    ("feed.atom", 1, "Retkikeitin", "2026-11-19", "https://some.example/p/a1"),
    ("graph.json", 2, "Kantokassi Mini", "2026-11-21", "https://facebook.example/retki/posts/1"),
    (
        "instagram_posts_1.json",
        2,
        "taas saatavilla",
        "2026-11-22",
        "https://social.example/export/instagram_posts_1.json",
    ),
    (
        "tweets.js",
        1,
        "Kånken nu 599:-",
        "2026-11-21",
        "https://social.example/export/tweets.js#1860000000000000001",
    ),
    (
        "meta_business_suite.csv",
        2,
        "Vaellusreppu",
        "2026-11-20",
        "https://www.facebook.example/retkiaitta/posts/11",
    ),
    ("buffer.csv", 2, "Retkituoli", "2026-11-18", "https://instagram.example/p/B1"),
    # Instagram Graph API media: the video without a caption is counted, not a post
    (
        "instagram_media.json",
        2,
        "Vaellusreppu 40 L Pro",
        "2026-11-20",
        "https://www.instagram.com/p/C0abc3/",
    ),
    # Facebook Insights' post data: the line explaining the columns is no post
    (
        "facebook_post_data.csv",
        2,
        "Kantokassi 16 L",
        "2026-11-21",
        "https://www.facebook.com/retkiaitta/posts/22",
    ),
    # LinkedIn's export: a line of description above the header
    (
        "linkedin_posts.csv",
        2,
        "Retkituoli Kevyt",
        "2026-11-18",
        "https://www.linkedin.com/feed/update/urn:li:activity:7001/",
    ),
    ("post.html", 1, "Uusi Kantokassi", "2026-11-17", "https://instagram.example/p/og1/"),
]


@pytest.mark.parametrize(("name", "count", "text", "day", "url"), SOURCES)
def test_post_sources(name: str, count: int, text: str, day: str, url: str) -> None:
    posts = list(read_posts((DATA / name).read_bytes(), f"https://social.example/export/{name}"))
    assert len(posts) == count
    assert text in posts[0].text
    assert posts[0].published is not None and posts[0].published.date().isoformat() == day
    assert posts[0].url == url


CATALOGUE = [
    "Vaellusreppu 40 L",
    "Vaellusreppu 40 L Pro",
    "Kantokassi 16 L",
    "Kantokassi Mini 7 L",
    "Makuupussi Talvi -15",
    "Retkikeitin Kompakti",
    "Galaxy Tab S9",
    "Galaxy Tab S9+",
    "Kompaktikamera RX100 VII",
]
# post text -> names of the catalogue products it mentions
MENTIONS = [
    ("Uusi Vaellusreppu 40 L Pro on nyt saatavilla!", ["Vaellusreppu 40 L Pro"]),
    ("Vaellusreppu 40L nyt 119,90 €", ["Vaellusreppu 40 L"]),
    ("Vaellusrepun 40 litran malli nyt tarjouksessa", ["Vaellusreppu 40 L"]),
    ("Kantokassi Mini 7 L ja Kantokassi 16 L", ["Kantokassi Mini 7 L", "Kantokassi 16 L"]),
    ("#kantokassi 16 l 🎒 nyt vain 69,90 €", ["Kantokassi 16 L"]),
    ("Retkikeittimen Kompakti-malli keittää nopeasti", ["Retkikeitin Kompakti"]),
    pytest.param(
        "Retkikeittiö Kompakti tulossa",
        [],
        marks=pytest.mark.xfail(
            strict=True, reason="another word with the same stem reads as an inflected name"
        ),
    ),
    ("Retkikeitin Kompakti 🔥 89 €", ["Retkikeitin Kompakti"]),
    ("Vaellusreppu 40 L Mini tulossa!", []),
    ("Kantokassi 24 L uutuus", []),
    ("Vaellusreppu nyt 99 €", []),
    ("Makuupussi Talvi -15 taas saatavilla", ["Makuupussi Talvi -15"]),
    ("Galaxy Tab S9+ nyt 899 € 📱", ["Galaxy Tab S9+"]),
    ("Galaxy Tab S9 + suojakuori 799 €", ["Galaxy Tab S9"]),
    ("Kompaktikamera RX100 VII 999 €", ["Kompaktikamera RX100 VII"]),
    ("Kompaktikamera RX100 VI 699 €", []),
]


@pytest.mark.parametrize(("text", "expected"), MENTIONS)
def test_product_mentions(text: str, expected: list[str]) -> None:
    offers = [
        {**vars(offer("webshop", name, "10.00")), "id": number}
        for number, name in enumerate(CATALOGUE, 1)
    ]
    catalogue = Catalogue(link_offers(offers), social={"instagram"})
    found = [product.offers[0]["name"] for _, _, product, _, _ in catalogue.find(text)]
    assert found == expected


def post(text: str, days_ago: int, **fields: object) -> Post:
    published = (date.today() - timedelta(days=days_ago)).isoformat() + "T10:00:00+02:00"
    return Post(
        "instagram", f"https://instagram.example/p/{abs(hash(text))}", text, published, **fields
    )  # type: ignore[arg-type]


def findings_of(tmp_path: Path, items: list[object]) -> list[tuple[str, str, list[str]]]:
    store, run_id = stored_run(
        tmp_path / "r.db",
        {"webshop": "webshop", "website": "website", "instagram": "social"},
        items,
    )
    result = check_run(store, run_id, load_rules(["default"], RULES_DIR))
    return sorted(
        (f.kind, f.subject.get("name") or "", sorted(f.channels)) for f in result.findings
    )


SHOP = [
    offer("webshop", "Kantokassi 16 L", "79.90", availability="in_stock", sku="KK16"),
    offer("website", "Kantokassi 16 L", "79.90"),
    offer("webshop", "Makuupussi Talvi -15", "149.00", availability="out_of_stock", sku="MP"),
    offer("webshop", "Kantokassi Mini 7 L", "59.90", availability="in_stock", sku="KM7"),
    offer("website", "Retkituoli Kevyt", "39.90"),
]


def test_last_years_post_with_a_former_price_is_history(tmp_path: Path) -> None:
    old = post("Kantokassi 16 L nyt vain 59,90 €! 🎄", 370)
    assert findings_of(tmp_path, [*SHOP, old]) == []


def test_current_post_with_another_price_is_a_price_mismatch(tmp_path: Path) -> None:
    today = date.today()
    window = {
        "valid_from": (today - timedelta(days=1)).isoformat(),
        "valid_until": (today + timedelta(days=5)).isoformat(),
    }
    current = post("🎒 Kantokassi 16 L nyt vain 69,90 € (norm. 79,90 €) ✨", 1, **window)
    assert findings_of(tmp_path, [*SHOP, current]) == [
        ("price_mismatch", "Kantokassi 16 L", ["instagram", "webshop", "website"])
    ]


def test_campaign_post_past_recency_but_inside_its_window_still_counts(tmp_path: Path) -> None:
    today = date.today()
    window = {
        "valid_from": (today - timedelta(days=30)).isoformat(),
        "valid_until": (today + timedelta(days=5)).isoformat(),
    }
    current = post("Kantokassi 16 L nyt 69,90 €", 30, **window)
    assert [f[0] for f in findings_of(tmp_path, [*SHOP, current])] == ["price_mismatch"]


def test_post_saying_available_while_the_webshop_is_sold_out(tmp_path: Path) -> None:
    current = post("❄️ Makuupussi Talvi -15 on taas saatavilla!", 2)
    assert findings_of(tmp_path, [*SHOP, current]) == [
        ("availability_mismatch", "Makuupussi Talvi -15", ["instagram", "webshop"])
    ]


def test_promoted_product_the_webshop_does_not_sell(tmp_path: Path) -> None:
    current = post("Uutuus: Retkituoli Kevyt 39,90 € 🏕️", 3)
    [finding] = findings_of(tmp_path, [*SHOP, current])
    assert finding == (
        "missing_in_channel",
        "Retkituoli Kevyt",
        ["instagram", "webshop", "website"],
    )


def test_recent_post_of_an_ended_campaign_is_stale(tmp_path: Path) -> None:
    today = date.today()
    window = {
        "valid_from": (today - timedelta(days=9)).isoformat(),
        "valid_until": (today - timedelta(days=2)).isoformat(),
        "campaign": "voimassa 14.–21.11.",
    }
    ended = post("Kantokassi Mini 7 L vain 49,90 €! Tarjous voimassa 14.–21.11.", 9, **window)
    assert findings_of(tmp_path, [*SHOP, ended]) == [
        ("stale_campaign", "Kantokassi Mini 7 L", ["instagram", "webshop"])
    ]
    extended = post("Kantokassi Mini 7 L vain 59,90 €! Tarjous voimassa 14.–21.11.", 9, **window)
    (tmp_path / "extended").mkdir()
    assert findings_of(tmp_path / "extended", [*SHOP, extended]) == []


def test_webshop_campaign_price_after_price_valid_until(tmp_path: Path) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    expired = offer(
        "webshop",
        "Retkikeitin Kompakti",
        "89.00",
        regular_price=Decimal("99.90"),
        price_valid_until=yesterday,
    )
    not_discounted = offer("webshop", "Teltta", "199.00", price_valid_until=yesterday)
    assert findings_of(tmp_path, [expired, not_discounted]) == [
        ("stale_campaign", "Retkikeitin Kompakti", ["webshop"])
    ]


def test_post_mentions_show_in_the_finding_json(tmp_path: Path) -> None:
    current = post("🎒 Kantokassi 16 L nyt vain 69,90 €", 1)
    store, run_id = stored_run(
        tmp_path / "r.db", {"webshop": "webshop", "instagram": "social"}, [SHOP[0], current]
    )
    [finding] = check_run(store, run_id, load_rules(["default"], RULES_DIR)).findings
    social = json.loads(json.dumps(finding.to_dict(), default=str))["channels"]["instagram"]
    assert social["value"] == "69.90 EUR"
    assert social["source"] == "post"
    assert social["link"]["method"] == "mention"
    assert "69,90 €" in social["evidence"]


def test_two_markets_of_one_retailer_are_not_compared(tmp_path: Path) -> None:
    """Sold out in the SEK shop while in stock in the EUR shop is no contradiction, and a product
    promoted to Swedish customers need not be sold in the Finnish shop."""
    channels = {
        "shop-fi": "webshop",
        "shop-se": "webshop",
        "instagram-se": "social",
        "instagram-fi": "social",
    }
    items = [
        offer("shop-fi", "Kånken 16 L", "89.95", availability="in_stock", sku="K16"),
        offer("shop-se", "Kånken 16 L", "1099", currency="SEK", availability="out_of_stock"),
        offer("shop-se", "Campingstol Fjäll", "699", currency="SEK", availability="in_stock"),
        offer("shop-fi", "Retkituoli Kevyt", "39.90", availability="in_stock"),
    ]
    published = (date.today() - timedelta(days=1)).isoformat() + "T10:00:00+01:00"
    posts = [
        Post(
            "instagram-se",
            "https://i.example/1",
            "Kånken 16 L är slutsåld 😢",
            published,
            currency="SEK",
        ),  # fmt: skip
        Post(
            "instagram-se",
            "https://i.example/2",
            "Nyhet! Campingstol Fjäll 699 kr",
            published,
            currency="SEK",
        ),  # fmt: skip
        Post(
            "instagram-fi",
            "https://i.example/3",
            "Retkituoli Kevyt 39,90 € 🏕️",
            published,
            currency="EUR",
        ),  # fmt: skip
    ]
    store, run_id = stored_run(tmp_path / "r.db", channels, [*items, *posts])
    result = check_run(store, run_id, load_rules(["default"], RULES_DIR))
    assert [(f.kind, sorted(f.channels)) for f in result.findings] == []


def test_one_market_still_compares_its_own_channels(tmp_path: Path) -> None:
    channels = {"shop-fi": "webshop", "shop-se": "webshop", "feed-se": "feed"}
    items = [
        offer("shop-fi", "Kånken 16 L", "89.95", availability="in_stock", sku="K16"),
        offer("shop-se", "Kånken 16 L", "1099", currency="SEK", availability="out_of_stock"),
        offer("feed-se", "Kånken 16 L", "1099", currency="SEK", availability="in_stock"),
    ]
    store, run_id = stored_run(tmp_path / "r.db", channels, items)
    result = check_run(store, run_id, load_rules(["default"], RULES_DIR))
    assert [(f.kind, sorted(f.channels)) for f in result.findings] == [
        ("availability_mismatch", ["feed-se", "shop-se"])
    ]


# A price or stock phrase after a product's name that is for something made for the product
# (an accessory, a spare part) is not the product's own: none of these is a finding.
FOR_ANOTHER = [
    "Sadesuoja Kantokassi 16 L:lle nyt 19,90 € 🌧️",
    "Kantokassi 16 L:iin sopiva sadesuoja vain 19,90 €!",
    "Kantokassiin 16 L sopiva sadesuoja 19,90 €",
    "Kantokassi 16 L 79,90 € – ja siihen sopivat lisävarusteet alk. 9,90 €",
    "Kantokassi 16 L 79,90 €. Spare straps €4.90.",
    "Till Kantokassi 16 L: regnskydd som passar, 199 kr",
    "Makuupussi Talvi -15: sopiva tyynypussi taas saatavilla!",
]


@pytest.mark.parametrize("text", FOR_ANOTHER)
def test_an_accessorys_price_is_not_the_products(tmp_path: Path, text: str) -> None:
    assert findings_of(tmp_path, [*SHOP, post(text, 1)]) == []


def test_the_products_own_price_after_its_name_still_counts(tmp_path: Path) -> None:
    found = findings_of(tmp_path, [*SHOP, post("Kantokassi 16 L:n hinta nyt 69,90 € 🎒", 1)])
    assert found == [("price_mismatch", "Kantokassi 16 L", ["instagram", "webshop", "website"])]


def test_month_first_exports_read_their_ambiguous_dates_month_first() -> None:
    facebook = read_source((DATA / "facebook_post_data.csv").read_bytes(), "https://x.example/")
    linkedin = read_source((DATA / "linkedin_posts.csv").read_bytes(), "https://x.example/")
    days = [p.published.date().isoformat() for p in facebook.posts + linkedin.posts if p.published]
    assert days == ["2026-11-21", "2026-11-05", "2026-11-18", "2026-11-03"]
    assert dict(facebook.skipped) == {"posts without text": 1}


@pytest.mark.parametrize(
    ("values", "default", "order"),
    [
        (["05.11.2026", "20.11.2026"], "MDY", "DMY"),
        (["11/05/2026", "11/20/2026"], "DMY", "MDY"),
        (["05.11.2026", "03.11.2026"], "DMY", "DMY"),
        (["11/05/2026 09:00"], "MDY", "MDY"),
        (["2026-11-05", "Lifetime"], "DMY", "DMY"),
        ([], "MDY", "MDY"),
    ],
)
def test_a_date_column_says_its_own_order(values: list, default: str, order: str) -> None:
    assert date_order(values, default) == order


@pytest.mark.parametrize(
    ("name", "body", "problem"),
    [
        (
            "no_text_column.csv",
            (DATA / "no_text_column.csv").read_bytes(),
            "no post text column in the export (expected one of message, text, full_text,",
        ),
        ("broken.json", b'{"data": [{"caption": "x"', "not JSON: "),
        ("likes.json", b'{"data": [{"id": "1", "like_count": 3}]}', "no posts in the JSON"),
        ("empty.xml", b"<rss><channel><title>x</title></channel></rss>", "no entries in the feed"),
        ("login.html", b"<!doctype html><html><body>Log in</body></html>", "no post on the page"),
    ],
)
def test_an_export_that_cannot_be_read_says_why(name: str, body: bytes, problem: str) -> None:
    source = read_source(body, f"https://x.example/{name}")
    assert source.posts == []
    assert source.problem is not None and source.problem.startswith(problem)
