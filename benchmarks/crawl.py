"""Crawl benchmark: omnicheck's crawl against a bare link-following Scrapy spider, same site.

Generates a shop (``benchmarks/shop.py``) in memory, serves it on 127.0.0.1 from its own process,
then runs in separate subprocesses, with the same Scrapy settings:

  bare       a spider that only follows links (and the sitemap), storing nothing
  omnicheck  ``checker.crawl``: the same pages, extracted and stored in SQLite

and prints pages/s of both, their ratio, each child's peak memory (VmHWM), the pages one
fetched and the other did not (none, when omnicheck reads the whole site as plain Scrapy does;
robots.txt itself aside), and the median time ``extract_page`` takes per page on the same pages.
``--memory-check`` crawls a ten times larger shop with omnicheck as well and prints the ratio
of peak memory.

    python -m benchmarks.crawl --products 2000 --repeat 3
    python -m benchmarks.crawl --products 1000 --memory-check
    python -m benchmarks.crawl --products 1500 --repeat 3 --no-sitemap --per-page 4

``--no-sitemap`` makes both crawls find every page by following links (``--per-page`` sets the
listing size: 4 gives categories of 25 listing pages, deeper than the old default depth limit).

pages/s is counted from the first response to the last (an extension in both crawls), so the
start-up both pay once (imports, reactor) is not mistaken for crawl speed; the seconds printed
are the whole crawl. CPU ms/page is the crawling process's CPU time over the same span: on a
machine shared with other work, pages per CPU second compare the two crawls more steadily
than pages per second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.shop import generate_shop, serve_shop  # noqa: E402

# Both crawls run with these on top of crawler/settings.py: full speed against our own server.
SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "LOG_LEVEL": "ERROR",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of both crawls")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="server's seconds before each answer"
    )
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--memory-check", action="store_true", help="also crawl 10x the shop")
    parser.add_argument(
        "--no-sitemap", action="store_true", help="find pages by links only (no sitemap)"
    )
    parser.add_argument("--per-page", type=int, help="products per listing page (default 24)")
    parser.add_argument("--child", choices=["bare", "omnicheck"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = CHILDREN[args.child](args.base, json.loads(args.settings))
        print(json.dumps({**result, "rss_mb": peak_memory_mb()}))
        return
    settings = {**SETTINGS, **dict(item.split("=", 1) for item in args.set)}
    settings["BENCHMARK_SITEMAP"] = not args.no_sitemap
    shape = {"per_page": args.per_page} if args.per_page else {}
    print(
        f"shop: {args.products} products {shape or ''}; settings: {settings};"
        f" latency {args.latency}s"
    )
    rounds = []
    with serve_shop(args.products, args.latency, **shape) as base:
        for number in range(args.repeat):
            order = ["bare", "omnicheck"] if number % 2 == 0 else ["omnicheck", "bare"]
            result = {kind: run_child(kind, base, settings) for kind in order}
            ratio = result["omnicheck"]["rate"] / result["bare"]["rate"]
            cpu_ratio = result["bare"]["cpu_ms"] / result["omnicheck"]["cpu_ms"]
            rounds.append({**result, "ratio": ratio, "cpu_ratio": cpu_ratio})
            print(
                f"round {number + 1}: bare {describe(result['bare'])} | omnicheck"
                f" {describe(result['omnicheck'])} | ratio {ratio:.2f} (CPU {cpu_ratio:.2f})",
                flush=True,
            )
            print(f"  {difference(result['bare']['urls'], result['omnicheck']['urls'], base)}")
        extraction = extraction_times(base, args.products)
    for key, label in (("ratio", "pages/s"), ("cpu_ratio", "pages per CPU second")):
        ratios = [r[key] for r in rounds]
        print(
            f"ratio omnicheck/bare {label}: median {statistics.median(ratios):.2f}"
            f" (min {min(ratios):.2f}, max {max(ratios):.2f}, {len(ratios)} rounds)"
        )
    print(
        f"extraction per page: median {statistics.median(extraction):.2f} ms,"
        f" p90 {statistics.quantiles(extraction, n=10)[-1]:.2f} ms ({len(extraction)} pages)"
    )
    if args.memory_check:
        small = rounds[0]["omnicheck"]
        with serve_shop(args.products * 10, args.latency) as base:
            large = run_child("omnicheck", base, settings)
        print(
            f"memory: {small['pages']} pages {small['rss_mb']:.0f} MB,"
            f" {large['pages']} pages {large['rss_mb']:.0f} MB,"
            f" ratio {large['rss_mb'] / small['rss_mb']:.2f}"
        )


def difference(bare: set[str], omnicheck: set[str], base: str) -> str:
    """The pages one crawl fetched and the other did not, a few of each by path."""
    if bare == omnicheck:
        return f"same page set: {len(bare)} pages"
    text = f"page sets differ: {len(bare)} bare, {len(omnicheck)} omnicheck"
    for label, pages in (("only bare", bare - omnicheck), ("only omnicheck", omnicheck - bare)):
        if pages:
            paths = ", ".join(sorted(url.removeprefix(base) for url in pages)[:5])
            text += f"; {label} {len(pages)}: {paths}{' ...' if len(pages) > 5 else ''}"
    return text


def describe(result: dict[str, Any]) -> str:
    return (
        f"{result['pages']} pages in {result['seconds']:.1f}s, {result['rate']:.0f} pages/s,"
        f" {result['cpu_ms']:.2f} ms CPU/page, {result['rss_mb']:.0f} MB"
    )


class ResponseClock:
    """A Scrapy extension noting when the first and the last response arrived, so both crawls
    are timed alike and one-time costs (imports, reactor start) do not count as crawl speed."""

    def __init__(self, path: str) -> None:
        self.path, self.count = path, 0
        self.first = self.last = self.first_cpu = self.last_cpu = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ResponseClock:
        from scrapy import signals

        clock = cls(crawler.settings["BENCHMARK_CLOCK"])
        crawler.signals.connect(clock.received, signal=signals.response_received)
        crawler.signals.connect(clock.closed, signal=signals.spider_closed)
        return clock

    def received(self) -> None:
        self.last, self.last_cpu = time.perf_counter(), time.process_time()
        if not self.count:
            self.first, self.first_cpu = self.last, self.last_cpu
        self.count += 1

    def closed(self) -> None:
        figures = [self.first, self.last, self.first_cpu, self.last_cpu, self.count]
        Path(self.path).write_text(json.dumps(figures))


def peak_memory_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not count the
    parent's memory that a forked child holds until it executes Python)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(
    kind: str, base: str, settings: dict[str, Any], module: str = "benchmarks.crawl"
) -> dict[str, Any]:
    """Run one crawl in a fresh process (``python -m module --child kind``) and return the
    figures it prints, with its pages/s and CPU per page from the first response to the last."""
    handle, clock = tempfile.mkstemp(suffix=".json")
    os.close(handle)
    handle, urls = tempfile.mkstemp(suffix=".txt")
    os.close(handle)
    settings = {
        **settings,
        "EXTENSIONS": {"benchmarks.crawl.ResponseClock": 0},
        "BENCHMARK_CLOCK": clock,
        "BENCHMARK_URLS": urls,
    }
    command = [sys.executable, "-m", module, "--child", kind, "--base", base]
    command += ["--settings", json.dumps(settings)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=environment, cwd=ROOT)
    assert process.stdout is not None
    output = process.stdout.read()
    process.wait()
    if process.returncode:
        raise SystemExit(f"{kind} crawl failed with exit code {process.returncode}")
    result = json.loads(output.decode().strip().splitlines()[-1])
    first, last, first_cpu, last_cpu, responses = json.loads(Path(clock).read_text())
    os.unlink(clock)
    result["urls"] = set(Path(urls).read_text().split())
    os.unlink(urls)
    result["rate"] = (responses - 1) / (last - first)
    result["cpu_ms"] = (last_cpu - first_cpu) / (responses - 1) * 1000
    return result


def crawl_bare(base: str, settings: dict[str, Any]) -> dict[str, Any]:
    import scrapy
    from scrapy.crawler import AsyncCrawlerProcess
    from scrapy.http import Response
    from scrapy.settings import Settings
    from scrapy.utils.sitemap import Sitemap

    class BareSpider(scrapy.Spider):
        name = "bare"
        allowed_domains = ["127.0.0.1"]

        fetched: list[str] = []

        async def start(self) -> AsyncIterator[Any]:
            if settings["BENCHMARK_SITEMAP"]:
                yield scrapy.Request(f"{base}/sitemap.xml", callback=self.parse_sitemap)
            yield scrapy.Request(f"{base}/")

        def parse_sitemap(self, response: Response) -> Iterator[Any]:
            self.fetched.append(response.url)
            for entry in Sitemap(response.body):
                yield scrapy.Request(entry["loc"])

        def parse(self, response: Response) -> Iterator[Any]:
            self.fetched.append(response.url)
            for href in response.xpath("//a/@href").getall():
                yield response.follow(href)

    scrapy_settings = Settings()
    scrapy_settings.setmodule("crawler.settings", priority="project")
    scrapy_settings.update(settings, priority="cmdline")
    # Plain Scrapy: no item pipelines, and its in-memory queue (no JOBDIR).
    scrapy_settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = AsyncCrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    assert crawler.stats is not None
    Path(settings["BENCHMARK_URLS"]).write_text("\n".join(BareSpider.fetched))
    return {"pages": crawler.stats.get_value("response_received_count", 0), "seconds": seconds}


def crawl_omnicheck(base: str, settings: dict[str, Any]) -> dict[str, Any]:
    channel = f"  - name: webshop\n    kind: webshop\n    start_urls: ['{base}/']\n"
    if settings["BENCHMARK_SITEMAP"]:
        channel += f"    sitemap_urls: ['{base}/sitemap.xml']\n"
    return crawl_channel(channel, settings)


def crawl_channel(channel: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Crawl one channel (its entry under ``channels:``, as YAML) with ``checker.crawl`` into a
    new database; the pages and offers it stored and the seconds it took."""
    import checker
    from crawler.store import Store

    folder = Path(tempfile.mkdtemp(prefix="omnicheck-bench-"))
    config = folder / "omnicheck.yml"
    config.write_text(
        f"name: Bench\ncurrency: EUR\nlocale: fi_FI\nchannels:\n{channel}", encoding="utf-8"
    )
    store = Store(folder / "bench.db")
    started = time.perf_counter()
    run_id = checker.crawl(checker.load_config(config), store, settings=settings)
    seconds = time.perf_counter() - started
    pages = store.db.execute("SELECT COUNT(*) FROM pages WHERE run_id = ?", [run_id]).fetchone()
    offers = store.db.execute("SELECT COUNT(*) FROM offers WHERE run_id = ?", [run_id]).fetchone()
    if settings.get("BENCHMARK_URLS"):
        fetched = store.db.execute("SELECT url FROM pages WHERE run_id = ? AND ok", [run_id])
        Path(settings["BENCHMARK_URLS"]).write_text("\n".join(url for (url,) in fetched))
    return {"pages": pages[0], "offers": offers[0], "seconds": seconds}


def extraction_times(base: str, products: int) -> list[float]:
    """CPU milliseconds ``extract_page`` takes on each of a sample of the shop's pages (CPU
    time, so that other processes on a shared machine do not count)."""
    from crawler.extraction import ExtractionOptions, extract_page

    pages = generate_shop(products)
    options = ExtractionOptions(channel="webshop", currency="EUR", locale="fi_FI")
    sample = [path for path in pages if path.endswith((".html", "/"))][:500]
    times = []
    for path in sample:
        body = pages[path].replace(b"{base}", base.encode())
        started = time.process_time()
        extract_page(body, base + path, options)
        times.append((time.process_time() - started) * 1000)
    return times


CHILDREN = {"bare": crawl_bare, "omnicheck": crawl_omnicheck}

if __name__ == "__main__":
    main()
