"""Reports: the same checked run rendered for people and machines.

Every renderer takes a ``Report`` (``model``) and returns text or bytes, so the CLI only chooses
a format and a destination. ``notify`` sends a summary through Apprise; ``datasette`` serves the
results database for browsing.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.reports import csv_report, html_report, json_report, junit, table, touchpoints, xlsx
from checker.reports.model import Report, build_report, subject_label

FORMATS = ("table", "json", "csv", "csv-excel", "xlsx", "junit", "html", "touchpoints-csv")
BINARY_FORMATS = ("xlsx",)


def render(report: Report, fmt: str, color: bool = False) -> str | bytes:
    renderers: dict[str, Callable[[Report], str | bytes]] = {
        "table": lambda r: table.render(r, color=color),
        "json": json_report.render,
        "csv": csv_report.render,
        "csv-excel": csv_report.render_for_excel,
        "xlsx": xlsx.render,
        "junit": junit.render,
        "html": html_report.render,
        "touchpoints-csv": touchpoints.render_csv,
    }
    return renderers[fmt](report)


__all__ = ["BINARY_FORMATS", "FORMATS", "Report", "build_report", "render", "subject_label"]
