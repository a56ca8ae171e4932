"""The HTML report: one self-contained file a marketer can open from an e-mail, offline.

Shaped like Merchant Center's diagnostics: a headline that says what was compared, counts by
severity, the issue types with how many findings and products each has, and each type opening to
its findings, most urgent first. Each finding is a card with a plain-language title, the product's
SKU and GTIN, what each channel says (the odd one marked) with a link to its page and the evidence,
and how to fix it; on a phone the cards stack. The fixed texts follow the run's language.

Rendered from Jinja2 templates (``templates/``) with autoescaping on, so every crawled value is
text in the page, never markup; links are kept only when they are http(s). The style and the one
script are inlined, and a Content Security Policy allows no script but that one (by its hash):
even a page that smuggled markup into its evidence cannot run code in the reader's browser.
No CDN, no external file.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2

from checker.reports import touchpoints
from checker.reports.chart import history_chart
from checker.reports.model import Report
from checker.reports.wording import Wording

TEMPLATES = files("checker.reports") / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("checker.reports", "templates"), autoescape=True
    )
    env.tests["web"] = lambda url: isinstance(url, str) and url.startswith(("http://", "https://"))
    return env


def render(report: Report) -> str:
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    script_hash = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'"
    )
    say = report.wording
    run = report.run
    summary = report.summary()
    findings = report.findings
    types = summary["types"]
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            say=say,
            policy=policy,
            style=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
            script=script,
            title=f"{run.get('name') or 'omnicheck'}: {say.text('run', run=run['id'])}",
            headline=summary["headline"],
            run=run,
            run_status=say.run_status(run["status"]),
            baseline=report.baseline,
            notices=report.notices,
            by_severity=summary["by_severity"],
            changed=summary["changed"],
            types=types,
            cards=[card(finding, rank, say) for rank, finding in enumerate(findings, 1)],
            filters=[
                (
                    "severity",
                    say.text("every_severity"),
                    [(s, say.severity(s)) for s, n in summary["by_severity"].items() if n],
                ),
                (
                    "status",
                    say.text("every_status"),
                    [(s, say.status(s)) for s in sorted({f["status"] for f in findings})]
                    + ([("changed", say.text("changed"))] if summary["changed"] else []),
                ),
                ("kind", say.text("every_kind"), [(t["kind"], t["label"]) for t in types]),
                (
                    "channels",
                    say.text("every_channel"),
                    [(c, c) for c in sorted({c for f in findings for c in f["channels"]})],
                ),
            ],
            channels=report.channels,
            involved=Counter(channel for f in findings for channel in f["channels"]),
            chart=history_chart(report.history, say.day),
            resolved=report.resolved,
            touchpoints=touchpoints.shown(report, say),
        )
    )


def card(finding: dict[str, Any], rank: int, say: Wording) -> dict[str, Any]:
    """What a finding's card shows, worded and formatted for the report's locale."""
    subject = finding["subject"]
    changes = finding.get("changes") or {}
    return {
        "rank": rank,
        "kind": finding["kind"],
        "rule": finding["rule"],
        "severity": finding["severity"],
        "status": finding["status"],
        "changed": bool(finding.get("changed")),
        "fingerprint": finding["fingerprint"],
        "title": finding.get("title") or finding["message"],
        "subject": say.subject(finding),
        "sku": subject.get("sku"),
        "gtin": subject.get("gtin"),
        "how_to_fix": finding.get("how_to_fix"),
        "first_seen": say.date((finding.get("first_seen") or {}).get("date")),
        "waiver": say.waiver(finding),
        "channels": [
            {
                "name": name,
                "value": say.value(finding, name),
                "before": say.earlier(finding, name, changes[name]["before"])
                if name in changes
                else None,
                "odd": name == finding.get("odd_channel"),
                "url": seen.get("url"),
                "evidence": seen.get("evidence"),
            }
            for name, seen in finding["channels"].items()
        ],
    }
