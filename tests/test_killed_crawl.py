"""A crawl killed outright (SIGKILL) mid-crawl: what it stored stays, and --resume finishes it.

Before (issue 20), ~100 pages were fetched and 0 stored (the pipeline wrote every 500 items), the
run stayed `running`, and `--resume` answered "not interrupted". Now pages are stored within a
second, the run names its process and renews a heartbeat, and the queue lives in SQLite
(crawler/frontier.py): `--resume` says what it found and fetches what is left, each page once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.store import Store, StoreError
from crawler.store.liveness import STALE_SECONDS
from tests.conftest import query, run_omnicheck, start_omnicheck, stored_count
from tests.fault_server import FaultServer, serve, shop

pytestmark = pytest.mark.slow

SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS=4"]


def test_a_killed_crawl_keeps_its_pages_and_resume_finishes_it_once(tmp_path: Path) -> None:
    server, delay = FaultServer(), [0.1]
    with serve(server) as base:
        products = shop(server, 12, 20, delay)
        config = tmp_path / "omnicheck.yml"
        config.write_text(
            "name: Tapettu\ncurrency: EUR\nchannels:\n"
            f"  - {{name: webshop, kind: webshop, start_urls: ['{base}/shop/index.html']}}\n",
            encoding="utf-8",
        )
        database = tmp_path / "omnicheck.db"
        common = ["-c", str(config), "--db", str(database), *SETTINGS]
        crawl = start_omnicheck("crawl", *common)
        deadline = time.monotonic() + 60
        while sum(r.path in products for r in server.log) < 100 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)  # pages arrive while the last batch waits to be written
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=10)
        fetched = len({r.path for r in server.log})
        stored = stored_count(database)

        # At most the last second's pages are lost: at 4 pages in flight every 0.1 s, ~40.
        assert query(database, "SELECT status, pid FROM runs") == [("running", crawl.pid)]
        assert 100 <= fetched < len(products) and fetched - stored <= 45, (fetched, stored)
        assert query(database, "PRAGMA integrity_check") == [("ok",)]

        # Another crawl's check: the killed run is no finished run and no baseline.
        assert "no finished run yet" in run_omnicheck("report", "--db", str(database)).stderr

        delay[0] = 0.0
        resumed = run_omnicheck("crawl", "--resume", *common)

    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    found = re.search(
        r"run 1 was interrupted \(process (\d+) gone since \d\d:\d\d\): (\d+) pages stored,"
        r" (\d+) queued; resuming",
        resumed.stderr,
    )
    assert found, resumed.stderr
    assert int(found.group(1)) == crawl.pid and int(found.group(2)) == stored
    assert int(found.group(3)) >= fetched - stored  # the pages lost with the process, and more
    assert "run 1: complete" in resumed.stdout and "Traceback" not in resumed.stderr
    urls = [url for (url,) in query(database, "SELECT url FROM pages ORDER BY url")]
    expected = ["/shop/index.html", *(f"/shop/c{c}/index.html" for c in range(12))]
    assert sorted(urls) == sorted(base + path for path in [*expected, *products])
    assert query(database, "SELECT COUNT(*), COUNT(DISTINCT sku) FROM offers") == [
        (len(products), len(products))
    ]
    assert query(database, "SELECT status, reason FROM runs") == [("complete", None)]


def test_a_run_whose_process_is_alive_is_neither_resumed_nor_finished(tmp_path: Path) -> None:
    database = tmp_path / "omnicheck.db"
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Elossa\ncurrency: EUR\nchannels:\n"
        "  - {name: webshop, kind: webshop, start_urls: ['http://127.0.0.1:9/']}\n",
        encoding="utf-8",
    )
    store = Store(database)
    run_id = store.start_run("Elossa", [("webshop", "webshop")])  # crawled by this process
    assert store.resumable_run() is None
    with pytest.raises(StoreError, match="no finished run yet"):
        store.run()  # what check and report take by default, and baselines come from
    resumed = run_omnicheck("crawl", "--resume", "-c", str(config), "--db", str(database))
    assert resumed.returncode == 2
    assert resumed.stderr.startswith(
        f"error: run {run_id} is still being crawled by process {os.getpid()} on "
    )

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], text=True, capture_output=True
    ).stdout.strip()
    with store.writing() as connection:  # a process that has exited
        connection.execute("UPDATE runs SET pid = ?", (int(gone),))
    assert store.resumable_run()["id"] == run_id  # type: ignore[index]
    stale = (datetime.now(UTC) - timedelta(seconds=STALE_SECONDS + 5)).isoformat()
    with store.writing() as connection:  # alive pid, silent heartbeat: the pid was reused
        connection.execute("UPDATE runs SET pid = ?, heartbeat = ?", (os.getpid(), stale))
    assert store.resumable_run()["id"] == run_id  # type: ignore[index]


def test_a_feed_killed_halfway_is_read_again_whole_on_resume(tmp_path: Path) -> None:
    """A feed's offers are stored in batches before its record: the batches a killed reading
    stored are replaced when --resume reads the feed again, never kept twice."""
    rows = 150_000
    lines = ["id;title;price;sku", *(f"{n};Tuote {n};{n % 500}.90 EUR;S-{n}" for n in range(rows))]
    (tmp_path / "tuotteet.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Syöte\ncurrency: EUR\nchannels:\n"
        "  - {name: erp, kind: feed, feeds: [tuotteet.csv], fields: {sku: sku}}\n",
        encoding="utf-8",
    )
    database = tmp_path / "omnicheck.db"
    common = ["-c", str(config), "--db", str(database)]
    crawl = start_omnicheck("crawl", *common)
    deadline = time.monotonic() + 60
    while stored_count(database, "offers") < 2_000 and time.monotonic() < deadline:
        time.sleep(0.01)
    crawl.send_signal(signal.SIGKILL)
    crawl.communicate(timeout=10)
    ((partial,),) = query(database, "SELECT COUNT(*) FROM offers")
    assert 0 < partial < rows and query(database, "SELECT COUNT(*) FROM pages") == [(0,)]

    resumed = run_omnicheck("crawl", "--resume", *common)
    assert resumed.returncode == 0, resumed.stderr
    assert "run 1 was interrupted (process" in resumed.stderr
    assert query(database, "SELECT COUNT(*), COUNT(DISTINCT sku) FROM offers") == [(rows, rows)]
    assert query(database, "SELECT COUNT(*), MIN(ok) FROM pages") == [(1, 1)]
