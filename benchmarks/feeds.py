"""Benchmark: a run over three product feeds of one catalogue, with planted price differences.

Writes, under a temporary folder (or --out), a Google Merchant Center RSS feed, a marketplace CSV
and a PIM export as JSON Lines for the same catalogue of look-alike products
(``benchmarks/catalogue.py``: one line of one brand in several sizes, qualifiers, colours), each
written the way such a system writes it: the Merchant Center feed with GTIN, brand and a clean
name; the marketplace with its own ids, Finnish column names mapped with ``fields:``, marketing
names (brand in front or not, "40L" / "40 litraa", English colours, upper case) and an EAN on only
40 % of its rows; the PIM with SKU and GTIN. One product in fifty has another price on one feed.

It then runs ``omnicheck crawl`` and ``omnicheck check`` on them, each in its own process as a
user would, and prints each stage's wall time and peak memory (max RSS), the whole run's time,
and the precision and recall of the price findings against the planted differences: a
``price_mismatch`` finding is right when every offer it names is one product with a planted
difference. Several sizes are run in turn and printed as a growth table.

    python -m benchmarks.feeds                          # 100 000 products per feed
    python -m benchmarks.feeds --products 100000 300000 1000000
    python -m benchmarks.feeds --products 10000 100000 --crawl-only   # crawl memory, ratio
    python -m benchmarks.feeds --compare ../main       # also check with another checkout
    python -m benchmarks.feeds --products 10000 100000 --crawl-only --http   # through Scrapy
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.catalogue import Product, gtin_of, products, shop_name, site_name
from checker.demo import serve

ROOT = Path(__file__).resolve().parent.parent

CHANNELS = ("merchant", "marketplace", "pim")
FILES = ("merchant.xml", "marketplace.csv", "pim.jsonl")
PLANTED_SHARE = 0.02  # products with another price on one feed
DIFFERENCES = (Decimal("10.00"), Decimal("-5.00"), Decimal("2.50"), Decimal("1.00"))
EAN_SHARE = 0.4  # marketplace rows that carry an EAN
MARKETPLACE_ID = 1_000_000  # marketplace ids are its own, not our SKUs
MEASURE_RSS = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False,"
    " stdout=subprocess.DEVNULL);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


@dataclass
class Truth:
    """Which product each feed row is, and which products have a planted price difference."""

    planted: dict[int, str] = field(default_factory=dict)  # product → the channel that differs

    @staticmethod
    def product_of(channel: str, url: str) -> int:
        """The catalogue number of the offer at ``url`` (each feed's ids encode it)."""
        if channel == "merchant":
            return int(url.rsplit("/", 1)[1])
        if channel == "marketplace":
            return int(url.rsplit("#MP-", 1)[1]) - MARKETPLACE_ID
        return int(url.rsplit("#P", 1)[1])


def prices(product: Product, rng: random.Random, truth: Truth) -> dict[str, Decimal]:
    """Each feed's price of the product; now and then one feed's differs."""
    shown = dict.fromkeys(CHANNELS, product.price)
    if rng.random() < PLANTED_SHARE:
        channel = rng.choice(CHANNELS)
        shown[channel] = product.price + rng.choice(DIFFERENCES)
        truth.planted[product.number] = channel
    return shown


def availability(rng: random.Random) -> str:
    return rng.choice(["in_stock"] * 8 + ["out_of_stock", "preorder"])


def write_feeds(folder: Path, count: int) -> tuple[list[Path], Truth]:
    catalogue = products(count)
    rng = random.Random(11)
    truth = Truth()
    merchant, marketplace, pim = (
        folder / "merchant.xml",
        folder / "marketplace.csv",
        folder / "pim.jsonl",
    )
    market_rows: list[str] = []
    with merchant.open("w", encoding="utf-8") as xml, pim.open("w", encoding="utf-8") as jsonl:
        xml.write('<?xml version="1.0" encoding="utf-8"?>\n')
        xml.write('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n')
        for product in catalogue:
            number, name = product.number, shop_name(product)
            gtin = gtin_of(6430000000000 + number * 7)
            shown, stock = prices(product, rng, truth), availability(rng)
            xml.write(
                f"<item><g:id>MC{number}</g:id><g:title>{escape(name)}</g:title>"
                f"<g:link>https://kauppa.example.fi/p/{number}</g:link>"
                f"<g:price>{shown['merchant']} EUR</g:price>"
                f"<g:availability>{stock}</g:availability>"
                f"<g:gtin>{gtin}</g:gtin><g:brand>{escape(product.brand)}</g:brand>"
                "<g:shipping><g:country>FI</g:country><g:price>4.90 EUR</g:price></g:shipping>"
                "</item>\n"
            )
            record = {
                "id": f"P{number}",
                "sku": f"{product.brand[:2].upper()}-{number:07d}",
                "title": f"{product.brand} {name}",
                "gtin": gtin,
                "price": str(shown["pim"]),
                "currency": "EUR",
                "availability": stock.replace("_", " "),
            }
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            ean = gtin if rng.random() < EAN_SHARE else ""
            price = str(shown["marketplace"]).replace(".", ",") + " €"
            word = "Varastossa" if stock == "in_stock" else "Loppuunmyyty"
            title = site_name(product, rng).replace(";", " ")
            market_rows.append(f"MP-{MARKETPLACE_ID + number};{title};{price};{word};{ean}\n")
        xml.write("</channel></rss>\n")
    random.Random(13).shuffle(market_rows)  # a marketplace lists in its own order
    with marketplace.open("w", encoding="utf-8") as csv:
        csv.write("Tuote-ID;Tuotenimi;Hinta;Varastotilanne;EAN\n")
        csv.writelines(market_rows)
    return [merchant, marketplace, pim], truth


def write_config(folder: Path, feeds: list[Path], base: str | None = None) -> Path:
    """The benchmark's configuration: the feeds as paths, or as URLs under ``base``."""
    config = folder / "omnicheck.yml"
    names = [f'"{base}/{feed.name}"' if base else feed.name for feed in feeds]
    config.write_text(
        f"""name: feed-benchmark
currency: EUR
locale: fi_FI
channels:
  - name: merchant
    kind: feed
    feeds: [{names[0]}]
  - name: marketplace
    kind: feed
    feeds: [{names[1]}]
    fields: {{id: Tuote-ID, title: Tuotenimi, price: Hinta, availability: Varastotilanne,
             gtin: EAN}}
  - name: pim
    kind: feed
    feeds: [{names[2]}]
""",
        encoding="utf-8",
    )
    return config


def stage(*args: str, code: Path = ROOT) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one ``omnicheck`` command in its own process, run
    with the checkout ``code`` (``python -m`` imports from the working folder)."""
    command = [sys.executable, "-m", "checker", *args]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_RSS, *command],
        stdout=subprocess.PIPE,  # errors go to our stderr
        text=True,
        check=True,
        cwd=code,
    )
    return time.perf_counter() - started, int(result.stdout.strip()) // 1024


def price_quality(findings: list[dict], truth: Truth) -> tuple[float, float, int, int]:
    """Precision and recall of the price findings against the planted differences, and the
    counts of right and wrong findings."""
    found: set[int] = set()
    wrong = 0
    for finding in findings:
        if finding["kind"] != "price_mismatch":
            continue
        numbers = {Truth.product_of(c, seen["url"]) for c, seen in finding["channels"].items()}
        if len(numbers) == 1 and numbers <= truth.planted.keys():
            found |= numbers
        else:
            wrong += 1
    right = len(found)
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / len(truth.planted) if truth.planted else 1.0
    return precision, recall, right, wrong


@dataclass
class Measured:
    products: int
    crawl_s: float
    crawl_mb: int
    check_s: float = 0.0
    check_mb: int = 0
    findings: int = 0
    precision: float = 0.0
    recall: float = 0.0

    def row(self) -> str:
        products = f"{self.products:,}".replace(",", " ")
        return (
            f"| {products} | {self.crawl_s:.1f} s, {self.crawl_mb} MB "
            f"| {self.check_s:.1f} s, {self.check_mb} MB | {self.crawl_s + self.check_s:.1f} s "
            f"| {self.findings} | {self.precision:.4f} | {self.recall:.4f} |"
        )


def check_stage(folder: Path, config: Path, database: Path, code: Path) -> tuple[float, int, list]:
    """Check the crawled run: wall seconds, peak memory (MB) and the findings."""
    output = folder / "findings.json"
    seconds, megabytes = stage(
        "check", "-c", str(config), "--db", str(database), "--fail-on", "never",
        "--format", "json", "--output", str(output), code=code,
    )  # fmt: skip
    return seconds, megabytes, json.loads(output.read_text("utf-8"))["findings"]


def crawl_stage(
    folder: Path, count: int, reuse: bool = False, http: bool = False
) -> tuple[Path, Path, float, int, Truth]:
    """Write three feeds of ``count`` products into ``folder`` and crawl them (unless
    ``reuse``: the database is there from before; over HTTP from 127.0.0.1 with ``http``): the
    config, the database, the crawl's wall seconds, its peak memory (MB) and the truth of the
    feeds."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    feeds, truth = write_feeds(folder, count)
    sizes = ", ".join(f"{f.name} {f.stat().st_size / 1e6:.1f} MB" for f in feeds)
    print(f"feeds: {count} products ({sizes}), written in {time.perf_counter() - started:.1f} s")
    with ExitStack() as stack:
        base = stack.enter_context(serve(folder)) if http else None
        config, database = write_config(folder, feeds, base), folder / "feeds.db"
        if reuse and database.exists():
            return config, database, 0.0, 0, truth
        database.unlink(missing_ok=True)
        seconds, megabytes = stage("crawl", "-c", str(config), "--db", str(database))
    return config, database, seconds, megabytes, truth


def measure(
    folder: Path,
    count: int,
    crawl_only: bool,
    compare: Path | None,
    reuse: bool = False,
    http: bool = False,
) -> Measured:
    config, database, seconds, megabytes, truth = crawl_stage(folder, count, reuse, http)
    measured = Measured(count, seconds, megabytes)
    print(f"crawl: {measured.crawl_s:.1f} s, peak memory {measured.crawl_mb} MB")
    if crawl_only:
        return measured
    for code in [ROOT] + ([compare] if compare else []):
        seconds, megabytes, findings = check_stage(folder, config, database, code)
        precision, recall, right, wrong = price_quality(findings, truth)
        print(
            f"check{'' if code == ROOT else f' ({code})'}: {seconds:.1f} s, peak memory "
            f"{megabytes} MB, {len(findings)} findings; price findings: {right} right, {wrong} "
            f"wrong of {len(truth.planted)} planted: precision {precision:.4f}, "
            f"recall {recall:.4f}"
        )
        if code == ROOT:
            measured.check_s, measured.check_mb, measured.findings = (
                seconds,
                megabytes,
                len(findings),
            )
            measured.precision, measured.recall = precision, recall
    print(f"whole run (crawl + check): {measured.crawl_s + measured.check_s:.1f} s")
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--products", type=int, nargs="+", default=[100_000],
        help="products per feed; several sizes are run in turn and compared",
    )  # fmt: skip
    parser.add_argument("--crawl-only", action="store_true", help="skip the check stage")
    parser.add_argument(
        "--http",
        action="store_true",
        help="serve the feeds on 127.0.0.1 and download them through Scrapy",
    )
    parser.add_argument("--out", type=Path, help="keep the feeds and database here")
    parser.add_argument(
        "--compare", type=Path, help="also check each crawled run with this other checkout"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --out: check the database crawled before"
    )
    arguments = parser.parse_args()
    results: list[Measured] = []
    with tempfile.TemporaryDirectory(prefix="omnicheck-feeds-") as temporary:
        base = arguments.out or Path(temporary)
        for count in arguments.products:
            folder = base / str(count) if len(arguments.products) > 1 else base
            results.append(
                measure(
                    folder,
                    count,
                    arguments.crawl_only,
                    arguments.compare,
                    arguments.reuse,
                    arguments.http,
                )
            )
            if len(arguments.products) > 1 and not arguments.out:
                shutil.rmtree(folder)  # the next size needs the disk more
    if len(results) > 1 and arguments.crawl_only:
        small, large = results[0], results[-1]
        print(
            f"crawl peak memory: {small.crawl_mb} MB at {small.products} products per feed, "
            f"{large.crawl_mb} MB at {large.products}: {large.crawl_mb / small.crawl_mb:.2f}x "
            f"for {large.products / small.products:g}x the rows"
        )
    elif len(results) > 1:
        print("| products per feed | crawl | check | whole run | findings | precision | recall |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for measured in results:
            print(measured.row())


if __name__ == "__main__":
    main()
