"""A generated webshop for benchmarks: categories, paginated listings, product pages, a sitemap.

Pages look like a real Nordic webshop's: a header with the category menu, breadcrumbs, schema.org
JSON-LD, a struck-through old price on some products, related products, a footer with the
service promises every page repeats, and the inline front-end state and icons that make a real
product page weigh tens of kilobytes (about 45 KB here). ``serve_forever`` answers from memory
with HTTP/1.1 keep-alive on asyncio, so the server is never what a crawl waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

PER_PAGE = 24
STATE_ENTRIES = 400  # about 40 KB of inline JSON per product page, as front-end shops carry
WORDS = [
    "vaellus",
    "kevyt",
    "vedenpitävä",
    "retki",
    "talvi",
    "kesä",
    "untuva",
    "teltta",
    "reppu",
    "kassi",
    "makuupussi",
    "keitin",
    "kenkä",
    "takki",
    "housut",
    "hanska",
    "pipo",
    "sukka",
    "lamppu",
    "pullo",
    "kuksa",
    "puukko",
    "kompassi",
    "kartta",
]
FOOTER = (
    "<footer><p>Ilmainen toimitus yli 50 € tilauksiin.</p>"
    "<p>30 päivän palautusoikeus kaikille tuotteille.</p>"
    "<p>Nouto myymälästä: tilaa verkosta, nouda kahdessa tunnissa.</p>"
    "<p>Asiakaspalvelu ma–pe 9–17, puh. 010 123 4567.</p></footer>"
)


def generate_shop(
    products: int,
    seed: int = 1,
    *,
    categories: int | None = None,
    per_page: int = PER_PAGE,
    related: int = 6,
    app_state: bool = True,
) -> dict[str, bytes]:
    """Every page of a shop of ``products`` products, keyed by path.

    ``categories`` (default one per hundred products, at least 4) and ``per_page`` shape the
    listings: a listing page links to the first, the last and the two pages either side of it,
    so page 20 of 40 is ten clicks from the first. ``related`` products are linked from each
    product page (0: products are reached only through the listings); without ``app_state``
    the pages leave out the inline front-end state that makes them weigh 45 KB.
    """
    rng = random.Random(seed)
    categories = categories or max(4, products // 100)
    pages: dict[str, bytes] = {}
    menu = "".join(
        f'<li><a href="/kategoria/{c}/">Kategoria {c}</a></li>' for c in range(categories)
    )
    header = (
        '<header><a href="/">Retkiaitta</a><nav><ul>'
        + menu
        + '</ul></nav><form action="/haku"><input name="q"></form></header>'
    )
    members: dict[int, list[int]] = {c: [] for c in range(categories)}
    for product in range(products):
        members[product % categories].append(product)
    for product in range(products):
        category = product % categories
        others = rng.sample(members[category], min(related, len(members[category])))
        pages[f"/tuote/{product}.html"] = _product_page(
            product, category, others, header, rng, app_state
        )
    for category, listed in members.items():
        count = max(1, -(-len(listed) // per_page))
        for number in range(1, count + 1):
            chunk = listed[(number - 1) * per_page : number * per_page]
            path = _listing_path(category, number)
            pages[path] = _listing_page(category, number, count, chunk, header)
    pages["/"] = _html("Retkiaitta", header, "<main><h1>Tervetuloa</h1></main>")
    locations = [p for p in pages if p.startswith("/tuote/") or p.endswith("/")]
    pages["/sitemap.xml"] = _sitemap(locations)
    pages["/robots.txt"] = b"User-agent: *\nDisallow: /haku\nSitemap: /sitemap.xml\n"
    return pages


def _listing_path(category: int, number: int) -> str:
    return f"/kategoria/{category}/" + (f"?sivu={number}" if number > 1 else "")


def _html(title: str, header: str, main: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<link rel="stylesheet" href="/static/site.css">{head}</head><body>{header}{main}'
        f"{FOOTER}</body></html>"
    ).encode()


def _name(product: int) -> str:
    words = random.Random(product).sample(WORDS, 3)
    return " ".join(words).capitalize() + f" {product}"


def _product_page(
    product: int,
    category: int,
    related: list[int],
    header: str,
    rng: random.Random,
    app_state: bool = True,
) -> bytes:
    price = Decimal(rng.randrange(990, 49990)) / 100
    old = price + Decimal(rng.randrange(500, 5000)) / 100 if rng.random() < 0.3 else None
    in_stock = rng.random() < 0.85
    sku = f"RA-{product:06d}"
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": _name(product),
        "sku": sku,
        "gtin13": f"64{product:011d}",
        "brand": {"@type": "Brand", "name": "Retkiaitta"},
        "offers": {
            "@type": "Offer",
            "price": str(price),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
            "url": f"/tuote/{product}.html",
        },
    }
    shown = f"{price}".replace(".", ",") + " €"
    old_html = f"<del>{old}".replace(".", ",") + " €</del>" if old else ""
    paragraphs = "".join(
        f"<p>{' '.join(rng.choice(WORDS) for _ in range(40))}.</p>" for _ in range(6)
    )
    related_html = "".join(
        f'<li><a href="/tuote/{other}.html">{_name(other)}</a></li>' for other in related
    )
    main = (
        f'<main><ol class="breadcrumbs"><li><a href="/">Etusivu</a></li>'
        f'<li><a href="/kategoria/{category}/">Kategoria {category}</a></li></ol>'
        f'<h1>{_name(product)}</h1><p class="price">{old_html} {shown}</p>'
        f"<p>{'Varastossa' if in_stock else 'Loppuunmyyty'}</p>"
        f'<img src="/kuvat/{product}.jpg" alt=""><section class="description">{paragraphs}'
        f"</section><h2>Katso myös</h2><ul>{related_html}</ul></main>"
    )
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    if app_state:
        head += _app_state(rng)
    return _html(_name(product), header, main, head)


def _app_state(rng: random.Random) -> str:
    """The bulk of a real shop page's bytes: the front-end framework's state and icons."""
    state = [
        {"id": rng.randrange(10**9), "label": " ".join(rng.sample(WORDS, 4)), "stock": rng.random()}
        for _ in range(STATE_ENTRIES)
    ]
    icons = "".join(
        f'<symbol id="i{n}"><path d="M{n} 0L{n + 5} 10L{n} 20Z"/></symbol>' for n in range(80)
    )
    return (
        f"<script>window.__STATE__ = {json.dumps(state)};</script>"
        f'<svg style="display:none">{icons}</svg>'
    )


def _listing_page(
    category: int, number: int, count: int, products: list[int], header: str
) -> bytes:
    cards = "".join(
        f'<li class="card"><a href="/tuote/{p}.html">{_name(p)}</a></li>' for p in products
    )
    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    pager = "".join(f'<a href="{_listing_path(category, n)}">{n}</a> ' for n in shown)
    main = f"<main><h1>Kategoria {category}</h1><ul>{cards}</ul><nav>{pager}</nav></main>"
    return _html(f"Kategoria {category}", header, main)


def _sitemap(paths: list[str]) -> bytes:
    entries = "".join(f"<url><loc>{{base}}{path}</loc></url>" for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    ).encode()


def serve_forever(
    products: int, port_file: str, latency: float = 0.0, shape: dict[str, Any] | None = None
) -> None:
    """Serve a shop of ``products`` on a free 127.0.0.1 port (written to ``port_file``) until
    killed. The pages are generated here, in the server's process, so that the processes that
    crawl them (and measure their memory) do not hold them.

    ``{base}`` in a page becomes the server's own address. ``latency`` seconds are waited before
    each answer, like a real shop's time to first byte. ``shape`` holds ``generate_shop``'s
    keyword arguments.
    """

    pages = generate_shop(products, **(shape or {}))

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}".encode()
        for path, body in pages.items():
            pages[path] = body.replace(b"{base}", base)
        with open(port_file, "w") as handle_file:
            handle_file.write(str(port))
        await server.serve_forever()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode("latin-1")
                if latency:
                    await asyncio.sleep(latency)
                body = pages.get(path)
                status = b"200 OK" if body is not None else b"404 Not Found"
                body = body if body is not None else b"not found"
                kind = (
                    b"application/xml"
                    if path.endswith(".xml")
                    else b"text/plain"
                    if path.endswith(".txt") or status != b"200 OK"
                    else b"text/html; charset=utf-8"
                )
                writer.write(
                    b"HTTP/1.1 "
                    + status
                    + b"\r\nContent-Type: "
                    + kind
                    + b"\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\nConnection: keep-alive\r\n\r\n"
                    + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            writer.close()

    asyncio.run(main())


@contextlib.contextmanager
def serve_shop(products: int, latency: float = 0.0, **shape: Any) -> Iterator[str]:
    """A generated shop served from its own process while the ``with`` lasts; yields its URL.
    ``shape``: ``generate_shop``'s keyword arguments."""
    with tempfile.TemporaryDirectory(prefix="omnicheck-shop-") as folder:
        port_file = os.path.join(folder, "port")
        process = multiprocessing.get_context("spawn").Process(
            target=serve_forever, args=(products, port_file, latency, shape), daemon=True
        )
        process.start()
        try:
            while not os.path.exists(port_file) or not Path(port_file).read_text():
                time.sleep(0.02)
            yield f"http://127.0.0.1:{Path(port_file).read_text()}"
        finally:
            process.terminate()
            process.join()
