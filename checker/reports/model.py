"""What every report shows: a checked run, its channels, its findings, the findings resolved
since the baseline and the run history (``Report``), read from the store (``build_report``)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from checker.findings.history import Baseline, diff, previous_baseline, run_history
from checker.version import __version__
from crawler.store import Store

COMPLETENESS_KEYS = ("excluded", "pending", "planned", "coverage", "threshold")


@dataclass
class Report:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    baseline: Baseline | None = None
    resolved: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)

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
            "resolved": len(self.resolved),
            "incomplete_channels": self.incomplete,
        }

    def to_dict(self) -> dict[str, Any]:
        run = {key: self.run.get(key) for key in ("id", "name", "started", "finished", "status")}
        return {
            "tool": "omnicheck",
            "version": __version__,
            "run": run,
            "baseline_run": self.baseline.run_id if self.baseline else None,
            "baseline": self.baseline.label if self.baseline else None,
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
            "resolved": self.resolved,
        }


def build_report(store: Store, run_id: int, baseline: Baseline | None = None) -> Report:
    """The report of a checked run; ``baseline`` defaults to the previous complete checked run."""
    if baseline is None:
        baseline = previous_baseline(store, run_id)
    findings = store.findings(run_id)
    return Report(
        store.run(run_id),
        store.channels(run_id),
        findings,
        baseline,
        diff(findings, baseline).resolved,
        run_history(store),
    )


def subject_label(finding: dict[str, Any]) -> str:
    """The product or service a finding is about, as a person would name it."""
    subject = finding["subject"]
    for key in ("name", "label", "service", "sku", "gtin", "product"):
        if subject.get(key):
            return str(subject[key])
    return ""
