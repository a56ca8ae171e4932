"""Findings JSON: the machine-readable report (format documented in the README)."""

from __future__ import annotations

import json

from checker.reports.model import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"
