"""Shared fixtures: real servers on 127.0.0.1, real SQLite files, the CLI as users run it.

Tests that need a program the machine may lack (Chromium, redis-server) or the shared corpus of
real pages (``../shared/corpus``) skip with the reason on a laptop; `.ci/run` sets
OMNICHECK_REQUIRE_ALL=1, which turns those skips into failures so CI always runs them. Skipped
corpus tests are counted in one line of the summary: a missing corpus must never pass unseen.
"""

from __future__ import annotations

import importlib
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.demo import serve

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_MISSING = f"the shared corpus of real pages is missing ({CORPUS})"


def corpus_missing(*values: object) -> object:
    """The one parameter a corpus-driven test gets when the corpus is absent: it skips (fails
    under OMNICHECK_REQUIRE_ALL=1) and is counted in the summary."""
    return pytest.param(*values, marks=pytest.mark.needs_corpus, id="corpus-missing")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_corpus: skips, counted, when the corpus is absent")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("needs_corpus") is not None:
        skip_without_corpus()


def skip_without_corpus() -> None:
    """Skip the test, counted in the summary, as the corpus is absent (a failure under
    OMNICHECK_REQUIRE_ALL=1 unless the checkout is known to have none beside it)."""
    if os.environ.get("OMNICHECK_REQUIRE_ALL") == "1" and not corpus_may_be_missing():
        pytest.fail(CORPUS_MISSING)
    pytest.skip(CORPUS_MISSING)


def corpus_may_be_missing() -> bool:
    """A checkout with no corpus beside it (a clone elsewhere): `.ci/run` says so out loud and
    sets OMNICHECK_ALLOW_MISSING_CORPUS=1, so Chromium and Redis are still required there."""
    return os.environ.get("OMNICHECK_ALLOW_MISSING_CORPUS") == "1"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if CORPUS_MISSING in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep(
            "!",
            f"{len(skipped)} corpus tests skipped, each standing for a whole set of real pages or"
            f" price strings: {CORPUS_MISSING}; OMNICHECK_REQUIRE_ALL=1 makes this a failure",
            yellow=True,
        )


def require_program(name: str) -> str:
    """The path of a program, or a skip (a failure under OMNICHECK_REQUIRE_ALL=1)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (CI installs it via .ci/run)"
        if os.environ.get("OMNICHECK_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on (for a server a test starts, or a refused one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require_module(name: str) -> None:
    """Import a Python package, or skip (a failure under OMNICHECK_REQUIRE_ALL=1)."""
    try:
        importlib.import_module(name)
    except ImportError as error:
        message = f"{name} is not installed ({error}); CI installs it: pip install '.[js]'"
        if os.environ.get("OMNICHECK_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def http_server() -> Iterator[callable]:
    """Serve a directory on a free 127.0.0.1 port: ``base = http_server(path)``."""
    stack = []

    def start(directory: Path) -> str:
        context = serve(directory)
        stack.append(context)
        return context.__enter__()

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


def run_omnicheck(
    *args: str, cwd: Path | None = None, timeout: float = 240, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process, as a user or CI does (Scrapy runs one crawl per process)."""
    environment = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_omnicheck(*args: str, file_size_limit: int | None = None) -> subprocess.Popen[str]:
    """The CLI in a process of its own, left running (to be stopped or killed by the test);
    with ``file_size_limit``, under that limit for every file it writes (``RLIMIT_FSIZE``, with
    SIGXFSZ ignored, so that a write past it fails as on a full disk)."""

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.Popen(
        [sys.executable, "-m", "checker", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=small_disk if file_size_limit else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def query(database: Path, sql: str, *parameters: object) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, parameters).fetchall()


def stored_count(database: Path, table: str = "pages") -> int:
    """Rows of a table of a database a crawl is writing (0 before it made the table)."""
    try:
        return int(query(database, f"SELECT COUNT(*) FROM {table}")[0][0])
    except sqlite3.OperationalError:
        return 0


@pytest.fixture
def http_receiver() -> Iterator[tuple[str, list[dict]]]:
    """A webhook receiver on a free 127.0.0.1 port: ``(base_url, requests)``; each request is
    recorded as ``{"path", "content_type", "body"}``."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            received.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type"),
                    "body": self.rfile.read(length),
                }
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", received
    server.shutdown()
    server.server_close()
