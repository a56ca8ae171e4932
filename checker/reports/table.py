"""The terminal report: readable at 80 columns, colours only when writing to a terminal."""

from __future__ import annotations

import textwrap
from typing import Any

import click

from checker.reports.model import Report

WIDTH = 80
SEVERITY_COLORS = {"high": "red", "medium": "yellow", "low": "blue"}


def render(report: Report, color: bool = False) -> str:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if color else text  # type: ignore[arg-type]

    run = report.run
    lines = [
        style(f"omnicheck run {run['id']} ({run.get('name')}) — {run.get('status')}", bold=True)
    ]
    for channel in report.channels:
        mark = "ok" if channel["complete"] else style("INCOMPLETE", fg="red", bold=True)
        lines.append(
            f"  {channel['channel']:<14} {channel['kind']:<8} {channel['pages']:>5} pages "
            f"{channel['failed']:>4} failed {channel['offers']:>5} offers "
            f"{channel['claims']:>4} claims  {mark}"
        )
    lines.append("")
    if not report.findings:
        lines.append("No findings: the channels agree on everything omnicheck compared.")
    for finding in report.findings:
        severity = finding["severity"].upper()
        head = (
            f"[{severity}] {finding['kind']}  {finding['status'].upper()}  {finding['fingerprint']}"
        )
        lines.append(style(head, fg=SEVERITY_COLORS.get(finding["severity"]), bold=True))
        lines.extend(
            textwrap.wrap(finding["message"], WIDTH, initial_indent="  ", subsequent_indent="    ")
        )
        lines.extend(_waiver_lines(finding))
        for channel, seen in finding["channels"].items():
            lines.append(f"    {channel}: {seen.get('value')}")
            if seen.get("url"):
                lines.append(f"      {seen['url']}")
            if seen.get("evidence"):
                lines.extend(
                    textwrap.wrap(
                        f"“{seen['evidence']}”",
                        WIDTH,
                        initial_indent="      ",
                        subsequent_indent="       ",
                    )
                )
            link = seen.get("link")
            if link and link.get("method") not in (None, "alone"):
                score = f" {link['score']}" if link.get("score") is not None else ""
                lines.append(f"      linked by {link['method']}{score}")
        lines.append("")
    if report.resolved and report.baseline:
        lines.append(style(f"Resolved since {report.baseline.label}:", bold=True))
        for finding in report.resolved:
            lines.extend(
                textwrap.wrap(
                    f"{finding['fingerprint']}  {finding['message']}",
                    WIDTH,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
            )
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
                lines.extend(
                    textwrap.wrap(
                        f"{channel['channel']}: {channel.get('note') or 'not finished'}",
                        WIDTH,
                        initial_indent="  ",
                        subsequent_indent="    ",
                    )
                )
    return "\n".join(lines) + "\n"


def _waiver_lines(finding: dict[str, Any]) -> list[str]:
    waiver = finding.get("waiver")
    if waiver:
        until = f" until {waiver['until']}" if waiver.get("until") else ""
        text = f"waived{until}: {waiver['reason']}"
    elif finding.get("waiver_expired"):
        text = f"waiver expired {finding['waiver_expired']['until']}: back for review"
    else:
        return []
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="    ")
