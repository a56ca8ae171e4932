"""Benchmark: a Merchant Center feed with its local-inventory feed (every product in every store).

Writes, under a temporary folder (or --out), a primary feed of N products (CSV), a stores file of
S stores and a local-inventory feed of N × S rows (a fifth of them out of stock), then runs
``omnicheck crawl`` and ``omnicheck check`` each in its own process, as a user would, and prints
each stage's wall time and peak memory (max RSS). Given two sizes, it prints the ratios: reading
the stock streams (the crawl's memory should not grow with the rows); the check joins every
stock row to its product (its memory grows with them).

    python -m benchmarks.store_stock                          # 10 000 products x 20 stores
    python -m benchmarks.store_stock --products 2000 10000 --stores 20
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from benchmarks.feeds import products, stage


def write_files(folder: Path, count: int, stores: int) -> Path:
    """The feeds, the stores file and the configuration that reads them; the configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    catalogue = products(count)
    with (folder / "products.csv").open("w", encoding="utf-8") as out:
        out.write("id,title,gtin,price,availability\n")
        for number, (name, gtin, price, availability) in enumerate(catalogue):
            out.write(f"{number},{name},{gtin},{price} EUR,{availability}\n")
    codes = [f"S{number:03d}" for number in range(stores)]
    with (folder / "stores.csv").open("w", encoding="utf-8") as out:
        out.write("store_code,name,city\n")
        out.writelines(f"{code},Retkiaitta {code},Kaupunki {code}\n" for code in codes)
    with (folder / "stock.csv").open("w", encoding="utf-8") as out:
        out.write("store_code,id,availability,quantity,price\n")
        for number, (_, _, price, _) in enumerate(catalogue):
            for code in codes:
                quantity = 0 if rng.random() < 0.2 else rng.randint(1, 30)
                state = "in stock" if quantity else "out of stock"
                out.write(f"{code},{number},{state},{quantity},{price}\n")
    config = folder / "omnicheck.yml"
    config.write_text(
        "name: stock-benchmark\ncurrency: EUR\nlocale: fi_FI\nchannels:\n"
        "  - name: merchant\n    kind: feed\n    feeds: [products.csv]\n"
        "    local_inventory: [stock.csv]\n    stores: stores.csv\n",
        encoding="utf-8",
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, nargs="+", default=[10_000])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--out", type=Path, help="keep the files and database here")
    arguments = parser.parse_args()
    peaks: dict[int, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory(prefix="omnicheck-stock-") as temporary:
        base = arguments.out or Path(temporary)
        for count in arguments.products:
            folder = base / str(count)
            config = write_files(folder, count, arguments.stores)
            database = folder / "stock.db"
            database.unlink(missing_ok=True)
            rows = count * arguments.stores
            size = (folder / "stock.csv").stat().st_size / 1e6
            print(
                f"{count} products x {arguments.stores} stores = {rows} stock rows ({size:.1f} MB)"
            )
            crawl = stage("crawl", "-c", str(config), "--db", str(database))
            print(f"  crawl: {crawl[0]:.1f} s, peak memory {crawl[1]} MB")
            findings = str(folder / "findings.json")
            check = stage("check", "-c", str(config), "--db", str(database), "--fail-on", "never",
                          "--format", "json", "--output", findings)  # fmt: skip
            print(f"  check: {check[0]:.1f} s, peak memory {check[1]} MB")
            peaks[count] = (crawl[1], check[1])
    if len(peaks) > 1:
        small, large = min(peaks), max(peaks)
        for index, name in enumerate(("crawl", "check")):
            ratio = peaks[large][index] / peaks[small][index]
            print(f"{name} peak memory: {ratio:.2f}x for {large / small:g}x the rows")


if __name__ == "__main__":
    main()
