"""``omnicheck diff`` as text: the findings of one run sorted against another, 80 columns wide."""

from __future__ import annotations

import textwrap

from checker.findings.history import DIFF_GROUPS, Diff
from checker.reports.model import subject_label

WIDTH = 80


def render_diff(result: Diff) -> str:
    against = result.baseline.label if result.baseline else "nothing (no earlier complete run)"
    counts = ", ".join(f"{count} {status}" for status, count in result.counts().items())
    lines = [f"run {result.run_id} compared with {against}: {counts}"]
    for status in DIFF_GROUPS:
        findings = getattr(result, status)
        if not findings:
            continue
        lines.extend(["", status.upper()])
        for finding in findings:
            head = f"{finding['fingerprint']}  [{finding['severity']}] {finding['kind']}"
            lines.append(f"  {head}  {subject_label(finding)}")
            lines.extend(
                textwrap.wrap(
                    finding["message"], WIDTH, initial_indent="    ", subsequent_indent="    "
                )
            )
    return "\n".join(lines)
