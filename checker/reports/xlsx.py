"""Excel workbook (.xlsx, openpyxl): the review list a pricing team filters, annotates and shares.

Sheets: ``Findings`` (one row per finding and channel, prices as numbers, links clickable,
autofilter and frozen header), ``Resolved`` (findings of the baseline that are gone),
``Channels`` (what each channel's crawl fetched), ``Runs`` (findings per run) and ``Touchpoints``
(which channel states what about each service and product: ``checker.reports.touchpoints``).
Crawled text is always stored as text, never as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from checker.reports import touchpoints
from checker.reports.model import Report, subject_label
from checker.reports.rows import COLUMNS, finding_rows

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

WIDTHS = {"subject": 32, "value": 16, "url": 48, "evidence": 40, "message": 60, "waiver_reason": 32}
RESOLVED_COLUMNS = ("fingerprint", "kind", "rule", "subject", "message")
CHANNEL_COLUMNS = ("channel", "kind", "pages", "failed", "offers", "claims", "complete", "note")
RUN_COLUMNS = ("run", "started", "status", "new", "persisting", "waived", "resolved")


def render(report: Report) -> bytes:
    # openpyxl is imported when a workbook is asked for: every other command starts faster.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    findings = workbook.active
    assert findings is not None
    findings.title = "Findings"
    _table(findings, COLUMNS, ([row[c] for c in COLUMNS] for row in finding_rows(report.findings)))
    price_column = COLUMNS.index("price") + 1
    url_column = COLUMNS.index("url") + 1
    for row in findings.iter_rows(min_row=2):
        row[price_column - 1].number_format = "#,##0.00"
        link = row[url_column - 1]
        if isinstance(link.value, str) and link.value.startswith(("http://", "https://")):
            link.hyperlink = link.value
            link.font = Font(color="0563C1", underline="single")
    _table(
        workbook.create_sheet("Resolved"),
        RESOLVED_COLUMNS,
        (
            [f["fingerprint"], f["kind"], f["rule"], subject_label(f), f["message"]]
            for f in report.resolved
        ),
    )
    _table(
        workbook.create_sheet("Channels"),
        CHANNEL_COLUMNS,
        (
            [c[name] if name != "complete" else bool(c["complete"]) for name in CHANNEL_COLUMNS]
            for c in report.channels
        ),
    )
    _table(
        workbook.create_sheet("Runs"),
        RUN_COLUMNS,
        ([entry[name] for name in RUN_COLUMNS] for entry in report.history),
    )
    header, rows = touchpoints.table(report)
    _table(workbook.create_sheet("Touchpoints"), tuple(header), rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _table(sheet: Worksheet, columns: tuple[str, ...], rows: Iterable[list[Any]]) -> None:
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # crawled "=..." stays text, never a formula
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 14)
