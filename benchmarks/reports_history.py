"""Reports over a long history: time to build a report and render each format.

Generates a results database in a temporary folder: RUNS weekly runs with FINDINGS findings
each, a share of them changing from run to run, then times ``build_report`` (which reads the
whole history for the chart) and every renderer. Prints one line per step.

    python benchmarks/reports_history.py [--runs 52] [--findings 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checker.reports import FORMATS, build_report, render  # noqa: E402
from crawler.store import Store  # noqa: E402
from tests.factories import checked_run, price_finding  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=52)
    parser.add_argument("--findings", type=int, default=2000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "history.db")
        started = time.perf_counter()
        for run in range(options.runs):
            # each week a tenth of the products changes: some findings resolve, others appear
            first = run * options.findings // 10
            findings = [
                price_finding(f"Tuote {n}", "49.90", f"{44 + n % 5}.90")
                for n in range(first, first + options.findings)
            ]
            checked_run(store, findings)
        print(
            f"setup: {options.runs} runs x {options.findings} findings "
            f"in {time.perf_counter() - started:.1f} s"
        )
        started = time.perf_counter()
        report = build_report(store, options.runs)
        print(
            f"build_report (history of {len(report.history)} runs): "
            f"{time.perf_counter() - started:.2f} s"
        )
        for fmt in FORMATS:
            started = time.perf_counter()
            output = render(report, fmt)
            size = len(output if isinstance(output, bytes) else output.encode())
            print(f"render {fmt:<9} {time.perf_counter() - started:6.2f} s  {size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
