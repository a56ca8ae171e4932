"""``omnicheck serve``: Datasette on the results database answers its canned queries over HTTP."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.store import Store
from tests.conftest import ROOT, free_port
from tests.factories import checked_run, missing_finding, price_finding

pytestmark = pytest.mark.slow


def get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@contextmanager
def serving(database: Path, *options: str, password: str | None = None) -> Iterator[str]:
    """``omnicheck serve`` in a subprocess; yields its base URL once it answers."""
    port = free_port()
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    if password is not None:
        environment["OMNICHECK_SERVE_PASSWORD"] = password
    server = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "--db", str(database), "--port", str(port)]
        + list(options),
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=10).close()
                break
            except urllib.error.HTTPError:
                break  # it answers (with a password, 401)
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "datasette did not start"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "omnicheck.db"
    store = Store(path)
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")])
    checked_run(
        store,
        [price_finding("Otsalamppu 300", "34.90", "24.90"), missing_finding("click_and_collect")],
    )
    store.close()
    return path


def test_serve_opens_on_the_latest_findings_and_answers_the_canned_queries(
    database: Path,
) -> None:
    with serving(database) as root:
        base = f"{root}/omnicheck"
        with urllib.request.urlopen(f"{root}/", timeout=10) as response:
            assert response.url == f"{base}/latest_findings"  # opens on the findings
            page = response.read().decode()
        for facet in ("severity", "status", "kind", "channels", "changed"):
            assert f'id="facet-{facet}"' in page
        # channels as a list with links, not raw JSON
        assert '<a href="https://website.example.fi/tuotteet/otsalamppu-300"' in page
        assert "<strong>website</strong>: 24.90 EUR" in page

        latest = get_json(f"{base}/latest_findings.json?_shape=array")
        assert [
            (row["subject"], row["status"], row["changed"], row["run_id"]) for row in latest
        ] == [
            ("Otsalamppu 300", "persisting", "changed", 2),
            ("Click and collect", "new", "", 2),
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
        metadata = get_json(f"{root}/-/metadata.json")
        assert metadata["title"] == "omnicheck results"

        with urllib.request.urlopen(base, timeout=10) as response:
            listing = response.read().decode()
        queries, tables = listing.index("New this week"), listing.index('id="tables"')
        assert listing.index("Latest findings") < queries < tables  # questions first
        assert 'href="/omnicheck/pages"' not in listing  # the crawl's tables one click away
        assert "?_show_hidden=1" in listing
        assert len(get_json(f"{base}/pages.json?_shape=array")) == 4  # ...but there

        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}.json?sql=select+hex(fts3_tokenizer('simple'))")
        leak = json.load(refused.value)
        assert (refused.value.code, leak["ok"]) == (400, False)
        assert leak["error"] == "not authorized to use function: fts3_tokenizer"
        assert get_json(f"{base}.json?sql=select+upper('ok')+as+x&_shape=array") == [{"x": "OK"}]


def test_a_password_guards_every_page_and_export(database: Path) -> None:
    with serving(database, "--host", "127.0.0.1", password="kesa-2026!") as root:
        for path in ("/", "/omnicheck/latest_findings.json", "/omnicheck.db", "/-/metadata.json"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"{root}{path}", timeout=10)
            assert refused.value.code == 401
        credentials = base64.b64encode(b"omnicheck:kesa-2026!").decode()
        request = urllib.request.Request(
            f"{root}/omnicheck/latest_findings.json?_shape=array",
            headers={"Authorization": f"Basic {credentials}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert [row["subject"] for row in json.load(response)] == [
                "Otsalamppu 300",
                "Click and collect",
            ]


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        (["--host", "0.0.0.0"], True),
        (["--host", "192.168.1.20"], True),
        (["--host", "::"], True),
        (["--host", "0.0.0.0", "--allow-anyone"], False),
        (["--host", "127.0.0.2"], False),
        (["--host", "localhost"], False),
    ],
)
def test_serving_beyond_this_machine_needs_a_password_or_allow_anyone(
    database: Path, options: list[str], refused: bool
) -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    host = options[1]
    if refused:
        port = "8001"  # refused before it would listen
        result = CliRunner().invoke(cli, ["serve", "--db", str(database), "--port", port, *options])
    else:  # a port taken on that address stops it after the check, before it serves
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.create_server((host, 0), family=family) as taken:
            port = str(taken.getsockname()[1])
            result = CliRunner().invoke(
                cli, ["serve", "--db", str(database), "--port", port, *options]
            )
    assert result.exit_code == 2
    assert ("could read the results; add --password" in result.output) == refused, result.output


def test_a_password_the_browser_login_cannot_send_is_refused(database: Path) -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    result = CliRunner().invoke(
        cli, ["serve", "--db", str(database)], env={"OMNICHECK_SERVE_PASSWORD": "kesä"}
    )
    assert (result.exit_code, result.output) == (
        2,
        "error: --password: use letters, digits and signs of ASCII only (no ä, ö, å)\n",
    )


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
