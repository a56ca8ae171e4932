"""The ``omnicheck`` command line: a thin layer over the library (``checker.api``).

Each command, one module here, parses options, calls one or two library functions and formats
the result; ``common`` holds the options and error handling they share.
"""

from __future__ import annotations

import logging

import click

from checker.cli.check import check
from checker.cli.crawl import crawl
from checker.cli.demo import demo
from checker.cli.diff import diff_command
from checker.cli.extract import extract
from checker.cli.links import links
from checker.cli.report import report
from checker.cli.rules import rules_command
from checker.cli.run import run
from checker.cli.serve import serve
from checker.cli.waive import waive
from checker.cli.worker import worker
from checker.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="omnicheck")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug: bool) -> None:
    """omnicheck: crawl a retailer's channels and report where they disagree.

    \b
    Example:
      omnicheck demo
      omnicheck run --config omnicheck.yml --format json --output findings.json
    """


for command in (
    run,
    crawl,
    worker,
    check,
    report,
    diff_command,
    waive,
    serve,
    extract,
    links,
    rules_command,
    demo,
):
    cli.add_command(command)


def main() -> None:
    # A log file that cannot be written (a full disk) must not print a traceback per record:
    # the storage error that follows says what happened, in one line.
    logging.raiseExceptions = False
    cli(prog_name="omnicheck")
