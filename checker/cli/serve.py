"""``omnicheck serve``: browse the results database in Datasette."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from checker.cli.common import UsageProblem, db_option, friendly_errors
from checker.reports.datasette import serve as serve_database
from crawler.store import Store


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@friendly_errors
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse the results database in Datasette: facets, filters, exports, canned queries.

    Canned queries: latest_findings, new_this_week, findings_by_channel,
    findings_by_product, finding_history.

    Exit codes: 0 stopped with Ctrl-C, 2 usage or database error, or the
    address is taken.

    \b
    Example:
      omnicheck serve --db omnicheck.db --port 8001
      curl "http://127.0.0.1:8001/omnicheck/latest_findings.json?_shape=array"
    """
    Store(db_path, create=False).close()
    _check_listen(host, port)
    click.echo(f"Serving {db_path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve_database(db_path, host, port)


def _check_listen(host: str, port: int) -> None:
    """Fail in one line with exit 2 when the address is taken; uvicorn would log it and exit 3,
    which omnicheck uses for an incomplete crawl."""
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise UsageProblem(
            f"--host {host} --port {port}: cannot listen there ({error.strerror}); "
            "choose another --port"
        ) from None
