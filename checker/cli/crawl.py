"""``omnicheck crawl``: crawl the channels into a new run, without checking."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from checker import api
from checker.cli.common import (
    config_option,
    db_option,
    friendly_errors,
    parse_settings,
    redis_option,
    settings_option,
    stop_if_aborted,
)
from checker.exitcodes import ExitCode
from crawler.run.progress import CrawlProgress
from crawler.store import Store


@click.command()
@config_option
@db_option
@settings_option
@click.option("--channel", "channels", multiple=True, help="Crawl only this channel (repeatable).")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the latest run if it was interrupted (Ctrl-C, SIGTERM): fetch what it "
    "still had queued, into the same run.",
)
@redis_option
@friendly_errors
def crawl(
    config_path: Path,
    db_path: Path,
    settings: tuple[str, ...],
    channels: tuple[str, ...],
    resume: bool,
    redis_url: str | None,
) -> None:
    """Crawl the channels into a new run in the database, without checking.

    Prints each channel's completeness. Exit codes: 0 every channel
    complete, 2 usage or configuration error, 3 a channel incomplete or
    the crawl interrupted, 4 an internal or storage error (disk full,
    read-only or locked database: the run is aborted, what it stored is
    kept, and --resume continues it). With --redis, this process coordinates and
    stores the crawl while `omnicheck worker` processes fetch the pages.

    \b
    Example:
      omnicheck crawl --config omnicheck.yml --db omnicheck.db -s DOWNLOAD_DELAY=1
      omnicheck crawl --resume    # after Ctrl-C: continue the interrupted run
      omnicheck crawl -c omnicheck.yml -s CONCURRENT_REQUESTS=32 -s AUTOTHROTTLE_ENABLED=false
      omnicheck crawl -c omnicheck.yml --redis redis://localhost:6379/0
    """
    config = api.load_config(config_path)
    store = Store(db_path)
    run_id = api.crawl(
        config,
        store,
        settings=parse_settings(settings),
        channels=list(channels) or None,
        resume=resume,
        redis=redis_url,
        progress=None if redis_url else CrawlProgress(sys.stderr),
        echo=lambda line: click.echo(line, err=True),
    )
    for channel in store.channels(run_id):
        click.echo(f"{channel['channel']}: {channel['note'] or 'not finished'}")
    status = store.run(run_id)["status"]
    stop_if_aborted(run_id, status)
    click.echo(f"run {run_id}: {status}")
    if status != "complete":
        sys.exit(ExitCode.INCOMPLETE)
