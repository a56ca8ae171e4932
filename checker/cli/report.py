"""``omnicheck report``: print a checked run's stored findings again."""

from __future__ import annotations

from pathlib import Path

import click

from checker import api
from checker.cli.common import check_output, db_option, emit, friendly_errors, output_options


@click.command()
@db_option
@click.option("--run", "run_id", type=int, help="Run to report (default: the latest checked).")
@click.option(
    "--locale",
    metavar="LOCALE",
    help="Language and number formats of the report, e.g. sv_SE (default: the run's).",
)
@output_options
@friendly_errors
def report(
    db_path: Path, run_id: int | None, locale: str | None, fmt: str, output: Path | None
) -> None:
    """Print the stored findings of a checked run again, in any format.

    Exit codes: 0 printed, 2 usage or database error (no such run, or the
    run not checked yet), 4 an internal or storage error. The findings never
    change the exit code here.

    \b
    Example:
      omnicheck report --db omnicheck.db --format csv --output findings.csv
      omnicheck report --format csv-excel -o löydökset.csv
      omnicheck report --format html -o report.html --locale sv_SE
    """
    check_output(fmt, output)
    emit(api.report(db_path, run_id, locale), fmt, output)
