"""Benchmark: a run over three product feeds of 100 000 products each.

Writes, under a temporary folder (or --out), a Google Merchant Center RSS feed, a marketplace CSV
with its own ids and many name-only rows, and a PIM export as JSON Lines (the same products,
written the way each kind of system writes them), then runs ``omnicheck crawl`` and
``omnicheck check`` on them, each in its own process as a user would, and prints each stage's
wall time and peak memory (max RSS). Given two sizes, it runs both and prints the crawl's peak
memory at each and their ratio: reading a feed streams, so ten times the rows should take no more
than about 1.2 times the memory. With ``--http`` the feeds are served on 127.0.0.1 and
downloaded through Scrapy (each body written to a temporary file), instead of read in place.

    python benchmarks/feeds.py                 # 100 000 products per feed
    python benchmarks/feeds.py --products 10000
    python benchmarks/feeds.py --products 10000 100000 --crawl-only
    python benchmarks/feeds.py --products 10000 100000 --crawl-only --http
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from xml.sax.saxutils import escape

from checker.demo import serve

ROOT = Path(__file__).resolve().parent.parent
BRANDS = ["Retkiaitta", "Kantola", "Nordkap", "Fjällvind", "Tunturi", "Skärgård", "Lappi"]
TYPES = ["Vaellusreppu", "Kantokassi", "Makuupussi", "Retkikeitin", "Teltta", "Takki", "Kenkä"]
QUALIFIERS = ["", "", "", "Pro", "Mini", "Lite", "Junior"]
MEASURE_RSS = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=False,"
    " stdout=subprocess.DEVNULL);"
    " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def products(count: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(name, gtin, price, availability) of ``count`` distinct products."""
    rng = random.Random(seed)
    items = []
    for number in range(count):
        name = (
            f"{rng.choice(BRANDS)} {rng.choice(TYPES)} {number + 1} "
            f"{rng.choice([5, 7, 16, 20, 40, 65])} L {rng.choice(QUALIFIERS)}"
        ).strip()
        gtin = f"64{number:011d}"
        price = f"{rng.randint(5, 400)}.{rng.choice(['00', '50', '90', '95'])}"
        availability = rng.choice(["in_stock"] * 8 + ["out_of_stock", "preorder"])
        items.append((name, gtin, price, availability))
    return items


