"""``omnicheck worker``: fetch pages for a crawl coordinated through Redis."""

from __future__ import annotations

import click

from checker.cli.common import friendly_errors


@click.command()
@click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    envvar="OMNICHECK_REDIS",
    help="The Redis that `omnicheck crawl --redis` coordinates through.",
)
@click.option(
    "--wait",
    type=float,
    metavar="SECONDS",
    help="Give up when no crawl is published within this time (default: wait).",
)
@friendly_errors
def worker(redis_url: str, wait: float | None) -> None:
    """Fetch pages for the crawl that `omnicheck crawl --redis` coordinates.

    A worker needs only Redis: it reads the channels and settings from the
    coordinator, crawls until the crawl is done, and exits. Start as many as
    you like, on one machine or many; see docs/distributed.md.

    Exit codes: 0 the crawl is done, 2 no crawl published within --wait, or
    Redis cannot be reached, 4 an internal error.

    \b
    Example:
      omnicheck worker --redis redis://localhost:6379/0
      omnicheck worker --redis redis://crawl-redis:6379/0 --wait 600
    """
    from crawler.distributed.worker import work  # Redis only for the command that needs it

    job, fetched = work(redis_url, wait)
    click.echo(f"run {job['run']}: worker finished, {fetched} pages fetched")
