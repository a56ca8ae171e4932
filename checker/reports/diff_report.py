"""``omnicheck diff`` as text: the findings of one run sorted against another, 80 columns wide."""

from __future__ import annotations

import textwrap
from typing import Any

from checker.findings.history import DIFF_GROUPS, Diff
from checker.reports.model import subject_label

WIDTH = 80


def render_diff(result: Diff) -> str:
    against = result.baseline.label if result.baseline else "nothing (no earlier complete run)"
    counts = result.counts()
    listed = [f"{counts[status]} {status}" for status in DIFF_GROUPS]
    if counts["changed"]:
        listed[DIFF_GROUPS.index("persisting")] += f" ({counts['changed']} changed)"
    lines = [f"run {result.run_id} compared with {against}: {', '.join(listed)}"]
    for status in DIFF_GROUPS:
        findings = getattr(result, status)
        if not findings:
            continue
        lines.extend(["", status.upper()])
        for finding in findings:
            mark = "  CHANGED" if finding.get("changed") else ""
            head = f"{finding['fingerprint']}  [{finding['severity']}] {finding['kind']}"
            lines.append(f"  {head}  {subject_label(finding)}{mark}")
            lines.extend(
                textwrap.wrap(
                    finding["message"], WIDTH, initial_indent="    ", subsequent_indent="    "
                )
            )
            lines.extend(change_lines(finding, "    "))
    return "\n".join(lines)


def change_lines(finding: dict[str, Any], indent: str) -> list[str]:
    """ "webshop: 1249.00 SEK → 1269.00 SEK" for each channel whose value changed."""
    return [
        f"{indent}{channel}: {change['before']} → {change['after']}"
        for channel, change in (finding.get("changes") or {}).items()
    ]
