"""The real, human-annotated product pages of the shared corpus (``../shared/corpus``).

Every page with an annotated price must yield that price (a recall floor: yielding none fails),
a page annotated without one must yield none, every page must read its annotated availability
(strictly: unknown is not in stock), and no page may read the opposite of it. A page where the reading is known to differ stays listed as a strict xfail with
its reason, so fixing it is noticed. ``benchmarks/extraction_corpus.py`` prints the figures.
"""

from __future__ import annotations

import gzip
import json

import pytest

from benchmarks.extraction_corpus import OUT_OF_STOCK, accepted_prices
from crawler.extraction import ExtractionOptions, PageExtraction, extract_page
from tests.conftest import CORPUS, corpus_missing

PAGES = CORPUS / "product-pages"
# Pages whose markup states (or whose analytics report) a price other than the one the annotator
# read off the screen: the declared price wins over a shown one, by design.
MARKUP_DISAGREES = {
    "peb_0bf9a333844ecd18": "annotated 24.99 for a page showing $24.990 (Chilean pesos)",
    "peb_3126dc6880ce1f3e": "auction: JSON-LD price is the estimate, the page shows the bid",
    "peb_9d939d48bcf747ea": "auction: JSON-LD price is the estimate, the page shows the bid",
    "peb_09b6ff551aa911aa": "a set of 10 packs sold at 990 (its analytics report 990 and its buy"
    " box shows '買一組 每組990元'); the annotator read the per-pack from-price 99",
}
# Pages whose markup states the opposite availability of the annotation.
AVAILABILITY_DISAGREES = {
    "peb_b475627f8942fe92": "JSON-LD says OutOfStock and the page shows an out-of-stock buy box",
    "peb_f48e9949eec5a297": "JSON-LD says OutOfStock and every size has stock level 0",
}
# Pages whose availability is not read as annotated (strictly: unknown is not in stock).
AVAILABILITY_NOT_READ = {
    **AVAILABILITY_DISAGREES,
    "peb_b4298c1b23f76adf": "an expired classified ad declares 'NOT SOLD' (itemprop availability),"
    " annotated out of stock",
    "peb_4b3a17058e7269c6": "its stock elements speak Polish of the shops ('Dostępne szt.', '0 szt.',"
    " 'Odbiór w sklepie'), words the vocabulary lacks: no silence to imply from",
    "peb_14dc707ee18496c1": "no price (annotated without one), so no offer to carry a stock status",
}


def _pages(known: dict[str, str]) -> list[object]:
    if not PAGES.is_dir():
        return [corpus_missing(None)]
    params = []
    for path in sorted(PAGES.glob("*.html.gz")):
        stem = path.name.removesuffix(".html.gz")
        marks = [pytest.mark.xfail(strict=True, reason=known[stem])] if stem in known else []
        params.append(pytest.param(stem, marks=marks, id=stem))
    return params


def _read(stem: str) -> tuple[dict, PageExtraction]:
    expected = json.loads((PAGES / f"{stem}.expected.json").read_text())
    html = gzip.decompress((PAGES / f"{stem}.html.gz").read_bytes())
    url = expected.get("url") or "https://example.com/"
    return expected, extract_page(html, url, ExtractionOptions())


@pytest.mark.parametrize("stem", _pages(MARKUP_DISAGREES))
def test_real_page_yields_its_annotated_price(stem: str) -> None:
    expected, result = _read(stem)
    prices = [offer.price for offer in result.offers if offer.price is not None]
    accepted = accepted_prices(expected)
    if not accepted:
        assert prices == []
    else:
        assert prices, "no price read from a page annotated with one"
        assert prices[0] in accepted


@pytest.mark.parametrize("stem", _pages(AVAILABILITY_NOT_READ))
def test_real_page_reads_its_annotated_availability(stem: str) -> None:
    expected, result = _read(stem)
    status = result.offers[0].availability if result.offers else "unknown"
    if expected.get("availability") == "out_of_stock":
        assert status in OUT_OF_STOCK
    else:
        assert status == "in_stock"


@pytest.mark.parametrize("stem", _pages(AVAILABILITY_DISAGREES))
def test_real_page_never_reads_the_opposite_availability(stem: str) -> None:
    expected, result = _read(stem)
    status = result.offers[0].availability if result.offers else "unknown"
    if expected.get("availability") == "out_of_stock":
        assert status != "in_stock"
    else:
        assert status not in OUT_OF_STOCK