def write_feeds(folder: Path, count: int) -> list[Path]:
    catalogue = products(count)
    rng = random.Random(11)
    merchant = folder / "merchant.xml"
    with merchant.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n')
        out.write('<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n')
        for number, (name, gtin, price, availability) in enumerate(catalogue):
            out.write(
                f"<item><g:id>MC{number}</g:id><g:title>{escape(name)}</g:title>"
                f"<g:link>https://kauppa.example.fi/p/{number}</g:link>"
                f"<g:price>{price} EUR</g:price><g:availability>{availability}</g:availability>"
                f"<g:gtin>{gtin}</g:gtin><g:brand>{escape(name.split()[0])}</g:brand>"
                "<g:shipping><g:country>FI</g:country><g:price>4.90 EUR</g:price></g:shipping>"
                "</item>\n"
            )
        out.write("</channel></rss>\n")
    marketplace = folder / "marketplace.csv"
    with marketplace.open("w", encoding="utf-8") as out:
        out.write("Tuote-ID;Tuotenimi;Hinta;Varastotilanne;EAN\n")
        for name, gtin, price, availability in catalogue:
            ean = gtin if rng.random() < 0.4 else ""  # most marketplace rows carry only a name
            shown = price.replace(".", ",") + " €"
            stock = "Varastossa" if availability == "in_stock" else "Loppuunmyyty"
            out.write(f"MP-{rng.randint(10**6, 10**7)};{name};{shown};{stock};{ean}\n")
    pim = folder / "pim.jsonl"
    with pim.open("w", encoding="utf-8") as out:
        for number, (name, gtin, price, availability) in enumerate(catalogue):
            record = {
                "sku": f"SKU-{number}",
                "title": name,
                "gtin": gtin,
                "price": price,
                "currency": "EUR",
                "availability": availability.replace("_", " "),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [merchant, marketplace, pim]


def write_config(folder: Path, feeds: list[Path], base: str | None = None) -> Path:
    """The benchmark's configuration: the feeds as paths, or as URLs under ``base``."""
    config = folder / "omnicheck.yml"
    names = [f"{base}/{feed.name}" if base else feed.name for feed in feeds]
    config.write_text(
        f"""name: feed-benchmark
currency: EUR
locale: fi_FI
channels:
  - name: merchant
    kind: feed
    feeds: ["{names[0]}"]
  - name: marketplace
    kind: feed
    feeds: ["{names[1]}"]
    fields: {{id: Tuote-ID, title: Tuotenimi, price: Hinta, availability: Varastotilanne,
             gtin: EAN}}
  - name: pim
    kind: feed
    feeds: ["{names[2]}"]
""",
        encoding="utf-8",
    )
    return config


def stage(*args: str) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one ``omnicheck`` command in its own process."""
    command = [sys.executable, "-m", "checker", *args]
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_RSS, *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started, int(result.stdout.strip()) // 1024


def crawl_stage(folder: Path, count: int, http: bool = False) -> tuple[Path, Path, float, int]:
    """Write three feeds of ``count`` products into ``folder`` and crawl them (over HTTP with
    ``http``): the config, the database, the crawl's wall seconds and its peak memory (MB)."""
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    feeds = write_feeds(folder, count)
    sizes = ", ".join(f"{f.name} {f.stat().st_size / 1e6:.1f} MB" for f in feeds)
    seconds = time.perf_counter() - started
    print(f"feeds: 3 x {count} products ({sizes}), written in {seconds:.1f} s")
    with ExitStack() as stack:
        base = stack.enter_context(serve(folder)) if http else None
        config, database = write_config(folder, feeds, base), folder / "feeds.db"
        database.unlink(missing_ok=True)
        seconds, megabytes = stage("crawl", "-c", str(config), "--db", str(database))
    return config, database, seconds, megabytes


def check_stage(folder: Path, config: Path, database: Path) -> tuple[float, int, int]:
    """Check the crawled run: wall seconds, peak memory (MB) and the number of findings."""
    seconds, megabytes = stage(
        "check",
        "-c",
        str(config),
        "--db",
        str(database),
        "--fail-on",
        "never",
        "--format",
        "json",
        "--output",
        str(folder / "findings.json"),
    )
    findings = json.loads((folder / "findings.json").read_text("utf-8"))["summary"]
    return seconds, megabytes, findings["findings"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--products",
        type=int,
        nargs="+",
        default=[100_000],
        help="products per feed; several sizes are run in turn and compared",
    )
    parser.add_argument("--crawl-only", action="store_true", help="skip the check stage")
    parser.add_argument("--http", action="store_true", help="serve the feeds on 127.0.0.1")
    parser.add_argument("--out", type=Path, help="keep the feeds and database here")
    arguments = parser.parse_args()
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="omnicheck-feeds-") as temporary:
        base = arguments.out or Path(temporary)
        for count in arguments.products:
            folder = base / str(count) if len(arguments.products) > 1 else base
            config, database, seconds, peaks[count] = crawl_stage(folder, count, arguments.http)
            print(f"crawl: {seconds:.1f} s, peak memory {peaks[count]} MB")
            if not arguments.crawl_only:
                seconds, megabytes, findings = check_stage(folder, config, database)
                print(f"check: {seconds:.1f} s, peak memory {megabytes} MB, {findings} findings")
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        print(
            f"crawl peak memory: {peaks[small]} MB at {small} products per feed, "
            f"{peaks[large]} MB at {large}: {peaks[large] / peaks[small]:.2f}x "
            f"for {large / small:g}x the rows"
        )


if __name__ == "__main__":
    main()
