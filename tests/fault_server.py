"""A local web server that misbehaves on purpose, for fault-injection tests.

Each path under ``/<site>/`` is one fault; ``FaultServer.log`` records every request (time,
Host header, path) so a test can check what the crawler asked for and when. Delays are short so
the tests stay fast: run the crawl with a small ``DOWNLOAD_TIMEOUT`` (see ``FAST_CRAWL``).
``serve(server, host)`` listens on any loopback address (127.0.0.2 is another host to a crawler
on 127.0.0.1); the helpers at the end build the hostile answers: redirects elsewhere, gzip bombs,
feeds in each encoding, a CSV field larger than any limit.
"""

from __future__ import annotations

import random
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from xml.sax.saxutils import escape

from checker.demo import serve_handler

# Scrapy settings that keep a faulty crawl short: -s NAME=VALUE for `omnicheck crawl`.
FAST_CRAWL = {
    "DOWNLOAD_TIMEOUT": "1.5",
    "RETRY_TIMES": "1",
    "RETRY_BACKOFF_BASE": "0.1",
    "REDIRECT_MAX_TIMES": "3",
    "DOWNLOAD_MAXSIZE": "200000",
    "AUTOTHROTTLE_ENABLED": "false",
}
TIMEOUT_SLEEP = 2.5  # longer than FAST_CRAWL's DOWNLOAD_TIMEOUT


def fast_settings(**extra: str) -> list[str]:
    """FAST_CRAWL (and any extra settings) as `-s NAME=VALUE` arguments."""
    return [
        arg for name, value in {**FAST_CRAWL, **extra}.items() for arg in ("-s", f"{name}={value}")
    ]


def page(title: str, body: str = "", links: list[str] | None = None) -> bytes:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links or [])
    return (
        f'<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><h1>{title}</h1>{body}<ul>{anchors}</ul></body></html>"
    ).encode()


def product(name: str, price: str, sku: str) -> bytes:
    data = (
        '{"@context": "https://schema.org", "@type": "Product", '
        f'"name": "{name}", "sku": "{sku}", "offers": {{"@type": "Offer", '
        f'"price": "{price}", "priceCurrency": "EUR", '
        '"availability": "https://schema.org/InStock"}}'
    )
    return page(name, f'<script type="application/ld+json">{data}</script><p>{price} €</p>')


@dataclass
class Reply:
    """What the server sends for a path: status, headers, body, and how (slowly, cut short)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0  # before answering
    drip: float = 0.0  # between chunks of the body
    drip_size: int = 64  # bytes in each dripped chunk
    declared_length: int | None = None  # Content-Length to claim (more than sent: truncated)
    announce_length: bool = True  # False: no Content-Length, the body ends when the socket closes


Route = Callable[[int], Reply]  # the number of earlier requests for this path → the reply


@dataclass
class Request:
    time: float
    host: str
    path: str


class FaultServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.lock = threading.Lock()

    def route(self, path: str, reply: Reply | Route) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _count, r=reply: r)

    def requests(self, path: str) -> list[Request]:
        with self.lock:
            return [request for request in self.log if request.path == path]

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?")[0]
        with self.lock:
            count = sum(1 for request in self.log if request.path == path)
            self.log.append(Request(time.monotonic(), handler.headers.get("Host", ""), path))
        route = self.routes.get(path)
        reply = route(count) if route else Reply(404, page("Ei löydy"))
        time.sleep(reply.delay)
        handler.send_response(reply.status)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        length = reply.declared_length if reply.declared_length is not None else len(reply.body)
        if reply.announce_length:
            handler.send_header("Content-Length", str(length))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        if reply.drip:
            for start in range(0, len(reply.body), reply.drip_size):
                handler.wfile.write(reply.body[start : start + reply.drip_size])
                handler.wfile.flush()
                time.sleep(reply.drip)
        else:
            handler.wfile.write(reply.body)
        if reply.declared_length is not None or not reply.announce_length:
            handler.close_connection = True


@contextmanager
def serve(server: FaultServer, host: str = "127.0.0.1") -> Iterator[str]:
    """Run the server on a free port of ``host``; yields ``http://HOST:PORT``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle(self) -> None:
            with suppress(ConnectionError):  # the crawler gave up on an answer: the point
                super().handle()

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            server.handle(self)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    with serve_handler(Handler, host) as base:
        yield base


def garbage(size: int, seed: int = 7) -> bytes:
    generator = random.Random(seed)
    return bytes(generator.randrange(256) for _ in range(size))


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status, headers={"Location": location, "Content-Type": "text/html"})


def gzip_bomb(size: int) -> Reply:
    """``size`` zero bytes, gzip-compressed (about a thousandth of that on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    chunk = bytes(1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(size // len(chunk)))
    body += compressor.flush()
    return Reply(body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


def merchant_xml(products: list[tuple[str, str]], encoding: str = "utf-8") -> bytes:
    """A Merchant Center RSS feed of (title, price) in ``encoding``, declared in the feed."""
    items = "".join(
        f"<item><g:id>{number}</g:id><g:title>{escape(title)}</g:title>"
        f"<g:price>{price} EUR</g:price></item>"
        for number, (title, price) in enumerate(products, 1)
    )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
        f"{items}</channel></rss>\n"
    ).encode(encoding)


def feed_csv(rows: list[tuple[str, str]], encoding: str = "utf-8") -> bytes:
    """A `;`-separated CSV feed of (title, price) rows, in ``encoding``."""
    lines = ["id;title;price", *(f"{n};{t};{p} EUR" for n, (t, p) in enumerate(rows, 1))]
    return ("\n".join(lines) + "\n").encode(encoding)


class Resetting(socketserver.BaseRequestHandler):
    """Reads the request, then resets the connection without a byte of answer (TCP RST)."""

    def handle(self) -> None:
        with suppress(OSError):
            self.request.recv(4096)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()


def shop(server: FaultServer, categories: int, per_category: int, delay: list[float]) -> list[str]:
    """A webshop at /shop/: an index, its categories, ``per_category`` products in each, every
    product answering after ``delay[0]`` seconds (a list, so a test can change it). The
    products' paths."""
    folders = [f"/shop/c{category}/index.html" for category in range(categories)]
    products = [f"/shop/c{c}/p{n}.html" for c in range(categories) for n in range(per_category)]
    server.route("/shop/index.html", Reply(body=page("Kauppa", links=folders)))
    for category, path in enumerate(folders):
        links = products[category * per_category : (category + 1) * per_category]
        server.route(path, Reply(body=page(f"Osasto {category}", links=links)))
    for number, path in enumerate(products):
        body = product(f"Tuote {number}", f"{number}.90", f"T-{number}")
        server.route(path, lambda _count, body=body: Reply(body=body, delay=delay[0]))
    return products
