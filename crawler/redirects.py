"""Where a redirect may lead: never in a circle, never off the channel's sites, never inward.

Every redirect is judged before it is followed, and a refused one is recorded for the page that
redirected (its URL, and the target in the reason), never requested:

- back to a URL already on its path (A → B → A): ``redirect_loop``. Scrapy's duplicate filter
  would drop it silently, leaving no trace of the page;
- to a link-local (169.254.0.0/16, fe80::/10: cloud metadata lives there), loopback, private or
  reserved address, when that address and port is neither where the redirect came from nor a
  configured seed's: ``unsafe_redirect``. A crawl is only ever led there by someone else;
- to a host outside the channel's domains: ``offsite``. Scrapy's offsite filter would drop it
  silently, or not at all for a retried request (retries are marked ``dont_filter``).

Host names are not resolved: a name within the channel's domains is the configuration's own.
``RedirectPolicyMiddleware`` judges an HTTP redirect before ``RedirectMiddleware`` (600) follows
it; ``RedirectedRequestMiddleware`` judges again any request that arrives by a redirect (a
``<meta refresh>`` too) before anything else sees it (robots.txt would be asked first), so a
refused address is never asked for whichever way the crawl was led to it. ``OffsiteMiddleware``
is Scrapy's, except that it lets a redirected request reach that judgement instead of dropping
it unrecorded when it is scheduled.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection
from typing import Any, Self
from urllib.parse import SplitResult, urljoin, urlsplit

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import offsite as scrapy_offsite
from scrapy.http import Request, Response

from crawler.failures import Refused

DEFAULT_PORTS = {"http": 80, "https": 443}
Endpoint = tuple[str, int | None]


def endpoint(url: str | SplitResult) -> Endpoint:
    """(host, port) a URL connects to."""
    parts = urlsplit(url) if isinstance(url, str) else url
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port out of range
        port = None
    return (parts.hostname or "").lower(), port


def unsafe_target(source: str, target: str, seeds: Collection[Endpoint] = ()) -> str | None:
    """Why a redirect from ``source`` must not lead to ``target``; None when it may."""
    place = endpoint(target)
    host = place[0]
    if host == "localhost" or host.endswith(".localhost"):
        address: Any = ipaddress.ip_address("127.0.0.1")
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None  # a name: judged by the channel's domains
        address = getattr(address, "ipv4_mapped", None) or address
    if place == endpoint(source) or place in seeds:
        return None
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_loopback:
        return "a loopback address on another port"
    if not address.is_global:
        return "a private or reserved address"
    return None


class RedirectPolicy:
    """Refuses, with a recorded reason, a redirect inward or off the channel's sites."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def judge(self, source: str, target: str) -> None:
        spider = self.crawler.spider
        unsafe = unsafe_target(source, target, getattr(spider, "seed_endpoints", ()))
        if unsafe:
            raise Refused("unsafe_redirect", f"redirect refused, to {unsafe}: {target}")
        on_site = getattr(spider, "on_site", None)
        if on_site is not None and not on_site(target):
            raise Refused("offsite", f"redirect refused, to another site: {target}")


class RedirectPolicyMiddleware(RedirectPolicy):
    """Judges an HTTP redirect's target before it is followed; a circle too."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if not 300 <= response.status < 400 or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if target in [*request.meta.get("redirect_urls", []), request.url]:
            reason = f"redirect loop: {request.url} redirects back to {target}"
            raise Refused("redirect_loop", reason)
        self.judge(request.url, target)
        return response


class RedirectedRequestMiddleware(RedirectPolicy):
    """Judges a request that arrives by any redirect, before it is asked for."""

    def process_request(self, request: Request) -> None:
        path = request.meta.get("redirect_urls")
        if path:
            self.judge(path[-1], request.url)


class OffsiteMiddleware(scrapy_offsite.OffsiteMiddleware):
    """Scrapy's offsite filter, leaving a redirected request to ``RedirectedRequestMiddleware``
    (Scrapy drops an offsite request silently when it is scheduled)."""

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        if not request.meta.get("redirect_urls"):
            super().request_scheduled(request, spider)
