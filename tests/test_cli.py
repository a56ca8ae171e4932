"""The command line as a user meets it: help with examples, docs that list every command,
one-line errors, and the output of the non-crawling commands."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.demo import SITE_DIR
from tests.conftest import run_omnicheck
from tests.factories import claim, offer, stored_run

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "-h"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"omnicheck {command}" in result.output.split("Example:")[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_says_what_its_exit_codes_mean(command: str) -> None:
    """CI scripts branch on exit codes; each command's help says which it uses."""
    result = CliRunner().invoke(cli, [command, "-h"])
    text = " ".join(result.output.split())
    assert re.search(r"Exit codes: 0 [^,]+, .*2 .*, 4 an internal", text), command


def test_readme_cli_reference_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    reference = readme.split("## CLI reference", 1)[1]
    for command in COMMANDS:
        assert re.search(rf"^### `omnicheck {command}", reference, re.MULTILINE), command


def test_readme_documents_every_exit_code() -> None:
    from checker.exitcodes import ExitCode

    readme = (ROOT / "README.md").read_text("utf-8")
    for code in ExitCode:
        assert re.search(rf"^\| {code.value} \|", readme, re.MULTILINE), code


def test_extract_shows_values_and_their_sources() -> None:
    page = SITE_DIR / "webshop" / "tuotteet" / "retkikeitin.html"
    result = CliRunner().invoke(cli, ["extract", str(page), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [item] = data["offers"]
    assert (item["name"], item["price"], item["currency"]) == (
        "Retkikeitin Kompakti",
        "89.00",
        "EUR",
    )
    assert item["regular_price"] == "99.90"
    assert item["sources"]["price"] == "json-ld"
    assert item["availability"] == "in_stock"


def test_extract_with_channel_selectors(tmp_path: Path) -> None:
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "currency: EUR\nchannels:\n  - name: site\n    kind: website\n"
        "    start_urls: [https://www.example.fi/]\n    selectors: {name: h1.tuote-nimi, price: .hinta}\n",
        "utf-8",
    )
    page = SITE_DIR / "website" / "tuotteet" / "vaellusreppu-40.html"
    result = CliRunner().invoke(cli, ["extract", str(page), "-c", str(config), "--channel", "site"])
    assert result.exit_code == 0, result.output
    assert re.search(r"price\s+119\.90\s+\[selector\]", result.output)
    assert "“119,90 €”" in result.output


def test_extract_of_a_missing_file_is_one_line() -> None:
    result = CliRunner().invoke(cli, ["extract", "/nonexistent/page.html"])
    assert result.exit_code == 2
    assert (
        result.output == "error: /nonexistent/page.html: cannot read: No such file or directory\n"
    )


def test_report_without_a_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no such database" in result.output


def test_check_and_report_formats_and_exit_codes(tmp_path: Path) -> None:
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: [https://k.example.fi/]}\n"
        "  - {name: website, kind: website, start_urls: [https://w.example.fi/]}\n",
        "utf-8",
    )
    db = tmp_path / "r.db"
    items = [
        offer("webshop", "Retkikeitin", "89.00"),
        offer("website", "Retkikeitin", "79.00"),
        claim("website", "click_and_collect", "Nouda myymälästä."),
    ]
    stored_run(db, {"webshop": "webshop", "website": "website"}, items)
    runner = CliRunner()
    base = ["check", "-c", str(config), "--db", str(db)]
    assert runner.invoke(cli, [*base, "--fail-on", "new"]).exit_code == 1
    assert runner.invoke(cli, [*base, "--fail-on", "never"]).exit_code == 0
    table = runner.invoke(cli, [*base, "--fail-on", "never"]).output
    assert "[HIGH] Price differs: webshop €89.00, website €79.00\n  NEW  " in table
    assert "  price_mismatch\n  Retkikeitin\n" in table
    assert "How to fix: Decide which price is right" in table
    assert "2 findings (2 new)" in table
    assert max(len(line) for line in click.unstyle(table).splitlines()) <= 80

    report = runner.invoke(cli, ["report", "--db", str(db), "-f", "json"])
    data = json.loads(report.output)
    assert {f["kind"] for f in data["findings"]} == {"price_mismatch", "missing_in_channel"}
    for finding in data["findings"]:
        for key in (
            "kind",
            "rule",
            "severity",
            "subject",
            "channels",
            "message",
            "fingerprint",
            "status",
        ):
            assert key in finding

    output = tmp_path / "out.csv"
    written = runner.invoke(cli, ["report", "--db", str(db), "-f", "csv", "-o", str(output)])
    assert written.exit_code == 0
    rows = output.read_text("utf-8").splitlines()
    assert rows[0].startswith("fingerprint,status,severity,kind")
    assert len(rows) == 1 + 4  # two findings, two channels each


def test_rules_lists_and_documents_rule_types() -> None:
    listing = CliRunner().invoke(cli, ["rules"])
    assert "price_mismatch — the same product has different current prices" in listing.output
    detail = CliRunner().invoke(cli, ["rules", "missing_in_channel"])
    assert "**Options**" in detail.output
    unknown = CliRunner().invoke(cli, ["rules", "nope"])
    assert unknown.exit_code == 2


def test_bad_setting_option_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "omnicheck.yml"
    config.write_text("channels:\n  - {name: a, kind: social, feeds: [f.xml]}\n", "utf-8")
    result = CliRunner().invoke(
        cli, ["crawl", "-c", str(config), "--db", str(tmp_path / "x.db"), "-s", "NOPE"]
    )
    assert result.exit_code == 2
    assert result.output == "error: -s 'NOPE': expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1\n"


def _checked_run(tmp_path: Path) -> tuple[Path, Path]:
    """A configuration and a database holding one checked run with a price_mismatch."""
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: [https://k.example.fi/]}\n"
        "  - {name: website, kind: website, start_urls: [https://w.example.fi/]}\n",
        "utf-8",
    )
    db = tmp_path / "r.db"
    items = [offer("webshop", "Retkikeitin", "89.00"), offer("website", "Retkikeitin", "79.00")]
    stored_run(db, {"webshop": "webshop", "website": "website"}, items)
    checked = CliRunner().invoke(cli, ["check", "-c", str(config), "--db", str(db)])
    assert checked.exit_code == 1, checked.output
    return config, db


def test_an_unexpected_error_is_one_line_and_exit_4_never_1(tmp_path: Path) -> None:
    """1 means findings to CI. Before, any bug printed a traceback and exited 1."""
    _, db = _checked_run(tmp_path)
    with sqlite3.connect(db) as connection:  # a hand-edited database: a finding's JSON broken
        connection.execute("UPDATE findings SET data = '{broken'")
    result = run_omnicheck("report", "--db", str(db))
    assert result.returncode == 4
    assert result.stderr == (
        "error: internal error: JSONDecodeError: Expecting property name enclosed in double"
        " quotes: line 1 column 2 (char 1) (run with --debug for the traceback)\n"
    )
    debug = run_omnicheck("--debug", "report", "--db", str(db))
    assert debug.returncode == 4  # the traceback too, the exit code the same
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.endswith(
        "error: internal error: JSONDecodeError: Expecting property"
        " name enclosed in double quotes: line 1 column 2 (char 1)\n"
    )


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_report_into_a_missing_folder_is_one_line(tmp_path: Path, fmt: str) -> None:
    _, db = _checked_run(tmp_path)
    target = tmp_path / "reports" / f"findings.{fmt}"
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "-f", fmt, "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: --output {target}: no folder {str(target.parent)!r}; "
        "create it or choose another path\n"
    )


