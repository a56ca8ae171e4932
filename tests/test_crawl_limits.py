"""Coverage is honest about crawl limits: a generated shop with 40 listing pages per category is
crawled to its last product by default, and every limit that keeps pages from being fetched
(DEPTH_LIMIT, CLOSESPIDER_PAGECOUNT, URLLENGTH_LIMIT) is counted, named and makes the channel
incomplete, over a real local server, with the CLI in a subprocess.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.shop import generate_shop, serve_shop
from tests.conftest import run_omnicheck

pytestmark = pytest.mark.slow

# 4 categories of 80 products, 2 per listing page: 40 listing pages per category, and no
# related-product links, so a product is reached only through its category's listings (page 20
# of 40 is eleven clicks from the front page; the old default DEPTH_LIMIT 8 missed 128 products).
SHAPE = {"categories": 4, "per_page": 2, "related": 0, "app_state": False}
PRODUCTS = 320
ANCHOR = re.compile(r'<a href="([^"]+)"')


@pytest.fixture(scope="module")
def shop() -> Iterator[str]:
    with serve_shop(PRODUCTS, **SHAPE) as base:
        yield base


def crawl(tmp_path: Path, base: str, *settings: str, command: str = "crawl") -> tuple:
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Pitkä kauppa\ncurrency: EUR\nchannels:\n"
        f"  - name: webshop\n    kind: webshop\n    start_urls: ['{base}/']\n"
        "crawl:\n  AUTOTHROTTLE_ENABLED: false\n",
        encoding="utf-8",
    )
    database = tmp_path / "results.db"
    extra = ["-f", "json"] if command == "run" else []
    arguments = [command, "-c", str(config), "--db", str(database), *extra]
    for setting in settings:
        arguments += ["-s", setting]
    return run_omnicheck(*arguments), database


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def depths() -> dict[str, int]:
    """Each page of the shop by its fewest clicks from the front page (breadth first)."""
    pages = generate_shop(PRODUCTS, **SHAPE)
    found, level, depth = {"/": 0}, ["/"], 0
    while level:
        depth += 1
        following = []
        for path in level:
            for link in ANCHOR.findall(pages[path].decode()):
                if link in pages and link not in found:
                    found[link] = depth
                    following.append(link)
        level = following
    return found


def test_long_category_pagination_is_crawled_to_the_last_product(tmp_path: Path, shop: str) -> None:
    result, database = crawl(tmp_path, shop)
    assert result.returncode == 0, result.stderr
    products = query(
        database, "SELECT COUNT(DISTINCT url) FROM pages WHERE ok AND url LIKE '%/tuote/%'"
    )
    assert products == [(PRODUCTS,)]
    assert query(database, "SELECT pages, failed, coverage, complete FROM channels") == [
        (len(depths()), 0, 1.0, 1)
    ]
    assert max(depths().values()) > 8  # the shop is deeper than the old default limit


def test_a_depth_limit_names_the_pages_it_left_and_the_run_is_incomplete(
    tmp_path: Path, shop: str
) -> None:
    result, database = crawl(tmp_path, shop, "DEPTH_LIMIT=2", command="run")
    assert result.returncode == 3, result.stderr
    clicks = depths()
    within = {path for path, depth in clicks.items() if depth <= 2}
    beyond = {path for path, depth in clicks.items() if depth == 3}
    fetched = {
        url.removeprefix(shop) for (url,) in query(database, "SELECT url FROM pages WHERE ok")
    }
    assert fetched == within  # what plain Scrapy with DEPTH_LIMIT 2 fetches, page for page
    (channel,) = json.loads(result.stdout)["channels"]
    assert channel["failures"] == {"depth_limit": len(beyond)}
    assert channel["complete"] is False
    assert channel["coverage"] == round(len(within) / (len(within) + len(beyond)), 4)
    assert f"not fetched: {len(beyond)} deeper than DEPTH_LIMIT 2" in channel["note"]
    assert "cut short by a crawl limit" in channel["note"]
    not_fetched = query(database, "SELECT DISTINCT url FROM pages WHERE category = 'depth_limit'")
    assert {url.removeprefix(shop) for (url,) in not_fetched} == beyond
    assert f"webshop: {len(beyond)} not fetched: deeper than DEPTH_LIMIT 2" in result.stderr


def test_a_page_count_limit_leaves_the_channel_incomplete(tmp_path: Path, shop: str) -> None:
    result, database = crawl(tmp_path, shop, "CLOSESPIDER_PAGECOUNT=30")
    assert result.returncode == 3, result.stderr
    ((pages, pending, complete, note),) = query(
        database, "SELECT pages, pending, complete, note FROM channels"
    )
    assert pages < len(depths()) and pending > 0 and complete == 0
    assert "stopped: closespider_pagecount; cut short by a crawl limit" in note


def test_a_url_length_limit_counts_each_page_it_left(tmp_path: Path, shop: str) -> None:
    # Longer than the front page's URL, shorter than any other page's.
    limit = len(f"{shop}/") + 1
    result, database = crawl(tmp_path, shop, f"URLLENGTH_LIMIT={limit}")
    assert result.returncode == 3, result.stderr
    ((pages, failed, failures, note),) = query(
        database, "SELECT pages, failed, failures, note FROM channels"
    )
    menu = len([path for path, depth in depths().items() if depth == 1])  # the categories
    assert (pages, failed, json.loads(failures)) == (1, menu, {"url_too_long": menu})
    assert f"not fetched: {menu} URL longer than URLLENGTH_LIMIT {limit}" in note
