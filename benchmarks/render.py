"""Rendering benchmark: pages per second read through Chromium (``render: js``) against the same
products served as plain HTML, same server, same settings.

Writes N product pages twice into a temporary folder, served on 127.0.0.1 by a threaded server:

  /app/   single-page-app shells: an empty ``<div id="app">``, a script that fetches the product
          (name, price, stock) as JSON and writes it in
  /html/  the same products, server-rendered

and crawls each folder with ``checker.crawl.crawl`` in its own process (``render: js`` for
/app/), printing pages/s (first response to the last, so start-up and the browser's launch are
not counted), the offers read (every product must be read in both), and their ratio.

    python -m benchmarks.render --products 200 --repeat 3
    python -m benchmarks.render --products 200 -s PLAYWRIGHT_MAX_PAGES_PER_CONTEXT=4
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.crawl import (  # noqa: E402
    SETTINGS,
    crawl_channel,
    describe,
    peak_memory_mb,
    run_child,
)
from checker.demo import serve  # noqa: E402

SHELL = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Tuote {number}</title>
</head><body><header><a href="/app/">Etusivu</a></header><div id="app"></div>
<footer><p>Toimitus 1–3 arkipäivässä. 30 päivän palautusoikeus.</p></footer>
<script src="/app/app.js"></script></body></html>"""
APP = """
const number = location.pathname.split("/").pop().replace(".html", "");
fetch("/app/api/" + number + ".json").then((answer) => answer.json()).then((product) => {
  document.getElementById("app").innerHTML = "<main><h1>" + product.name + "</h1>" +
    "<p class='price'>" + product.price + "</p><p class='stock'>" + product.stock + "</p></main>";
});
"""
PAGE = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>Tuote {number}</title>
</head><body><header><a href="/html/">Etusivu</a></header><main><h1>{name}</h1>
<p class="price">{price}</p><p class="stock">{stock}</p></main>
<footer><p>Toimitus 1–3 arkipäivässä. 30 päivän palautusoikeus.</p></footer></body></html>"""


def product(number: int) -> dict[str, str]:
    return {
        "name": f"Retkituote {number}",
        "price": f"{10 + number % 90},90 €",
        "stock": "Varastossa",
    }


def write_site(root: Path, products: int) -> None:
    for folder in ("app", "html"):
        (root / folder / "p").mkdir(parents=True)
        links = "".join(f'<a href="/{folder}/p/{n}.html">{n}</a> ' for n in range(products))
        (root / folder / "index.html").write_text(f"<html><body>{links}</body></html>", "utf-8")
    (root / "app" / "api").mkdir()
    (root / "app" / "app.js").write_text(APP, "utf-8")
    for number in range(products):
        data = product(number)
        (root / "app" / "p" / f"{number}.html").write_text(SHELL.format(number=number), "utf-8")
        (root / "app" / "api" / f"{number}.json").write_text(json.dumps(data), "utf-8")
        (root / "html" / "p" / f"{number}.html").write_text(
            PAGE.format(number=number, **data), "utf-8"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1, help="rounds of both crawls")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--child", choices=sorted(FOLDERS), help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = crawl_folder(args.base, args.child, json.loads(args.settings))
        print(json.dumps({**result, "rss_mb": peak_memory_mb()}))
        return
    settings = {**SETTINGS, **dict(item.split("=", 1) for item in args.set)}
    print(f"{args.products} products; settings: {settings}")
    ratios = []
    with tempfile.TemporaryDirectory(prefix="omnicheck-render-") as folder:
        write_site(Path(folder), args.products)
        with serve(Path(folder)) as base:
            for number in range(args.repeat):
                order = ["html", "app"] if number % 2 == 0 else ["app", "html"]
                result = {
                    kind: run_child(kind, base, settings, "benchmarks.render") for kind in order
                }
                for kind in order:
                    if result[kind]["offers"] != args.products:
                        raise SystemExit(f"{kind}: {result[kind]['offers']} offers read")
                ratio = result["app"]["rate"] / result["html"]["rate"]
                ratios.append(ratio)
                print(
                    f"round {number + 1}: rendered {result['app']['rate']:.1f} pages/s"
                    f" ({describe(result['app'])}) | plain {describe(result['html'])}"
                    f" | ratio {ratio:.3f}",
                    flush=True,
                )
    print(
        f"ratio rendered/plain pages/s: median {statistics.median(ratios):.3f}"
        f" (min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} rounds)"
    )


def crawl_folder(base: str, folder: str, settings: dict[str, Any]) -> dict[str, Any]:
    channel = (
        f"  - name: {folder}\n    kind: website\n    start_urls: ['{base}/{folder}/']\n"
        f"    render: {FOLDERS[folder]}\n"
    )
    return crawl_channel(channel, settings)


FOLDERS = {"app": "js", "html": "html"}

if __name__ == "__main__":
    main()
