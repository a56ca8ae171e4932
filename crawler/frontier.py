"""A crawl queue that survives a killed process: each channel's requests in SQLite in ``JOBDIR``.

Scrapy's own ``JOBDIR`` queue writes how many requests it holds, and which queues exist, only
when the crawl closes; its duplicate filter buffers what it has seen. A process killed outright
(SIGKILL, the out-of-memory killer, a power cut) leaves a queue that reads as empty and a filter
that drops the start URLs: nothing to resume. ``DurableScheduler`` keeps the queue, the
fingerprints seen and the requests handed out (*taken*) in one SQLite file,
``JOBDIR/frontier.sqlite``, each change its own small transaction: a request is seen and queued
in one step, and leaves the queue in the same step that records it taken.

A page's items reach the results database a moment after its request is taken
(``crawler.pipelines``); a killed process loses those in between. So when the scheduler opens,
every taken request whose page the results database lacks goes back in the queue (its first
URL, before any redirect, or its last), and ``--resume`` fetches it again: a kill costs the
pages fetched but not yet stored, never a page of the channel. A product feed is the one
response whose items are stored in several transactions; when it is read again, the offers its
killed reading had stored are dropped first (``settle``), so none is kept twice. A request
taken again is a
request queued again: enqueueing it (a retry, a download cut by a stop) clears its taken record,
and a redirect clears the record of the request it came from.

Without ``JOBDIR`` the same tables live in memory. Requests that cannot be serialised (a
callback that is not a spider method) wait in memory, as in Scrapy's scheduler.
"""

from __future__ import annotations

import heapq
import itertools
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.utils.request import request_from_dict

from crawler.signals import storage_failed
from crawler.store import StorageError, Store
from crawler.store.errors import storage_error

FILE_NAME = "frontier.sqlite"
TABLES = """
CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY, priority INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, request BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS queue_order ON queue(priority, id);
CREATE TABLE IF NOT EXISTS seen (fingerprint TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS taken (fingerprint TEXT PRIMARY KEY, url TEXT NOT NULL,
    first_url TEXT NOT NULL, priority INTEGER NOT NULL, request BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS taken_url ON taken(url);
"""


