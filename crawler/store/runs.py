"""The runs of the results database: started, alive, finished, checked; which one is a baseline,
which one can be resumed. A part of ``Store`` (its base class), with ``writing``, the transaction
every write of the store goes through.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.store.errors import StoreError, translated
from crawler.store.liveness import process_alive, this_process

RUN_STATUSES = ("running", "complete", "incomplete", "aborted")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Runs:
    db: sqlite_utils.Database
    path: Path

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed whole, or rolled back and ``StorageError`` raised when
        the database cannot be written."""
        with translated(self.path), self.db.conn:
            yield self.db.conn

    def start_run(
        self,
        name: str,
        channels: Iterable[tuple[str, str] | tuple[str, str, str | None]],
        config_path: str | None = None,
        config_hash: str | None = None,
        version: str | None = None,
        locale: str | None = None,
    ) -> int:
        process = this_process()
        with self.writing():
            cursor = self.db.conn.execute(
                "INSERT INTO runs (name, started, status, config_path, config_hash, version,"
                " locale, pid, host, heartbeat) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    now(),
                    config_path,
                    config_hash,
                    version,
                    locale,
                    process["pid"],
                    process["host"],
                    now(),
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            self.db.conn.executemany(
                "INSERT INTO channels (run_id, channel, kind, market) VALUES (?, ?, ?, ?)",
                [(run_id, c[0], c[1], c[2] if len(c) > 2 else None) for c in channels],
            )
        return run_id

    def finish_run(self, run_id: int, status: str, reason: str | None = None) -> None:
        """End a run's crawl; ``reason`` says why an aborted run stopped."""
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self.writing():
            self.db.conn.execute(
                "UPDATE runs SET finished = ?, status = ?, reason = ? WHERE id = ?",
                (now(), status, reason, run_id),
            )

    def beat(self, run_id: int) -> None:
        """The crawling process is alive: renew the run's heartbeat."""
        with self.writing():
            self.db.conn.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (now(), run_id))

    def run(self, run_id: int | None = None) -> dict[str, Any]:
        """A run by id, or the latest run that finished crawling (complete or incomplete)."""
        if run_id is None:
            rows = list(
                self.db.query(
                    "SELECT * FROM runs WHERE status IN ('complete', 'incomplete')"
                    " ORDER BY id DESC LIMIT 1"
                )
            )
            if not rows:
                raise StoreError(f"{self.path}: no finished run yet (run `omnicheck crawl` first)")
            return rows[0]
        rows = list(self.db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
        if not rows:
            raise StoreError(f"{self.path}: no run {run_id}")
        return rows[0]

    def previous_run(self, run_id: int) -> dict[str, Any] | None:
        """The latest checked complete run before ``run_id``: the baseline.

        An incomplete run reports no "missing" findings for its incomplete channels, so it would
        make them look resolved and then new again; it is never a baseline.
        """
        rows = list(
            self.db.query(
                "SELECT * FROM runs WHERE id < ? AND status = 'complete'"
                " AND checked IS NOT NULL ORDER BY id DESC LIMIT 1",
                [run_id],
            )
        )
        return rows[0] if rows else None

    def runs(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM runs ORDER BY id"))

    def mark_checked(self, run_id: int) -> None:
        with self.writing():
            self.db.conn.execute("UPDATE runs SET checked = ? WHERE id = ?", (now(), run_id))

    def resume_run(self, run_id: int) -> None:
        """An interrupted run continues in this process: running until its crawl finishes."""
        process = this_process()
        with self.writing():
            self.db.conn.execute(
                "UPDATE runs SET status = 'running', finished = NULL, reason = NULL, pid = ?,"
                " host = ?, heartbeat = ? WHERE id = ?",
                (process["pid"], process["host"], now(), run_id),
            )

    def latest_run(self) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))
        return rows[0] if rows else None

    def resumable_run(self) -> dict[str, Any] | None:
        """The latest run, when it was interrupted: aborted, or still marked running by a
        process that is gone (killed). A later run makes an older interruption moot."""
        run = self.latest_run()
        if run is None or run["status"] not in ("aborted", "running"):
            return None
        return run if run["status"] == "aborted" or not process_alive(run) else None

    def latest_checked_run(self) -> dict[str, Any] | None:
        rows = list(
            self.db.query("SELECT * FROM runs WHERE checked IS NOT NULL ORDER BY id DESC LIMIT 1")
        )
        return rows[0] if rows else None
