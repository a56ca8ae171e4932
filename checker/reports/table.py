"""The terminal report: readable at 80 columns, colours only when writing to a terminal.

The headline says what was compared; findings follow in the order to fix them, each with its
plain-language title, the product's identifiers, what each channel says and how to fix it.
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from checker.reports.diff_report import change_lines
from checker.reports.model import Report
from checker.reports.wording import Wording

WIDTH = 80
SEVERITY_COLORS = {"high": "red", "medium": "yellow", "low": "blue"}


def wrap(text: str, indent: str = "  ", more: str = "    ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=more)


def render(report: Report, color: bool = False) -> str:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if color else text  # type: ignore[arg-type]

    say = report.wording
    run = report.run
    lines = [
        style(
            f"omnicheck run {run['id']} ({run.get('name')}) — {say.run_status(run['status'])}",
            bold=True,
        )
    ]
    columns = [say.text(key) for key in ("pages", "failed", "offers", "claims")]
    names = [str(channel["channel"]) for channel in report.channels]
    kinds = [str(channel["kind"]) for channel in report.channels]
    name_width = max(len(text) for text in [say.text("channel"), *names])
    kind_width = max(len(text) for text in [say.text("channel_kind"), *kinds])
    widths = [max(len(column), 5) for column in columns]
    header = [say.text("channel").ljust(name_width), say.text("channel_kind").ljust(kind_width)]
    header += [column.rjust(width) for column, width in zip(columns, widths, strict=True)]
    lines.append("  " + "  ".join([*header, say.text("crawl")]))
    for channel in report.channels:
        mark = (
            say.text("complete")
            if channel["complete"]
            else style(say.text("incomplete").upper(), fg="red", bold=True)
        )
        counts = [channel[key] for key in ("pages", "failed", "offers", "claims")]
        cells = [str(channel["channel"]).ljust(name_width), str(channel["kind"]).ljust(kind_width)]
        cells += [str(count).rjust(width) for count, width in zip(counts, widths, strict=True)]
        lines.append("  " + "  ".join([*cells, mark]))
    lines.append("")
    lines.extend(wrap(report.headline(), "", "  "))
    if report.findings:
        counts = report.summary()["by_severity"]
        lines.append(
            ", ".join(f"{count} {say.severity(severity)}" for severity, count in counts.items())
        )
    lines.append("")
    for finding in report.findings:
        lines.extend(_finding_lines(finding, say, style))
        lines.append("")
    if report.resolved and report.baseline:
        heading = say.text("resolved_since", baseline=report.baseline.label)
        lines.append(style(f"{heading}:", bold=True))
        for finding in report.resolved:
            lines.extend(wrap(f"{finding['fingerprint']}  {finding.get('title') or ''}"))
        lines.append("")
    summary = report.summary()
    statuses = ", ".join(
        f"{count} {status}" for status, count in sorted(summary["by_status"].items())
    )
    if report.resolved:
        statuses += (", " if statuses else "") + f"{len(report.resolved)} resolved"
    lines.append(f"{summary['findings']} findings" + (f" ({statuses})" if statuses else ""))
    if report.incomplete:
        lines.append(
            style(
                f"Incomplete crawl: {', '.join(report.incomplete)} — no 'missing' findings were "
                "reported against these channels.",
                fg="red",
            )
        )
        for channel in report.channels:
            if not channel["complete"]:
                lines.extend(wrap(f"{channel['channel']}: {channel.get('note') or 'not finished'}"))
    return "\n".join(lines) + "\n"


def _finding_lines(finding: dict[str, Any], say: Wording, style: Any) -> list[str]:
    severity = say.severity(finding["severity"]).upper()
    lines = [
        style(line, fg=SEVERITY_COLORS.get(finding["severity"]), bold=True)
        for line in wrap(f"[{severity}] {finding['title']}", "", "  ")
    ]
    changed = f"  {say.text('changed').upper()}" if finding.get("changed") else ""
    lines.append(
        f"  {say.status(finding['status']).upper()}  {finding['fingerprint']}  "
        f"{finding['kind']}{changed}"
    )
    lines.extend(wrap(identity(finding, say)))
    waiver = say.waiver(finding)
    lines.extend(wrap(waiver) if waiver else [])
    for channel in finding["channels"]:
        seen = finding["channels"][channel]
        lines.append(f"    {channel}: {say.value(finding, channel)}")
        if seen.get("url"):
            lines.append(f"      {seen['url']}")
        if seen.get("evidence"):
            lines.extend(wrap(f"“{seen['evidence']}”", "      ", "       "))
        linked = say.link(seen.get("link") or {})
        if linked:
            lines.append(f"      {linked}")
    lines.extend(change_lines(finding, "  ~ "))
    if finding.get("how_to_fix"):
        lines.extend(wrap(f"{say.text('how_to_fix')}: {finding['how_to_fix']}"))
    return lines


def identity(finding: dict[str, Any], say: Wording) -> str:
    """ "Vaellusreppu 40 L · SKU RA-VR40 · GTIN 6434012300102"."""
    subject = finding["subject"]
    parts = [say.subject(finding)]
    parts += [f"{key.upper()} {subject[key]}" for key in ("sku", "gtin") if subject.get(key)]
    return " · ".join(part for part in parts if part)
