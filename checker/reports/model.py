"""What every report shows: a checked run, its channels, its findings in the order to fix them,
the findings resolved since the baseline, the run history, and a headline that says what was
compared (``Report``), read from the store (``build_report``).

The order is what to fix first: open findings before waived ones, then severity, how many
channels a finding involves, age (the run it was first seen in) and the product's name. Each
finding gets a plain-language ``title``, a ``how_to_fix`` line, the ``odd_channel`` when one
channel alone disagrees, and when it was ``first_seen``, in the run's language
(``checker.reports.wording``).

The headline never calls a run an all-clear that compared too little: fewer than two complete
channels, a channel that was not crawled completely, or one that yielded no offers (or posts).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from checker.config.model import POST_KINDS
from checker.findings import subject_key
from checker.findings.history import Baseline, diff, previous_baseline, run_history
from checker.reports.wording import Wording
from checker.version import __version__
from crawler.store import Store

COMPLETENESS_KEYS = ("excluded", "pending", "planned", "coverage", "threshold")
SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}
OPEN = ("new", "persisting")
OFFER_KINDS = ("website", "webshop", "feed")


@dataclass
class Report:
    run: dict[str, Any]
    channels: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    baseline: Baseline | None = None
    resolved: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    locale: str | None = None
    products_linked: int = 0
    posts: dict[str, int] = field(default_factory=dict)
    # the touchpoint matrix stored with the run (``checker.reports.touchpoints``)
    touchpoints: list[dict[str, Any]] = field(default_factory=list)
    unmatched_stock: dict[str, int] = field(default_factory=dict)

    @cached_property
    def wording(self) -> Wording:
        return Wording(self.locale)

    @property
    def incomplete(self) -> list[str]:
        return [c["channel"] for c in self.channels if not c["complete"]]

    @property
    def empty(self) -> dict[str, str]:
        """Channels that yielded nothing to compare: ``no_offers`` or ``no_posts``."""
        empty = {}
        for channel in self.channels:
            name = channel["channel"]
            if channel["kind"] in OFFER_KINDS and not channel["offers"]:
                empty[name] = "no_offers"
            elif channel["kind"] in POST_KINDS and not self.posts.get(name):
                empty[name] = "no_posts"
        return empty

    @property
    def notices(self) -> list[str]:
        """Why some findings could not be reported: one sentence per incomplete channel, and
        per channel whose stock per store named products the run did not link."""
        return [
            f"{channel['channel']}: crawl incomplete ({channel.get('note') or 'not finished'}); "
            "missing_in_channel findings against it are not reported, since a page not seen "
            "is no evidence that it does not exist"
            for channel in self.channels
            if not channel["complete"]
        ] + [
            f"{channel}: {count} store stock rows name no product the run linked (an id the"
            " feed does not have, or a page whose product was not read); their stock was not"
            " checked"
            for channel, count in sorted(self.unmatched_stock.items())
        ]

    def shortfalls(self) -> list[str]:
        """Why this run is no all-clear even without findings, in the report's language."""
        say = self.wording.text
        reasons = []
        if len(self.channels) - len(self.incomplete) < 2:
            reasons.append(say("too_few_channels"))
        reasons += [say("incomplete_channel", channel=name) for name in self.incomplete]
        reasons += [say(reason, channel=name) for name, reason in self.empty.items()]
        return reasons

    def headline(self) -> str:
        """ "3 channels, 412 products linked, 1 210 claims compared: no findings"."""
        say = self.wording.text
        compared = say(
            "compared",
            channels=say("channels_compared", len(self.channels)),
            products=say("products_linked", self.products_linked),
            claims=say("claims_compared", sum(c["claims"] for c in self.channels)),
        )
        if self.findings:
            counts = Counter(f["status"] for f in self.findings)
            changed = sum(1 for f in self.findings if f.get("changed"))
            parts = [say("new_count", counts["new"])] if counts["new"] else []
            parts += [say("changed_count", changed)] if changed else []
            result = say("findings", len(self.findings))
            result += f" ({', '.join(parts)})" if parts else ""
        else:
            result = say("no_findings")
        shortfalls = self.shortfalls()
        if shortfalls:
            result += f" — {say('not_all_clear')}: {'; '.join(shortfalls)}"
        return f"{compared}: {result}"

    def types(self) -> list[dict[str, Any]]:
        """Issue types, most urgent first: findings and distinct products or services affected."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for finding in self.findings:
            grouped.setdefault(finding["kind"], []).append(finding)
        types = [
            {
                "kind": kind,
                "label": self.wording.kind(kind),
                "severity": min(
                    (f["severity"] for f in findings), key=lambda s: SEVERITY_RANK.get(s, 9)
                ),
                "findings": len(findings),
                "affected": len({subject_key(f["subject"]) for f in findings}),
            }
            for kind, findings in grouped.items()
        ]
        return sorted(types, key=lambda t: (SEVERITY_RANK.get(t["severity"], 9), -t["findings"]))

    def summary(self) -> dict[str, Any]:
        severities = Counter(f["severity"] for f in self.findings)
        return {
            "findings": len(self.findings),
            "by_status": dict(Counter(f["status"] for f in self.findings)),
            "by_kind": dict(Counter(f["kind"] for f in self.findings)),
            "by_severity": {severity: severities[severity] for severity in SEVERITY_RANK},
            "changed": sum(1 for f in self.findings if f.get("changed")),
            "types": self.types(),
            "resolved": len(self.resolved),
            "incomplete_channels": self.incomplete,
            "compared": {
                "channels": len(self.channels),
                "complete_channels": len(self.channels) - len(self.incomplete),
                "products_linked": self.products_linked,
                "claims": sum(c["claims"] for c in self.channels),
            },
            "empty_channels": self.empty,
            "all_clear": not self.shortfalls()
            and not any(f["status"] in OPEN for f in self.findings),
            "headline": self.headline(),
        }

    def to_dict(self) -> dict[str, Any]:
        run = {key: self.run.get(key) for key in ("id", "name", "started", "finished", "status")}
        return {
            "tool": "omnicheck",
            "version": __version__,
            "run": run | {"locale": self.locale},
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


def build_report(
    store: Store, run_id: int, baseline: Baseline | None = None, locale: str | None = None
) -> Report:
    """The report of a checked run; ``baseline`` defaults to the previous complete checked run,
    ``locale`` to the run's (its configuration's when it was crawled)."""
    if baseline is None:
        baseline = previous_baseline(store, run_id)
    run = store.run(run_id)
    findings = store.findings(run_id)
    report = Report(
        run,
        store.channels(run_id),
        findings,
        baseline,
        diff(findings, baseline).resolved,
        run_history(store),
        locale or run.get("locale"),
        store.linked_products(run_id),
        store.post_counts(run_id),
        store.touchpoints(run_id),
        store.unmatched_stock(run_id),
    )
    first_seen = _first_seen(store)
    for finding in [*report.findings, *report.resolved]:
        describe(finding, report.wording, first_seen.get(finding["fingerprint"]))
    report.findings.sort(key=priority)
    return report


def describe(finding: dict[str, Any], wording: Wording, first_seen: dict | None = None) -> None:
    """Add what a person reads first: title, how to fix, the odd channel, when first seen."""
    if not isinstance(finding.get("channels"), dict) or "kind" not in finding:
        return  # a finding of a foreign baseline report: nothing to describe it with
    finding["title"] = wording.title(finding)
    finding["how_to_fix"] = wording.how_to_fix(finding["kind"])
    finding["odd_channel"] = wording.odd_channel(finding)
    if first_seen is not None:
        finding["first_seen"] = first_seen


def priority(finding: dict[str, Any]) -> tuple[Any, ...]:
    """What to fix first: open before waived, then severity, channels involved, age, name."""
    first = (finding.get("first_seen") or {}).get("run") or 0
    return (
        finding["status"] == "waived",
        SEVERITY_RANK.get(finding["severity"], len(SEVERITY_RANK)),
        -len(finding["channels"]),
        first,
        subject_label(finding).lower(),
    )


def _first_seen(store: Store) -> dict[str, dict[str, Any]]:
    """The run each fingerprint was first found in, and when that run started."""
    started = {run["id"]: run["started"] for run in store.runs()}
    seen: dict[str, dict[str, Any]] = {}
    for row in store.finding_statuses():
        seen.setdefault(
            row["fingerprint"], {"run": row["run_id"], "date": started.get(row["run_id"])}
        )
    return seen


def subject_label(finding: dict[str, Any]) -> str:
    """The product or service a finding is about, as a person would name it."""
    subject = finding["subject"]
    for key in ("name", "label", "service", "sku", "gtin", "product"):
        if subject.get(key):
            return str(subject[key])
    return ""
