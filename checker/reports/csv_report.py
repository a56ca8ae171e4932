"""CSV: one row per finding and channel, for spreadsheets and quick filtering.

``csv`` is RFC 4180 CSV in UTF-8 for programs. ``csv-excel`` is what Excel in a Finnish or
Swedish locale opens correctly with a double click: a UTF-8 byte order mark (so ä and ö survive),
``;`` between fields, a decimal comma in the price column, and identifiers (GTIN, SKU,
fingerprint) written as ``="6434012300102"`` so that Excel keeps them as text instead of turning
a 13-digit GTIN into 6,43401E+12 or dropping a SKU's leading zeros.

Both neutralise crawled text that a spreadsheet would run as a formula (a cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``): a CSV file is opened
in a spreadsheet sooner or later. A program that needs the crawled text byte for byte reads
``--format json``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from checker.reports.model import Report
from checker.reports.rows import COLUMNS, IDENTIFIERS, finding_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_TEXT_LIMIT = 255  # the longest text an Excel formula may hold


def render(report: Report) -> str:
    return _write(report, ",", "\n", _plain)


def render_for_excel(report: Report) -> str:
    return "\ufeff" + _write(report, ";", "\r\n", _excel)


def _write(report: Report, delimiter: str, line_end: str, cell: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(COLUMNS)
    for row in finding_rows(report.findings):
        writer.writerow([cell(name, row[name]) for name in COLUMNS])
    return out.getvalue()


def _plain(name: str, value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if name == "price":
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _excel(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if name == "price":
        return str(value).replace(".", ",")
    if name in IDENTIFIERS and len(str(value)) <= EXCEL_TEXT_LIMIT:
        # A formula of our own making that yields the text; the quotes inside are doubled.
        return '="' + str(value).replace('"', '""') + '"'
    return _plain(name, value)
