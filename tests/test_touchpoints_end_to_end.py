"""End to end over real HTTP: a webshop with stock per store, a Merchant Center feed with its
local-inventory feed, newsletters (a folder of saved e-mails and a web archive) and platform
exports, crawled and checked by ``omnicheck run`` in a subprocess.

The site holds one finding of each new rule and their look-alikes; a missing stock file, a
broken e-mail and an export without a text column each give one line on stderr, and the rest of
the run goes on."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import run_omnicheck
from tests.factories import write_config

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data"
TODAY = date.today()

PAGE = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>{name}</title>
<script type="application/ld+json">{jsonld}</script></head><body><main><h1>{name}</h1>
<p class="price">{shown}</p><p class="availability">{stock}</p>{extra}</main></body></html>"""


def product(
    name: str, gtin: str, price: str, availability: str, stock: str, extra: str = ""
) -> str:
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": name,
            "gtin13": gtin,
            "offers": {
                "@type": "Offer",
                "price": price,
                "priceCurrency": "EUR",
                "availability": f"https://schema.org/{availability}",
            },
        }  # fmt: skip
    )
    shown = price.replace(".", ",") + " €"
    return PAGE.format(name=name, jsonld=jsonld, shown=shown, stock=stock, extra=extra)


def day(days: int, form: str = "%d.%m.") -> str:
    return (TODAY + timedelta(days=days)).strftime(form)


def write_site(root: Path) -> None:
    shop = root / "shop"
    shop.mkdir(parents=True)
    pages = {
        # sold out online and nothing said of the stores, while Helsinki has it
        "makuupussi": product("Makuupussi Talvi", "6434012300652", "149.00", "OutOfStock",
                              "Loppuunmyyty"),
        # only in stores, and no store has it
        "lamppu": product("Otsalamppu 300", "6434012300867", "34.90", "InStoreOnly",
                          "Saatavilla vain myymälöistä"),
        # look-alike: sold out online, "available in stores", and Helsinki has it
        "kassi": product("Kantokassi Mini", "6434012300416", "59.90", "OutOfStock",
                         "Loppu verkkokaupasta – saatavilla myymälöistä"),
        # the newsletter's campaign; Tampere does not sell it (its 0 in the feed is no shelf)
        "keitin": product(
            "Retkikeitin Kompakti", "6434012300584", "89.00", "InStock", "Varastossa",
            '<div class="store-availability"><h2>Saatavuus myymälöissä</h2><ul>'
            "<li>Helsinki: varastossa 4 kpl</li><li>Tampere: ei myymälän valikoimassa</li>"
            "</ul></div>",
        ),
        # the campaign of the e-mail folder, out of stock in both stores
        "reppu": product("Vaellusreppu 40 L", "6434012300102", "129.90", "InStock", "Varastossa"),
    }  # fmt: skip
    for slug, html in pages.items():
        (shop / f"{slug}.html").write_text(html, "utf-8")
    links = "".join(f'<a href="{slug}.html">{slug}</a>' for slug in pages)
    (shop / "index.html").write_text(f"<html><body>{links}</body></html>", "utf-8")

    feeds = root / "feeds"
    feeds.mkdir()
    products = [
        ("1", "Makuupussi Talvi", "6434012300652", "149.00"),
        ("2", "Otsalamppu 300", "6434012300867", "34.90"),
        ("3", "Kantokassi Mini", "6434012300416", "59.90"),
        ("4", "Retkikeitin Kompakti", "6434012300584", "89.00"),
        ("5", "Vaellusreppu 40 L", "6434012300102", "129.90"),
    ]
    rows = "\n".join(f"{item},{name},{gtin},{price} EUR" for item, name, gtin, price in products)
    (feeds / "products.csv").write_text(f"id,title,gtin,price\n{rows}\n", "utf-8")
    (feeds / "stores.csv").write_text(
        "store_code,name,city\nHKI,Retkiaitta Helsinki,Helsinki\nTRE,Retkiaitta Tampere,Tampere\n",
        "utf-8",
    )
    (feeds / "stock.csv").write_text(
        "store_code,id,availability,quantity\n"
        "HKI,1,in stock,3\nTRE,1,out of stock,0\n"
        "HKI,2,out of stock,0\nTRE,2,out of stock,0\n"
        "HKI,3,in stock,2\nTRE,3,out of stock,0\n"
        "HKI,4,in stock,4\nTRE,4,out of stock,0\n"
        "HKI,5,out of stock,0\nTRE,5,out of stock,0\n"
        "HKI,99,in stock,1\n",  # an id the feed lacks: counted, not dropped
        "utf-8",
    )

    archive = root / "archive"
    archive.mkdir()
    (archive / "index.html").write_text(
        "<html><body><h1>Uutiskirjeet</h1><ul>"
        f'<li>{day(-2, "%d.%m.%Y")} – <a href="syksy.html">Syksyn tarjoukset</a></li>'
        f'<li>{day(-10, "%d.%m.%Y")} – <a href="viimeinen.html">Viimeinen mahdollisuus</a></li>'
        "</ul></body></html>",
        "utf-8",
    )
    (archive / "syksy.html").write_text(
        "<html><head><title>Syksyn tarjoukset</title></head><body><h2>Retkikeitin Kompakti"
        f"</h2><p>89,00 € (norm. 99,90 €)</p><p>Voimassa {day(-2)}–{day(5)}.</p></body></html>",
        "utf-8",
    )
    (archive / "viimeinen.html").write_text(
        "<html><head><title>Viimeinen mahdollisuus</title></head><body>"
        "<p>Viimeinen mahdollisuus! Otsalamppu 300 vain 29,90 €.</p></body></html>",
        "utf-8",
    )
    social = root / "social"
    social.mkdir()
    shutil.copy(DATA / "social" / "no_text_column.csv", social / "insights.csv")
    (social / "linkedin.csv").write_text(
        "All posts: organic and sponsored posts,,\nPost title,Post link,Created date\n"
        f'"Otsalamppu 300 – nyt myymälöissämme 34,90 €",https://li.example/1,{day(-1, "%m/%d/%Y")}\n'
        f'"Kantokassi Mini nyt 39,90 € (norm. 59,90 €)",https://li.example/2,{day(-400, "%m/%d/%Y")}\n',
        "utf-8",
    )