def test_run_refuses_an_output_in_a_missing_folder_before_crawling(tmp_path: Path) -> None:
    config, db = _checked_run(tmp_path)
    target = tmp_path / "missing" / "report.html"
    result = CliRunner().invoke(
        cli, ["run", "-c", str(config), "--db", str(db), "-f", "html", "-o", str(target)]
    )
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: --output {target}: no folder")
    from crawler.store import Store

    assert len(Store(db, create=False).runs()) == 1  # nothing was crawled


@pytest.mark.parametrize(
    ("extra", "waivers", "error"),
    [
        (["--baseline", "last-findings.json"], None, "error: --baseline last-findings.json: "),
        (
            [],
            "waivers: [{fingerprint: a25ba2ddd918baf9, reason: ok, until: soon}]\n",
            "waivers[0].until",
        ),
    ],
)
def test_run_reads_baseline_and_waivers_before_crawling(
    tmp_path: Path, extra: list[str], waivers: str | None, error: str
) -> None:
    """A crawl can take hours; a mistyped baseline or waiver must not be found after it."""
    from tests.conftest import run_omnicheck

    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: [http://127.0.0.1:9/]}\n"
        + ("waivers: waivers.yml\n" if waivers else ""),
        "utf-8",
    )
    if waivers:
        (tmp_path / "waivers.yml").write_text(waivers, "utf-8")
    db = tmp_path / "r.db"
    result = run_omnicheck("run", "-c", str(config), "--db", str(db), *extra, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert error in result.stderr
    from crawler.store import Store

    assert Store(db, create=False).runs() == []  # nothing was crawled


def test_a_run_is_not_its_own_baseline(tmp_path: Path) -> None:
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: [https://k.example.fi/]}\n"
        "  - {name: website, kind: website, start_urls: [https://w.example.fi/]}\n",
        "utf-8",
    )
    db = tmp_path / "r.db"
    items = [offer("webshop", "Retkikeitin", "89.00"), offer("website", "Retkikeitin", "79.00")]
    _, run_id = stored_run(db, {"webshop": "webshop", "website": "website"}, items)
    base = ["check", "-c", str(config), "--db", str(db), "--run", str(run_id)]
    result = CliRunner().invoke(cli, [*base, "--baseline", str(run_id)])
    assert result.exit_code == 2
    assert CliRunner().invoke(cli, [*base, "--baseline", f"0{run_id}"]).exit_code == 2
    assert result.output == (
        f"error: --baseline {run_id}: that is the run being checked; compare it with an earlier"
        " run or a saved report, e.g. --baseline last-findings.json\n"
    )


def test_check_warns_of_a_rule_naming_a_channel_the_config_lacks(tmp_path: Path) -> None:
    (tmp_path / "pack.yml").write_text(
        "rules:\n  - {id: shop-prices, type: price_mismatch, options: {channels: [instagram]}}\n",
        "utf-8",
    )
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: webshop, kind: webshop, start_urls: [https://k.example.fi/]}\n"
        "  - {name: website, kind: website, start_urls: [https://w.example.fi/]}\n"
        "rules: [default, pack.yml]\n",
        "utf-8",
    )
    db = tmp_path / "r.db"
    items = [offer("webshop", "Retkikeitin", "89.00"), offer("website", "Retkikeitin", "79.00")]
    stored_run(db, {"webshop": "webshop", "website": "website"}, items)
    result = CliRunner().invoke(
        cli, ["check", "-c", str(config), "--db", str(db), "--fail-on", "never"]
    )
    assert result.exit_code == 0
    assert (
        f"warning: {tmp_path / 'pack.yml'}:2: rules[0].options.channels: 'instagram' is no channel"
        " of this configuration (expected one of webshop, website); rule shop-prices skips it\n"
    ) in result.output
