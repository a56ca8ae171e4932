"""Alerts through Apprise to a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.exitcodes import ExitCode
from checker.reports import build_report, render
from checker.reports.notify import NotifyError, notifier, send_summary
from crawler.store import Store
from tests.factories import checked_run, missing_finding, price_finding


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "omnicheck.db")
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")])
    checked_run(
        store,
        [price_finding("Otsalamppu 300", "34.90", "29.90"), missing_finding("click_and_collect")],
    )
    return store


def test_summary_of_new_findings_is_posted_with_the_report_attached(
    store: Store, tmp_path: Path, http_receiver: tuple[str, list[dict]]
) -> None:
    address, received = http_receiver
    report = build_report(store, 2)
    attachment = tmp_path / "report.html"
    attachment.write_text(str(render(report, "html")), encoding="utf-8")

    problem = send_summary(notifier([f"json://{address}/hooks/omnicheck"]), report, attachment)

    assert problem is None
    assert [request["path"] for request in received] == ["/hooks/omnicheck"]
    payload = json.loads(received[0]["body"])
    assert payload["title"] == "omnicheck Retkiaitta: 1 new finding"
    lines = payload["message"].splitlines()
    fingerprint = report.findings[1]["fingerprint"]
    assert lines[0] == (
        f"[medium] Click and collect: click_and_collect is described on website but not on "
        f"webshop ({fingerprint})"
    )
    assert lines[1] == "Run 2: 2 findings (1 persisting, 0 waived), 0 resolved."
    [attached] = payload["attachments"]
    assert attached["filename"] == "report.html"
    assert b"Click and collect" in base64.b64decode(attached["base64"])


def test_nothing_is_sent_when_nothing_is_new(
    tmp_path: Path, http_receiver: tuple[str, list[dict]]
) -> None:
    address, received = http_receiver
    store = Store(tmp_path / "quiet.db")
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")])
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")])
    assert send_summary(notifier([f"json://{address}/"]), build_report(store, 2)) is None
    assert received == []


def test_an_unreachable_receiver_is_reported_not_raised(store: Store) -> None:
    from tests.webdriver import free_port

    target = notifier([f"json://127.0.0.1:{free_port()}/"])
    assert send_summary(target, build_report(store, 2)) == (
        "could not deliver the --notify summary to every URL (see the log above)"
    )


def test_an_unusable_url_is_a_usage_error_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(NotifyError, match="not an Apprise URL"):
        notifier(["nosuchscheme://x"])
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - name: shop\n    kind: webshop\n    start_urls: [http://127.0.0.1:9/]\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        ["run", "-c", str(config), "--db", str(tmp_path / "x.db"), "--notify", "nosuchscheme://x"],
    )
    assert result.exit_code == ExitCode.USAGE
    assert result.output.startswith("error: --notify 'nosuchscheme://x': not an Apprise URL")
    assert not (tmp_path / "x.db").exists()
