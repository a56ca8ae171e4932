"""The crawl's log on a terminal: one line per error, tracebacks only when asked for.

Scrapy logs an error with its traceback; a person running ``omnicheck crawl`` needs to know that
something failed and what, in one line, and the traceback only to report a bug
(``omnicheck --debug``, which sets ``OMNICHECK_TRACEBACKS``). The filter goes on Scrapy's own log
handler alone, so a program that calls the crawl keeps its own handlers as they are. Scrapy
installs that handler anew as each crawler starts, so the filter is added when each engine has
started (``watch``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.log import get_scrapy_root_handler


class OneLineErrors(logging.Filter):
    """A record's traceback replaced by its error's type and message, on the record's line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
            record.msg = f"{record.getMessage()} ({detail})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def quiet_tracebacks(crawler: Crawler) -> None:
    """Unless ``OMNICHECK_TRACEBACKS``, print each error of the crawl's log as one line."""
    if crawler.settings.getbool("OMNICHECK_TRACEBACKS"):
        return

    def engine_started(**_: Any) -> None:
        handler = get_scrapy_root_handler()
        if handler is not None and not any(isinstance(f, OneLineErrors) for f in handler.filters):
            handler.addFilter(OneLineErrors())

    crawler.signals.connect(engine_started, signal=signals.engine_started, weak=False)
