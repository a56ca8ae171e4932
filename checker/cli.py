"""The ``omnicheck`` command line: a thin layer over the library.

Each command parses options, calls one or two library functions and formats the result. Bad
input gets one line naming what to fix and exit code 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from checker import __version__
from checker.config import Config, ConfigError, load_config
from checker.exitcodes import ExitCode
from checker.reports import FORMATS, Report, render
from checker.store import Store, StoreError

F = TypeVar("F", bound=Callable[..., Any])
FAIL_ON = ("new", "any", "never")


class UsageProblem(click.ClickException):
    """A problem the user can fix; shown as one line, exit code 2."""

    exit_code = ExitCode.USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def friendly_errors(command: F) -> F:
    """Turn configuration and database errors into one line and exit 2 (traceback with --debug)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ConfigError, StoreError) as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            raise UsageProblem(str(error)) from None

    return wrapper  # type: ignore[return-value]


def config_option(command: F) -> F:
    return click.option(
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="omnicheck.yml",
        show_default=True,
        envvar="OMNICHECK_CONFIG",
        help="Configuration file.",
    )(command)


def db_option(command: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="omnicheck.db",
        show_default=True,
        envvar="OMNICHECK_DB",
        help="Results database (SQLite).",
    )(command)


def output_options(command: F) -> F:
    command = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the report to this file instead of the terminal.",
    )(command)
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Report format.",
    )(command)


def fail_on_option(command: F) -> F:
    return click.option(
        "--fail-on",
        type=click.Choice(FAIL_ON),
        default="new",
        show_default=True,
        help="Exit 1 when there are new findings, any findings, or never.",
    )(command)


def settings_option(command: F) -> F:
    return click.option(
        "-s",
        "--set",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        help="Scrapy setting for this crawl, as in `scrapy crawl -s` (repeatable).",
    )(command)


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


@cli.command()
@config_option
@db_option
@output_options
@fail_on_option
@settings_option
@friendly_errors
def run(
    config_path: Path,
    db_path: Path,
    fmt: str,
    output: Path | None,
    fail_on: str,
    settings: tuple[str, ...],
) -> None:
    """Crawl every channel, check the run and print the findings.

    Exit codes: 0 ok, 1 findings that fail --fail-on, 2 usage or
    configuration error, 3 a channel's crawl was incomplete.

    \b
    Example:
      omnicheck run --config omnicheck.yml --db omnicheck.db
      omnicheck run -c omnicheck.yml --format json -o findings.json --fail-on new
    """
    config = load_config(config_path)
    rules = _rules(config)
    store = Store(db_path)
    run_id = _crawl(config, store, settings)
    _stop_if_aborted(store, run_id)
    _check_and_report(store, run_id, rules, fmt, output, fail_on, _services(config))


@cli.command()
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
@friendly_errors
def crawl(
    config_path: Path,
    db_path: Path,
    settings: tuple[str, ...],
    channels: tuple[str, ...],
    resume: bool,
) -> None:
    """Crawl the channels into a new run in the database, without checking.

    Prints each channel's completeness. Exit codes: 0 every channel
    complete, 2 usage or configuration error, 3 a channel incomplete or
    the crawl interrupted.

    \b
    Example:
      omnicheck crawl --config omnicheck.yml --db omnicheck.db -s DOWNLOAD_DELAY=1
      omnicheck crawl --resume    # after Ctrl-C: continue the interrupted run
    """
    config = load_config(config_path)
    for name in channels:
        config.channel(name)
    store = Store(db_path)
    resumed = _resumable(config, store, db_path, channels) if resume else None
    run_id = _crawl(config, store, settings, list(channels) or None, resumed)
    for channel in store.channels(run_id):
        click.echo(f"{channel['channel']}: {channel['note'] or 'not finished'}")
    _stop_if_aborted(store, run_id)
    click.echo(f"run {run_id}: {store.run(run_id)['status']}")
    if store.run(run_id)["status"] != "complete":
        sys.exit(ExitCode.INCOMPLETE)


@cli.command()
@config_option
@db_option
@click.option("--run", "run_id", type=int, help="Run to check (default: the latest).")
@output_options
@fail_on_option
@friendly_errors
def check(
    config_path: Path,
    db_path: Path,
    run_id: int | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
) -> None:
    """Link and check a stored run with the configured rules, then report.

    \b
    Example:
      omnicheck check --config omnicheck.yml --db omnicheck.db --run 3
    """
    config = load_config(config_path)
    rules = _rules(config)
    store = Store(db_path, create=False)
    run = store.run(run_id)
    _check_and_report(store, run["id"], rules, fmt, output, fail_on, _services(config))


@cli.command()
@db_option
@click.option("--run", "run_id", type=int, help="Run to report (default: the latest checked).")
@output_options
@friendly_errors
def report(db_path: Path, run_id: int | None, fmt: str, output: Path | None) -> None:
    """Print the stored findings of a checked run again, in any format.

    \b
    Example:
      omnicheck report --db omnicheck.db --format csv --output findings.csv
    """
    store = Store(db_path, create=False)
    run = store.run(run_id)
    if not run["checked"]:
        raise UsageProblem(f"run {run['id']} has not been checked yet (run `omnicheck check`)")
    baseline = store.previous_run(run["id"])
    result = Report(
        run,
        store.channels(run["id"]),
        store.findings(run["id"]),
        baseline["id"] if baseline else None,
    )
    _emit(result, fmt, output)


