"""``omnicheck waive``: accept a finding in the waivers file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from checker import api
from checker.cli.common import UsageProblem, config_option, db_option, friendly_errors
from checker.findings import FINGERPRINT_LENGTH
from checker.findings.waivers import FINGERPRINT, Waiver, add_waiver
from checker.reports import subject_label
from crawler.store import Store


@click.command()
@click.argument("fingerprint")
@click.option("--reason", required=True, help="Why this finding is accepted (kept in the file).")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day the waiver holds (YYYY-MM-DD); the finding comes back after it.",
)
@config_option
@db_option
@friendly_errors
def waive(fingerprint: str, reason: str, until: Any, config_path: Path, db_path: Path) -> None:
    """Accept a finding: add it to the waivers file named by the configuration's `waivers:`.

    A waived finding is reported as `waived` and never fails CI. Commit the file so the waiver
    is reviewed like any change; run `omnicheck check` to apply it to a stored run.

    Exit codes: 0 written, 2 usage or configuration error (the file is left as it was),
    4 an internal error.

    \b
    Example:
      omnicheck waive a25ba2ddd918baf9 --reason "Member price on the website" --until 2026-01-31
    """
    fingerprint = fingerprint.strip().lower()
    if not FINGERPRINT.match(fingerprint):
        raise UsageProblem(
            f"{fingerprint!r} is not a finding's fingerprint: expected 6 to 64 hex digits, "
            "e.g. a25ba2ddd918baf9 (listed by `omnicheck report`)"
        )
    if not reason.strip():
        raise UsageProblem("--reason is empty: say why this finding is accepted")
    config = api.load_config(config_path)
    if config.waivers is None:
        raise UsageProblem(
            f"{config.path}: waivers: missing; add a line such as `waivers: waivers.yml`"
        )
    today = date.today()
    if until is not None and until.date() < today:
        raise UsageProblem(f"--until {until.date()}: that day has passed; give a later date")
    finding = Store(db_path, create=False).latest_finding(fingerprint) if db_path.exists() else None
    if finding is None and db_path.exists():
        raise UsageProblem(
            f"{db_path}: no finding with fingerprint {fingerprint!r} "
            "(fingerprints are listed by `omnicheck report`)"
        )
    if not db_path.exists() and len(fingerprint) != FINGERPRINT_LENGTH:
        raise UsageProblem(
            f"{fingerprint!r}: a finding's fingerprint has {FINGERPRINT_LENGTH} hex digits, as"
            f" `omnicheck report` lists it; {db_path} does not exist to look a shorter one up"
        )
    if not db_path.exists():
        click.echo(
            f"warning: {db_path}: no such database, so the fingerprint is not checked"
            " (give --db where the finding was reported)",
            err=True,
        )
    subject = f"{subject_label(finding)} ({finding['kind']})" if finding else None
    waiver = Waiver(fingerprint, reason.strip(), until.date() if until else None, today, subject)
    action = add_waiver(config.waivers, waiver)
    held = f" until {waiver.until}" if waiver.until else ""
    click.echo(f"{action} waiver for {fingerprint}{held} in {config.waivers}")
