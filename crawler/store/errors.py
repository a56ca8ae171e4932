"""What can go wrong with the results database, as errors whose ``str()`` is one line to show.

``StoreError``: the database cannot be used as asked (no such file, not an omnicheck database,
no such run); the person fixes the command. ``StorageError``: the database could not be
written — the disk is full, the file is read-only, another process keeps it locked, a value is
too big for SQLite. A crawl stops on the first one, keeps what it had stored and marks its run
aborted with the reason; the command exits 4.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# SQLite's primary result codes (the low byte of an extended code) that mean "could not write".
FULL, IOERR, READONLY, BUSY, LOCKED, TOOBIG, CANTOPEN, PERM, NOMEM = 13, 10, 8, 5, 6, 18, 14, 3, 7
NOT_A_DATABASE = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
HINTS = {
    FULL: "the disk is full",
    IOERR: "the disk refused a write (is it full, or a file-size limit reached?)",
    READONLY: "the database is read-only",
    BUSY: "another process keeps the database locked",
    LOCKED: "another process keeps the database locked",
    TOOBIG: "a value is too big for SQLite",
    CANTOPEN: "the file, or the folder it is in, cannot be written (read-only?)",
    PERM: "no permission to write the database",
    NOMEM: "out of memory",
}


class StoreError(Exception):
    """The database cannot be used: missing, not SQLite, or no such run."""


class StorageError(Exception):
    """The database could not be written: the disk is full, the file read-only, another process
    holds its lock, a value too big. ``str()`` is one line; ``hint`` what it means."""

    def __init__(self, path: Path, hint: str, detail: str, outcome: str | None = None) -> None:
        message = f"{path}: cannot write: {hint} ({detail})"
        super().__init__(f"{message}; {outcome}" if outcome else message)
        self.path, self.hint, self.detail = path, hint, detail

    def told(self, outcome: str) -> StorageError:
        """The same error, its line ending with what became of the run."""
        return StorageError(self.path, self.hint, self.detail, outcome)


def storage_error(path: Path, error: sqlite3.Error) -> StoreError | StorageError | None:
    """The error a failed SQLite call means to a user, or None for a bug of our own (a
    constraint, a wrong statement), which must stay a bug."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in NOT_A_DATABASE:
        return StoreError(f"{path}: not an omnicheck database ({error})")
    if primary in HINTS:
        return StorageError(path, HINTS[primary], str(error))
    if isinstance(error, sqlite3.DataError):  # Python's own check: a string past INT_MAX bytes
        return StorageError(path, HINTS[TOOBIG], str(error))
    return None  # "no such column" and the like: a bug, shown as one


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """Raise what a failed SQLite call means (``storage_error``) in its place."""
    try:
        yield
    except sqlite3.Error as error:
        meaning = storage_error(path, error)
        if meaning is None:
            raise
        raise meaning from error
