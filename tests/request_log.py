"""A Scrapy extension for tests: every URL that reaches the downloader, one per line, in the file
``$OMNICHECK_REQUEST_LOG`` names. A crawl in a subprocess thus shows a test what it asked for,
even of a host no test server answers for (169.254.169.254)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

VARIABLE = "OMNICHECK_REQUEST_LOG"


class RequestLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestLog:
        if not os.environ.get(VARIABLE):
            raise NotConfigured(f"${VARIABLE} is not set")
        extension = cls(Path(os.environ[VARIABLE]))
        crawler.signals.connect(extension.reached, signal=signals.request_reached_downloader)
        return extension

    def reached(self, request: Any, spider: Any = None) -> None:
        with self.path.open("a", encoding="utf-8") as log:
            log.write(request.url + "\n")


def extensions_setting() -> str:
    """``-s EXTENSIONS=...`` for a crawl that logs its requests (omnicheck's own kept)."""
    import crawler.settings

    return json.dumps({**crawler.settings.EXTENSIONS, f"{__name__}.RequestLog": 900})
