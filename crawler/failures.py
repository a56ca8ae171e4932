"""Why a fetch gave no page: a short category for counting, and a reason a person can read.

Categories are what the completeness of a channel is judged on. Most are failures (the page
exists but could not be read, so its absence from the results proves nothing). A few are not:
pages robots.txt forbids, links to other sites and pages the server says do not exist (404/410)
are recorded but do not make a channel's crawl incomplete. Pages a crawl limit kept from being
asked for (``LIMITS``, see ``crawler.limits``) count as not fetched, like failures.

omnicheck's own components say why they refused or cut a fetch with ``Refused`` (a category and
a reason) and ``Interrupted``; Scrapy's exceptions are sorted by their type. A reason names the
cause without the URL ("connection refused", "TLS error: wrong version number"), so that pages
failing alike can be counted under one line.
"""

from __future__ import annotations

import re
import ssl
from typing import TYPE_CHECKING

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

if TYPE_CHECKING:
    from collections.abc import Iterator

# Recorded but not failures: the crawl did right not to read these pages, or there is nothing
# to read. A seed (start URL, sitemap or feed of the configuration) that gives nothing is always
# a failure, whatever its category.
NOT_FAILURES = ("robots", "offsite", "other_channel", "not_found")
# Planned pages a crawl limit dropped before asking for them: not fetched, and a depth limit
# hides whatever lies beyond them too.
LIMITS = ("depth_limit", "url_too_long")


class Refused(IgnoreRequest):
    """A fetch omnicheck decided not to make or not to finish: ``category`` and ``reason``."""

    def __init__(self, category: str, reason: str) -> None:
        super().__init__(reason)
        self.category = category
        self.reason = reason


class Interrupted(Exception):
    """A download cut short because the crawl was stopped (Ctrl-C, SIGTERM)."""


CATEGORIES = {
    "robots": "forbidden by robots.txt (not a failure)",
    "offsite": "outside the channel's domains (not a failure)",
    "other_channel": "in another channel's narrower folder, left to it (not a failure)",
    "not_found": "page does not exist (404/410)",
    "rate_limited": "HTTP 429 after retries",
    "server_error": "HTTP 5xx after retries",
    "refused": "HTTP 4xx (blocked or needs login)",
    "timeout": "no complete answer within DOWNLOAD_TIMEOUT (feeds: OMNICHECK_FEED_TIMEOUT)",
    "too_large": "body larger than DOWNLOAD_MAXSIZE (also once decompressed)",
    "redirect_loop": "redirects back to itself, or more than REDIRECT_MAX_TIMES",
    "unsafe_redirect": "redirects to a link-local, private or loopback address (never requested)",
    "interrupted": "cut short because the crawl was stopped",
    "truncated": "connection closed before the whole body arrived",
    "connection": "DNS, connection or TLS error",
    "unreadable": "fetched, but its content could not be read",
    "depth_limit": "deeper than DEPTH_LIMIT: not asked for",
    "url_too_long": "URL longer than URLLENGTH_LIMIT: not asked for",
    "other": "any other error",
}
TIMEOUT = re.compile(r"took longer than ([\d.]+) seconds")


def classify_status(status: int) -> str:
    """The category of an HTTP error status that survived the retries."""
    if status in (404, 410):
        return "not_found"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return "refused"


