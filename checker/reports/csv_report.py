"""CSV: one row per finding and channel, for spreadsheets and quick filtering.

``csv`` is plain RFC 4180 CSV in UTF-8 for programs. ``csv-excel`` is what Excel in a Finnish or
Swedish locale opens correctly with a double click: a UTF-8 byte order mark (so ä and ö survive),
``;`` between fields and a decimal comma in the price column. It also neutralises cells that
Excel would run as formulas (crawled text starting with ``=``, ``+``, ``-`` or ``@``).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from checker.reports.model import Report
from checker.reports.rows import COLUMNS, finding_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    return "" if value is None else str(value)


def _excel(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "price":
        return str(value).replace(".", ",")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
