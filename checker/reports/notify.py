"""Alerts: a short summary of a run's new and changed findings, sent to Apprise URLs.

Apprise speaks to Slack, Microsoft Teams, e-mail (``mailto://``), webhooks (``json://``,
``form://``) and many more, so one ``--notify URL`` option covers them all. Nothing is sent when
a run has no new or changed finding and compared everything it should (every channel complete,
none empty): an alert is worth reading.

An Apprise URL holds its secrets (tokens, passwords) in plain sight, so no message of ours shows
one: a URL is named by its scheme and position only, and Apprise's own debug log, which prints
whole URLs, is kept quiet while sending.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.reports.model import Report

if TYPE_CHECKING:
    from collections.abc import Iterator

    import apprise

MAX_LISTED = 10


class NotifyError(Exception):
    """A ``--notify`` URL that Apprise cannot use."""


def redacted(url: str) -> str:
    """``slack://…``: the scheme of an alert URL, and nothing that could be a secret."""
    scheme, separator, _ = url.partition("://")
    return f"{scheme}://…" if separator and scheme.isalnum() else "…"


@contextmanager
def quiet_apprise(least: int = logging.WARNING) -> Iterator[None]:
    """Keep Apprise's log to ``least`` and above while it works: it logs whole URLs, tokens
    included, at debug level, and an unparseable URL even as an error."""
    logger = logging.getLogger("apprise")
    level = logger.level
    logger.setLevel(max(level, least))
    try:
        yield
    finally:
        logger.setLevel(level)


def notifier(urls: tuple[str, ...] | list[str]) -> apprise.Apprise:
    """An Apprise object for the URLs; raise NotifyError naming the first it does not accept."""
    import apprise  # only runs that notify pay for loading it

    target = apprise.Apprise()
    with quiet_apprise(logging.CRITICAL):  # our own error names the URL without its secrets
        for number, url in enumerate(urls, 1):
            if not target.add(url):
                raise NotifyError(
                    f"--notify {redacted(url)} (URL {number} of {len(urls)}; its secrets are not "
                    "shown): not an Apprise URL it can use (e.g. slack://TokenA/TokenB/TokenC, "
                    "mailto://user:pass@example.com, json://hooks.example.com/omnicheck)"
                )
    return target


def summary(report: Report) -> tuple[str, str] | None:
    """Title and body of the alert, or None when there is nothing worth telling."""
    say = report.wording
    new = [finding for finding in report.findings if finding["status"] == "new"]
    changed = [f for f in report.findings if f["status"] == "persisting" and f.get("changed")]
    shortfalls = report.shortfalls()
    if not new and not changed and not shortfalls:
        return None
    name = report.run.get("name") or "omnicheck"
    title = f"omnicheck {name}: {say.text('new_findings', len(new))}"
    if changed:
        title += f", {say.text('changed_count', len(changed))}"
    listed = (new + changed)[:MAX_LISTED]
    lines = [
        f"[{say.severity(f['severity'])}] {say.subject(f)}: {f.get('title') or f['message']}"
        + (f" ({say.text('changed')})" if f.get("changed") else "")
        + f" ({f['fingerprint']})"
        for f in listed
    ]
    if len(new) + len(changed) > MAX_LISTED:
        lines.append(f"…{len(new) + len(changed) - MAX_LISTED}")
    lines.append(report.headline())
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
    with quiet_apprise():
        delivered = target.notify(title=title, body=body, attach=attach)
    if not delivered:
        return "could not deliver the --notify summary to every URL (see the log above)"
    return None