@cli.command()
@click.argument("location")
@click.option(
    "--config",
    "-c",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read with this configuration's currency, locale and selectors.",
)
@click.option("--channel", help="Channel whose selectors to use (with --config).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def extract(location: str, config_path: Path | None, channel: str | None, as_json: bool) -> None:
    """Show what omnicheck reads from one page (URL or file), and from which source.

    \b
    Example:
      omnicheck extract tuote.html
      omnicheck extract https://kauppa.example.fi/tuote/1 -c omnicheck.yml --channel webshop
    """
    from checker.extract import inspect_location

    config = load_config(config_path) if config_path else None
    if channel and config is None:
        raise UsageProblem("--channel needs --config")
    result = inspect_location(location, config, channel)
    click.echo(
        json.dumps(result, ensure_ascii=False, indent=2, default=str)
        if as_json
        else _describe_extraction(result)
    )


@cli.command(name="rules")
@click.argument("rule_type", required=False)
def rules_command(rule_type: str | None) -> None:
    """List the rule types, or show one's documentation.

    \b
    Example:
      omnicheck rules
      omnicheck rules price_mismatch
    """
    from checker.rule_types import load_rule_types

    registry = load_rule_types()
    if rule_type is None:
        for _, cls in sorted(registry.items()):
            first = (
                (cls.__module__ and sys.modules[cls.__module__].__doc__ or "")
                .strip()
                .splitlines()[0]
            )
            click.echo(first)
        return
    if rule_type not in registry:
        raise UsageProblem(f"no rule type {rule_type!r} (have: {', '.join(sorted(registry))})")
    click.echo((sys.modules[registry[rule_type].__module__].__doc__ or "").strip())


@cli.command()
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

    \b
    Example:
      omnicheck demo
      omnicheck demo --format json
    """
    from checker import demo as demo_site

    with (
        tempfile.TemporaryDirectory(prefix="omnicheck-demo-") as folder,
        demo_site.serve_demo() as base,
    ):
        config = load_config(demo_site.write_config(base, Path(folder) / "omnicheck.yml"))
        store = Store(db_path or Path(folder) / "demo.db")
        click.echo(
            f"Demo retailer served at {base}/ — crawling "
            f"{', '.join(c.name for c in config.channels)}...",
            err=True,
        )
        run_id = _crawl(config, store, ())
        _check_and_report(store, run_id, _rules(config), fmt, output, "never", _services(config))
        store.close()


def _rules(config: Config) -> list[Any]:
    from checker.rulepacks import load_rules

    return load_rules(config.rules, config.base_dir)


def _services(config: Config) -> dict[str, Any]:
    from checker.rulepacks import load_services

    return load_services(config.rules, config.base_dir)


def _crawl(
    config: Config,
    store: Store,
    settings: tuple[str, ...],
    channels: list[str] | None = None,
    resume: int | None = None,
) -> int:
    from checker.crawl import crawl as crawl_channels

    overrides = {}
    for item in settings:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise UsageProblem(f"-s {item!r}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1")
        overrides[name.strip()] = value
    return crawl_channels(config, store, overrides, channels, resume)


def _resumable(config: Config, store: Store, db_path: Path, channels: tuple[str, ...]) -> int:
    """The run `crawl --resume` continues, or the one line saying why there is none."""
    if channels:
        raise UsageProblem("--resume continues the interrupted run's channels; drop --channel")
    run = store.resumable_run()
    if run is None:
        raise UsageProblem(f"{db_path}: nothing to resume (the latest run was not interrupted)")
    if run["config_hash"] != config.digest:
        raise UsageProblem(
            f"run {run['id']} was crawled with another version of {config.path}; "
            "run `omnicheck crawl` to start afresh"
        )
    return int(run["id"])


def _stop_if_aborted(store: Store, run_id: int) -> None:
    """An interrupted crawl is not checked: say how to continue it and exit 3."""
    if store.run(run_id)["status"] == "aborted":
        click.echo(
            f"run {run_id}: aborted — not checked; continue it with `omnicheck crawl --resume`",
            err=True,
        )
        sys.exit(ExitCode.INCOMPLETE)


def _check_and_report(
    store: Store,
    run_id: int,
    rules: list[Any],
    fmt: str,
    output: Path | None,
    fail_on: str,
    services: dict[str, Any] | None = None,
) -> None:
    from checker.engine import check_run

    result = check_run(store, run_id, rules, services=services)
    report = Report(
        result.run, store.channels(run_id), [f.to_dict() for f in result.findings], result.baseline
    )
    _emit(report, fmt, output)
    if report.incomplete:
        sys.exit(ExitCode.INCOMPLETE)
    statuses = [finding["status"] for finding in report.findings]
    if (fail_on == "any" and statuses) or (fail_on == "new" and "new" in statuses):
        sys.exit(ExitCode.FINDINGS)


def _emit(report: Report, fmt: str, output: Path | None) -> None:
    if output is not None:
        output.write_text(render(report, fmt), encoding="utf-8")
        summary = report.summary()
        click.echo(f"{summary['findings']} findings written to {output}", err=True)
    else:
        click.echo(render(report, fmt, color=sys.stdout.isatty()), nl=False)


def _describe_extraction(result: dict[str, Any]) -> str:
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
    return "\n".join(lines) + "\n"


def main() -> None:
    cli(prog_name="omnicheck")
