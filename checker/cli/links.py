"""``omnicheck links``: what was linked across channels, how, and what was not."""

from __future__ import annotations

import json
from pathlib import Path

import click

from checker import api
from checker.cli.common import UsageProblem, db_option, friendly_errors, optional_config_option
from checker.config import LinkSettings
from checker.linking.explain import describe_listing, list_links
from checker.linking.overrides import load_overrides
from checker.linking.stored import link_run
from crawler.store import Store


@click.command()
@optional_config_option("Take links.threshold and links.overrides from this configuration.")
@db_option
@click.option("--run", "run_id", type=int, help="Run to link (default: the latest).")
@click.option(
    "--channel", "channels", multiple=True, help="Only these channels (repeatable, two or more)."
)
@click.option("--unlinked", is_flag=True, help="Show only the offers that could not be linked.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def links(
    config_path: Path | None,
    db_path: Path,
    run_id: int | None,
    channels: tuple[str, ...],
    unlinked: bool,
    as_json: bool,
) -> None:
    """Link a stored run's products across channels: what was linked, how, and what was not.

    Each offer shows the method that linked it (gtin, sku, mpn, url, name
    with its score, override) and the links are stored for the run. Offers
    not linked to any other chosen channel are listed at the end.

    Exit codes: 0 listed, 2 usage, configuration or database error, 4 an
    internal or storage error.

    \b
    Example:
      omnicheck links --db omnicheck.db
      omnicheck links -c omnicheck.yml --channel webshop --channel instagram --unlinked
    """
    settings = api.load_config(config_path).links if config_path else LinkSettings()
    overrides = load_overrides(settings.overrides) if settings.overrides else None
    if len(channels) == 1:
        raise UsageProblem("--channel: name two or more channels to compare (or none for all)")
    store = Store(db_path, create=False)
    run = store.run(run_id)
    known = {channel["channel"] for channel in store.channels(run["id"])}
    for name in channels:
        if name not in known:
            raise UsageProblem(f"--channel {name}: run {run['id']} has {', '.join(sorted(known))}")
    products = link_run(store, run["id"], settings.threshold, overrides)
    listing = list_links(products, list(channels) or None)
    if overrides is not None:
        listing.unmatched_overrides = overrides.unmatched
    if as_json:
        data = listing.to_dict()
        if unlinked:
            data.pop("linked")
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(describe_listing(listing, unlinked_only=unlinked), nl=False)
