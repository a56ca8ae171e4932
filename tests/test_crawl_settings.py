"""Scrapy settings for a crawl: crawler/settings.py, then the config's `crawl:` key, then -s."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.config import load_config
from crawler.run.process import crawl_settings
from crawler.run.settings_check import misspelled_setting, setting_errors, setting_warnings
from tests import factories
from tests.conftest import run_omnicheck


def write_config(folder: Path, crawl: str, base: str = "http://127.0.0.1:9") -> Path:
    """A webshop at ``base``; ``crawl`` is YAML as written (its values are what is checked)."""
    webshop = {"name": "webshop", "kind": "webshop", "start_urls": [f"{base}/index.html"]}
    return factories.write_config(folder, [webshop], crawl=crawl)


@pytest.mark.parametrize(
    ("crawl", "overrides", "name", "expected"),
    [
        # Polite defaults stay when nothing says otherwise.
        ("  {}", {}, "ROBOTSTXT_OBEY", True),
        ("  {}", {}, "AUTOTHROTTLE_ENABLED", True),
        ("  {}", {}, "CONCURRENT_REQUESTS_PER_DOMAIN", 8),
        # The config's crawl: key lifts them...
        ("  CONCURRENT_REQUESTS_PER_DOMAIN: 32", {}, "CONCURRENT_REQUESTS_PER_DOMAIN", 32),
        ("  AUTOTHROTTLE_ENABLED: false", {}, "AUTOTHROTTLE_ENABLED", False),
        # ...and -s beats the config, with text values as `scrapy crawl -s` gives them.
        ("  DOWNLOAD_DELAY: 2", {"DOWNLOAD_DELAY": "0.25"}, "DOWNLOAD_DELAY", 0.25),
        ("  ROBOTSTXT_OBEY: false", {"ROBOTSTXT_OBEY": "true"}, "ROBOTSTXT_OBEY", True),
        ("  {}", {"AUTOTHROTTLE_ENABLED": "False"}, "AUTOTHROTTLE_ENABLED", False),
        ("  {}", {"CONCURRENT_REQUESTS": "64"}, "CONCURRENT_REQUESTS", 64),
        # Where items go is omnicheck's to say, whatever -s says.
        ("  {}", {"OMNICHECK_RUN_ID": "99"}, "OMNICHECK_RUN_ID", 7),
    ],
)
def test_settings_are_layered(
    tmp_path: Path, crawl: str, overrides: dict[str, str], name: str, expected: object
) -> None:
    plan = load_config(write_config(tmp_path, crawl)).crawl_plan()
    settings = crawl_settings(plan, "x.db", 7, overrides)
    getter = {
        bool: settings.getbool,
        int: settings.getint,
        float: settings.getfloat,
    }[type(expected)]
    assert getter(name) == expected


def test_setting_without_a_value_is_a_usage_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, "  {}")
    result = CliRunner().invoke(
        cli, ["crawl", "-c", str(config), "--db", str(tmp_path / "x.db"), "-s", "DOWNLOAD_DELAY"]
    )
    assert result.exit_code == 2
    assert result.output == (
        "error: -s 'DOWNLOAD_DELAY': expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1\n"
    )


@pytest.mark.parametrize(
    ("crawl", "option", "error"),
    [
        (
            "  DOWNLOAD_DELAY: abc",
            [],
            "omnicheck.yml:7: crawl.DOWNLOAD_DELAY: 'abc' is not a number (default 0)",
        ),
        (
            "  {}",
            ["-s", "AUTOTHROTTLE_ENABLED=yes"],
            "-s AUTOTHROTTLE_ENABLED=yes: 'yes' is not true or false (default True)",
        ),
        (
            "  {}",
            ["-s", "CONCURRENT_REQUESTS=many"],
            "-s CONCURRENT_REQUESTS=many: 'many' is not a whole number (default 16)",
        ),
        (
            "  {}",
            ["-s", "CONCURRENT_REQUESTS=1.5"],
            "-s CONCURRENT_REQUESTS=1.5: '1.5' is not a whole number (default 16)",
        ),
        (
            "  DEPTH_LIMIT: 1e3",
            [],
            "omnicheck.yml:7: crawl.DEPTH_LIMIT: '1e3' is not a whole number (default 0)",
        ),
    ],
)
def test_a_setting_of_the_wrong_type_stops_before_the_crawl(
    tmp_path: Path, crawl: str, option: list[str], error: str
) -> None:
    """Scrapy would fail in every spider and leave an aborted run with nothing fetched."""
    config = write_config(tmp_path, crawl)
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["crawl", "-c", str(config), "--db", str(db), *option])
    assert result.exit_code == 2, result.output
    expected = error.replace("omnicheck.yml", str(config), 1)
    assert result.output == f"error: {expected}\n"
    assert not db.exists() or sqlite3.connect(db).execute(
        "SELECT count(*) FROM runs"
    ).fetchone() == (0,)


def test_numbers_and_flags_in_scrapy_s_spelling_are_accepted(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "  DOWNLOAD_DELAY: 0.5\n  ROBOTSTXT_OBEY: false"))
    overrides = {
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS": "32",
        "DOWNLOAD_TIMEOUT": "7.5",  # a whole-number default Scrapy reads as a float
        "X_OWN": "y",
    }
    assert setting_errors(config.crawl, overrides, config.located) == []


def write_site(folder: Path) -> Path:
    """Two pages, one of them forbidden by robots.txt."""
    site = folder / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private.html\n")
    (site / "index.html").write_text('<html><body><a href="/private.html">x</a></body></html>')
    (site / "private.html").write_text("<html><body><p>Sisäinen sivu.</p></body></html>")
    return site


@pytest.mark.slow
def test_config_and_option_reach_the_crawl(tmp_path: Path, http_server) -> None:
    """robots.txt forbids one page: the config's crawl: key and -s decide whether it is read."""
    base = http_server(write_site(tmp_path))
    config = write_config(tmp_path, "  ROBOTSTXT_OBEY: false\n  AUTOTHROTTLE_ENABLED: false", base)

    def private_page(*options: str) -> tuple[int, str | None]:
        database = tmp_path / f"{len(options)}.db"
        result = run_omnicheck("crawl", "-c", str(config), "--db", str(database), *options)
        assert "Traceback" not in result.stderr, result.stderr
        with sqlite3.connect(database) as connection:
            return connection.execute(
                "SELECT ok, reason FROM pages WHERE url LIKE '%/private.html'"
            ).fetchone()

    assert private_page() == (1, None)
    ok, reason = private_page("-s", "ROBOTSTXT_OBEY=true")
    assert ok == 0 and "robots.txt" in reason


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("DOWNLOAD_DELEY", "DOWNLOAD_DELAY"),
        ("download_delay", "DOWNLOAD_DELAY"),
        ("CONCURENT_REQUESTS", "CONCURRENT_REQUESTS"),
        ("AUTOTHROTLE_ENABLED", "AUTOTHROTTLE_ENABLED"),
        ("ROBOTS_TXT_OBEY", "ROBOTSTXT_OBEY"),
        ("REDIS_URI", "REDIS_URL"),
        ("OMNICHECK_BATCHSIZE", "OMNICHECK_BATCH_SIZE"),
        # Known names, and an extension's own settings, are not typos.
        ("DOWNLOAD_DELAY", None),
        ("OMNICHECK_BATCH_SIZE", None),
        ("SCHEDULER_PERSIST", None),
        ("ZYTE_API_KEY", None),
        ("PLAYWRIGHT_BROWSER_TYPE", None),
        ("SPLASH_URL", None),
    ],
)
def test_a_near_miss_of_a_known_setting_is_named(name: str, meant: str | None) -> None:
    assert misspelled_setting(name) == meant


