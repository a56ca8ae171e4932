"""Which process crawls a run, and whether it still does.

While a run crawls, its row holds the crawling process's ``pid`` and ``host`` and a ``heartbeat``
time renewed every ``HEARTBEAT_SECONDS``. A process killed outright (SIGKILL, a power cut, the
out-of-memory killer) cannot mark its run aborted; its run stays ``running`` with a heartbeat
that stops. It is gone when its heartbeat is older than ``STALE_SECONDS``, or, on this host, when
no process has its pid any more; a run whose process is gone can be resumed like an aborted one,
and a run whose process is alive is neither resumed nor taken for finished.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from typing import Any

HEARTBEAT_SECONDS = 5.0
# Well above the heartbeat: a crawl busy with one large page or feed for a while is not gone.
STALE_SECONDS = 60.0


def this_process() -> dict[str, Any]:
    """The columns that name the crawling process."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def heartbeat_age(run: dict[str, Any], now: datetime | None = None) -> float | None:
    """Seconds since the run's last heartbeat; None when it never had one."""
    if not run.get("heartbeat"):
        return None
    beat = datetime.fromisoformat(run["heartbeat"])
    return ((now or datetime.now(UTC)) - beat).total_seconds()


def process_alive(run: dict[str, Any], now: datetime | None = None) -> bool:
    """Whether the process that crawls a ``running`` run is still at it."""
    age = heartbeat_age(run, now)
    if age is None or age > STALE_SECONDS:
        return False
    if run.get("host") == socket.gethostname() and run.get("pid"):
        return _pid_exists(int(run["pid"]))
    return True  # another machine's process with a fresh heartbeat


def local_time(moment: str | None) -> str:
    """An ISO time from the database as this machine's clock shows it, ``12:03``; the date too
    when it is not today."""
    if not moment:
        return "an unknown time"
    local = datetime.fromisoformat(moment).astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
