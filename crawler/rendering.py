"""Reading a channel's pages through a real browser (``render: js``), with scrapy-playwright.

Pages whose products a script fills in show nothing to a plain HTTP fetch. For a channel with
``render: js`` every page request carries ``meta={"playwright": True}`` and is fetched by
scrapy-playwright's download handler, installed for that channel's crawler alone; other channels,
sitemaps and robots.txt keep Scrapy's own downloader. The browser is the system's Chromium
(Debian's ``chromium``), found on the PATH or named in ``PLAYWRIGHT_LAUNCH_OPTIONS``
(``executable_path``): the playwright package never downloads one. scrapy-playwright is the
optional extra ``pip install "omnicheck[js]"``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

BROWSER_PROGRAMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium's own connections home (updates, sync, field trials) are refused on a machine without
# the open internet, and it then stalls; a crawler needs none of them.
CHROMIUM_FLAGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
# What a page fetches that never changes its text: left unloaded, a page renders sooner.
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
INSTALL_HINT = "pip install 'omnicheck[js]'"


class RenderingUnavailable(Exception):
    """``render: js`` cannot work here; ``str()`` says what to install or set."""


def find_browser() -> str | None:
    """The first Chromium-family browser on the PATH."""
    for program in BROWSER_PROGRAMS:
        path = shutil.which(program)
        if path:
            return path
    return None


def launch_options(configured: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """How to start the browser: headless, the system Chromium, the flags this needs; what the
    configuration's ``PLAYWRIGHT_LAUNCH_OPTIONS`` gives replaces each default it names."""
    flags = list(CHROMIUM_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.insert(0, "--no-sandbox")  # Chromium refuses to start its sandbox as root
    options: dict[str, Any] = {"headless": True, "args": flags}
    browser = find_browser()
    if browser:
        options["executable_path"] = browser
    options.update(configured or {})
    return options


def rendering_problem(settings: BaseSettings) -> str | None:
    """Why ``render: js`` cannot work with these Scrapy settings, in one line; None when it can."""
    try:
        importlib.import_module("scrapy_playwright.handler")
    except ImportError as error:
        return f"needs scrapy-playwright ({error}); install it: {INSTALL_HINT}"
    if settings.get("PLAYWRIGHT_CDP_URL") or settings.get("PLAYWRIGHT_CONNECT_URL"):
        return None  # a browser elsewhere
    try:
        configured = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    except (ValueError, TypeError):
        return "PLAYWRIGHT_LAUNCH_OPTIONS: expected a mapping, e.g. {executable_path: ...}"
    executable = launch_options(configured).get("executable_path")
    if executable is None:
        return (
            f"needs Chromium, and none was found (looked for {', '.join(BROWSER_PROGRAMS)});"
            " install it (apt-get install chromium) or name it in"
            " crawl: {PLAYWRIGHT_LAUNCH_OPTIONS: {executable_path: /path/to/chromium}}"
        )
    if not Path(executable).is_file():
        return f"PLAYWRIGHT_LAUNCH_OPTIONS.executable_path: {executable!r}: no such program"
    return None


def use_browser(settings: BaseSettings) -> None:
    """Make a crawler fetch requests marked ``playwright`` through Chromium.

    Called on one channel's crawler settings before they are frozen. Settings a person gave
    (``crawl:`` or ``-s``) win over the defaults set here.
    """
    problem = rendering_problem(settings)
    if problem:
        raise RenderingUnavailable(f"render: js {problem}")
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers.update({"http": HANDLER, "https": HANDLER})
    _set(settings, "DOWNLOAD_HANDLERS", handlers)
    configured = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    _set(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", launch_options(configured))
    if settings.get("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") is None:
        timeout = settings.getfloat("DOWNLOAD_TIMEOUT") * 1000
        _set(settings, "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout)
    if not settings.get("PLAYWRIGHT_ABORT_REQUEST"):
        _set(settings, "PLAYWRIGHT_ABORT_REQUEST", f"{__name__}.skip_resource")


def _set(settings: BaseSettings, name: str, value: Any) -> None:
    """Set at least at spider priority, and never below what a person set."""
    priority = max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"])
    settings.set(name, value, priority=priority)


def skip_resource(request: Any) -> bool:
    """scrapy-playwright's ``PLAYWRIGHT_ABORT_REQUEST``: leave images, media and fonts unloaded."""
    return request.resource_type in SKIPPED_RESOURCES


async def settle(page: Any, seconds: float) -> None:
    """Wait until the page's own requests have stopped (scripts that fetch the price after the
    page loaded), at most ``seconds``: a page that keeps polling is read as it stands then.
    0 reads the page when it has loaded (Playwright would take a timeout of 0 as no limit)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    if seconds <= 0:
        return
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_load_state("networkidle", timeout=seconds * 1000)


def page_meta(settle_seconds: float) -> dict[str, Any]:
    """The meta of a page request to render: through the browser, waiting for it to settle."""
    from scrapy_playwright.page import PageMethod

    return {"playwright": True, "playwright_page_methods": [PageMethod(settle, settle_seconds)]}
