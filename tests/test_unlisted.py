"""A product a current post promotes by name that no channel lists: the names read from a post's
shape, and the findings they give — with the traps that must give none (a category, a brand
alone, a product the webshop sells under a slightly different name), in Finnish, Swedish and
English.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from checker.engine import check_run
from checker.linking.unlisted import named_products
from checker.rule_types.packs import load_rules
from crawler.items import Post
from rules import RULES_DIR
from tests.factories import offer, stored_run

# post text -> the product names its shape gives, in order
NAMES = [
    # fi
    ("Uutuus: Retkituoli Kevyt 39,90 € – kevyt ja tukeva tuoli nuotiolle 🏕️", ["Retkituoli Kevyt"]),
    ("Uutuus: Retkituoli Kevyt – kevyt ja tukeva tuoli nuotiolle", ["Retkituoli Kevyt"]),
    ("Retkikeitin Kompakti nyt 89,00 €, tarjous voimassa 1.–30.11.", ["Retkikeitin Kompakti"]),
    ("🎒 Kantokassi 16 L nyt vain 69,90 € (norm. 79,90 €)", ["Kantokassi 16 L"]),
    ("Uusi Vaellusreppu 40 L Pro on nyt saatavilla! 159,90 €", ["Vaellusreppu 40 L Pro"]),
    ("Makuupussi Talvi -15 on taas saatavilla!", ["Makuupussi Talvi -15"]),
    ("Teltta Vaellus 2 299 € ja Makuupussi Talvi 149 €", ["Teltta Vaellus", "Makuupussi Talvi"]),
    ("Teltta, Retkituoli Kevyt 39 €", ["Retkituoli Kevyt"]),
    ("Retkituolin Kevyt hinta nyt 39,90 €", ["Retkituolin Kevyt"]),
    ("Otsalamppu X400: 49,90 €", ["Otsalamppu X400"]),
    ("Vaellusreppu 40 litraa nyt 119 €", ["Vaellusreppu 40 litraa"]),
    ("Makuupussit nyt vain 49 €", []),  # a category: one word
    ("Kaikki makuupussit -20 %", []),
    ("Makuupussit alkaen 49 €", []),  # a from-price: a range
    ("Ilmainen toimitus yli 50 € tilauksiin!", []),
    ("Fjällräven nyt 59 €", []),  # a brand alone
    ("Fjällräven Outlet nyt 29 €", []),
    ("Sadesuoja Kantokassi 16 L:lle nyt 19,90 €", []),  # for another product
    ("Kantokassi 16 L:iin sopiva sadesuoja vain 19,90 €!", []),
    ("Black Friday: kaikki -30 %", []),
    ("Jäsenhinta 54,90 €!", []),
    ("#retkituoli 39,90 €", []),
    ("Lahjakortti 50 € kaupan päälle", []),
    ("Uutuus: Talvimallisto on täällä", []),
    # sv
    ("Nyhet! Campingstol Fjäll 699 kr", ["Campingstol Fjäll"]),
    ("Campingstol Fjäll finns nu i butik", ["Campingstol Fjäll"]),
    ("Sovsäck Vinter -10 nu bara 1 299 kr", ["Sovsäck Vinter -10"]),
    ("Ryggsäck 40 l för 899 kr", ["Ryggsäck 40 l"]),
    ("Alla sovsäckar nu 499 kr", []),
    ("Jackor från 499 kr", []),
    ("Höstens Kollektion nu 499 kr", []),
    ("Fri frakt över 499 kr ✨", []),
    ("Sovsäck ord. pris 2 499 kr, medlemspris 2 249 kr.", []),
    ("Strumpor 3 för 99 kr", []),
    # en
    ("New: Trail Chair Light", ["Trail Chair Light"]),
    ("Trail Chair Light – now only €39.90!", ["Trail Chair Light"]),
    ("Headlamp X400 back in stock", ["Headlamp X400"]),
    ("Backpacks from €49", []),
    ("Free shipping on orders over $50", []),
    ("Lantern 49,90 €. Spare Bulbs €4.90.", []),
    ("Black Friday Deals now €19", []),
    ("Trail Jacket €89 for members, €99 for everyone else", []),
]


@pytest.mark.parametrize(("text", "names"), NAMES)
def test_the_names_a_posts_shape_gives(text: str, names: list[str]) -> None:
    assert [text[start:end] for start, end in named_products(text)] == names


# What the webshop sells: Finnish, Swedish and English names, one brand.
WEBSHOP = [
    offer("webshop", "Vaellusreppu 40 L", "119.00"),
    offer("webshop", "Makuupussi Talvi -15", "149.00"),
    offer("webshop", "Retkikeitin Kompakti", "89.00"),
    offer("webshop", "Kevyt untuvatakki", "199.00"),
    offer("webshop", "Campingstol Fjäll", "69.90"),
    offer("webshop", "Ryggsäck 40 L", "89.90"),
    offer("webshop", "Down Sleeping Bag -10", "179.00"),
    offer("webshop", "Trail Chair Light", "39.90"),
    offer("webshop", "Kånken 16 L", "89.95", brand="Fjällräven"),
]

# post -> the product reported as promoted but not sold (None: nothing reported)
PROMOTED = [
    # a product no channel lists
    ("Uutuus: Retkituoli Kevyt 39,90 € 🏕️", "Retkituoli Kevyt"),
    ("Nyhet: Sovsäck Sommar +5 nu 799 kr", "Sovsäck Sommar +5"),
    ("Introducing: Trail Tent Duo – now €249", "Trail Tent Duo"),
    ("Fjällräven Greenland Jacket nyt 199 €", "Fjällräven Greenland Jacket"),
    # a look-alike the linking guards keep apart: another product
    ("Uusi Vaellusreppu 40 L Pro on nyt saatavilla!", "Vaellusreppu 40 L Pro"),
    ("Ryggsäck 50 L för 99 €", "Ryggsäck 50 L"),
    # traps: a category
    ("Makuupussit nyt vain 49 €", None),
    ("Alla sovsäckar nu 499 kr", None),
    ("Sleeping Bags now only €49", None),
    ("Höstens Kollektion nu 49 €", None),
    ("Black Friday Deals now €19", None),
    ("Reput alkaen 39,90 €", None),
    # traps: a brand alone, or a brand and a product it sells
    ("Fjällräven nyt 59 €", None),
    ("Fjällräven Reput nyt 59 €", None),
    ("Fjällräven Kånken nyt 89,95 €", None),
    # traps: what the webshop sells, under a slightly different name
    ("Retkikeittimen Kompakti hinta nyt 89 €", None),  # inflected
    ("Kompakti Retkikeitin nyt 89 €", None),  # another order
    ("Retkikeitin Kompaktti nyt 89 €", None),  # a typo
    ("Vaellusreppu 40 litraa nyt 119 €", None),  # the size spelt out
    ("Tänään Makuupussi Talvi -15 vain 149 €", None),  # a word more
    ("Campingstolen Fjäll nu 69,90 €", None),  # sv definite form
    ("Ryggsäck 40 liter för 89,90 €", None),
    ("Kånken 16 liter nu 89,95 €", None),
    ("Trail Chair Lite – now €39.90", None),  # lite = light
    ("Light Trail Chair now €39.90", None),
    ("Trail Chairs now €39.90", None),  # a plural, without the qualifier the shop's name has
    ("Retki-keitin Kompakti nyt 89 €", None),  # a hyphen in the compound
]


def post(text: str, days_ago: int = 1, channel: str = "instagram", **fields: object) -> Post:
    published = (date.today() - timedelta(days=days_ago)).isoformat() + "T10:00:00+02:00"
    url = f"https://{channel}.example/p/{abs(hash(text))}"
    return Post(channel, url, text, published, **fields)  # type: ignore[arg-type]


def promoted(tmp_path: Path, items: list[object], **run: object) -> list[dict]:
    """The promoted_product_missing findings of a run of a webshop and an Instagram channel."""
    channels = run.pop("channels", {"webshop": "webshop", "instagram": "social"})
    store, run_id = stored_run(tmp_path / "r.db", channels, items, **run)  # type: ignore[arg-type]
    findings = check_run(store, run_id, load_rules(["default"], RULES_DIR)).findings
    return [f.to_dict() for f in findings if f.rule == "promoted-product-missing"]


@pytest.mark.parametrize(("text", "name"), PROMOTED)
def test_a_promoted_product_no_channel_lists(tmp_path: Path, text: str, name: str | None) -> None:
    found = promoted(tmp_path, [*WEBSHOP, post(text)])
    if name is None:
        assert found == []
        return
    [finding] = found
    assert finding["subject"]["name"] == name
    assert finding["kind"] == "missing_in_channel"
    assert sorted(finding["channels"]) == ["instagram", "webshop"]
    social = finding["channels"]["instagram"]
    assert social["value"] == "promoted" and name in social["evidence"]
    assert finding["channels"]["webshop"] == {
        "url": None,
        "value": "missing",
        "evidence": f"not among the {len(WEBSHOP)} products read from webshop",
    }
    assert finding["message"] == (
        f"{name} is promoted on instagram but not sold on webshop; no channel lists it"
    )


def test_only_a_complete_webshop_that_gave_products_is_reported(tmp_path: Path) -> None:
    text = "Uutuus: Retkituoli Kevyt 39,90 €"
    cut = promoted(tmp_path, [*WEBSHOP, post(text)], pages={"webshop": (3, 5)})
    assert cut == []  # 3 of 8 pages: not seeing a product is no evidence it is not sold
    (tmp_path / "empty").mkdir()
    assert promoted(tmp_path / "empty", [post(text)]) == []  # no product read at all
    (tmp_path / "whole").mkdir()
    assert len(promoted(tmp_path / "whole", [*WEBSHOP, post(text)])) == 1


def test_an_old_post_or_a_post_to_another_market_is_not_reported(tmp_path: Path) -> None:
    assert promoted(tmp_path, [*WEBSHOP, post("Uutuus: Retkituoli Kevyt 39,90 €", 400)]) == []
    (tmp_path / "se").mkdir()
    swedish = post("Nyhet: Campingstol Björk 699 kr", currency="SEK")
    assert promoted(tmp_path / "se", [*WEBSHOP, swedish], markets=None) == []


def test_a_product_another_channel_lists_is_reported_once(tmp_path: Path) -> None:
    """The feed knows the chair: the post's mention of it is the finding, not a second one."""
    feed = offer("feed", "Retkituoli Kevyt", "39.90")
    channels = {"webshop": "webshop", "feed": "feed", "instagram": "social"}
    found = promoted(
        tmp_path, [*WEBSHOP, feed, post("Uutuus: Retkituoli Kevyt 39,90 €")], channels=channels
    )
    [finding] = found
    assert sorted(finding["channels"]) == ["feed", "instagram", "webshop"]
    assert finding["subject"]["product"]  # linked to the feed's product


def test_one_finding_per_product_from_its_latest_post(tmp_path: Path) -> None:
    posts = [post("Uutuus: Retkituoli Kevyt 39,90 €", 5), post("Retkituoli Kevyt nyt 34,90 €", 2)]
    [finding] = promoted(tmp_path, [*WEBSHOP, *posts])
    assert "34,90" in finding["channels"]["instagram"]["evidence"]
