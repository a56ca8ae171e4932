"""A crawl shared by worker processes through a real Redis stores what one process would.

Each test starts its own ``redis-server`` on a free 127.0.0.1 port (no persistence), serves a
generated shop from its own process, and runs the coordinator (``omnicheck crawl --redis``) and
two workers as the CLI, in subprocesses, as a user would.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from benchmarks.shop import generate_shop, serve_shop
from tests.conftest import ROOT, free_port, require_program, run_omnicheck
from tests.factories import write_config

pytestmark = pytest.mark.slow
PRODUCTS = 120


@pytest.fixture
def redis_url() -> Iterator[str]:
    program = require_program("redis-server")
    port = free_port()
    server = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    server.terminate()
    server.wait(10)


def shop_config(folder: Path, base: str, concurrency: int) -> Path:
    return write_config(
        folder,
        [
            {
                "name": "webshop",
                "kind": "webshop",
                "start_urls": [f"{base}/"],
                "sitemap_urls": [f"{base}/sitemap.xml"],
            }
        ],
        currency="EUR",
        crawl={
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        },
    )


def omnicheck(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "checker", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """The run as rows a user compares: pages, offers and claims, duplicates kept."""
    with sqlite3.connect(database) as connection:
        return {
            "pages": sorted(connection.execute("SELECT url, status, ok FROM pages")),
            "offers": sorted(
                connection.execute(
                    "SELECT url, sku, gtin, price, currency, availability FROM offers"
                )
            ),
            "claims": sorted(
                connection.execute("SELECT service, sentence, low, high, pages FROM claims")
            ),
            "runs": list(connection.execute("SELECT status FROM runs")),
        }


def stored_pages(database: Path) -> int:
    try:
        with sqlite3.connect(database) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM pages").fetchone()[0])
    except sqlite3.OperationalError:  # the coordinator has not created the tables yet
        return 0


def test_two_workers_store_the_same_run_as_one_process(tmp_path: Path, redis_url: str) -> None:
    with serve_shop(PRODUCTS, latency=0.05) as base:
        config = shop_config(tmp_path, base, concurrency=2)
        single = run_omnicheck("crawl", "-c", str(config), "--db", str(tmp_path / "single.db"))
        assert single.returncode == 0, single.stderr
        workers = [omnicheck("worker", "--redis", redis_url, "--wait", "60") for _ in range(2)]
        coordinator = omnicheck(
            "crawl", "-c", str(config), "--db", str(tmp_path / "shared.db"), "--redis", redis_url
        )
        out, err = coordinator.communicate(timeout=180)
        results = [worker.communicate(timeout=60) for worker in workers]
    assert coordinator.returncode == 0, err
    assert "run 1: complete" in out
    one, shared = stored(tmp_path / "single.db"), stored(tmp_path / "shared.db")
    expected_pages = len(generate_shop(PRODUCTS)) - 1  # every page but robots.txt
    assert len(shared["pages"]) == len(set(shared["pages"])) == expected_pages
    assert len(shared["offers"]) == len(set(shared["offers"])) == PRODUCTS
    assert shared == one
    fetched = [int(output.split(", ")[1].split()[0]) for output, _ in results]
    assert all(count > 0 for count in fetched), results


def test_a_finished_crawl_leaves_no_key_in_redis_for_good(tmp_path: Path, redis_url: str) -> None:
    """Before (issue 20), the set of workers stayed in Redis forever after every crawl."""
    with serve_shop(20, latency=0.01) as base:
        config = shop_config(tmp_path, base, concurrency=2)
        worker = omnicheck("worker", "--redis", redis_url, "--wait", "60")
        coordinator = omnicheck(
            "crawl", "-c", str(config), "--db", str(tmp_path / "shared.db"), "--redis", redis_url
        )
        _, err = coordinator.communicate(timeout=120)
        worker.communicate(timeout=60)
    assert coordinator.returncode == 0, err
    client = redis.Redis.from_url(redis_url)
    left = {key.decode(): client.ttl(key) for key in client.scan_iter("omnicheck:*")}
    assert any(key.endswith(":workers") for key in left), left  # the key this is about
    assert all(0 < ttl <= 3600 for ttl in left.values()), left


def test_the_other_worker_finishes_when_one_is_killed(tmp_path: Path, redis_url: str) -> None:
    with serve_shop(PRODUCTS, latency=0.1) as base:
        config = shop_config(tmp_path, base, concurrency=2)
        database = tmp_path / "shared.db"
        coordinator = omnicheck(
            "crawl", "-c", str(config), "--db", str(database), "--redis", redis_url,
            "-s", "OMNICHECK_WORKER_TIMEOUT=2",
        )  # fmt: skip
        doomed, survivor = (omnicheck("worker", "--redis", redis_url) for _ in range(2))
        expected_pages = len(generate_shop(PRODUCTS)) - 1
        deadline = time.monotonic() + 120
        while stored_pages(database) < expected_pages // 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stored_pages(database) < expected_pages, "the crawl ended before the kill"
        doomed.send_signal(signal.SIGKILL)
        out, err = coordinator.communicate(timeout=180)
        survivor.communicate(timeout=60)
        doomed.wait()
    assert coordinator.returncode == 0, err
    requeued = re.search(r"stopped: (\d+) unfinished requests queued again", err)
    assert requeued and int(requeued.group(1)) > 0, err
    shared = stored(database)
    assert shared["runs"] == [("complete",)]
    assert len(shared["pages"]) == len(set(shared["pages"])) == expected_pages
    assert len(shared["offers"]) == len(set(shared["offers"])) == PRODUCTS


def test_worker_without_a_crawl_to_join_says_so(redis_url: str) -> None:
    result = run_omnicheck("worker", "--redis", redis_url, "--wait", "0.5")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no crawl to join in Redis after 0.5 s"


def test_unreachable_redis_is_one_line(tmp_path: Path) -> None:
    port = free_port()
    result = run_omnicheck("worker", "--redis", f"redis://127.0.0.1:{port}/0", "--wait", "1")
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: --redis redis://127.0.0.1:{port}/0: cannot use Redis")
    assert "Traceback" not in result.stderr
