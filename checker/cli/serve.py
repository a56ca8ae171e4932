"""``omnicheck serve``: browse the results database in Datasette."""

from __future__ import annotations

import ipaddress
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
@click.option(
    "--password",
    envvar="OMNICHECK_SERVE_PASSWORD",
    prompt="Password for user 'omnicheck'",
    prompt_required=False,
    hide_input=True,
    confirmation_prompt=True,
    help="Ask everyone for this password (user 'omnicheck'). Given alone, it is asked for; "
    "or set $OMNICHECK_SERVE_PASSWORD.",
)
@click.option(
    "--allow-anyone",
    is_flag=True,
    help="Serve beyond this machine without a password: anyone who can reach it reads the results.",
)
@friendly_errors
def serve(db_path: Path, host: str, port: int, password: str | None, allow_anyone: bool) -> None:
    """Browse the results database in Datasette: the latest findings with facets, filters,
    exports and canned queries.

    Canned queries: new_this_week, findings_by_channel, findings_by_product,
    finding_history. Served on another address than this machine's own
    (--host 0.0.0.0), it needs --password or, knowingly, --allow-anyone.

    Exit codes: 0 stopped with Ctrl-C, 2 usage or database error, or the
    address is taken, 4 an internal error.

    \b
    Example:
      omnicheck serve --db omnicheck.db --port 8001
      curl "http://127.0.0.1:8001/omnicheck/latest_findings.json?_shape=array"
      omnicheck serve --host 0.0.0.0 --password
    """
    Store(db_path, create=False).close()
    if not loopback(host) and not password and not allow_anyone:
        raise UsageProblem(
            f"--host {host}: anyone who can reach this machine could read the results; "
            "add --password (it is asked for) or, if that is what you want, --allow-anyone"
        )
    if password == "":
        raise UsageProblem("--password: an empty password protects nothing")
    if password and not password.isascii():
        # datasette-auth-passwords reads Basic credentials as ASCII and fails on anything else
        raise UsageProblem("--password: use letters, digits and signs of ASCII only (no ä, ö, å)")
    _check_listen(host, port)
    who = " (password required, user 'omnicheck')" if password else ""
    click.echo(f"Serving {db_path} at http://{host}:{port}/{who} (Ctrl-C stops)", err=True)
    serve_database(db_path, host, port, password)


def loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
