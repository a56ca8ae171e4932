"""Score omnicheck's page extraction on the shared corpus of annotated product pages.

Reads every ``*.html.gz`` in ``../shared/corpus/product-pages/`` (or the directory given), runs
``extract_page`` on it exactly as the spider does, and compares the first offer with the page's
``*.expected.json``. Price is scored the way the Zyte product-extraction-benchmark scores it
(``evaluate.py``: a predicted Decimal in the accepted set is a true positive, a wrong one is a
false positive *and* a false negative, none where one was expected is a false negative).
Availability is scored strictly, per annotated class: a page annotated in stock is right only
when it is read as ``in_stock`` (``unknown`` is a miss, not a success), one annotated out of stock
only when it is read as ``out_of_stock`` or ``discontinued``. The benchmark's own, lenient
convention (a page is in stock unless clearly out of stock, so ``unknown`` counts as in stock) is
printed beside it for comparison with published figures.

Usage: python benchmarks/extraction_corpus.py [CORPUS_DIR] [--show-errors] [--repeat N] [--code DIR]

``--code DIR`` measures the extraction of another checkout (its ``crawler`` package), so that two
versions are timed alternately under the same load of a shared machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "product-pages"
PUBLISHED_PRICE_F1 = {"Zyte API": 0.918, "Diffbot": 0.824, "extruct + price-parser": 0.685}
SMALL_PAGE = 250_000
THOUSANDS_ONLY = re.compile(r"\d{1,3}\.\d{3}")
OUT_OF_STOCK = {"out_of_stock", "discontinued"}
STATUSES = ("in_stock", "out_of_stock", "discontinued", "preorder", "backorder", "unknown")


def strictly_right(expected: str, predicted: str) -> bool:
    """In stock only when read as in stock; out of stock only when read as out of stock (or
    discontinued, which the benchmark's annotation does not tell apart)."""
    if expected == "out_of_stock":
        return predicted in OUT_OF_STOCK
    return predicted == expected


def leniently_right(expected: str, predicted: str) -> bool:
    """The benchmark's convention: in stock unless clearly out of stock."""
    return ("out_of_stock" if predicted in OUT_OF_STOCK else "in_stock") == expected


def accepted_prices(expected: dict) -> set[Decimal]:
    """The annotated prices as Decimals. The corpus README says a few annotations keep a
    thousands separator ("2.449" for 2449 ARS) and are to be read as the page meant them, so an
    annotation of that exact shape also accepts its thousands reading."""
    values = expected.get("price_all_accepted")
    if values is None:
        values = [expected["price"]] if expected.get("price") is not None else []
    found = set()
    for value in values:
        text = str(value).replace(" ", "")
        try:
            found.add(Decimal(text))
        except InvalidOperation:
            continue
        if THOUSANDS_ONLY.fullmatch(text):
            found.add(Decimal(text.replace(".", "")))
    return found


def score(true: set[Decimal], predicted: Decimal | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page, as the benchmark's ``hard_matching`` counts them."""
    if predicted is None:
        return 0, 0, int(bool(true))
    if predicted in true:
        return 1, 0, 0
    return 0, 1, int(bool(true))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show-errors", action="store_true", help="print each wrong page")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per page (min kept)")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose extraction runs")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    from crawler.extraction import ExtractionOptions, extract_page

    pages = sorted(args.corpus.glob("*.html.gz"))
    if not pages:
        sys.exit(f"no *.html.gz pages in {args.corpus}")

    tp = fp = fn = 0
    currency_right = currency_total = 0
    availability_right = availability_lenient = 0
    # annotated class -> what the pages of that class were read as
    confusion: dict[str, Counter[str]] = {}
    availability_sources: Counter[str] = Counter()
    no_price = 0
    cpu = 0.0  # seconds of CPU for one pass over the pages
    timings: list[float] = []
    per_100kb: list[float] = []
    small: list[float] = []
    sizes: list[int] = []
    for path in pages:
        stem = path.name[: -len(".html.gz")]
        expected = json.loads(path.with_name(stem + ".expected.json").read_text())
        html = gzip.decompress(path.read_bytes())
        sizes.append(len(html))
        url = expected.get("url") or path.resolve().as_uri()
        best = float("inf")
        cpu_started = time.process_time()
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            result = extract_page(html, url, ExtractionOptions())
            best = min(best, time.perf_counter() - started)
        cpu += (time.process_time() - cpu_started) / max(1, args.repeat)
        timings.append(best * 1000)
        per_100kb.append(best * 1000 * 100_000 / len(html))
        if len(html) <= SMALL_PAGE:
            small.append(best * 1000)
        offer = next((o for o in result.offers if o.price is not None), None)
        predicted = offer.price if offer else None
        no_price += predicted is None
        true = accepted_prices(expected)
        page_tp, page_fp, page_fn = score(true, predicted)
        tp, fp, fn = tp + page_tp, fp + page_fp, fn + page_fn
        if expected.get("currency"):
            currency_total += 1
            currency_right += bool(offer and offer.currency == expected["currency"])
        status = result.offers[0].availability if result.offers else "unknown"
        stock_source = result.offers[0].sources.get("availability") if result.offers else None
        availability_sources[stock_source or "none"] += 1
        annotated = expected.get("availability") or "in_stock"
        confusion.setdefault(annotated, Counter())[status] += 1
        wrong_stock = not strictly_right(annotated, status)
        availability_right += not wrong_stock
        availability_lenient += leniently_right(annotated, status)
        if args.show_errors and (page_fp or page_fn or wrong_stock):
            source = offer.sources.get("price") if offer else None
            accepted = sorted(map(str, true))
            print(
                f"{stem[:20]:<20} price {predicted} [{source}] expected {accepted}"
                f" | {status} [{stock_source}] expected {expected.get('availability')}"
                f" | {offer.currency if offer else None} expected {expected.get('currency')}"
            )

    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"pages: {len(pages)}  ({args.corpus})")
    print(
        f"price      precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}"
        f"  (tp {tp}, fp {fp}, fn {fn}; pages without a price: {no_price})"
    )
    for system, published in PUBLISHED_PRICE_F1.items():
        print(f"           published F1 {published:.3f}  {system} (whole benchmark)")
    print(
        f"currency   accuracy {currency_right / max(1, currency_total):.3f}"
        f"  ({currency_right}/{currency_total} pages with an annotated currency)"
    )
    print(
        f"availability accuracy {availability_right / len(pages):.3f}"
        f"  ({availability_right}/{len(pages)}; strict: unknown is not in stock)"
    )
    for annotated, read in sorted(confusion.items()):
        right = sum(n for status, n in read.items() if strictly_right(annotated, status))
        total = sum(read.values())
        spread = ", ".join(f"{status} {read[status]}" for status in STATUSES if read[status])
        print(f"  {annotated:<12} {right}/{total} right ({right / total:.3f}); read as: {spread}")
    print("  read from: " + ", ".join(f"{k} {n}" for k, n in availability_sources.most_common()))
    print(
        f"  lenient (the benchmark's convention, unknown counts as in stock):"
        f" {availability_lenient / len(pages):.3f} ({availability_lenient}/{len(pages)})"
    )
    print(
        f"time       median {statistics.median(timings):.1f} ms/page"
        f"  (median page {statistics.median(sizes) // 1000} KB),"
        f"  median {statistics.median(per_100kb):.1f} ms per 100 KB, max {max(timings):.0f} ms"
    )
    print(f"           CPU {cpu:.2f} s for one pass over the {len(pages)} pages ({args.code})")
    if small:
        print(
            f"           median {statistics.median(small):.1f} ms on the {len(small)} pages"
            f" of at most {SMALL_PAGE // 1000} KB"
        )


if __name__ == "__main__":
    main()
