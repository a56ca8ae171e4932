"""Weekly runs end to end: crawl a local site twice with a price changed in between, then diff,
waive, re-check, resolve and let a waiver expire, as a user and CI would."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.exitcodes import ExitCode
from tests.conftest import DATA, run_omnicheck

pytestmark = pytest.mark.slow

CONFIG = """\
name: Historia
currency: EUR
channels:
  - name: webshop
    kind: webshop
    start_urls: ["{base}/webshop/index.html"]
  - name: website
    kind: website
    start_urls: ["{base}/website/index.html"]
rules: [default]
waivers: waivers.yml
crawl:
  AUTOTHROTTLE_ENABLED: false
"""


class Site:
    """A copy of tests/data/history_site served on 127.0.0.1, with its config and database."""

    def __init__(self, folder: Path, http_server: Callable[[Path], str]) -> None:
        self.folder = folder
        shutil.copytree(DATA / "history_site", folder / "site")
        base = http_server(folder / "site")
        (folder / "omnicheck.yml").write_text(CONFIG.format(base=base), encoding="utf-8")

    def set_price(self, channel: str, page: str, old: str, new: str) -> None:
        path = self.folder / "site" / channel / page
        text = path.read_text(encoding="utf-8")
        assert f'"price": "{old}"' in text
        path.write_text(
            text.replace(f'"price": "{old}"', f'"price": "{new}"').replace(
                old.replace(".", ","), new.replace(".", ",")
            ),
            encoding="utf-8",
        )

    def run(self, *args: str) -> tuple[int, dict]:
        report = self.folder / "report.json"
        result = run_omnicheck(
            "run", "--format", "json", "--output", str(report), *args, cwd=self.folder
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert "webshop: 4 pages, 0 failed, 3 offers — done\n" in result.stderr  # quiet CI log
        return result.returncode, json.loads(report.read_text(encoding="utf-8"))

    def cli(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return result.exit_code, result.output


@pytest.fixture
def site(tmp_path: Path, http_server: Callable[[Path], str], monkeypatch) -> Site:
    monkeypatch.chdir(tmp_path)
    return Site(tmp_path, http_server)


def by_subject(report: dict) -> dict[str, dict]:
    return {finding["subject"]["name"]: finding for finding in report["findings"]}


def test_a_changed_price_is_one_new_finding_that_fails_ci_until_waived(
    site: Site, http_receiver: tuple[str, list[dict]]
) -> None:
    code, first = site.run("--fail-on", "new")
    assert code == ExitCode.FINDINGS
    assert {(f["subject"]["name"], f["status"]) for f in first["findings"]} == {
        ("Otsalamppu 300", "new")
    }

    site.set_price("website", "retkituoli.html", "49.90", "44.90")
    address, received = http_receiver
    code, second = site.run("--fail-on", "new", "--notify", f"json://{address}/omnicheck")
    findings = by_subject(second)
    assert [f["subject"]["name"] for f in second["findings"] if f["status"] == "new"] == [
        "Retkituoli Kevyt"
    ]
    assert findings["Otsalamppu 300"]["status"] == "persisting"
    assert second["baseline_run"] == first["run"]["id"]
    assert code == ExitCode.FINDINGS
    [alert] = [json.loads(request["body"]) for request in received]
    assert alert["title"] == "omnicheck Historia: 1 new finding"
    assert "Retkituoli Kevyt" in alert["message"] and "Otsalamppu" not in alert["message"]

    new = findings["Retkituoli Kevyt"]["fingerprint"]
    code, output = site.cli("diff", "--json")
    assert code == 0 and output.endswith("}\n")  # a line, for tools that read lines
    diff = json.loads(output)
    assert diff["counts"] == {"new": 1, "persisting": 1, "waived": 0, "resolved": 0, "changed": 0}
    assert diff["new"][0]["fingerprint"] == new

    code, output = site.cli(
        "waive", new, "--reason", "Website shows the member price", "--until", "2099-12-31"
    )
    assert (code, output) == (
        0,
        f"added waiver for {new} until 2099-12-31 in waivers.yml\n",
    )
    waivers = (site.folder / "waivers.yml").read_text(encoding="utf-8")
    assert "subject: Retkituoli Kevyt (price_mismatch)" in waivers

    code, output = site.cli("check", "--fail-on", "new", "--format", "json")
    assert code == ExitCode.OK
    statuses = {f["subject"]["name"]: f["status"] for f in json.loads(output)["findings"]}
    assert statuses == {"Otsalamppu 300": "persisting", "Retkituoli Kevyt": "waived"}
    code, _ = site.cli("check", "--fail-on", "any", "--format", "json")
    assert code == ExitCode.FINDINGS  # the persisting one still fails the strictest policy


def test_a_price_gap_that_changes_is_marked_changed_and_one_that_stays_is_not(
    site: Site,
) -> None:
    site.run()
    code, same = site.run("--fail-on", "changed")
    lamp = by_subject(same)["Otsalamppu 300"]
    assert (lamp["status"], lamp["changed"], "changes" in lamp) == ("persisting", False, False)
    assert same["summary"]["changed"] == 0
    assert code == ExitCode.OK  # nothing new, nothing changed

    site.set_price("website", "otsalamppu.html", "29.90", "24.90")  # the gap grows 5 → 10 €
    code, grown = site.run("--fail-on", "new")
    lamp = by_subject(grown)["Otsalamppu 300"]
    assert (lamp["status"], lamp["changed"]) == ("persisting", True)
    assert lamp["changes"] == {"website": {"before": "29.90 EUR", "after": "24.90 EUR"}}
    assert code == ExitCode.OK  # --fail-on new does not fail on a changed finding
    assert site.cli("check", "--fail-on", "changed")[0] == ExitCode.FINDINGS
    code, output = site.cli("diff")
    assert "1 persisting (1 changed)" in output.splitlines()[0]
    assert "website: 29.90 EUR → 24.90 EUR" in output


def test_a_fixed_price_is_listed_as_resolved(site: Site) -> None:
    site.run()
    fixed = site.folder / "site" / "website" / "otsalamppu.html"
    site.set_price("website", fixed.name, "29.90", "34.90")
    code, report = site.run("--fail-on", "new")
    assert (code, report["findings"]) == (ExitCode.OK, [])
    assert [f["subject"]["name"] for f in report["resolved"]] == ["Otsalamppu 300"]

    code, output = site.cli("diff")
    assert code == 0
    assert output.splitlines()[0] == (
        "run 2 compared with run 1: 0 new, 0 persisting, 0 waived, 1 resolved"
    )
    assert "RESOLVED" in output and "Otsalamppu 300" in output
    code, output = site.cli("report")
    assert "Resolved since run 1:" in output


def test_an_expired_waiver_brings_the_finding_back(site: Site) -> None:
    _, first = site.run()
    fingerprint = first["findings"][0]["fingerprint"]
    today = dt.date.today()
    for last_day, code, shown in [
        (today - dt.timedelta(days=1), ExitCode.FINDINGS, f"NEW  {fingerprint}"),
        (today, ExitCode.OK, f"WAIVED  {fingerprint}"),
    ]:
        (site.folder / "waivers.yml").write_text(
            f"waivers:\n  - fingerprint: {fingerprint}\n    reason: campaign\n"
            f"    until: {last_day.isoformat()}\n",
            encoding="utf-8",
        )
        assert site.cli("check", "--fail-on", "new")[0] == code
        output = site.cli("report")[1]
        assert shown in output
        expired = f"waiver expired {last_day.isoformat()}: back for review"
        assert (expired in output) == (last_day < today)
