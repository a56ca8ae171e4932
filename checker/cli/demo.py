"""``omnicheck demo``: the bundled demo retailer, served, crawled, checked and reported."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from checker import api
from checker import demo as demo_site
from checker.cli.common import (
    check_output,
    emit,
    friendly_errors,
    output_options,
    parse_settings,
    stop_if_aborted,
)
from crawler.run.progress import CrawlProgress
from crawler.store import Store


@click.command()
@output_options
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo's database here (default: a temporary file).",
)
@friendly_errors
def demo(fmt: str, output: Path | None, db_path: Path | None) -> None:
    """Serve the bundled demo retailer on 127.0.0.1, crawl it, check it and print the findings.

    Exit codes: 0 done (the demo's findings never fail it), 2 usage error,
    3 the demo's crawl was incomplete, 4 an internal or storage error.

    \b
    Example:
      omnicheck demo
      omnicheck demo --format json
    """
    check_output(fmt, output)
    with (
        tempfile.TemporaryDirectory(prefix="omnicheck-demo-") as folder,
        demo_site.serve_demo() as base,
    ):
        config = api.load_config(demo_site.write_config(base, Path(folder) / "omnicheck.yml"))
        store = Store(db_path or Path(folder) / "demo.db")
        click.echo(
            f"Demo retailer served at {base}/ — crawling "
            f"{', '.join(c.name for c in config.channels)}...",
            err=True,
        )
        result = api.run(
            config, store, settings=parse_settings(()), progress=CrawlProgress(sys.stderr)
        )
        store.close()
    stop_if_aborted(result.run_id, result.status)
    assert result.report is not None
    emit(result.report, fmt, output)
    sys.exit(result.exit_code(fail_on="never"))
