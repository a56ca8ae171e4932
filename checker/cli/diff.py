"""``omnicheck diff``: what changed between two checked runs."""

from __future__ import annotations

import json
from pathlib import Path

import click

from checker.cli.common import UsageProblem, db_option, friendly_errors
from checker.findings.history import compare_runs
from checker.reports.diff_report import render_diff
from crawler.store import Store


@click.command(name="diff")
@db_option
@click.argument("runs", nargs=-1, type=int, metavar="[RUN_A [RUN_B]]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def diff_command(db_path: Path, runs: tuple[int, ...], as_json: bool) -> None:
    """Show which findings are new, persisting, waived and resolved between two checked runs.

    Without RUN_A, the latest checked run is compared with the previous complete checked run;
    with RUN_A alone, RUN_A is compared with the latest checked run.

    Exit codes: 0 compared (whatever changed), 2 usage or database error,
    4 an internal or storage error.

    \b
    Example:
      omnicheck diff
      omnicheck diff 3 5 --json
    """
    if len(runs) > 2:
        raise UsageProblem("diff takes at most two runs: omnicheck diff [RUN_A [RUN_B]]")
    store = Store(db_path, create=False)
    result = compare_runs(store, *runs)
    click.echo(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
        if as_json
        else render_diff(result)
    )
