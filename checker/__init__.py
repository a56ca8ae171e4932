"""omnicheck: crawl a retailer's channels and report where they disagree.

The public API (see docs/python-api.md)::

    import checker

    config = checker.load_config("omnicheck.yml")
    result = checker.run(config, db="omnicheck.db")

``load_config``, ``crawl``, ``check``, ``run``, ``report``, ``prepare`` and ``RunResult`` live in
``checker.api`` and are loaded on first use, so importing one module of the package (the
configuration, a rule type) does not start Scrapy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from checker.version import __version__

if TYPE_CHECKING:
    from checker.api import (
        CheckInputs,
        ConfigError,
        OmnicheckWarning,
        RunResult,
        StorageError,
        StoreError,
        UsageError,
        check,
        crawl,
        load_config,
        prepare,
        report,
        run,
    )

__all__ = [
    "CheckInputs",
    "ConfigError",
    "OmnicheckWarning",
    "RunResult",
    "StorageError",
    "StoreError",
    "UsageError",
    "__version__",
    "check",
    "crawl",
    "load_config",
    "prepare",
    "report",
    "run",
]


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        return getattr(importlib.import_module("checker.api"), name)
    raise AttributeError(f"module 'checker' has no attribute {name!r}")
