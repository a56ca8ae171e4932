"""Benchmark of two faults (issue 20): a crawl killed outright, and a feed with a huge title.

``killed``: serves a shop of 12 categories × 20 products answering in 0.1 s on 127.0.0.1, crawls
it 4 requests at a time in a subprocess, SIGKILLs the crawl once ~120 pages were asked for, and
prints how many the server sent and how many the database kept (the work a kill costs), then
resumes and prints whether every page was stored once.

``title``: writes a Merchant Center XML feed and a JSON Lines feed whose first title is
``--megabytes`` MB long, crawls them in a subprocess and prints the crawl's time and peak memory
(max RSS) and the length of the title stored.

    python -m benchmarks.faults killed --rounds 3
    python -m benchmarks.faults title --megabytes 200
"""

from __future__ import annotations

import argparse
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.feeds import MEASURE_RSS
from tests.conftest import ROOT, run_omnicheck, start_omnicheck
from tests.fault_server import FaultServer, serve, shop


def killed_round(folder: Path) -> tuple[int, int, bool]:
    """(pages sent, pages kept at the kill, every page stored once after --resume)."""
    server = FaultServer()
    with serve(server) as base:
        products = shop(server, 12, 20, [0.1])
        config = folder / "omnicheck.yml"
        config.write_text(
            "name: Tapettu\ncurrency: EUR\nchannels:\n"
            f"  - {{name: webshop, kind: webshop, start_urls: ['{base}/shop/index.html']}}\n",
            encoding="utf-8",
        )
        database = folder / "omnicheck.db"
        arguments = ["-c", str(config), "--db", str(database)]
        arguments += ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS=4"]
        crawl = start_omnicheck("crawl", *arguments)
        while sum(request.path in products for request in server.log) < 120:
            time.sleep(0.02)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=10)
        sent = len({request.path for request in server.log})
        with sqlite3.connect(database) as connection:
            kept = connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0]
        resumed = run_omnicheck("crawl", "--resume", *arguments)
        with sqlite3.connect(database) as connection:
            urls = [url for (url,) in connection.execute("SELECT url FROM pages")]
    return sent, kept, resumed.returncode == 0 and len(urls) == len(set(urls)) == 253


def title_run(folder: Path, megabytes: int) -> None:
    chunk = "z" * 1_000_000
    with (folder / "feed.xml").open("w", encoding="utf-8") as feed:
        feed.write('<rss xmlns:g="http://base.google.com/ns/1.0"><channel><item><g:id>1</g:id>')
        feed.write("<g:title>Teltta ")
        for _ in range(megabytes):
            feed.write(chunk)
        feed.write("</g:title><g:price>199.00 EUR</g:price></item></channel></rss>\n")
    with (folder / "feed.jsonl").open("w", encoding="utf-8") as feed:
        feed.write('{"id": "1", "title": "Teltta ')
        for _ in range(megabytes):
            feed.write(chunk)
        feed.write('", "price": "199.00 EUR"}\n{"id": "2", "title": "Reppu", "price": "9.90"}\n')
    config = folder / "omnicheck.yml"
    config.write_text(
        "name: Iso\ncurrency: EUR\nchannels:\n"
        "  - {name: xml, kind: feed, feeds: [feed.xml]}\n"
        "  - {name: jsonl, kind: feed, feeds: [feed.jsonl]}\n",
        encoding="utf-8",
    )
    started = time.monotonic()
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE_RSS, sys.executable, "-m", "checker", "crawl"]
        + ["-c", str(config), "--db", str(folder / "iso.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    with sqlite3.connect(folder / "iso.db") as connection:
        lengths = connection.execute("SELECT channel, MAX(length(name)) FROM offers GROUP BY 1")
        stored = dict(lengths.fetchall())
    print(
        f"{megabytes} MB title: crawl {seconds:.1f} s, peak memory"
        f" {int(measured.stdout.strip()) // 1024} MB; longest title stored {stored}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fault", choices=["killed", "title"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--megabytes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="omnicheck-faults-") as folder:
        if args.fault == "title":
            title_run(Path(folder), args.megabytes)
            return
        for number in range(args.rounds):
            round_folder = Path(folder) / f"round-{number}"
            round_folder.mkdir()
            sent, kept, whole = killed_round(round_folder)
            print(
                f"round {number + 1}: killed after {sent} pages sent, {kept} kept, {sent - kept}"
                f" lost with the process; after --resume every page once: {whole}"
            )


if __name__ == "__main__":
    main()