def write_mails(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(DATA / "newsletters" / "broken.eml", folder / "broken.eml")
    (folder / "reppu.eml").write_text(
        "From: Retkiaitta <uutiskirje@retkiaitta.example>\r\nSubject: Vaellusreppu tarjouksessa\r\n"
        f"Date: {(TODAY - timedelta(days=1)).strftime('%a, %d %b %Y')} 07:00:00 +0200\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n\r\n'
        f"Vaellusreppu 40 L nyt 109,90 € (norm. 129,90 €). Tarjous voimassa {day(-1)}–{day(6)}.\r\n",
        "utf-8",
    )


def test_stock_per_store_newsletters_and_exports(tmp_path: Path, http_server) -> None:
    write_site(tmp_path / "site")
    write_mails(tmp_path / "mails")
    base = http_server(tmp_path / "site")
    write_config(
        tmp_path,
        [
            {"name": "webshop", "kind": "webshop", "start_urls": [f"{base}/shop/index.html"]},
            {
                "name": "merchant-feed",
                "kind": "feed",
                "feeds": [f"{base}/feeds/products.csv"],
                "local_inventory": [f"{base}/feeds/stock.csv", "feeds/yesterday.csv"],
                "stores": f"{base}/feeds/stores.csv",
            },
            {
                "name": "newsletter",
                "kind": "newsletter",
                "feeds": ["mails", f"{base}/archive/index.html"],
            },
            {
                "name": "linkedin",
                "kind": "social",
                "feeds": [f"{base}/social/linkedin.csv", f"{base}/social/insights.csv"],
            },
        ],  # fmt: skip
        name="Retki",
        currency="EUR",
        locale="fi_FI",
        crawl={"AUTOTHROTTLE_ENABLED": False},
    )
    db = tmp_path / "run.db"
    result = run_omnicheck(
        "run", "--config", str(tmp_path / "omnicheck.yml"), "--db", str(db), "-f", "json"
    )
    # the missing stock file is a configured file not read: that channel is incomplete
    assert result.returncode == 3, result.stderr
    problems = [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]
    stock, mail = tmp_path / "feeds" / "yesterday.csv", tmp_path / "mails" / "broken.eml"
    assert sorted(problems) == sorted(
        [
            f"merchant-feed: 1 failed: no such file: {stock} ({stock.as_uri()})",
            "newsletter: 1 failed: not an e-mail: no Subject, From or Date header"
            f" ({mail.as_uri()})",
            "linkedin: 1 failed: no post text column in the export (expected one of message,"
            " text, full_text, caption, content, body, description, post text...; its first"
            f" line: 'id;likes;comments') ({base}/social/insights.csv)",
        ]
    )
    report = json.loads(result.stdout)
    found = sorted(
        (f["kind"], f["subject"].get("name"), tuple(f["channels"])) for f in report["findings"]
    )
    assert (
        found
        == [
            ("campaign_not_on_shelves", "Vaellusreppu 40 L", ("newsletter", "merchant-feed")),
            (
                "online_store_availability_conflict",
                "Makuupussi Talvi",
                ("webshop", "merchant-feed"),
            ),
            ("online_store_availability_conflict", "Otsalamppu 300", ("webshop", "merchant-feed")),
            ("price_mismatch", "Vaellusreppu 40 L", ("merchant-feed", "newsletter", "webshop")),
        ]
        or found
    )
    campaign = next(f for f in report["findings"] if f["kind"] == "campaign_not_on_shelves")
    assert campaign["channels"]["newsletter"]["url"] == (tmp_path / "mails" / "reppu.eml").as_uri()
    assert campaign["channels"]["merchant-feed"]["stores"] == [
        {"store": "Retkiaitta Helsinki", "status": "out_of_stock", "quantity": 0},
        {"store": "Retkiaitta Tampere", "status": "out_of_stock", "quantity": 0},
    ]
    assert report["notices"][-1] == (
        "merchant-feed: 1 store stock rows name no product the run linked (an id the feed does"
        " not have, or a page whose product was not read); their stock was not checked"
    )
    channels = {c["channel"]: c for c in report["channels"]}
    # the folder, the archive, its two campaigns and the e-mail that is one
    assert channels["newsletter"]["failed"] == 1 and channels["newsletter"]["pages"] == 5
    assert channels["linkedin"]["failed"] == 1 and channels["linkedin"]["pages"] == 1

    matrix = run_omnicheck("report", "--db", str(db), "--format", "touchpoints-csv")
    assert matrix.returncode == 0, matrix.stderr
    header = matrix.stdout.splitlines()[0].split(",")
    assert header[4:9] == ["webshop", "merchant-feed", "newsletter", "linkedin", "stores"]
