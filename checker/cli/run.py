"""``omnicheck run``: crawl every channel, check the run, report."""

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
    parse_settings,
    send_notifications,
    settings_option,
    stop_if_aborted,
)
from crawler.run.progress import CrawlProgress


@click.command()
@config_option
@db_option
@output_options
@fail_on_option
@check_options
@settings_option
@friendly_errors
def run(
    config_path: Path,
    db_path: Path,
    fmt: str,
    output: Path | None,
    fail_on: str,
    baseline: str | None,
    notify: tuple[str, ...],
    settings: tuple[str, ...],
) -> None:
    """Crawl every channel, check the run and print the findings.

    Exit codes: 0 ok, 1 findings that fail --fail-on, 2 usage or
    configuration error, 3 a channel's crawl was incomplete or the crawl
    interrupted, 4 an internal or storage error (disk full, read-only or
    locked database: the run is aborted, what it stored is kept).

    \b
    Example:
      omnicheck run --config omnicheck.yml --db omnicheck.db
      omnicheck run -c omnicheck.yml --format json -o findings.json --fail-on new
      omnicheck run --baseline last-findings.json --format html -o report.html \\
        --notify "slack://TokenA/TokenB/TokenC"
    """
    config = api.load_config(config_path)
    check_output(fmt, output)
    check_notify(notify)
    result = api.run(
        config,
        db_path,
        settings=parse_settings(settings),
        baseline=baseline,
        progress=CrawlProgress(sys.stderr),
    )
    stop_if_aborted(result.run_id, result.status)
    assert result.report is not None  # a run that was not aborted is checked
    emit(result.report, fmt, output)
    send_notifications(result.report, notify, output)
    sys.exit(result.exit_code(fail_on))
