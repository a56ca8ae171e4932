"""Report formats read back the way their consumers read them: csv module, openpyxl, XML."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from checker.cli import cli
from checker.exitcodes import ExitCode
from checker.reports import Report, build_report, render
from crawler.store import Store
from tests.factories import checked_run, missing_finding, price_finding

WAIVED_REASON = "Member price on the website"


@pytest.fixture
def report(tmp_path: Path) -> Report:
    store = Store(tmp_path / "omnicheck.db")
    formula = price_finding('=HYPERLINK("http://evil")', "5.00", "6.00")
    checked_run(store, [price_finding("Retkituoli", "49.90", "44.90"), missing_finding("returns")])
    termos = price_finding("Termosmuki 0,4 L", "1299.90", "1199.90", sku="TM-04")
    checked_run(
        store,
        [price_finding("Retkituoli", "49.90", "44.90"), termos, formula],
        waived={termos.fingerprint: {"reason": WAIVED_REASON, "until": "2099-01-31"}},
    )
    return build_report(store, 2)


def test_json_lists_statuses_and_the_resolved(report: Report) -> None:
    data = json.loads(str(render(report, "json")))
    assert [f["status"] for f in data["findings"]] == ["persisting", "new", "waived"]
    assert data["findings"][2]["waiver"] == {"reason": WAIVED_REASON, "until": "2099-01-31"}
    assert [f["subject"]["service"] for f in data["resolved"]] == ["returns"]
    assert (data["baseline_run"], data["baseline"]) == (1, "run 1")
    assert data["summary"]["resolved"] == 1


def test_plain_csv_is_for_programs(report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(str(render(report, "csv")))))
    termos = [row for row in rows if row["subject"] == "Termosmuki 0,4 L"]
    assert [(r["channel"], r["price"], r["status"], r["sku"]) for r in termos] == [
        ("webshop", "1299.90", "waived", "TM-04"),
        ("website", "1199.90", "waived", "TM-04"),
    ]
    assert termos[0]["waiver_reason"] == WAIVED_REASON


def test_csv_for_finnish_excel_has_bom_semicolons_and_decimal_commas(report: Report) -> None:
    text = str(render(report, "csv-excel"))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    termos = [row for row in rows if row["subject"] == "Termosmuki 0,4 L"]
    assert [row["price"] for row in termos] == ["1299,90", "1199,90"]
    assert "\r\n" in text
    hostile = [row for row in rows if "HYPERLINK" in row["subject"]]
    assert {row["subject"] for row in hostile} == {'\'=HYPERLINK("http://evil")'}


def test_xlsx_has_numeric_prices_links_and_no_formulas(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "findings.xlsx"
    path.write_bytes(render(report, "xlsx"))  # type: ignore[arg-type]
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Findings", "Resolved", "Channels", "Runs", "Touchpoints"]
    sheet = workbook["Findings"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    termos = [row for row in rows if row["subject"].value == "Termosmuki 0,4 L"]
    assert [row["price"].value for row in termos] == [1299.9, 1199.9]  # numbers, not text
    assert termos[0]["price"].number_format == "#,##0.00"
    assert termos[0]["url"].hyperlink.target.startswith("https://webshop.example.fi/")
    hostile = [row for row in rows if "HYPERLINK" in str(row["subject"].value)]
    assert {row["subject"].data_type for row in hostile} == {"s"}
    assert [c.value for c in workbook["Resolved"]["D"]] == ["subject", "Returns"]
    runs = [[c.value for c in row] for row in workbook["Runs"].iter_rows(min_row=2)]
    assert [row[:1] + row[3:] for row in runs] == [[1, 2, 0, 0, 0], [2, 1, 1, 1, 1]]


def test_junit_fails_new_and_persisting_skips_waived(report: Report) -> None:
    root = ElementTree.fromstring(str(render(report, "junit")).encode())
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("6", "2", "1")
    cases = {case.get("name"): case for case in root.iter("testcase")}
    waived = next(case for name, case in cases.items() if name.startswith("Termosmuki"))
    assert waived.find("skipped").get("message") == f"waived: {WAIVED_REASON} (until 2099-01-31)"
    failure = next(c for n, c in cases.items() if n.startswith("Retkituoli")).find("failure")
    assert failure.get("type") == "persisting"
    assert "website: 44.90 EUR" in failure.text


def test_terminal_table_fits_80_columns_and_is_plain_off_a_tty(report: Report) -> None:
    text = str(render(report, "table"))
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert f"  waived until 2099-01-31: {WAIVED_REASON}" in text
    assert "Resolved since run 1:" in text
    assert text.splitlines()[-1] == "3 findings (1 new, 1 persisting, 1 waived, 1 resolved)"
    assert "\x1b[" in str(render(report, "table", color=True))


def test_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "x.db"), "-f", "xlsx"])
    assert result.exit_code == ExitCode.USAGE
    assert (
        result.output == "error: --format xlsx writes a file: add --output, e.g. -o findings.xlsx\n"
    )
