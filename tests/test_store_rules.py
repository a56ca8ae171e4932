"""online_store_availability_conflict and campaign_not_on_shelves on real stored runs: the
findings a retailer must see, and none on the look-alikes (a store that never carries the
product, a page that tells the truth, an ended or old campaign, a post that only names it)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from checker.rule_types import OptionError
from checker.rule_types.campaign_not_on_shelves import CampaignNotOnShelves
from checker.rule_types.online_store_availability_conflict import (
    OnlineStoreAvailabilityConflict,
)
from crawler.items import Post, StoreStock
from tests.factories import findings_of, offer

CHANNELS = {"webshop": "webshop", "merchant-feed": "feed", "instagram": "social"}
TODAY = date.today()
NAME = "Makuupussi Talvi -15"


def day(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def shop(availability: str = "out_of_stock", note: str | None = None, **fields: Any) -> Any:
    item = offer("webshop", NAME, "149.00", gtin="6434012300652", availability=availability)
    item.evidence["availability"] = "Loppuunmyyty"
    if note:
        item.evidence["store_availability"] = note
    for key, value in fields.items():
        setattr(item, key, value)
    return item


def feed(
    item_id: str = "1006", name: str = NAME, gtin: str = "6434012300652", **fields: Any
) -> Any:
    return offer("merchant-feed", name, "149.00", gtin=gtin, item_id=item_id, **fields)


def stock(store: str, status: str, quantity: int | None = None, **fields: Any) -> StoreStock:
    fields.setdefault("item_id", "1006")
    names = {"HKI": ("Retkiaitta Helsinki", "Helsinki"), "TRE": ("Retkiaitta Tampere", "Tampere"),
             "OUL": ("Retkiaitta Oulu", "Oulu")}  # fmt: skip
    store_name, city = names.get(store, (None, None))
    return StoreStock(
        channel=fields.pop("channel", "merchant-feed"),
        url=fields.pop("url", "https://shop.example/local.csv#row-1"),
        store=store,
        status=status,
        source=fields.pop("source", "local-feed"),
        evidence=f"store: {store}, quantity: {quantity}",
        store_name=store_name,
        city=city,
        quantity=quantity,
        **fields,
    )


def page_stock(store: str, status: str, url: str) -> StoreStock:
    return StoreStock(
        channel="webshop", url=url, store=store, status=status, source="text",
        evidence=f"{store}: {status}", item_id=None, name=NAME,
    )  # fmt: skip


def run(tmp_path: Path, items: list, rule: Any, db: str = "run.db", **kw: Any) -> list[dict]:
    return findings_of(tmp_path / db, CHANNELS, items, [rule], **kw)


def conflict(**options: Any) -> OnlineStoreAvailabilityConflict:
    return OnlineStoreAvailabilityConflict("online-vs-stores", "medium", **options)


def test_sold_out_on_the_page_while_a_store_has_it(tmp_path: Path) -> None:
    items = [shop(), feed(), stock("HKI", "in_stock", 3), stock("TRE", "out_of_stock", 0)]
    [finding] = run(tmp_path, items, conflict())
    assert finding["kind"] == "online_store_availability_conflict"
    assert finding["subject"]["name"] == NAME
    assert finding["channels"]["webshop"]["value"] == "sold out"
    assert finding["channels"]["webshop"]["evidence"] == "Loppuunmyyty"
    seen = finding["channels"]["merchant-feed"]
    assert seen["value"] == "in stock in stores"
    assert seen["url"] == "https://shop.example/local.csv"
    assert seen["stores"] == [
        {"store": "Retkiaitta Helsinki", "status": "in_stock", "quantity": 3},
        {"store": "Retkiaitta Tampere", "status": "out_of_stock", "quantity": 0},
    ]
    assert finding["message"] == (
        f"{NAME}: webshop says sold out, but in stock in 1 of 2 stores (Retkiaitta Helsinki)"
    )


@pytest.mark.parametrize(
    "note",
    [
        "only in stores",  # InStoreOnly, "Vain myymälöissä"
        "in stores: in_stock: saatavilla myymälöistä",  # "Loppu verkosta – saatavilla myymälöistä"
    ],
)
def test_a_page_that_sends_customers_to_stores_that_have_it_is_right(
    tmp_path: Path, note: str
) -> None:
    items = [shop(note=note), feed(), stock("HKI", "in_stock", 3)]
    assert run(tmp_path, items, conflict()) == []


@pytest.mark.parametrize(
    ("note", "said"),
    [
        ("only in stores", "only in stores"),
        ("in stores: in_stock: Finns i lager i 5 butiker", "only in stores"),
    ],
)
def test_a_page_that_sends_customers_to_empty_stores(tmp_path: Path, note: str, said: str) -> None:
    items = [
        shop(note=note),
        feed(),
        stock("HKI", "out_of_stock", 0),
        stock("TRE", "out_of_stock", 0),
        stock("OUL", "not_carried"),
    ]
    [finding] = run(tmp_path, items, conflict())
    assert finding["channels"]["webshop"]["value"] == said
    assert finding["channels"]["merchant-feed"]["value"] == "none in stores"
    assert finding["message"].endswith("but none in 2 of 2 stores")


def test_an_in_stock_page_promising_the_stores_is_checked_too(tmp_path: Path) -> None:
    items = [
        shop("in_stock", note="in stores: in_stock: Finns i lager i 5 butiker"),
        feed(),
        stock("HKI", "out_of_stock", 0),
    ]
    [finding] = run(tmp_path, items, conflict())
    assert finding["channels"]["webshop"]["value"] == "in stock in stores"


LOOK_ALIKES = [
    # a store that never carries it is no empty shelf; nothing else is known: nothing to say
    ("only in stores", [stock("HKI", "not_carried"), stock("TRE", "out_of_stock", 0, item_id="x")]),
    # the sources disagree about Helsinki: neither side counts
    (
        "only in stores",
        [
            stock("HKI", "out_of_stock", 0),
            page_stock("Helsinki", "in_stock", "https://webshop.example.fi/makuupussi-talvi--15"),
        ],
    ),
    # sold out online, and nobody says a store has it
    (None, [stock("HKI", "out_of_stock", 0), stock("TRE", "not_carried")]),
    # a page that says the stores have none either, and they have none
    ("in stores: out_of_stock: Ei saatavilla myymälöistä", [stock("HKI", "out_of_stock", 0)]),
    # stock of another product (its id is another feed row's)
    (None, [stock("HKI", "in_stock", 4, item_id="1007")]),
]


@pytest.mark.parametrize(("note", "rows"), LOOK_ALIKES)
def test_no_conflict_on_look_alikes(tmp_path: Path, note: str | None, rows: list) -> None:
    items = [shop(note=note), feed(), feed("1007", "Retkituoli Kevyt", "6434012300799"), *rows]
    assert run(tmp_path, items, conflict()) == []


def test_a_page_whose_own_block_contradicts_it(tmp_path: Path) -> None:
    url = "https://webshop.example.fi/makuupussi-talvi--15"
    items = [
        shop(note="only in stores", url=url),
        page_stock("Helsinki", "out_of_stock", url),
        page_stock("Tampere", "out_of_stock", url),
    ]
    [finding] = run(tmp_path, items, conflict())
    assert list(finding["channels"]) == ["webshop"]
    assert finding["channels"]["webshop"]["value"] == "only in stores"
    assert [s["store"] for s in finding["channels"]["webshop"]["stores"]] == ["Helsinki", "Tampere"]


def test_stock_of_another_market_is_not_compared(tmp_path: Path) -> None:
    items = [shop(), feed(), stock("HKI", "in_stock", 3)]
    markets = {"webshop": "fi", "merchant-feed": "se", "instagram": "fi"}
    assert run(tmp_path, items, conflict(), markets=markets) == []


def test_options_choose_the_channels(tmp_path: Path) -> None:
    items = [shop(), feed(), stock("HKI", "in_stock", 3)]
    assert run(tmp_path, items, conflict(kinds=["website"]), db="a.db") == []
    assert run(tmp_path, items, conflict(stock_channels=["webshop"]), db="b.db") == []
    assert len(run(tmp_path, items, conflict(channels=["webshop"]), db="c.db")) == 1
    with pytest.raises(OptionError):
        conflict(min_stores=-1)


# -- campaign_not_on_shelves ---------------------------------------------------------------

BAG = "Kantokassi 16 L"


def bag_shop() -> Any:
    return offer("webshop", BAG, "79.90", gtin="6434012300348", availability="in_stock")


def bag_feed(**fields: Any) -> Any:
    return offer("merchant-feed", BAG, "79.90", gtin="6434012300348", item_id="1003", **fields)


def bag_stock(hki: str, tre: str, oulu: str | None = None) -> list[StoreStock]:
    rows = [
        stock("HKI", hki, 0 if hki == "out_of_stock" else 5, item_id="1003"),
        stock("TRE", tre, 0 if tre == "out_of_stock" else 2, item_id="1003"),
    ]
    if oulu:
        rows.append(stock("OUL", oulu, 0 if oulu == "out_of_stock" else 1, item_id="1003"))
    return rows


def post(
    text: str, published: int = -1, window: tuple[int, int] | None = (-1, 6), **kw: Any
) -> Post:
    return Post(
        channel=kw.pop("channel", "instagram"),
        url=kw.pop("url", "https://instagram.example/p/1"),
        text=text,
        published=f"{day(published)}T08:00:00+00:00",
        valid_from=day(window[0]) if window else None,
        valid_until=day(window[1]) if window else None,
        campaign="voimassa" if window else None,
        currency="EUR",
        **kw,
    )


CAMPAIGN = "Kantokassi 16 L nyt vain 69,90 € (norm. 79,90 €)! Tarjous voimassa."


def shelves(**options: Any) -> CampaignNotOnShelves:
    return CampaignNotOnShelves("campaign-on-shelves", "high", **options)


def test_a_campaign_product_out_of_stock_in_the_stores(tmp_path: Path) -> None:
    items = [bag_shop(), bag_feed(), post(CAMPAIGN), *bag_stock("out_of_stock", "out_of_stock")]
    [finding] = run(tmp_path, items, shelves())
    assert finding["kind"] == "campaign_not_on_shelves"
    assert finding["subject"]["name"] == BAG
    campaign = finding["channels"]["instagram"]
    assert (campaign["value"], campaign["price"], campaign["valid_until"]) == (
        "campaign",
        "69.90",
        day(6),
    )
    assert "69,90 €" in campaign["evidence"]
    assert finding["channels"]["merchant-feed"]["value"] == "out of stock in stores"
    assert finding["message"] == (
        f"{BAG} is in a current campaign on instagram but out of stock in 2 of 2 stores"
        " (Retkiaitta Helsinki, Retkiaitta Tampere)"
    )


@pytest.mark.parametrize(
    ("stores", "options", "found"),
    [
        (("out_of_stock", "in_stock", "in_stock"), {}, False),  # 1 of 3: 33 % is not > 50 %
        (("out_of_stock", "out_of_stock", "in_stock"), {}, True),  # 2 of 3
        (("out_of_stock", "in_stock", "in_stock"), {"max_out_share": 30}, True),
        (("out_of_stock", "in_stock", "in_stock"), {"stores": ["Helsinki"]}, True),
        (("out_of_stock", "in_stock", "in_stock"), {"stores": ["HKI"]}, True),
        (("out_of_stock", "in_stock", "in_stock"), {"stores": ["Retkiaitta Helsinki"]}, True),
        (("out_of_stock", "in_stock", "in_stock"), {"stores": ["Tampere"]}, False),
        # Oulu never carries it: its 0 is not counted, not even when the rule names it
        (("in_stock", "in_stock", "not_carried"), {"stores": ["Oulu"]}, False),
        (("out_of_stock", "not_carried", "not_carried"), {}, True),  # 1 of the 1 that sells it
    ],
)
def test_which_stores_count(tmp_path: Path, stores: tuple, options: dict, found: bool) -> None:
    items = [bag_shop(), bag_feed(), post(CAMPAIGN), *bag_stock(*stores)]
    assert len(run(tmp_path, items, shelves(**options))) == int(found)


def test_a_zero_of_a_store_that_never_carries_the_product_is_no_empty_shelf(
    tmp_path: Path,
) -> None:
    url = "https://webshop.example.fi/kantokassi-16-l"
    zero = StoreStock(
        channel="webshop", url=url, store="Tampere", status="not_carried", source="text",
        evidence="Tampere: Ei myymälän valikoimassa", name=BAG,
    )  # fmt: skip
    items = [bag_shop(), bag_feed(), post(CAMPAIGN), *bag_stock("in_stock", "out_of_stock"), zero]
    assert run(tmp_path, items, shelves(stores=["Helsinki", "Tampere"])) == []


@pytest.mark.parametrize(
    "campaign",
    [
        post(CAMPAIGN, published=-10, window=(-10, -9)),  # last week's last chance: ended
        post(CAMPAIGN, published=-400, window=(-400, -395)),  # an exported post of last year
        post(CAMPAIGN, published=-400, window=None),
        post(CAMPAIGN, published=0, window=(3, 9)),  # upcoming
        post("Kantokassi 16 L – syksyn suosikki! 79,90 €", window=None),  # named, no campaign
    ],
)
def test_no_campaign_no_finding(tmp_path: Path, campaign: Post) -> None:
    items = [bag_shop(), bag_feed(), campaign, *bag_stock("out_of_stock", "out_of_stock")]
    assert run(tmp_path, items, shelves()) == []


def test_a_campaign_price_beside_the_old_one_is_a_campaign_without_dates(tmp_path: Path) -> None:
    text = "Kantokassi 16 L nyt 69,90 € (norm. 79,90 €)"
    items = [
        bag_shop(),
        bag_feed(),
        post(text, window=None),
        *bag_stock("out_of_stock", "in_stock"),
    ]
    assert len(run(tmp_path, items, shelves(stores=["HKI"]))) == 1


def test_a_newsletter_campaign(tmp_path: Path) -> None:
    channels = {**CHANNELS, "newsletter": "newsletter"}
    letter = post(CAMPAIGN, channel="newsletter", url="https://mailchi.mp/retki/syksy")
    items = [bag_shop(), bag_feed(), letter, *bag_stock("out_of_stock", "out_of_stock")]
    [finding] = findings_of(tmp_path / "n.db", channels, items, [shelves()])
    assert finding["channels"]["newsletter"]["url"] == "https://mailchi.mp/retki/syksy"


@pytest.mark.parametrize(("valid", "found"), [((-2, 5), True), ((-20, -8), False), (None, True)])
def test_a_feed_sale(tmp_path: Path, valid: tuple | None, found: bool) -> None:
    sale = bag_feed(regular_price=None)
    sale.price, sale.regular_price = sale.price - 10, sale.price
    if valid:
        sale.price_valid_from, sale.price_valid_until = day(valid[0]), day(valid[1])
    items = [bag_shop(), sale, *bag_stock("out_of_stock", "out_of_stock")]
    findings = run(tmp_path, items, shelves())
    assert len(findings) == int(found)
    if found:
        assert findings[0]["channels"]["merchant-feed"]["value"] == "campaign"


def test_campaign_channels_option(tmp_path: Path) -> None:
    items = [bag_shop(), bag_feed(), post(CAMPAIGN), *bag_stock("out_of_stock", "out_of_stock")]
    assert run(tmp_path, items, shelves(channels=["newsletter"])) == []