def connect(path: Path | str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    # A kill loses nothing the operating system was given; only a power cut could.
    connection.execute("PRAGMA synchronous = NORMAL")
    # Each request is a small transaction of its own: fold them into the file every 400 KB
    # rather than SQLite's 4 MB, so the queue takes little more disk than its requests.
    connection.execute("PRAGMA wal_autocheckpoint = 100")
    connection.executescript(TABLES)
    return connection


def first_url(request: Request) -> str:
    """The URL the crawl asked for, before any redirect: what a failed page is stored under."""
    return str((request.meta.get("redirect_urls") or [request.url])[0])


class DurableScheduler:
    """Scrapy's scheduler interface over the tables above (see the module's description)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.fingerprinter = crawler.request_fingerprinter
        jobdir = crawler.settings.get("JOBDIR")
        self.path = Path(jobdir) / FILE_NAME if jobdir else None
        self.memory: list[tuple[int, int, Request]] = []  # unserialisable requests: a heap
        self.order = itertools.count()
        self.failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DurableScheduler:
        return cls(crawler)

    def open(self, spider: Spider) -> None:
        self.spider = spider
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = connect(self.path or ":memory:")
        self.requeue_lost()

    def close(self, reason: str) -> None:
        self.db.close()

    def __len__(self) -> int:
        (queued,) = self.db.execute("SELECT COUNT(*) FROM queue").fetchone()
        return int(queued) + len(self.memory)

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request).hex()
        try:
            serialised = pickle.dumps(request.to_dict(spider=self.spider), protocol=4)
        except (ValueError, TypeError, AttributeError, pickle.PicklingError):
            serialised = None
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                if not request.dont_filter and not self._first_sight(fingerprint):
                    self._count("dupefilter/filtered")
                    return False
                self.db.execute("DELETE FROM taken WHERE fingerprint = ?", (fingerprint,))
                if request.meta.get("redirect_urls"):
                    came_from = request.meta["redirect_urls"][-1]
                    self.db.execute("DELETE FROM taken WHERE url = ?", (came_from,))
                if serialised is not None:
                    self.db.execute(
                        "INSERT INTO queue (priority, fingerprint, request) VALUES (?, ?, ?)",
                        (request.priority, fingerprint, serialised),
                    )
        except sqlite3.Error as error:
            self._failed(error)
            serialised = None
        if serialised is None:
            heapq.heappush(self.memory, (-request.priority, -next(self.order), request))
        self._count("scheduler/enqueued")
        self._count(f"scheduler/enqueued/{'disk' if serialised else 'memory'}")
        return True

    def next_request(self) -> Request | None:
        request: Request | None
        if self.memory:
            request = heapq.heappop(self.memory)[2]
            self._count("scheduler/dequeued/memory")
        else:
            request = self._take()
            if request is None:
                return None
            self._count("scheduler/dequeued/disk")
        self._count("scheduler/dequeued")
        return request

    def _first_sight(self, fingerprint: str) -> bool:
        cursor = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (fingerprint,))
        return cursor.rowcount == 1

    def _take(self) -> Request | None:
        """The next request, moved from the queue to the taken ones in one step."""
        try:
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                row = self.db.execute(
                    "SELECT id, priority, fingerprint, request FROM queue"
                    " ORDER BY priority DESC, id DESC LIMIT 1"
                ).fetchone()
                if row is None:
                    return None
                number, priority, fingerprint, serialised = row
                request = request_from_dict(pickle.loads(serialised), spider=self.spider)
                self.db.execute("DELETE FROM queue WHERE id = ?", (number,))
                self.db.execute(
                    "INSERT OR REPLACE INTO taken VALUES (?, ?, ?, ?, ?)",
                    (fingerprint, request.url, first_url(request), priority, serialised),
                )
        except sqlite3.Error as error:
            self._failed(error)
            return None
        return request

    def requeue_lost(self) -> int:
        """Taken requests whose page the results database lacks, back in the queue (a killed
        process lost them); the others forgotten. How many went back."""
        taken = self.db.execute("SELECT fingerprint, url, first_url FROM taken").fetchall()
        if not taken:
            return 0
        lost = settle(self.crawler.settings, self.spider, taken)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT INTO queue (priority, fingerprint, request)"
                " SELECT priority, fingerprint, request FROM taken WHERE fingerprint = ?",
                [(fingerprint,) for fingerprint in lost],
            )
            self.db.execute("DELETE FROM taken")
        self._count("omnicheck/requeued_lost", len(lost))
        return len(lost)

    def _failed(self, error: sqlite3.Error) -> None:
        """The queue's file cannot be written (the disk is full): the crawl stops."""
        if self.failed:
            return
        self.failed = True
        meaning = storage_error(self.path or Path(":memory:"), error)
        if not isinstance(meaning, StorageError):
            raise error
        self.crawler.signals.send_catch_log(signal=storage_failed, error=meaning)

    def _count(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


def settle(settings: Any, spider: Spider, taken: list[tuple[str, str, str]]) -> list[str]:
    """The fingerprints of the taken requests (fingerprint, URL, first URL) whose page the
    run has not stored. A product feed among them may have stored part of its offers before
    the process died: those are dropped, as the feed is read again whole. Outside omnicheck's
    crawl (no run set), every taken request is lost."""
    run_id = settings.getint("OMNICHECK_RUN_ID", 0)
    if not run_id:
        return [fingerprint for fingerprint, _, _ in taken]
    channel = spider.channel_name  # type: ignore[attr-defined]
    store = Store(settings.get("OMNICHECK_DB"), timeout=settings.getfloat("OMNICHECK_DB_TIMEOUT"))
    try:
        stored = store.page_urls(run_id, channel)
        lost = [
            (fingerprint, first) for fingerprint, url, first in taken if not {url, first} & stored
        ]
        store.drop_feed_offers(run_id, channel, [first for _, first in lost])
    finally:
        store.close()
    return [fingerprint for fingerprint, _ in lost]


def queued(jobdir: Path, stored: set[str]) -> int:
    """Requests a channel's ``JOBDIR`` still holds: queued, or taken by a process that was
    killed before their pages were stored."""
    path = jobdir / FILE_NAME
    if not path.exists():
        return 0
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        (count,) = connection.execute("SELECT COUNT(*) FROM queue").fetchone()
        taken = connection.execute("SELECT url, first_url FROM taken").fetchall()
    finally:
        connection.close()
    return int(count) + sum(1 for url, first in taken if not {url, first} & stored)
