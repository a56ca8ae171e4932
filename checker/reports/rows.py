"""Findings flattened to one row per finding and channel: what spreadsheets (CSV, xlsx) show."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from checker.reports.model import subject_label

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
)


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
                "price": _decimal(seen.get("price")),
                "currency": seen.get("currency") or "",
                "url": seen.get("url") or "",
                "evidence": seen.get("evidence") or "",
                "message": finding["message"],
                "waiver_reason": waiver.get("reason") or "",
                "waiver_until": waiver.get("until") or "",
            }


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
