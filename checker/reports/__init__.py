"""Reports: the same checked run rendered for people (table) and machines (json, csv).

Every renderer takes a ``Report`` (the run, its channels and findings) and returns text, so the
CLI only chooses a format and a destination.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from checker import __version__

COMPLETENESS_KEYS = ("excluded", "pending", "planned", "coverage", "threshold")


@dataclass
class Report:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    baseline: int | None = None

    @property
    def incomplete(self) -> list[str]:
        return [c["channel"] for c in self.channels if not c["complete"]]

    @property
    def notices(self) -> list[str]:
        """Why some findings could not be reported: one sentence per incomplete channel."""
        return [
            f"{channel['channel']}: crawl incomplete ({channel.get('note') or 'not finished'}); "
            "missing_in_channel findings against it are not reported, since a page not seen "
            "is no evidence that it does not exist"
            for channel in self.channels
            if not channel["complete"]
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "findings": len(self.findings),
            "by_status": dict(Counter(f["status"] for f in self.findings)),
            "by_kind": dict(Counter(f["kind"] for f in self.findings)),
            "incomplete_channels": self.incomplete,
        }

    def to_dict(self) -> dict[str, Any]:
        run = {key: self.run.get(key) for key in ("id", "name", "started", "finished", "status")}
        return {
            "tool": "omnicheck",
            "version": __version__,
            "run": run,
            "baseline_run": self.baseline,
            "channels": [
                {
                    key: channel[key]
                    for key in ("channel", "kind", "pages", "failed", "offers", "claims", "note")
                }
                | {key: channel.get(key) for key in COMPLETENESS_KEYS}
                | {
                    "failures": json.loads(channel.get("failures") or "{}"),
                    "complete": bool(channel["complete"]),
                }
                for channel in self.channels
            ],
            "summary": self.summary(),
            "notices": self.notices,
            "findings": self.findings,
        }


FORMATS = ("table", "json", "csv")


def render(report: Report, fmt: str, color: bool = False) -> str:
    from checker.reports import csv_report, json_report, table

    renderers = {
        "table": lambda r: table.render(r, color=color),
        "json": json_report.render,
        "csv": csv_report.render,
    }
    return renderers[fmt](report)
