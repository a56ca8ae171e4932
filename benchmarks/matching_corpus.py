"""F1 of the linker on the public product-matching benchmarks in ../shared/corpus/matching/.

A measure, not a target: nothing in the linker is tuned to these sets. Two readings:

- **pairs** — the test split of Abt-Buy, Amazon-Google and Walmart-Amazon (DeepMatcher / Ditto
  splits): each labelled pair is linked alone, as two offers on two channels; a pair the linker
  joins is a predicted match. F1 over the matches, printed next to the published figures.
- **catalogues** — both shops' whole tables linked at once as two channels (the way omnicheck
  links a run), scored against the complete mapping: precision, recall, F1 over matched pairs.

Fields used: the name or title, the brand or manufacturer, and Walmart-Amazon's model number
(as an MPN). Descriptions and prices are not used.

    python -m benchmarks.matching_corpus
    python -m benchmarks.matching_corpus --corpus /path/to/corpus/matching
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path
from typing import Any

from checker.linking.linker import link_offers

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "matching"
# Published test-split F1 (Mudgal et al. SIGMOD 2018; Li et al. PVLDB 2021), as the corpus
# README names them: trained models.
PUBLISHED = {
    "abt_buy": "DeepMatcher 62.8, Ditto 89.33",
    "amazon_google": "DeepMatcher 69.3, Ditto 75.58",
    "walmart_amazon": "not named in the corpus README",
}
# Which column holds what, per set: (name, brand, model number).
FIELDS = {
    "abt_buy": ("name", None, None),
    "amazon_google": ("title", "manufacturer", None),
    "walmart_amazon": ("title", "brand", "modelno"),
}


def offer(offer_id: int, channel: str, row: dict[str, str], fields: tuple[Any, ...]) -> dict:
    name, brand, model = fields
    return {
        "id": offer_id,
        "channel": channel,
        "url": f"{channel}/{offer_id}",
        "name": row.get(name) or None,
        "brand": (row.get(brand) or None) if brand else None,
        "mpn": (row.get(model) or None) if model else None,
        "gtin": None,
        "sku": None,
        "canonical_url": None,
    }


def scores(true_positive: int, predicted: int, expected: int) -> tuple[float, float, float]:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pairs_f1(folder: Path, fields: tuple[Any, ...]) -> tuple[float, float, float, int]:
    true_positive = predicted = expected = 0
    with (folder / "pairs_test.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        left = {key[5:]: value for key, value in row.items() if key.startswith("left_")}
        right = {key[6:]: value for key, value in row.items() if key.startswith("right_")}
        products = link_offers([offer(1, "a", left, fields), offer(2, "b", right, fields)])
        match = len(products) == 1
        label = row["label"] == "1"
        predicted += match
        expected += label
        true_positive += match and label
    return (*scores(true_positive, predicted, expected), len(rows))


def catalogue_f1(folder: Path, fields: tuple[Any, ...]) -> tuple[float, float, float, float]:
    tables = folder / "full_tables"
    offers = []
    for channel in ("A", "B"):
        with (tables / f"table{channel}.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                offers.append(offer(len(offers) + 1, channel, row, fields))
                offers[-1]["source_id"] = row["id"]
    with (tables / "matches.csv").open(encoding="utf-8") as handle:
        truth = {(row["tableA_id"], row["tableB_id"]) for row in csv.DictReader(handle)}
    started = time.perf_counter()
    products = link_offers(offers)
    elapsed = time.perf_counter() - started
    found = set()
    for product in products:
        a = [o["source_id"] for o in product.offers if o["channel"] == "A"]
        b = [o["source_id"] for o in product.offers if o["channel"] == "B"]
        found.update((x, y) for x in a for y in b)
    return (*scores(len(found & truth), len(found), len(truth)), elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    arguments = parser.parse_args()
    print(f"{'set':<16} {'reading':<11} {'precision':>9} {'recall':>7} {'F1':>6}  published F1")
    for name, fields in FIELDS.items():
        folder = arguments.corpus / name
        precision, recall, f1, count = pairs_f1(folder, fields)
        print(
            f"{name:<16} {'pairs':<11} {precision:>9.3f} {recall:>7.3f} {100 * f1:>6.1f}  "
            f"{PUBLISHED[name]} ({count} test pairs)"
        )
        precision, recall, f1, elapsed = catalogue_f1(folder, fields)
        print(
            f"{name:<16} {'catalogues':<11} {precision:>9.3f} {recall:>7.3f} {100 * f1:>6.1f}  "
            f"(whole tables, linked in {elapsed:.1f} s)"
        )


if __name__ == "__main__":
    main()
