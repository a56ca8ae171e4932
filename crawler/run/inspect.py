"""``omnicheck extract``: what omnicheck reads from one page, for fixing selectors.

Works on a URL (fetched once, with omnicheck's User-Agent) or a local file, with the currency,
locale and selectors the caller gives (those of a configured channel, when one is named).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import asdict
from http.client import HTTPException
from pathlib import Path
from typing import Any

from crawler import settings as crawl_settings
from crawler.extraction import ExtractionOptions, extract_page
from crawler.extraction.claims import ServiceVocabulary

TIMEOUT = 30


class LocationError(Exception):
    """A page that cannot be fetched or read: the one line to show."""


def read_location(location: str) -> tuple[bytes, str, str | None]:
    """(body, url, encoding from the HTTP header) of a URL or a file path."""
    if location.startswith(("http://", "https://")):
        request = urllib.request.Request(
            location, headers={"User-Agent": crawl_settings.USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                body = response.read(crawl_settings.DOWNLOAD_MAXSIZE)
                return body, response.geturl(), response.headers.get_content_charset()
        except (OSError, HTTPException, ValueError) as error:
            # URLError (DNS, refused, TLS), a reset or a timeout are OSErrors; a server that
            # answers no HTTP raises HTTPException
            reason = error.reason if isinstance(error, urllib.error.URLError) else error
            raise LocationError(
                f"{location}: cannot fetch: {reason or type(error).__name__}"
            ) from None
    path = Path(location)
    try:
        return path.read_bytes(), path.resolve().as_uri(), None
    except OSError as error:
        raise LocationError(f"{location}: cannot read: {error.strerror or error}") from None


def inspect_location(
    location: str,
    options: ExtractionOptions | None = None,
    vocabulary: ServiceVocabulary | None = None,
) -> dict[str, Any]:
    """Everything ``extract_page`` reads from the page at ``location``, as plain data."""
    body, url, encoding = read_location(location)
    result = extract_page(body, url, options, vocabulary=vocabulary, encoding=encoding)
    data = asdict(result)
    data.pop("links", None)
    return data
