"""Alerts: a short summary of a run's new findings, sent to Apprise URLs.

Apprise speaks to Slack, Microsoft Teams, e-mail (``mailto://``), webhooks (``json://``,
``form://``) and many more, so one ``--notify URL`` option covers them all. Nothing is sent when
a run has no new finding and every channel was crawled completely: an alert is worth reading.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.reports.model import Report, subject_label

if TYPE_CHECKING:
    import apprise

MAX_LISTED = 10


class NotifyError(Exception):
    """A ``--notify`` URL that Apprise cannot use."""


def notifier(urls: tuple[str, ...] | list[str]) -> apprise.Apprise:
    """An Apprise object for the URLs; raise NotifyError naming the first it does not accept."""
    import apprise  # only runs that notify pay for loading it

    target = apprise.Apprise()
    for url in urls:
        if not target.add(url):
            raise NotifyError(
                f"--notify {url!r}: not an Apprise URL it can use "
                "(e.g. slack://TokenA/TokenB/TokenC, mailto://user:pass@example.com, "
                "json://hooks.example.com/omnicheck)"
            )
    return target


def summary(report: Report) -> tuple[str, str] | None:
    """Title and body of the alert, or None when there is nothing worth telling."""
    new = [finding for finding in report.findings if finding["status"] == "new"]
    if not new and not report.incomplete:
        return None
    name = report.run.get("name") or "omnicheck"
    title = f"omnicheck {name}: {len(new)} new finding{'s' if len(new) != 1 else ''}"
    lines = [
        f"[{f['severity']}] {subject_label(f)}: {f['message']} ({f['fingerprint']})"
        for f in new[:MAX_LISTED]
    ]
    if len(new) > MAX_LISTED:
        lines.append(f"…and {len(new) - MAX_LISTED} more")
    counts = report.summary()["by_status"]
    lines.append(
        f"Run {report.run['id']}: {len(report.findings)} findings "
        f"({counts.get('persisting', 0)} persisting, {counts.get('waived', 0)} waived), "
        f"{len(report.resolved)} resolved."
    )
    if report.incomplete:
        lines.append(f"Incomplete crawl: {', '.join(report.incomplete)}.")
    return title, "\n".join(lines)


def send_summary(target: Any, report: Report, attachment: Path | None = None) -> str | None:
    """Send the summary (with the report file attached, if any); a problem to show, or None."""
    message = summary(report)
    if message is None:
        return None
    title, body = message
    attach = str(attachment) if attachment is not None and attachment.exists() else None
    if not target.notify(title=title, body=body, attach=attach):
        return "could not deliver the --notify summary to every URL (see the log above)"
    return None