def test_mistyped_settings_are_warned_with_file_and_line(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, "  DOWNLOAD_DELAY: 1\n  DEPTH_LIMT: 3"))
    given = {"LOG_LEVLE": "INFO", "ZYTE_API_KEY": "k"}
    warnings = setting_warnings(config.crawl, given, config.located)
    assert warnings == [
        f"{config.path}:8: crawl.DEPTH_LIMT: not a setting of Scrapy or omnicheck;"
        " did you mean DEPTH_LIMIT? (passed on as written)",
        "-s LOG_LEVLE: not a setting of Scrapy or omnicheck;"
        " did you mean LOG_LEVEL? (passed on as written)",
    ]


@pytest.mark.slow
def test_a_mistyped_setting_warns_and_the_crawl_goes_on(tmp_path: Path, http_server) -> None:
    base = http_server(write_site(tmp_path))
    config = write_config(tmp_path, "  AUTOTHROTTLE_ENABLED: false", base)
    database = tmp_path / "x.db"
    result = run_omnicheck(
        "crawl", "-c", str(config), "--db", str(database), "-s", "ROBOTSTXT_OBEJ=false"
    )
    assert result.returncode == 0, result.stderr
    assert (
        "warning: -s ROBOTSTXT_OBEJ: not a setting of Scrapy or omnicheck;"
        " did you mean ROBOTSTXT_OBEY? (passed on as written)"
    ) in result.stderr
    with sqlite3.connect(database) as connection:
        # passed on as written: Scrapy ignores the unknown name, so robots.txt is still obeyed
        assert connection.execute(
            "SELECT ok FROM pages WHERE url LIKE '%/private.html'"
        ).fetchone() == (0,)
