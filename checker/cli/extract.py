"""``omnicheck extract``: what omnicheck reads from one page, and from which source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from checker import api
from checker.cli.common import UsageProblem, friendly_errors, optional_config_option
from checker.config import Config
from checker.rule_types.packs import load_services
from crawler.extraction import ExtractionOptions
from crawler.extraction.claims import ServiceVocabulary, vocabulary_with
from crawler.run.inspect import inspect_location


@click.command()
@click.argument("location")
@optional_config_option("Read with this configuration's currency, locale and selectors.")
@click.option("--channel", help="Channel whose selectors to use (with --config).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def extract(location: str, config_path: Path | None, channel: str | None, as_json: bool) -> None:
    """Show what omnicheck reads from one page (URL or file), and from which source.

    Exit codes: 0 read, 2 the page cannot be read, or a usage or configuration error,
    4 an internal error.

    \b
    Example:
      omnicheck extract tuote.html
      omnicheck extract https://kauppa.example.fi/tuote/1 -c omnicheck.yml --channel webshop
    """
    config = api.load_config(config_path) if config_path else None
    if channel and config is None:
        raise UsageProblem("--channel needs --config")
    options, vocabulary = _reading(config, channel)
    result = inspect_location(location, options, vocabulary)
    click.echo(
        json.dumps(result, ensure_ascii=False, indent=2, default=str)
        if as_json
        else describe_extraction(result)
    )


def _reading(
    config: Config | None, channel: str | None
) -> tuple[ExtractionOptions, ServiceVocabulary | None]:
    """How the configuration (and its channel, when one is named) reads a page."""
    if config is None:
        return ExtractionOptions(), None
    vocabulary = vocabulary_with(load_services(config.rules, config.base_dir))
    if not channel:
        return ExtractionOptions(currency=config.currency, locale=config.locale), vocabulary
    configured = config.channel(channel)
    options = ExtractionOptions(
        channel=configured.name,
        currency=configured.currency or config.currency,
        locale=configured.locale or config.locale,
        selectors=dict(configured.selectors),
    )
    return options, vocabulary


def describe_extraction(result: dict[str, Any]) -> str:
    lines = [f"{result['url']}", f"  title: {result.get('title')}"]
    for problem in result["problems"]:
        lines.append(f"  problem: {problem}")
    if not result["offers"]:
        lines.append("  offers: none (no source gave a price omnicheck can stand behind)")
    for index, offer in enumerate(result["offers"], 1):
        lines.append(f"  offer {index}:")
        for key in (
            "name",
            "brand",
            "sku",
            "gtin",
            "mpn",
            "price",
            "currency",
            "regular_price",
            "is_from_price",
            "price_valid_until",
            "availability",
            "canonical_url",
        ):
            value = offer.get(key)
            if value in (None, False, "", {}) or (key == "availability" and value == "unknown"):
                continue
            source = offer["sources"].get(key)
            lines.append(f"    {key:<17} {value}" + (f"  [{source}]" if source else ""))
            if key in offer["evidence"]:
                lines.append(f"    {'':<17} “{offer['evidence'][key]}”")
    for claim in result["claims"]:
        value = ""
        if claim.get("low") is not None:
            low, high = claim["low"], claim["high"]
            value = f" {low}{'–' + str(high) if high != low else ''} {claim.get('unit') or ''}"
        negated = " (negated)" if claim["negated"] else ""
        condition = f" [{claim['condition']}]" if claim.get("condition") else ""
        lines.append(
            f"  service {claim['service']}{value}{negated}{condition}: “{claim['sentence']}”"
        )
    for attribute in result.get("attributes", []):
        unit = f" {attribute['unit']}" if attribute.get("unit") else ""
        lines.append(
            f"  attribute {attribute['attribute']} {attribute['value']}{unit}"
            f"  [{attribute['source']}] “{attribute['evidence']}”"
        )
    for stock in result.get("stock", []):
        count = f" ({stock['quantity']})" if stock.get("quantity") is not None else ""
        lines.append(
            f"  store {stock['store']}: {stock['status']}{count}"
            f"  [{stock['source']}] “{stock['evidence']}”"
        )
    return "\n".join(lines) + "\n"
