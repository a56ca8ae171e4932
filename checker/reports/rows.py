"""Findings flattened to one row per finding and channel: what spreadsheets (CSV, xlsx) show."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.reports.model import subject_label
from checker.reports.wording import decimal_or_none

COLUMNS = (
    "fingerprint",
    "status",
    "severity",
    "kind",
    "rule",
    "subject",
    "sku",
    "gtin",
    "channel",
    "value",
    "price",
    "currency",
    "url",
    "evidence",
    "message",
    "waiver_reason",
    "waiver_until",
    "title",
    "changed",
    "before",
    "first_seen",
)
# Columns that hold identifiers: text, however many digits they have.
IDENTIFIERS = ("fingerprint", "sku", "gtin")


def finding_rows(findings: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One row per finding and channel; ``price`` is a Decimal (or None), never a float."""
    for finding in findings:
        waiver = finding.get("waiver") or {}
        subject = finding["subject"]
        for channel, seen in finding["channels"].items():
            yield {
                "fingerprint": finding["fingerprint"],
                "status": finding["status"],
                "severity": finding["severity"],
                "kind": finding["kind"],
                "rule": finding["rule"],
                "subject": subject_label(finding),
                "sku": subject.get("sku") or "",
                "gtin": subject.get("gtin") or "",
                "channel": channel,
                "value": "" if seen.get("value") is None else str(seen["value"]),
                "price": decimal_or_none(seen.get("price")),
                "currency": seen.get("currency") or "",
                "url": seen.get("url") or "",
                "evidence": seen.get("evidence") or "",
                "message": finding["message"],
                "waiver_reason": waiver.get("reason") or "",
                "waiver_until": waiver.get("until") or "",
                "title": finding.get("title") or finding["message"],
                "changed": "yes" if finding.get("changed") else "",
                "before": ((finding.get("changes") or {}).get(channel) or {}).get("before") or "",
                "first_seen": (finding.get("first_seen") or {}).get("run") or "",
            }
