"""Product feeds: every supported shape read row by row into offers, and feed channels crawled
from a URL and from a local path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checker.linking.linker import link_offers
from crawler.extraction.product_feeds import FeedOptions, read_rows, row_offer
from crawler.items import Offer
from tests.conftest import run_omnicheck

DATA = Path(__file__).parent / "data" / "feeds"
TODAY = date(2026, 11, 23)
ERP_FIELDS = {"sku": "tuotenumero", "title": "nimi", "price": "hinta", "availability": "saatavuus"}


def read(name: str, fields: dict[str, str] | None = None, today: date = TODAY) -> list[Offer | str]:
    options = FeedOptions("feed", f"file:///feeds/{name}", fields or {}, "EUR", "fi_FI", today)
    with (DATA / name).open("rb") as stream:
        return [
            row if isinstance(row, str) else row_offer(row, number, options)
            for number, row in enumerate(read_rows(stream), 1)
        ]


def summary(result: Offer | str) -> tuple[object, ...] | str:
    if isinstance(result, str):
        return result
    price = f"{result.price} {result.currency}" if result.price is not None else None
    return (result.name, price, result.availability, result.gtin, result.sku)


# file, fields mapping -> every row as (name, price, availability, gtin, sku) or a skip reason
FEEDS = [
    (
        "merchant.xml",
        None,
        [
            ("Vaellusreppu 40 L Pro", "159.90 EUR", "in_stock", "6434012300270", None),
            ("Retkikeitin Kompakti", "89.00 EUR", "in_stock", "6434012300584", None),
            ("Makuupussi Talvi -15", "1149.00 EUR", "out_of_stock", None, None),
            "unreadable price",
            "row without title or identifier",
        ],
    ),
    (
        "merchant_atom.xml",
        None,
        [("Kantokassi 16 L", "79.90 EUR", "preorder", "06434012300348", None)],
    ),
    (
        "marketplace.csv",
        None,
        [
            ("Kantokassi Mini 7 L", "59.90 EUR", "in_stock", None, None),
            ("Kantokassi 16 L", "79.90 EUR", "out_of_stock", "6434012300348", None),
            ("Vaellusreppu 40 L", "129.90 EUR", "in_stock", None, None),
        ],
    ),
    (
        "erp.tsv",
        ERP_FIELDS,
        [
            ("Vaellusreppu 40 L", "129.90 EUR", "in_stock", None, "RA-VR40"),
            ("Makuupussi Talvi -15", "149.00 EUR", "out_of_stock", None, "RA-MPT15"),
        ],
    ),
    (
        "pim.jsonl",
        None,
        [
            ("Retkikeitin Kompakti", "89.00 EUR", "in_stock", "6434012300584", "RA-RKK"),
            ("Kantokassi Mini 7 L", "59.90 EUR", "out_of_stock", None, "KA-KM7"),
            "unreadable row",
            "unreadable row",
            ("Kånken 16 L", "799 SEK", "backorder", None, "RA-SEK"),
        ],
    ),
    (
        "shop.csv",
        None,
        [
            ("Vaellusreppu 40 L, musta", "129.90 EUR", "in_stock", "6434012300102", None),
            ("Kantokassi 16 L", "69.90 EUR", "in_stock", None, None),
        ],
    ),
]


@pytest.mark.parametrize(("name", "fields", "expected"), FEEDS)
def test_feed_rows(name: str, fields: dict[str, str] | None, expected: list[object]) -> None:
    assert [summary(result) for result in read(name, fields)] == expected


def test_sale_price_counts_only_inside_its_effective_dates() -> None:
    def retkikeitin(today: date) -> Offer:
        result = read("merchant.xml", today=today)[1]
        assert isinstance(result, Offer)
        return result

    during = retkikeitin(date(2026, 11, 25))
    assert (str(during.price), str(during.regular_price)) == ("89.00", "99.90")
    assert (during.price_valid_from, during.price_valid_until) == ("2026-11-20", "2026-11-30")
    assert during.evidence["price"] == "sale_price: 89.00 EUR"
    for outside in (date(2026, 11, 19), date(2026, 12, 1)):
        offer = retkikeitin(outside)
        assert (str(offer.price), offer.regular_price, offer.price_valid_until) == (
            "99.90",
            None,
            None,
        )


def test_feed_link_is_the_offers_url_and_a_missing_link_names_the_row() -> None:
    pro, _, sleeping_bag, *_ = read("merchant.xml")
    assert isinstance(pro, Offer) and isinstance(sleeping_bag, Offer)
    assert pro.url == pro.canonical_url == "https://kauppa.example.fi/tuotteet/vaellusreppu-40-pro"
    assert sleeping_bag.url == "file:///feeds/merchant.xml#1006"
    assert pro.sources["price"] == "feed"


def test_a_feeds_own_ids_are_not_taken_for_webshop_skus() -> None:
    """merchant.xml's id RA-VR40 is the webshop's SKU of another product, the 40 L."""
    [pro, *_] = [r for r in read("merchant.xml") if isinstance(r, Offer)]
    webshop = {"id": 1, "channel": "webshop", "name": "Vaellusreppu 40 L", "sku": "RA-VR40"}
    products = link_offers([webshop, {**vars(pro), "id": 2}])
    assert len(products) == 2


def test_a_json_array_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "products.json"
    path.write_text('[{"title": "Kuksa"}]', "utf-8")
    with path.open("rb") as stream, pytest.raises(ValueError, match="JSON Lines"):
        list(read_rows(stream))


def test_a_large_feed_is_read_one_row_at_a_time(tmp_path: Path) -> None:
    """The reader yields the first row before it has read the rest of the file."""
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(20_000):
            out.write(
                json.dumps({"id": number, "title": f"Tuote {number}", "price": "1.00"}) + "\n"
            )
    with path.open("rb") as stream:
        rows = read_rows(stream)
        first = next(rows)
        assert first is not None and first["title"] == "Tuote 0"
        assert stream.tell() < path.stat().st_size


@pytest.mark.slow
def test_feed_channels_crawled_from_url_and_local_path(tmp_path: Path, http_server) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "google.xml").write_bytes((DATA / "merchant.xml").read_bytes())
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "tuotteet.tsv").write_bytes((DATA / "erp.tsv").read_bytes())
    base = http_server(site)
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        f"""name: feeds
currency: EUR
channels:
  - name: merchant
    kind: feed
    feeds: ["{base}/google.xml", "{base}/missing.xml"]
  - name: erp
    kind: feed
    feeds: [exports/tuotteet.tsv]
    fields: {{sku: tuotenumero, title: nimi, price: hinta, availability: saatavuus}}
