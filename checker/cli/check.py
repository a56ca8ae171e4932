"""``omnicheck check``: link and check a stored run, then report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checker import api
from checker.cli.common import (
    check_notify,
    check_options,
    check_output,
    config_option,
    db_option,
    emit,
    fail_on_option,
    friendly_errors,
    output_options,
    send_notifications,
)


@click.command()
@config_option
@db_option
@click.option("--run", "run_id", type=int, help="Run to check (default: the latest).")
@output_options
@fail_on_option
@check_options
@friendly_errors
def check(
    config_path: Path,
    db_path: Path,
    run_id: int | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
    baseline: str | None,
    notify: tuple[str, ...],
) -> None:
    """Link and check a stored run with the configured rules, then report.

    Exit codes: 0 ok, 1 findings that fail --fail-on, 2 usage, configuration
    or database error, 3 a channel of the run was incompletely crawled, 4 an
    internal or storage error (disk full, read-only or locked database).

    \b
    Example:
      omnicheck check --config omnicheck.yml --db omnicheck.db --run 3
      omnicheck check --baseline 2 --format junit -o omnicheck-junit.xml
      omnicheck check --fail-on any --format json -o findings.json
    """
    config = api.load_config(config_path)
    check_output(fmt, output)
    check_notify(notify)
    result = api.check(config, db_path, run_id, baseline=baseline)
    assert result.report is not None
    emit(result.report, fmt, output)
    send_notifications(result.report, notify, output)
    sys.exit(result.exit_code(fail_on))