def classify(failure: Failure) -> tuple[str, str, int | None]:
    """(category, reason, HTTP status) of a failed request, from Scrapy's errback failure."""
    message = failure.getErrorMessage()
    if failure.check(Refused):
        return failure.value.category, failure.value.reason[:200], None
    if failure.check(Interrupted):
        return "interrupted", message[:200], None
    if failure.check(HttpError):
        response = failure.value.response
        reason = f"HTTP {response.status}"
        asked = response.headers.get("Retry-After")
        if asked:
            reason += f" (Retry-After: {asked.decode('latin-1')[:40]})"
        return classify_status(response.status), reason, response.status
    if failure.check(IgnoreRequest):
        if "robots.txt" in message:
            return "robots", "forbidden by robots.txt", None
        if "offsite" in message.lower():
            return "offsite", message[:200], None
        if "during decompression" in message:  # a gzip bomb, from HttpCompressionMiddleware
            return "too_large", message[:200], None
        if message.startswith("in channel "):
            return "other_channel", message[:200], None
        if "redirect" in message:
            return "redirect_loop", message[:200], None
        return "other", f"ignored: {message}"[:200], None
    if failure.check(DownloadTimeoutError, twisted_errors.TimeoutError):
        seconds = TIMEOUT.search(message)
        if seconds:
            return "timeout", f"no complete answer within {seconds.group(1)} s", None
        return "timeout", message[:200], None
    if failure.check(DownloadCancelledError) or "max size" in message:
        return "too_large", (message or _cut_off(failure))[:200], None
    if failure.type.__module__.startswith("playwright"):
        return _browser_failure(failure.type.__name__, message)
    return _network_failure(failure.value, message)


def _network_failure(error: BaseException, message: str) -> tuple[str, str, int | None]:
    """A failure below HTTP: Scrapy wraps Twisted's errors, which wrap the causes (a TLS error,
    a connection lost before the first byte or in the middle of the body)."""
    causes = list(_causes(error))
    tls = next((cause for cause in causes if _is_tls_error(cause)), None)
    if tls is not None:
        return "connection", f"TLS error: {_tls_detail(tls)}"[:200], None
    lost = any(
        isinstance(c, twisted_errors.ConnectionLost | twisted_errors.ConnectionDone) for c in causes
    )
    if lost and any(isinstance(c, ResponseNeverReceived) for c in causes):
        return "connection", "connection closed before any answer", None
    if lost or any(isinstance(c, ResponseDataLossError | ResponseFailed) for c in causes):
        return "truncated", "connection closed before the whole body arrived", None
    if any(isinstance(c, CannotResolveHostError | twisted_errors.DNSLookupError) for c in causes):
        host = message.rstrip(".").rsplit(": ", 1)[-1]
        return "connection", f"DNS lookup failed for {host}"[:200], None
    if any(
        isinstance(c, DownloadConnectionRefusedError | twisted_errors.ConnectionRefusedError)
        for c in causes
    ):
        return "connection", "connection refused", None
    if any(isinstance(c, twisted_errors.ConnectError) for c in causes):
        return "connection", f"cannot connect: {message}"[:200], None
    return "other", f"{type(error).__name__}: {message}"[:200], None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from, and the failures a Twisted wrapper lists."""
    seen: set[int] = set()
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            pending.append(current.__cause__)
        for reason in getattr(current, "reasons", None) or []:
            if isinstance(reason, Failure) and isinstance(reason.value, BaseException):
                pending.append(reason.value)


def _is_tls_error(error: BaseException) -> bool:
    return isinstance(error, ssl.SSLError) or type(error).__module__.startswith("OpenSSL")


def _tls_detail(error: BaseException) -> str:
    """OpenSSL's own words: ``[('SSL routines', '', 'wrong version number')]`` → the last part."""
    arguments = error.args[0] if error.args else ""
    if isinstance(arguments, list) and arguments and isinstance(arguments[-1], tuple):
        return str(arguments[-1][-1]) or str(error)
    return str(error) or type(error).__name__


def _cut_off(failure: Failure) -> str:
    """The reason for a body Scrapy cancelled as it grew past its limit (it gives none)."""
    request = getattr(failure, "request", None)
    limit = request.meta.get("download_maxsize") if request is not None else None
    limit_text = "DOWNLOAD_MAXSIZE" if limit is None else f"its size limit ({limit} bytes)"
    return f"body larger than {limit_text}: cut off while it arrived"


def _browser_failure(name: str, message: str) -> tuple[str, str, int | None]:
    """A page the browser could not load (``render: js``): Chromium names network errors
    ``net::ERR_...``; the first line says it, the rest is Playwright's call log."""
    first = message.strip().splitlines()[0] if message.strip() else name
    if name == "TimeoutError" or "net::ERR_TIMED_OUT" in first:
        return "timeout", first[:200], None
    if "net::ERR_" in first:
        return "connection", first[:200], None
    return "other", f"{name}: {first}"[:200], None
