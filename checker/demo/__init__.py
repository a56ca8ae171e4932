"""The bundled demo: Retkiaitta, a small fictional Finnish outdoor retailer.

Three channels under ``site/``: a webshop with schema.org JSON-LD, a brand website with plain
HTML (read with selectors), and an Instagram-style RSS feed. Planted disagreements: the 40 L
backpack costs 129,90 € in the webshop and 119,90 € on the website; click & collect is
described on the website and on social but nowhere in the webshop; delivery takes 1–3 working
days in the webshop and 2–5 on the website; the 40 L backpack weighs 1,2 kg in the webshop's
spec table and 1 450 g on the website. Traps that must not be reported: "Vaellusreppu 40 L" vs
"Vaellusreppu 40 L Pro", "Kantokassi 16 L" vs "Kantokassi Mini 7 L", a struck-through old
price, "89 €" vs "89,00 €", free delivery in other words, the rain cover's weight (120 g), a
rounded weight (0,5 kg vs 490 g), 14-day returns for sale items only, and a warranty sentence
repeated in every website footer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler

SITE_DIR = Path(__file__).parent / "site"
CONFIG_TEMPLATE = Path(__file__).parent / "omnicheck.yml"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(directory: Path = SITE_DIR) -> Iterator[str]:
    """Serve a directory on 127.0.0.1 on a free port; yields the base URL, stops on exit."""
    with serve_handler(partial(QuietHandler, directory=str(directory))) as base:
        yield base


@contextlib.contextmanager
def serve_handler(handler: Callable[..., BaseRequestHandler]) -> Iterator[str]:
    """Run a request handler on 127.0.0.1 on a free port; yields the base URL, stops on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_config(base_url: str, path: Path) -> Path:
    """The demo's omnicheck.yml pointing at the served site."""
    path.write_text(
        CONFIG_TEMPLATE.read_text(encoding="utf-8").replace("{base}", base_url), encoding="utf-8"
    )
    return path