""",
        "utf-8",
    )
    database = tmp_path / "r.db"
    result = run_omnicheck("crawl", "-c", str(config), "--db", str(database))
    assert result.returncode == 3, result.stderr  # one of merchant's two feeds is missing
    assert (
        "merchant: 1 of 1 pages fetched (100%); 1 skipped (robots.txt, offsite or 404);"
        f" could not read {base}/missing.xml (HTTP 404)"
    ) in result.stdout
    assert "erp: 1 of 1 pages fetched (100%)" in result.stdout

    from crawler.store import Store

    store = Store(database, create=False)
    offers = {(o["channel"], o["name"]): o for o in store.offers(1)}
    assert str(offers[("merchant", "Vaellusreppu 40 L Pro")]["price"]) == "159.90"
    assert offers[("erp", "Makuupussi Talvi -15")]["sku"] == "RA-MPT15"
    pages = {p["url"]: p for p in store.pages(1)}
    assert pages[f"{base}/missing.xml"]["reason"] == "HTTP 404"
    feed = pages[f"{base}/google.xml"]
    assert (feed["offers"], json.loads(feed["skipped"])) == (
        3,
        {"unreadable price": 1, "row without title or identifier": 1},
    )


@pytest.mark.slow
@pytest.mark.parametrize("http", [False, True], ids=["file", "http"])
def test_a_feed_ten_times_larger_takes_no_more_memory_to_crawl(tmp_path: Path, http: bool) -> None:
    """Offers pass through Scrapy a few batches at a time, so the crawl's peak memory stays flat
    (Scrapy's own item queue held up to 150 000 offers per feed before the pipelines ran); a feed
    downloaded over HTTP is written to a file as it arrives, never held as a response body."""
    from benchmarks.feeds import crawl_stage
    from crawler.store import Store

    *_, small, _ = crawl_stage(tmp_path / "small", 2_000, http=http)
    _, database, _, large, _ = crawl_stage(tmp_path / "large", 20_000, http=http)
    assert large <= small * 1.1, f"{small} MB at 2 000 rows per feed, {large} MB at 20 000"
    offers = {c["channel"]: c["offers"] for c in Store(database, create=False).channels(1)}
    assert offers == {"merchant": 20_000, "marketplace": 20_000, "pim": 20_000}
