"""The HTML report: one self-contained file a marketer can open from an e-mail, offline.

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

import jinja2

from checker.reports.chart import history_chart
from checker.reports.model import Report, subject_label

STATUSES = ("new", "persisting", "waived", "resolved")
SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3}
COLUMNS = (
    ("status", "Status", "text"),
    ("severity", "Severity", "number"),
    ("kind", "Kind", "text"),
    ("subject", "Product or service", "text"),
    ("difference", "Difference", "number"),
    ("channels", "What each channel says", "text"),
    ("fingerprint", "Fingerprint", "text"),
)
TEMPLATES = files("checker.reports") / "templates"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("checker.reports", "templates"),
        autoescape=True,
    )
    env.filters["subject_label"] = subject_label
    env.tests["web"] = lambda url: isinstance(url, str) and url.startswith(("http://", "https://"))
    env.filters["is_web"] = env.tests["web"]
    return env


def render(report: Report) -> str:
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    script_hash = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'"
    )
    run = report.run
    counts = Counter(f["status"] for f in report.findings)
    by_kind: dict[str, Counter[str]] = {}
    for finding in report.findings:
        by_kind.setdefault(finding["kind"], Counter())[finding["status"]] += 1
    for finding in report.resolved:
        by_kind.setdefault(finding["kind"], Counter())["resolved"] += 1
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            policy=policy,
            style=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
            script=script,
            title=f"{run.get('name') or 'omnicheck'}: run {run['id']}",
            headline=f"{len(report.findings)} findings"
            + (f" ({counts['new']} new)" if counts["new"] else ""),
            run=run,
            baseline=report.baseline,
            notices=report.notices,
            statuses=STATUSES,
            by_kind=sorted(by_kind.items()),
            channels=report.channels,
            involved=Counter(channel for f in report.findings for channel in f["channels"]),
            chart=history_chart(report.history),
            findings=report.findings,
            filters=[
                ("status", sorted({f["status"] for f in report.findings})),
                ("kind", sorted({f["kind"] for f in report.findings})),
                ("channels", sorted({c for f in report.findings for c in f["channels"]})),
            ],
            columns=COLUMNS,
            severity_order=SEVERITY_ORDER,
            resolved=report.resolved,
        )
    )
