"""A small Swedish retailer serving its webshop and its website from one host, in two folders
(``/webshop/`` and ``/website/``), with footers that link across: the case a marketer meets on
the first run on their own site. Written into a directory for a test's local HTTP server.

Planted: Tält Vandring 2 costs 1 299 kr in the webshop and 1 199 kr on the website; the
webshop's footer promises 30 days' open purchase, the website's 14. With ``js_website`` the
website's product pages are empty shells whose script fetches the product (name, price, stock)
from a JSON file and writes it into the page, as a single-page app does.
"""

from __future__ import annotations

import json
from pathlib import Path

# slug → (name, webshop price, website price, SKU)
PRODUCTS = {
    "talt-vandring-2": ("Tält Vandring 2", "1299", "1199", "FB-T2"),
    "sovsack-vinter": ("Sovsäck Vinter", "899", "899", "FB-S1"),
    "ryggsack-40": ("Ryggsäck 40 L", "1049", "1049", "FB-R40"),
    "stormkok": ("Stormkök Lätt", "549", "549", "FB-K1"),
    "pannlampa": ("Pannlampa 400", "349", "349", "FB-P4"),
}
FOOTERS = {
    "webshop": "Öppet köp i 30 dagar. Fri frakt över 499 kr.",
    "website": "Öppet köp i 14 dagar. Fri frakt över 499 kr.",
}


def shown(amount: str) -> str:
    """A price as the page shows it: "1 299 kr"."""
    return f"{int(amount):,} kr".replace(",", " ")


def layout(folder: str, title: str, content: str, extra: str = "") -> str:
    other = "website" if folder == "webshop" else "webshop"
    crossing = "".join(
        f'<li><a href="/{other}/p/{slug}.html">{name}</a></li>'
        for slug, (name, *_) in PRODUCTS.items()
    )
    return f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>{title} | Fjällbutiken</title></head><body>
<header><nav><a href="/{folder}/index.html">Start</a> <a href="/{other}/index.html">
{"Om oss" if other == "website" else "Webbutik"}</a></nav></header>
{content}
<footer><p>{FOOTERS[folder]}</p><ul>{crossing}</ul>
<a href="/{other}/kundservice.html">Kundservice</a></footer>{extra}</body></html>"""


def webshop_product(slug: str) -> str:
    name, price, _, sku = PRODUCTS[slug]
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": sku,
        "offers": {
            "@type": "Offer",
            "price": price,
            "priceCurrency": "SEK",
            "availability": "https://schema.org/InStock",
        },
    }
    content = (
        f'<script type="application/ld+json">{json.dumps(data)}</script>'
        f'<main><h1>{name}</h1><p class="price">{shown(price)}</p>'
        '<p class="stock">I lager</p></main>'
    )
    return layout("webshop", name, content)


def website_product(slug: str) -> str:
    name, _, price, _ = PRODUCTS[slug]
    return layout(
        "website",
        name,
        f'<main><h1>{name}</h1><p class="price">{shown(price)}</p><p class="stock">I lager</p>'
        "<p>Läs mer om produkten hos våra återförsäljare.</p></main>",
    )


# The website's product page as a single-page app serves it: an empty mount point; the script
# asks for the product and writes it in.
APP_SCRIPT = """
const slug = location.pathname.split("/").pop().replace(".html", "");
fetch("/website/api/" + slug + ".json")
  .then((answer) => answer.json())
  .then((product) => {
    document.getElementById("app").innerHTML =
      "<main><h1>" + product.name + "</h1><p class='price'>" + product.price + "</p>" +
      "<p class='stock'>" + product.stock + "</p></main>";
  });
"""


def website_app_product(slug: str) -> str:
    name = PRODUCTS[slug][0]
    return layout(
        "website", name, '<div id="app"></div>', '<script src="/website/app.js"></script>'
    )


def index(folder: str) -> str:
    items = "".join(
        f'<li><a href="/{folder}/p/{slug}.html">{name}</a></li>'
        for slug, (name, *_) in PRODUCTS.items()
    )
    return layout(folder, "Start", f"<main><h1>Fjällbutiken</h1><ul>{items}</ul></main>")


def write_own_site(root: Path, js_website: bool = False) -> Path:
    """The site under ``root``; returns ``root``. The host's front page links to both folders."""
    for folder in ("webshop", "website"):
        (root / folder / "p").mkdir(parents=True)
        (root / folder / "index.html").write_text(index(folder), "utf-8")
        (root / folder / "kundservice.html").write_text(
            layout(folder, "Kundservice", "<main><h1>Kundservice</h1></main>"), "utf-8"
        )
    for slug in PRODUCTS:
        (root / "webshop" / "p" / f"{slug}.html").write_text(webshop_product(slug), "utf-8")
        page = website_app_product(slug) if js_website else website_product(slug)
        (root / "website" / "p" / f"{slug}.html").write_text(page, "utf-8")
    if js_website:
        (root / "website" / "app.js").write_text(APP_SCRIPT, "utf-8")
        (root / "website" / "api").mkdir()
        for slug, (name, _, price, _) in PRODUCTS.items():
            product = {"name": name, "price": shown(price), "stock": "I lager"}
            (root / "website" / "api" / f"{slug}.json").write_text(json.dumps(product), "utf-8")
    (root / "index.html").write_text(
        '<html><body><a href="/webshop/index.html">Webbutik</a>'
        '<a href="/website/index.html">Om oss</a></body></html>',
        "utf-8",
    )
    return root


def own_site_config(
    base: str, webshop_start: str = "/webshop/", render_website: bool = False
) -> str:
    """The configuration a marketer writes for this site: a start URL per folder, no allow:."""
    render = "\n    render: js" if render_website else ""
    return f"""name: Fjällbutiken
currency: SEK
locale: sv_SE
channels:
  - name: webshop
    kind: webshop
    start_urls: ["{base}{webshop_start}"]
  - name: website
    kind: website
    start_urls: ["{base}/website/"]{render}
crawl:
  AUTOTHROTTLE_ENABLED: false
"""
