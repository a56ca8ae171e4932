"""Link a synthetic catalogue across three channels and run every rule: precision, recall, time.

Prints link precision and recall over pairs of offers (two offers in one linked product are a
pair; the truth is the catalogue's), how many offers each stage linked, the time of linking and
of all rules of the default pack over the linked run (as ``checker.engine`` builds it), and the
process's peak memory. ``--scale`` runs N and 10×N products in fresh processes and prints the
time ratio.

    python -m benchmarks.linking                     # 100 000 products × 3 channels
    python -m benchmarks.linking --products 1000000
    python -m benchmarks.linking --scale             # 100 000 then 1 000 000
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.catalogue import CHANNELS, offers, products
from checker.linking.linker import link_offers
from checker.rule_types.base import RunView
from checker.rule_types.packs import load_rules

ROOT = Path(__file__).resolve().parent.parent


def pairs(sizes: list[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def measure(count: int) -> dict[str, float]:
    rows, truth = [], {}
    for row, product in offers(products(count)):
        rows.append(row)
        truth[row["id"]] = product
    rules = load_rules(["default"], ROOT)
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu_started = time.perf_counter(), time.process_time()
    linked = link_offers(rows)
    linking = time.perf_counter() - started
    view = RunView(
        run={"id": 1, "name": "benchmark", "started": "2026-11-23T08:00:00+00:00"},
        channels={
            name: {"channel": name, "kind": kind, "complete": 1, "pages": count}
            for name, kind in CHANNELS
        },
        products=linked,
        claims=[],
    )
    findings = [f for rule in rules for f in rule.check(view)]
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    true_groups: dict[int, list[int]] = defaultdict(list)
    for offer_id, product in truth.items():
        true_groups[product].append(offer_id)
    predicted = pairs([len(p.offers) for p in linked])
    correct = sum(pairs(list(Counter(truth[o["id"]] for o in p.offers).values())) for p in linked)
    expected = pairs([len(group) for group in true_groups.values()])
    methods = Counter(method for p in linked for method, _ in p.methods.values())
    return {
        "products": count,
        "offers": len(rows),
        "precision": correct / predicted if predicted else 1.0,
        "recall": correct / expected if expected else 1.0,
        "linking_s": linking,
        "total_s": total,
        "total_cpu_s": cpu,
        "findings": len(findings),
        "rss_before_mb": before,
        "peak_mb": peak,
        **{f"by_{method}": n for method, n in sorted(methods.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--scale", action="store_true", help="run N and 10×N, print the ratio")
    arguments = parser.parse_args()
    if not arguments.scale:
        for name, value in measure(arguments.products).items():
            print(f"{name:<14} {value:.4f}" if isinstance(value, float) else f"{name:<14} {value}")
        return
    times = []
    for count in (arguments.products, arguments.products * 10):
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.linking", "--products", str(count)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        print(output)
        times.append(
            float(next(x.split()[1] for x in output.splitlines() if x.startswith("total_s")))
        )
    print(f"10x data took {times[1] / times[0]:.2f}x the time")


if __name__ == "__main__":
    main()
