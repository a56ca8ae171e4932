"""The bundled demo: Retkiaitta, a small fictional Finnish outdoor retailer.

Five channels under ``site/``: a webshop with schema.org JSON-LD, a brand website with plain
HTML (read with selectors), Instagram (an RSS feed and a Graph API media export), a Google
Merchant Center feed with the local-inventory feed of two stores (Helsinki, Tampere) and their
stores file, and a newsletter archive; ``stores.yml`` beside the configuration asks every
campaign product of both stores. Planted disagreements: the 40 L backpack costs 129,90 € in the
webshop and 119,90 € on the website; click & collect is described on the website and on social
but nowhere in the webshop; delivery takes 1–3 working days in the webshop and 2–5 on the
website; the 40 L backpack weighs 1,2 kg in the webshop's spec table and 1 450 g on the website;
a current post advertises Kantokassi 16 L at 69,90 € (79,90 € elsewhere); a post says the
sold-out Makuupussi is "taas saatavilla"; a post promotes Retkituoli Kevyt, which only the feed
lists; a recent post still advertises an ended Kantokassi Mini campaign; the feed prices
Vaellusreppu 40 L Pro at 149.90 EUR (159,90 € elsewhere); the webshop calls Makuupussi sold out
while the Helsinki store has three; Otsalamppu 300 is "saatavilla vain myymälöistä" and neither
store has it; Kantokassi 16 L, in a current Instagram campaign, is out of stock in both stores.
Traps that must not be reported: "Vaellusreppu 40 L" vs "Vaellusreppu 40 L Pro", "Kantokassi
16 L" vs "Kantokassi Mini 7 L", a struck-through old price, "89 €" vs "89,00 €", free delivery in
other words, the rain cover's weight (120 g), a rounded weight (0,5 kg vs 490 g), 14-day returns
for sale items only, a warranty sentence repeated in every website footer, last year's post with
a former price, a feed sale price whose dates have passed, "79,90 €" vs "79.90 EUR"; the
newsletter's current campaign on Retkikeitin Kompakti, which the Tampere store does not carry
(its 0 in the stock feed is no empty shelf); last week's "last chance" e-mail and last year's
exported post on Kantokassi Mini 7 L, out of stock in Tampere; Kantokassi Mini sold out online
with "saatavilla myymälöistä" on its page while Helsinki has two; an exported video without a
caption.

Files may hold ``{{today}}``, ``{{today-3}}`` or ``{{today+7|%d.%m.}}``: the serving day (plus
or minus days, in a strftime format, ISO by default), so dated posts stay as current as they are
meant to be whenever the demo runs.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler

SITE_DIR = Path(__file__).parent / "site"
CONFIG_TEMPLATE = Path(__file__).parent / "omnicheck.yml"
RULE_PACK = Path(__file__).parent / "stores.yml"
DATE_PLACEHOLDER = re.compile(r"\{\{today(?P<days>[+-]\d+)?(?:\|(?P<format>[^}]*))?\}\}")
DATED_SUFFIXES = (".xml", ".csv", ".tsv", ".jsonl", ".json", ".html")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def render_dates(text: str, today: date) -> str:
    """``{{today-3|%d.%m.}}`` placeholders replaced by that day in that format."""

    def day(match: re.Match[str]) -> str:
        moment = today + timedelta(days=int(match.group("days") or 0))
        return moment.strftime(match.group("format") or "%Y-%m-%d")

    return DATE_PLACEHOLDER.sub(day, text)


@contextlib.contextmanager
def serve(directory: Path = SITE_DIR) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 on a free port; yields the base URL, stops on exit."""
    with serve_handler(partial(QuietHandler, directory=str(directory))) as base:
        yield base


@contextlib.contextmanager
def serve_handler(
    handler: Callable[..., BaseRequestHandler], host: str = "127.0.0.1"
) -> Iterator[str]:
    """Run a request handler on a free port of ``host`` (any loopback address: 127.0.0.2 is
    another host to a crawler on 127.0.0.1); yields the base URL, stops on exit."""
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve_demo(directory: Path = SITE_DIR) -> Iterator[str]:
    """Serve a copy of the demo site with its date placeholders rendered for today."""
    with tempfile.TemporaryDirectory(prefix="omnicheck-site-") as folder:
        root = Path(folder) / "site"
        shutil.copytree(directory, root)
        for path in root.rglob("*"):
            if path.suffix in DATED_SUFFIXES and path.is_file():
                text = path.read_text(encoding="utf-8", errors="surrogateescape")
                if "{{today" in text:
                    path.write_text(render_dates(text, date.today()), "utf-8", "surrogateescape")
        with serve(root) as base:
            yield base


def write_config(base_url: str, path: Path) -> Path:
    """The demo's omnicheck.yml pointing at the served site, and its rule pack beside it."""
    path.write_text(
        CONFIG_TEMPLATE.read_text(encoding="utf-8").replace("{base}", base_url), encoding="utf-8"
    )
    shutil.copyfile(RULE_PACK, path.parent / RULE_PACK.name)
    return path
