"""The Python API: the flow the CLI runs, called from Python (a script, a notebook, a scheduler).

A crawl starts Scrapy's reactor, which runs once per process, so the crawling calls run in a
fresh interpreter, as a user's script would; checking and reporting run in this process on the
database that crawl stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import checker
from checker.demo import serve_demo, write_config
from checker.exitcodes import ExitCode
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SCRIPT = """
import json, sys, warnings
import checker

warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    config = checker.load_config(sys.argv[1])
    result = checker.run(config, db=sys.argv[2], settings=dict(a.split("=") for a in sys.argv[3:]))
print(json.dumps({
    "run": result.run_id,
    "status": result.status,
    "kinds": sorted(f["kind"] for f in result.findings),
    "exit": int(result.exit_code("new")),
    "warnings": [str(w.message) for w in caught if w.category is checker.OmnicheckWarning],
}))
"""


def run_script(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    """The demo retailer crawled and checked once through ``checker.run``."""
    folder = tmp_path_factory.mktemp("api")
    with serve_demo() as base:
        config = write_config(base, folder / "omnicheck.yml")
        result = run_script(str(config), str(folder / "demo.db"), "DEPTH_LIMT=9")
    return config, folder / "demo.db", result


def test_run_crawls_and_checks_the_demo(demo_run: tuple[Path, Path, dict]) -> None:
    _, _, result = demo_run
    assert result["status"] == "complete"
    assert result["kinds"] == sorted(
        ["price_mismatch"] * 3
        + ["missing_in_channel"] * 2
        + ["claim_conflict"] * 2
        + ["online_store_availability_conflict"] * 2
        + ["availability_mismatch", "stale_campaign", "campaign_not_on_shelves"]
    )
    assert result["exit"] == ExitCode.FINDINGS  # twelve new findings fail --fail-on new


def test_a_mistyped_setting_is_a_warning_not_a_print(demo_run: tuple[Path, Path, dict]) -> None:
    _, _, result = demo_run
    assert result["warnings"] == [
        "-s DEPTH_LIMT: not a setting of Scrapy or omnicheck; did you mean DEPTH_LIMIT?"
        " (passed on as written)"
    ]


def test_check_and_report_run_alone_on_the_stored_run(demo_run: tuple[Path, Path, dict]) -> None:
    config_path, database, crawled = demo_run
    config = checker.load_config(config_path)
    again = checker.check(config, database, crawled["run"], baseline=str(database))
    assert again.run_id == crawled["run"]
    # compared with the database's own latest checked run: nothing is new any more
    assert {finding["status"] for finding in again.findings} == {"persisting"}
    assert again.exit_code("new") == ExitCode.OK
    assert again.exit_code("any") == ExitCode.FINDINGS
    report = checker.report(database, crawled["run"])
    assert report.summary()["findings"] == len(crawled["kinds"])


def test_usage_mistakes_raise_one_line_errors(demo_run: tuple[Path, Path, dict]) -> None:
    config_path, database, crawled = demo_run
    config = checker.load_config(config_path)
    with pytest.raises(checker.UsageError, match=r"^--baseline \d+: that is the run being"):
        checker.check(config, database, crawled["run"], baseline=str(crawled["run"]))
    with pytest.raises(checker.StoreError, match="no run 99"):
        checker.report(database, 99)
    with pytest.raises(checker.ConfigError, match=r"nope\.yml: no such file"):
        checker.load_config(config_path.parent / "nope.yml")


def test_rules_naming_unknown_channels_warn(tmp_path: Path) -> None:
    (tmp_path / "mine.yml").write_text(
        "rules:\n  - id: p\n    type: price_mismatch\n    options: {channels: [webshop, shop]}\n",
        encoding="utf-8",
    )
    (tmp_path / "omnicheck.yml").write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: ['https://k.example/']}\n"
        "rules: [mine.yml]\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        inputs = checker.prepare(checker.load_config(tmp_path / "omnicheck.yml"))
    assert [rule.rule_id for rule in inputs.rules] == ["p"]
    assert [str(w.message) for w in caught] == [
        f"{tmp_path / 'mine.yml'}:4: rules[0].options.channels: 'shop' is no channel of this"
        " configuration (expected one of webshop); rule p skips it"
    ]
