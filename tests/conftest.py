"""Shared fixtures: real servers on 127.0.0.1, real SQLite files, the CLI as users run it.

Tests that need a program the machine may lack (Chromium, redis-server) skip with the reason on
a laptop; `.ci/run` sets OMNICHECK_REQUIRE_ALL=1, which turns those skips into failures so CI
always runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.demo import serve

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CORPUS = ROOT.parent / "shared" / "corpus"


def require_program(name: str) -> str:
    """The path of a program, or a skip (a failure under OMNICHECK_REQUIRE_ALL=1)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (CI installs it via .ci/run)"
        if os.environ.get("OMNICHECK_REQUIRE_ALL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


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
    *args: str, cwd: Path | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process, as a user or CI does (Scrapy runs one crawl per process)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
