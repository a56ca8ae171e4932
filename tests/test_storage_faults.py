"""The results database fails under a crawl (issue 20): disk full, read-only, locked, too big.

Each stops the run cleanly: one `error:` line, exit code 4, the run marked `aborted` with the
reason where the database still takes that write, the pages stored before kept, and
`omnicheck crawl --resume` finishing the run. Before, a full disk logged the same traceback
every few seconds and the run ended `complete` with pages missing (exit 0: a false all-clear),
a read-only database printed a traceback and exited 1 (the code for "new findings").

The full disk is real: the crawl runs under a file-size limit (``RLIMIT_FSIZE``, with SIGXFSZ
ignored, so a write past it fails as the disk's would), which works unprivileged and in CI.
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
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.feeds import MEASURE_RSS
from crawler.store import StorageError, Store
from tests.conftest import ROOT, query, run_omnicheck, start_omnicheck, stored_count
from tests.factories import offer
from tests.fault_server import FaultServer, serve, shop

pytestmark = pytest.mark.slow

SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=false", "-s", "CONCURRENT_REQUESTS=4"]
ONE_LINE = re.compile(r"\Aerror: [^\n]+\n\Z")


def write_config(folder: Path, base: str) -> Path:
    config = folder / "omnicheck.yml"
    config.write_text(
        "name: Levy\ncurrency: EUR\nchannels:\n"
        f"  - {{name: webshop, kind: webshop, start_urls: ['{base}/shop/index.html']}}\n",
        encoding="utf-8",
    )
    return config


def crawl_arguments(config: Path, database: Path) -> list[str]:
    return ["crawl", "-c", str(config), "--db", str(database), *SETTINGS]


def assert_resumes_to_every_page_once(
    database: Path, config: Path, base: str, products: list[str], why: str
) -> None:
    resumed = run_omnicheck("crawl", "--resume", "-c", str(config), "--db", str(database))
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert re.search(rf"run 1 was interrupted \({why}.*\): \d+ pages stored", resumed.stderr)
    urls = sorted(url for (url,) in query(database, "SELECT url FROM pages"))
    folders = sorted({path.rsplit("/", 1)[0] + "/index.html" for path in products})
    assert urls == sorted(base + path for path in ["/shop/index.html", *folders, *products])
    assert query(database, "SELECT COUNT(*), COUNT(DISTINCT sku) FROM offers") == [
        (len(products), len(products))
    ]


@pytest.mark.parametrize("limit", [500_000, 300_000])
def test_a_full_disk_stops_the_crawl_and_resume_finishes_it(tmp_path: Path, limit: int) -> None:
    """Whichever file fills first (the database or a channel's queue) stops the crawl in one
    line. At 500 kB the database fills mid-crawl and the run is marked aborted with the reason;
    at 300 kB even that last write may fail: the run then stays `running`, its process gone."""
    server = FaultServer()
    with serve(server) as base:
        products = shop(server, 10, 30, [0.02])
        config, database = write_config(tmp_path, base), tmp_path / "omnicheck.db"
        queue = tmp_path / "omnicheck.db.jobs" / "run-1" / "webshop" / "frontier.sqlite"
        started = time.monotonic()
        full = start_omnicheck(*crawl_arguments(config, database), file_size_limit=limit)
        _, stderr = full.communicate(timeout=120)
        seconds = time.monotonic() - started
        assert full.returncode == 4, stderr
        assert "Traceback" not in stderr and seconds < 60
        [line] = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert line.startswith((f"error: {database}: ", f"error: {queue}: ")), line
        assert "cannot write: the disk refused a write (is it full" in line
        [(status, reason)] = query(database, "SELECT status, reason FROM runs")
        if line.endswith("`omnicheck crawl --resume` continues it"):
            assert status == "aborted" and reason.startswith("storage error: ") and "disk" in reason
        else:
            assert (status, reason) == ("running", None)
        if limit == 500_000:  # room for some pages, and for marking the run
            assert line.startswith(f"error: {database}: ") and status == "aborted"
            assert 0 < stored_count(database) < 1 + 10 + len(products)
        assert query(database, "PRAGMA integrity_check") == [("ok",)]

        why = "storage error" if status == "aborted" else "process"
        assert_resumes_to_every_page_once(database, config, base, products, why)


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` and the database in it read-only, as a mounted archive or a file whose
    permissions were taken away. Root writes through permissions, so for root the folder is
    bound read-only onto itself."""
    if os.geteuid() != 0:
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.fail(f"cannot make a read-only folder as root: {mounted.stderr!r}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_database_is_one_line_and_exit_4(tmp_path: Path) -> None:
    server = FaultServer()
    with serve(server) as base:
        shop(server, 1, 3, [0.0])
        folder = tmp_path / "archive"
        folder.mkdir()
        config, database = write_config(folder, base), folder / "omnicheck.db"
        first = run_omnicheck("crawl", "-c", str(config), "--db", str(database))
        assert first.returncode == 0, first.stderr
        with read_only(folder):
            results = [
                run_omnicheck(command, "-c", str(config), "--db", str(database))
                for command in ("crawl", "check")
            ]
    for result in results:
        assert result.returncode == 4, result.stderr
        assert ONE_LINE.match(result.stderr), result.stderr
        assert f"{database}: cannot write: " in result.stderr
        assert re.search(r"read-only|readonly", result.stderr)
    assert query(database, "SELECT id, status FROM runs") == [(1, "complete")]


def crawl_and_lock(
    config: Path, database: Path, timeout: float
) -> tuple[subprocess.Popen[str], sqlite3.Connection]:
    """A crawl whose writes wait ``timeout`` s for a lock, and, once it stored 20 pages,
    another process's exclusive lock on its database (a writer that never ends)."""
    crawl = start_omnicheck(
        *crawl_arguments(config, database), "-s", f"OMNICHECK_DB_TIMEOUT={timeout}"
    )
    deadline = time.monotonic() + 60
    while stored_count(database) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    return crawl, holder


def test_a_locked_database_aborts_the_run_with_the_reason(tmp_path: Path) -> None:
    server = FaultServer()
    with serve(server) as base:
        products = shop(server, 10, 20, [0.2])
        config, database = write_config(tmp_path, base), tmp_path / "omnicheck.db"
        locked, holder = crawl_and_lock(config, database, timeout=2)
        # Held until the crawl gave up on it and stopped (its channel's line says so), then let
        # go, so that the run can be marked aborted.
        assert locked.stderr is not None
        first_line = locked.stderr.readline()
        holder.execute("ROLLBACK")
        holder.close()
        _, stderr = locked.communicate(timeout=60)
        assert first_line.startswith("webshop: ") and first_line.endswith("— shutdown\n")
        assert locked.returncode == 4, stderr
        assert ONE_LINE.match(stderr), stderr
        assert "another process keeps the database locked (database is locked)" in stderr
        [(status, reason)] = query(database, "SELECT status, reason FROM runs")
        assert status == "aborted" and "locked" in reason
        assert stored_count(database) >= 20

        assert_resumes_to_every_page_once(database, config, base, products, "storage error")


def test_sigterm_ends_a_crawl_whose_database_stays_locked(tmp_path: Path) -> None:
    server = FaultServer()
    with serve(server) as base:
        shop(server, 10, 20, [0.2])
        config, database = write_config(tmp_path, base), tmp_path / "omnicheck.db"
        locked, holder = crawl_and_lock(config, database, timeout=3)
        try:
            time.sleep(1)  # a write is waiting for the lock now
            locked.send_signal(signal.SIGTERM)
            stopped = time.monotonic()
            _, stderr = locked.communicate(timeout=60)
            seconds = time.monotonic() - stopped
        finally:
            holder.close()
    assert seconds < 10, seconds  # the lock's wait, the stop's 3 s, the last write's wait
    assert locked.returncode == 4 and "Traceback" not in stderr, stderr
    # The run could not be marked: it stays `running`, its process gone, so it can be resumed.
    [(status, pid)] = query(database, "SELECT status, pid FROM runs")
    assert (status, pid) == ("running", locked.pid)


def test_a_value_too_big_for_sqlite_is_a_storage_error(tmp_path: Path) -> None:
    """Texts are cut at 10 000 characters before they reach the store; a database built with
    a smaller SQLITE_MAX_LENGTH (or a value that still slips through) is a storage error, the
    batch rolled back whole."""
    store = Store(tmp_path / "small.db")
    run_id = store.start_run("t", [("webshop", "webshop")])
    store.db.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 5_000)
    with pytest.raises(StorageError, match="a value is too big for SQLite"):
        store.add_items(
            run_id, [offer("webshop", "Reppu", "49.90"), offer("webshop", "x" * 9_000, "1")]
        )
    assert store.offers(run_id) == []


def test_a_200_mb_title_is_cut_without_being_held(tmp_path: Path) -> None:
    """Before, a 200 MB title took 27 s and 2.7 GB and ended in `string or blob too big`; then
    an XML feed still held the whole text (about 490 MB). Now each value is read up to twice
    the 10 000-character limit and the rest skipped as it streams past."""
    chunk = "z" * 1_000_000
    with (tmp_path / "iso.xml").open("w", encoding="utf-8") as feed:
        feed.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss xmlns:g="http://base.google.com/ns/1.0">'
        )
        feed.write("<channel><item><g:id>1</g:id><g:title>Teltta ")
        for _ in range(200):
            feed.write(chunk)
        feed.write("</g:title><g:price>199.00 EUR</g:price></item>")
        feed.write("<item><g:id>2</g:id><g:title>Reppu</g:title><g:price>49.90 EUR</g:price>")
        feed.write("</item></channel></rss>\n")
    with (tmp_path / "iso.jsonl").open("w", encoding="utf-8") as feed:
        feed.write('{"id": "1", "title": "Teltta ')
        for _ in range(50):
            feed.write(chunk)
        feed.write(
            '", "price": "199.00 EUR"}\n{"id": "2", "title": "Reppu", "price": "49.90 EUR"}\n'
        )
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Iso\ncurrency: EUR\nchannels:\n"
        "  - {name: xml, kind: feed, feeds: [iso.xml]}\n"
        "  - {name: jsonl, kind: feed, feeds: [iso.jsonl]}\n",
        encoding="utf-8",
    )
    database = tmp_path / "iso.db"
    started = time.monotonic()
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE_RSS, sys.executable, "-m", "checker", "crawl"]
        + ["-c", str(config), "--db", str(database)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    peak_mb = int(measured.stdout.strip()) / 1024
    assert "Traceback" not in measured.stderr and time.monotonic() - started < 60
    assert peak_mb < 250, peak_mb  # the crawl's own ~120 MB, not the title
    offers = query(
        database, "SELECT channel, length(name), price, evidence FROM offers ORDER BY id"
    )
    assert [(channel, length, price) for channel, length, price, _ in offers] == [
        ("xml", 10_000, "199.00"),
        ("xml", 5, "49.90"),
        ("jsonl", 5, "49.90"),  # a row past 1 MiB is skipped and counted, the next one read
    ]
    assert '"cut": "title: cut at 10000 characters"' in offers[0][3]
    assert query(database, "SELECT status FROM runs") == [("complete",)]
