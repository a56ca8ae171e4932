"""Scrapy settings a user gives (a configuration's ``crawl:`` key, ``-s NAME=VALUE``), checked
before crawling: Scrapy ignores a name it does not know and reads a value only when a component
starts, so a typo or a wrong type would otherwise cost a crawl.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rapidfuzz import fuzz, process
from scrapy.settings import Settings, default_settings

# Settings scrapy-redis reads (distributed mode); it has no module listing them all.
SCRAPY_REDIS_SETTINGS = [
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_DB",
    "REDIS_PARAMS",
    "REDIS_ENCODING",
    "REDIS_DECODE_RESPONSES",
    "REDIS_START_URLS_KEY",
    "REDIS_START_URLS_AS_SET",
    "REDIS_START_URLS_AS_ZSET",
    "REDIS_ITEMS_KEY",
    "REDIS_ITEMS_SERIALIZER",
    "SCHEDULER_PERSIST",
    "SCHEDULER_FLUSH_ON_START",
    "SCHEDULER_IDLE_BEFORE_CLOSE",
    "SCHEDULER_QUEUE_KEY",
    "SCHEDULER_QUEUE_CLASS",
    "SCHEDULER_DUPEFILTER_KEY",
    "SCHEDULER_DUPEFILTER_CLASS",
    "SCHEDULER_SERIALIZER",
    "DUPEFILTER_KEY",
    "STATS_KEY",
]


def known_setting_names() -> set[str]:
    """Every setting Scrapy, scrapy-redis or omnicheck itself defines."""
    import crawler.settings

    names = {name for name in dir(default_settings) if name.isupper()}
    names.update(name for name in dir(crawler.settings) if name.isupper())
    names.update(SCRAPY_REDIS_SETTINGS)
    names.update(
        f"OMNICHECK_{name}"
        for name in ["CONFIG", "CRAWL", "REDIS", "WORKER_ID", "WORKER_TIMEOUT", "FEED_MAXSIZE"]
    )
    return names


def misspelled_setting(name: str, known: set[str] | None = None) -> str | None:
    """The setting ``name`` was probably meant to be, if it is a near miss of a known one.

    A name far from every known one is left alone: extensions bring settings of their own, and
    Scrapy passes every name on, so only a likely typo is worth a warning.
    """
    known = known_setting_names() if known is None else known
    if name in known:
        return None
    if name.upper() in known:
        return name.upper()
    match = process.extractOne(name.upper(), known, scorer=fuzz.ratio, score_cutoff=85)
    return match[0] if match else None


# Where a setting given in the configuration stands: ``locate("crawl.X", message)`` gives the
# line to show ("omnicheck.yml:7: crawl.X: message").
Locate = Callable[[str, str], str]


def _plain(key: str, message: str) -> str:
    return f"{key}: {message}"


def _given_settings(
    configured: dict[str, Any], overrides: dict[str, Any]
) -> Iterator[tuple[str, Any, str | None]]:
    """Each setting the configuration's ``crawl:`` key gives (name, value, its key there), then
    each a ``-s`` gives (name, value, None)."""
    for name, value in configured.items():
        yield str(name), value, f"crawl.{name}"
    for name, value in overrides.items():
        yield name, value, None


def setting_warnings(
    configured: dict[str, Any], overrides: dict[str, Any], locate: Locate = _plain
) -> list[str]:
    """One line per setting, in the configuration's ``crawl:`` key or a ``-s``, that looks
    mistyped."""
    known = known_setting_names()
    warnings = []
    for name, _, key in _given_settings(configured, overrides):
        meant = misspelled_setting(name, known)
        if meant:
            message = "not a setting of Scrapy or omnicheck;"
            message += f" did you mean {meant}? (passed on as written)"
            warnings.append(locate(key, message) if key else f"-s {name}: {message}")
    return warnings


# Settings whose default is a whole number but which Scrapy reads with getfloat.
FRACTIONAL_INT_SETTINGS = frozenset(
    {
        "DOWNLOAD_DELAY",
        "DOWNLOAD_TIMEOUT",
        "AUTOTHROTTLE_START_DELAY",
        "AUTOTHROTTLE_MAX_DELAY",
        "AUTOTHROTTLE_TARGET_CONCURRENCY",
        "CLOSESPIDER_TIMEOUT",
        "CLOSESPIDER_TIMEOUT_NO_ITEM",
        "DNS_TIMEOUT",
        "RETRY_BACKOFF_BASE",
        "RETRY_BACKOFF_MAX",
        "RETRY_AFTER_MAX",
        "OMNICHECK_WORKER_TIMEOUT",
        "MEMUSAGE_CHECK_INTERVAL_SECONDS",
        "LOGSTATS_INTERVAL",
        "SCHEDULER_IDLE_BEFORE_CLOSE",
    }
)


def setting_type_problem(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be a known setting's value, or None.

    Scrapy reads a number or a flag only when a component starts, so a wrong type
    (``DOWNLOAD_DELAY: abc``) surfaces as tracebacks and a run aborted with nothing fetched.
    A number setting takes any number (Scrapy's own ``DOWNLOAD_DELAY`` defaults to the integer
    0 yet takes 0.5); settings without a number or flag default are not checked.
    """
    import crawler.settings

    default = getattr(crawler.settings, name, getattr(default_settings, name, None))
    probe = Settings({name: value})
    read: Callable[[str], object]
    if isinstance(default, bool):
        read, expected = probe.getbool, "true or false"
    elif isinstance(default, int) and name not in FRACTIONAL_INT_SETTINGS:
        read, expected = probe.getint, "a whole number"  # 1.5 or 1e3 would crash Scrapy's getint
    elif isinstance(default, (int, float)):
        read, expected = probe.getfloat, "a number"
    else:
        return None
    try:
        read(name)
    except (ValueError, TypeError):
        return f"{value!r} is not {expected} (default {default!r})"
    return None


def setting_errors(
    configured: dict[str, Any], overrides: dict[str, Any], locate: Locate = _plain
) -> list[str]:
    """One line per setting, in the configuration's ``crawl:`` key or a ``-s``, of the wrong
    type."""
    errors = []
    for name, value, key in _given_settings(configured, overrides):
        problem = setting_type_problem(name, value)
        if problem:
            errors.append(locate(key, problem) if key else f"-s {name}={value}: {problem}")
    return errors
