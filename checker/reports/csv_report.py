"""CSV: one row per finding and channel, for spreadsheets and quick filtering."""

from __future__ import annotations

import csv
import io

from checker.reports import Report

COLUMNS = (
    "fingerprint",
    "status",
    "severity",
    "kind",
    "rule",
    "subject",
    "channel",
    "value",
    "url",
    "evidence",
    "message",
)


def render(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in report.findings:
        subject = finding["subject"].get("name") or finding["subject"].get("label") or ""
        for channel, seen in finding["channels"].items():
            writer.writerow(
                [
                    finding["fingerprint"],
                    finding["status"],
                    finding["severity"],
                    finding["kind"],
                    finding["rule"],
                    subject,
                    channel,
                    seen.get("value"),
                    seen.get("url") or "",
                    seen.get("evidence") or "",
                    finding["message"],
                ]
            )
    return out.getvalue()
