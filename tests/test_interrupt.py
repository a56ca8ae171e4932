"""Interruption: SIGTERM halfway through a crawl leaves a consistent database and a resumable run.

The interrupted run is marked aborted, is never checked or used as a baseline, and
`omnicheck crawl --resume` fetches what it had left into the same run, each page once.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_omnicheck
from tests.fault_server import FaultServer, Reply, fast_settings, page, product, serve

pytestmark = pytest.mark.slow

PAGES = [f"/shop/p{number}.html" for number in range(1, 31)]


def site(server: FaultServer, delay: list[float]) -> None:
    """A webshop of 30 products answering after ``delay[0]`` seconds, and a one-page website."""
    server.route("/shop/index.html", Reply(body=page("Kauppa", links=PAGES)))
    for number, path in enumerate(PAGES, 1):
        body = product(f"Tuote {number}", f"{number}.90", f"T-{number}")
        server.route(path, lambda _count, body=body: Reply(body=body, delay=delay[0]))
    server.route("/site/index.html", Reply(body=product("Tuote 1", "2.90", "T-1")))


def query(database: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def test_sigterm_mid_crawl_leaves_consistent_database_and_resume_finishes(tmp_path: Path) -> None:
    server, delay = FaultServer(), [0.0]
    with serve(server) as base:
        site(server, delay)
        config = tmp_path / "omnicheck.yml"
        config.write_text(
            "name: Keskeytys\ncurrency: EUR\nchannels:\n"
            f"  - {{name: webshop, kind: webshop, start_urls: ['{base}/shop/index.html']}}\n"
            f"  - {{name: website, kind: website, start_urls: ['{base}/site/index.html']}}\n",
            encoding="utf-8",
        )
        database = tmp_path / "omnicheck.db"
        common = ["-c", str(config), "--db", str(database), *fast_settings()]

        baseline = run_omnicheck("run", *common)
        assert baseline.returncode == 1, baseline.stderr  # one new price mismatch

        delay[0] = 0.3
        server.log.clear()
        interrupted = subprocess.Popen(
            [sys.executable, "-m", "checker", "run", *common, "-s", "CONCURRENT_REQUESTS=2"],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while sum(r.path in PAGES for r in server.log) < 8 and time.monotonic() < deadline:
            time.sleep(0.05)
        interrupted.send_signal(signal.SIGTERM)
        _, stderr = interrupted.communicate(timeout=60)

        assert interrupted.returncode == 3, stderr
        assert "Traceback" not in stderr
        assert "aborted" in stderr and "omnicheck crawl --resume" in stderr
        assert query(database, "PRAGMA integrity_check") == [("ok",)]
        assert query(database, "SELECT id, status, checked IS NOT NULL FROM runs") == [
            (1, "complete", 1),
            (2, "aborted", 0),
        ]
        assert query(database, "SELECT COUNT(*) FROM findings WHERE run_id = 2") == [(0,)]
        fetched_before = query(
            database, "SELECT COUNT(*) FROM pages WHERE run_id = 2 AND channel = 'webshop'"
        )[0][0]
        assert 2 <= fetched_before < len(PAGES)
        ((note,),) = query(
            database, "SELECT note FROM channels WHERE channel = 'webshop' AND run_id = 2"
        )
        assert "still queued" in note and "stopped: shutdown" in note
        # The stored counts agree with the stored pages: every write was a whole transaction.
        counts = query(
            database,
            "SELECT c.pages + c.failed + c.excluded,"
            " (SELECT COUNT(*) FROM pages p WHERE p.run_id = 2 AND p.channel = c.channel)"
            " FROM channels c WHERE c.run_id = 2",
        )
        assert len(counts) == 2 and all(stored == counted for stored, counted in counts)
        # The aborted run is no baseline and not what `report` shows.
        shown = run_omnicheck("report", "--db", str(database), "-f", "json")
        assert shown.returncode == 0 and '"id": 1' in shown.stdout

        delay[0] = 0.0
        resumed = run_omnicheck("crawl", "--resume", *common)
        assert resumed.returncode == 0, resumed.stderr + resumed.stdout
        assert "run 2: complete" in resumed.stdout

    urls = query(database, "SELECT url FROM pages WHERE run_id = 2 AND channel = 'webshop'")
    assert sorted(url for (url,) in urls) == sorted(
        f"{base}{path}" for path in ["/shop/index.html", *PAGES]
    )
    assert query(database, "SELECT COUNT(DISTINCT sku) FROM offers WHERE run_id = 2") == [(30,)]
    assert not (tmp_path / "omnicheck.db.jobs" / "run-2").exists()

    checked = run_omnicheck("check", "-c", str(config), "--db", str(database), "-f", "json")
    assert checked.returncode == 0, checked.stderr  # the mismatch persists from run 1: not new
    assert '"baseline_run": 1' in checked.stdout and '"status": "persisting"' in checked.stdout
