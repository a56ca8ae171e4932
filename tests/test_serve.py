"""``omnicheck serve``: Datasette on the results database answers its canned queries over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from crawler.store import Store
from tests.conftest import ROOT
from tests.factories import checked_run, missing_finding, price_finding
from tests.webdriver import free_port

pytestmark = pytest.mark.slow


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_serve_answers_the_canned_queries(tmp_path: Path) -> None:
    database = tmp_path / "omnicheck.db"
    store = Store(database)
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")])
    checked_run(
        store,
        [price_finding("Otsalamppu 300", "34.90", "29.90"), missing_finding("click_and_collect")],
    )
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "--db", str(database), "--port", str(port)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/omnicheck"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get_json(f"{base}.json")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)

        latest = get_json(f"{base}/latest_findings.json?_shape=array")
        assert [(row["subject"], row["status"], row["run_id"]) for row in latest] == [
            ("Otsalamppu 300", "persisting", 2),
            ("Click and collect", "new", 2),
        ]
        new = get_json(f"{base}/new_this_week.json?_shape=array")
        assert sorted((row["run_id"], row["subject"]) for row in new) == [
            (1, "Otsalamppu 300"),
            (2, "Click and collect"),
        ]
        by_channel = get_json(f"{base}/findings_by_channel.json?_shape=array")
        assert {(r["channel"], r["kind"], r["findings"]) for r in by_channel} == {
            ("webshop", "price_mismatch", 1),
            ("website", "price_mismatch", 1),
            ("webshop", "missing_in_channel", 1),
            ("website", "missing_in_channel", 1),
        }
        by_product = get_json(f"{base}/findings_by_product.json?_shape=array")
        assert {row["subject"]: row["runs"] for row in by_product} == {
            "Otsalamppu 300": 2,
            "Click and collect": 1,
        }
        fingerprint = latest[0]["fingerprint"]
        history = get_json(f"{base}/finding_history.json?_shape=array&fingerprint={fingerprint}")
        assert [(row["run_id"], row["status"]) for row in history] == [
            (2, "persisting"),
            (1, "new"),
        ]
        metadata = get_json(f"http://127.0.0.1:{port}/-/metadata.json")
        assert metadata["title"] == "omnicheck results"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_on_a_taken_port_is_a_usage_error(tmp_path: Path) -> None:
    """uvicorn exits 3 when it cannot bind; 3 means an incomplete crawl to CI."""
    from click.testing import CliRunner

    from checker.cli import cli

    database = tmp_path / "omnicheck.db"
    Store(database).close()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(database), "--port", str(port)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: --host 127.0.0.1 --port {port}: cannot listen there")
    out_of_range = CliRunner().invoke(cli, ["serve", "--db", str(database), "--port", "99999"])
    assert out_of_range.exit_code == 2
    assert "99999 is not in the range 1<=x<=65535" in out_of_range.output
