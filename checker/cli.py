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
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from checker import __version__
from checker.config import Config, ConfigError, LinkSettings, load_config
from checker.exitcodes import ExitCode
from checker.reports import BINARY_FORMATS, FORMATS, Report, build_report, render
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


def check_options(command: F) -> F:
    """Options of the commands that check a run: the baseline and who to tell."""
    command = click.option(
        "--notify",
        multiple=True,
        metavar="URL",
        help="Send a summary of new findings to this Apprise URL (Slack, Teams, mailto, "
        "json://...; repeatable).",
    )(command)
    return click.option(
        "--baseline",
        metavar="PATH|RUN",
        help="Compare with this run id, results database or findings JSON report "
        "(default: the previous complete checked run).",
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


def redis_option(command: F) -> F:
    return click.option(
        "--redis",
        "redis_url",
        metavar="URL",
        envvar="OMNICHECK_REDIS",
        help="Share the crawl with `omnicheck worker` processes through this Redis "
        "(redis://host:6379/0); see docs/distributed.md.",
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
    configuration error, 3 a channel's crawl was incomplete.

    \b
    Example:
      omnicheck run --config omnicheck.yml --db omnicheck.db
      omnicheck run -c omnicheck.yml --format json -o findings.json --fail-on new
      omnicheck run --baseline last-findings.json --format html -o report.html \\
        --notify "slack://TokenA/TokenB/TokenC"
    """
    config = load_config(config_path)
    _check_output(fmt, output)
    _warn_unknown_references(config)
    _notifier(notify)
    store = Store(db_path)
    inputs = _check_inputs(config, store, baseline)  # before a crawl that may take hours
    run_id = _crawl(config, store, settings)
    _stop_if_aborted(store, run_id)
    _check_and_report(store, run_id, config, fmt, output, fail_on, inputs, notify)


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
    the crawl interrupted. With --redis, this process coordinates and
    stores the crawl while `omnicheck worker` processes fetch the pages.

    \b
    Example:
      omnicheck crawl --config omnicheck.yml --db omnicheck.db -s DOWNLOAD_DELAY=1
      omnicheck crawl --resume    # after Ctrl-C: continue the interrupted run
      omnicheck crawl -c omnicheck.yml -s CONCURRENT_REQUESTS=32 -s AUTOTHROTTLE_ENABLED=false
      omnicheck crawl -c omnicheck.yml --redis redis://localhost:6379/0
    """
    config = load_config(config_path)
    for name in channels:
        config.channel(name)
    store = Store(db_path)
    if resume and redis_url:
        raise UsageProblem("--resume continues a local crawl; a crawl on Redis resumes by itself")
    resumed = _resumable(config, store, db_path, channels) if resume else None
    run_id = _crawl(config, store, settings, list(channels) or None, resumed, redis_url)
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
@check_options
@friendly_errors
def check(
    config_path: Path,
    db_path: Path,
    run_id: int | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
    baseline: str | None,
    notify: tuple[str, ...],
) -> None:
    """Link and check a stored run with the configured rules, then report.

    Exit codes: 0 ok, 1 findings that fail --fail-on, 2 usage, configuration
    or database error, 3 a channel of the run was incompletely crawled.

    \b
    Example:
      omnicheck check --config omnicheck.yml --db omnicheck.db --run 3
      omnicheck check --baseline 2 --format junit -o omnicheck-junit.xml
      omnicheck check --fail-on any --format json -o findings.json
    """
    config = load_config(config_path)
    _check_output(fmt, output)
    _warn_unknown_references(config)
    _notifier(notify)
    store = Store(db_path, create=False)
    run = store.run(run_id)
    if baseline is not None and baseline.strip().isdigit() and int(baseline) == run["id"]:
        earlier = run["id"] - 1 if run["id"] > 1 else "last-findings.json"
        raise UsageProblem(
            f"--baseline {baseline}: that is the run being checked; compare it with an earlier"
            f" run or a saved report, e.g. --baseline {earlier}"
        )
    inputs = _check_inputs(config, store, baseline)
    _check_and_report(store, run["id"], config, fmt, output, fail_on, inputs, notify)


@cli.command()
@db_option
@click.option("--run", "run_id", type=int, help="Run to report (default: the latest checked).")
@output_options
@friendly_errors
def report(db_path: Path, run_id: int | None, fmt: str, output: Path | None) -> None:
    """Print the stored findings of a checked run again, in any format.

    Exit codes: 0 printed, 2 usage or database error (no such run, or the
    run not checked yet). The findings never change the exit code here.

    \b
    Example:
      omnicheck report --db omnicheck.db --format csv --output findings.csv
      omnicheck report --format csv-excel -o löydökset.csv
      omnicheck report --format html -o report.html
    """
    _check_output(fmt, output)
    store = Store(db_path, create=False)
    run = store.run(run_id)
    if not run["checked"]:
        raise UsageProblem(f"run {run['id']} has not been checked yet (run `omnicheck check`)")
    _emit(build_report(store, run["id"]), fmt, output)


@cli.command(name="diff")
@db_option
@click.argument("runs", nargs=-1, type=int, metavar="[RUN_A [RUN_B]]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def diff_command(db_path: Path, runs: tuple[int, ...], as_json: bool) -> None:
    """Show which findings are new, persisting, waived and resolved between two checked runs.

    Without RUN_A, the latest checked run is compared with the previous complete checked run;
    with RUN_A alone, RUN_A is compared with the latest checked run.

    Exit codes: 0 compared (whatever changed), 2 usage or database error.

    \b
    Example:
      omnicheck diff
      omnicheck diff 3 5 --json
    """
    from checker.history import compare_runs
    from checker.reports.diff_report import render_diff

    if len(runs) > 2:
        raise UsageProblem("diff takes at most two runs: omnicheck diff [RUN_A [RUN_B]]")
    store = Store(db_path, create=False)
    result = compare_runs(store, *runs)
    click.echo(
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str)
        if as_json
        else render_diff(result)
    )


@cli.command()
@click.argument("fingerprint")
@click.option("--reason", required=True, help="Why this finding is accepted (kept in the file).")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day the waiver holds (YYYY-MM-DD); the finding comes back after it.",
)
@config_option
@db_option
@friendly_errors
def waive(fingerprint: str, reason: str, until: Any, config_path: Path, db_path: Path) -> None:
    """Accept a finding: add it to the waivers file named by the configuration's `waivers:`.

    A waived finding is reported as `waived` and never fails CI. Commit the file so the waiver
    is reviewed like any change; run `omnicheck check` to apply it to a stored run.

    Exit codes: 0 written, 2 usage or configuration error (the file is left as it was).

    \b
    Example:
      omnicheck waive a25ba2ddd918baf9 --reason "Member price on the website" --until 2026-01-31
    """
    from checker.findings import FINGERPRINT_LENGTH
    from checker.waivers import FINGERPRINT, Waiver, add_waiver

    fingerprint = fingerprint.strip().lower()
    if not FINGERPRINT.match(fingerprint):
        raise UsageProblem(
            f"{fingerprint!r} is not a finding's fingerprint: expected 6 to 64 hex digits, "
            "e.g. a25ba2ddd918baf9 (listed by `omnicheck report`)"
        )
    if not reason.strip():
        raise UsageProblem("--reason is empty: say why this finding is accepted")
    config = load_config(config_path)
    if config.waivers is None:
        raise UsageProblem(
            f"{config.path}: waivers: missing; add a line such as `waivers: waivers.yml`"
        )
    today = date.today()
    if until is not None and until.date() < today:
        raise UsageProblem(f"--until {until.date()}: that day has passed; give a later date")
    finding = Store(db_path, create=False).latest_finding(fingerprint) if db_path.exists() else None
    if finding is None and db_path.exists():
        raise UsageProblem(
            f"{db_path}: no finding with fingerprint {fingerprint!r} "
            "(fingerprints are listed by `omnicheck report`)"
        )
    if not db_path.exists() and len(fingerprint) != FINGERPRINT_LENGTH:
        raise UsageProblem(
            f"{fingerprint!r}: a finding's fingerprint has {FINGERPRINT_LENGTH} hex digits, as"
            f" `omnicheck report` lists it; {db_path} does not exist to look a shorter one up"
        )
    if not db_path.exists():
        click.echo(
            f"warning: {db_path}: no such database, so the fingerprint is not checked"
            " (give --db where the finding was reported)",
            err=True,
        )
    from checker.reports import subject_label

    subject = f"{subject_label(finding)} ({finding['kind']})" if finding else None
    waiver = Waiver(fingerprint, reason.strip(), until.date() if until else None, today, subject)
    action = add_waiver(config.waivers, waiver)
    held = f" until {waiver.until}" if waiver.until else ""
    click.echo(f"{action} waiver for {fingerprint}{held} in {config.waivers}")


@cli.command()
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
    from checker.browse import serve as serve_database

    Store(db_path, create=False).close()
    _check_listen(host, port)
    click.echo(f"Serving {db_path} at http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve_database(db_path, host, port)


def _check_listen(host: str, port: int) -> None:
    """Fail in one line with exit 2 when the address is taken; uvicorn would log it and exit 3,
    which omnicheck uses for an incomplete crawl."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise UsageProblem(
            f"--host {host} --port {port}: cannot listen there ({error.strerror}); "
            "choose another --port"
        ) from None


def optional_config_option(help_text: str) -> Callable[[F], F]:
    """``--config`` for commands that work without one and read some settings from it."""
    return click.option(  # type: ignore[return-value]
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


@cli.command()
@click.argument("location")
@optional_config_option("Read with this configuration's currency, locale and selectors.")
@click.option("--channel", help="Channel whose selectors to use (with --config).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@friendly_errors
def extract(location: str, config_path: Path | None, channel: str | None, as_json: bool) -> None:
    """Show what omnicheck reads from one page (URL or file), and from which source.

    Exit codes: 0 read, 2 the page cannot be read, or a usage or configuration error.

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


@cli.command()
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

    Exit codes: 0 listed, 2 usage, configuration or database error.

    \b
    Example:
      omnicheck links --db omnicheck.db
      omnicheck links -c omnicheck.yml --channel webshop --channel instagram --unlinked
    """
    from checker.engine import link_run
    from checker.linking.explain import describe_listing, list_links

    settings = load_config(config_path).links if config_path else LinkSettings()
    if len(channels) == 1:
        raise UsageProblem("--channel: name two or more channels to compare (or none for all)")
    store = Store(db_path, create=False)
    run = store.run(run_id)
    known = {channel["channel"] for channel in store.channels(run["id"])}
    for name in channels:
        if name not in known:
            raise UsageProblem(f"--channel {name}: run {run['id']} has {', '.join(sorted(known))}")
    products = link_run(store, run["id"], settings.threshold, settings.overrides)
    listing = list_links(products, list(channels) or None)
    if settings.overrides is not None:
        listing.unmatched_overrides = settings.overrides.unmatched
    if as_json:
        data = listing.to_dict()
        if unlinked:
            data.pop("linked")
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(describe_listing(listing, unlinked_only=unlinked), nl=False)


@cli.command(name="rules")
@click.argument("rule_type", required=False)
def rules_command(rule_type: str | None) -> None:
    """List the rule types, or show one's documentation.

    Exit codes: 0 shown, 2 no such rule type.

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

    Exit codes: 0 done (the demo's findings never fail it), 2 usage error,
    3 the demo's crawl was incomplete.

    \b
    Example:
      omnicheck demo
      omnicheck demo --format json
    """
    _check_output(fmt, output)
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
        _check_and_report(store, run_id, config, fmt, output, "never", (None, []))
        store.close()


@cli.command()
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
def worker(redis_url: str, wait: float | None) -> None:
    """Fetch pages for the crawl that `omnicheck crawl --redis` coordinates.

    A worker needs only Redis: it reads the channels and settings from the
    coordinator, crawls until the crawl is done, and exits. Start as many as
    you like, on one machine or many; see docs/distributed.md.

    Exit codes: 0 the crawl is done, 2 no crawl published within --wait, or
    Redis cannot be reached.

    \b
    Example:
      omnicheck worker --redis redis://localhost:6379/0
      omnicheck worker --redis redis://crawl-redis:6379/0 --wait 600
    """
    from checker.distributed import DistributedError, work

    try:
        job, fetched = work(redis_url, wait)
    except DistributedError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"run {job['run']}: worker finished, {fetched} pages fetched")


def _rules(config: Config) -> list[Any]:
    from checker.rulepacks import load_rules

    return load_rules(config.rules, config.base_dir)


def _warn_unknown_references(config: Config) -> None:
    """Say which channels, services or attributes the rules name that do not exist."""
    from checker.rulepacks import unknown_references
    from crawler.extraction.attributes import default_attribute_vocabulary
    from crawler.extraction.claims import default_vocabulary

    known = {
        "channels": {channel.name for channel in config.channels},
        "services": {service.id for service in default_vocabulary().services}
        | set(_services(config)),
        "attributes": {attribute.id for attribute in default_attribute_vocabulary().attributes},
    }
    for problem in unknown_references(_rules(config), known):
        click.echo(f"warning: {problem}", err=True)


def _services(config: Config) -> dict[str, Any]:
    from checker.rulepacks import load_services

    return load_services(config.rules, config.base_dir)


def _crawl(
    config: Config,
    store: Store,
    settings: tuple[str, ...],
    channels: list[str] | None = None,
    resume: int | None = None,
    redis_url: str | None = None,
) -> int:
    from checker.crawl import crawl as crawl_channels
    from checker.progress import CrawlProgress

    overrides = {}
    for item in settings:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise UsageProblem(f"-s {item!r}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1")
        overrides[name.strip()] = value
    from checker.crawl import setting_errors, setting_warnings

    errors = setting_errors(config, overrides)
    if errors:
        raise UsageProblem(errors[0])
    for warning in setting_warnings(config, overrides):
        click.echo(f"warning: {warning}", err=True)
    if redis_url is None:
        return crawl_channels(config, store, overrides, channels, resume, CrawlProgress(sys.stderr))
    from checker.distributed import DistributedError, crawl_distributed

    try:
        return crawl_distributed(
            config,
            store,
            redis_url,
            overrides,
            channels,
            echo=lambda line: click.echo(line, err=True),
        )
    except DistributedError as error:
        raise UsageProblem(str(error)) from None


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


def _check_inputs(config: Config, store: Store, baseline: str | None) -> tuple[Any, list[Any]]:
    """The --baseline and the waivers, read (and so validated) before any work is done."""
    from checker.history import load_baseline
    from checker.waivers import load_waivers

    return (
        load_baseline(baseline, store) if baseline else None,
        load_waivers(config.waivers) if config.waivers else [],
    )


def _check_and_report(
    store: Store,
    run_id: int,
    config: Config,
    fmt: str,
    output: Path | None,
    fail_on: str,
    inputs: tuple[Any, list[Any]],
    notify: tuple[str, ...] = (),
) -> None:
    from checker.engine import check_run

    baseline, waivers = inputs
    result = check_run(
        store,
        run_id,
        _rules(config),
        threshold=config.links.threshold,
        services=_services(config),
        overrides=config.links.overrides,
        baseline=baseline,
        waivers=waivers,
    )
    report = build_report(store, run_id, result.baseline)
    _emit(report, fmt, output)
    if notify:
        _send_notifications(report, notify, output)
    if report.incomplete:
        sys.exit(ExitCode.INCOMPLETE)
    if fails(report.findings, fail_on):
        sys.exit(ExitCode.FINDINGS)


def fails(findings: list[dict[str, Any]], fail_on: str) -> bool:
    """Whether findings fail the --fail-on policy; a waived finding never does."""
    statuses = {finding["status"] for finding in findings}
    if fail_on == "any":
        return bool(statuses & {"new", "persisting"})
    return fail_on == "new" and "new" in statuses


def _check_output(fmt: str, output: Path | None) -> None:
    """Refuse an output the report could not be written to before any work is done (a crawl
    can take hours; losing its report to a mistyped folder at the end helps nobody)."""
    if fmt in BINARY_FORMATS and output is None:
        raise UsageProblem(f"--format {fmt} writes a file: add --output, e.g. -o findings.{fmt}")
    if output is not None and not output.parent.is_dir():
        raise UsageProblem(
            f"--output {output}: no folder {str(output.parent)!r}; create it or choose another path"
        )


def _emit(report: Report, fmt: str, output: Path | None) -> None:
    if output is not None:
        content = render(report, fmt)
        try:
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
        except OSError as error:
            raise UsageProblem(f"--output {output}: cannot write: {error.strerror}") from None
        summary = report.summary()
        click.echo(f"{summary['findings']} findings written to {output}", err=True)
    else:
        click.echo(render(report, fmt, color=sys.stdout.isatty()), nl=False)


def _notifier(urls: tuple[str, ...]) -> Any:
    from checker.notify import NotifyError, notifier

    if not urls:
        return None
    try:
        return notifier(urls)
    except NotifyError as error:
        raise UsageProblem(str(error)) from None


def _send_notifications(report: Report, urls: tuple[str, ...], output: Path | None) -> None:
    from checker.notify import send_summary

    problem = send_summary(_notifier(urls), report, output)
    if problem:
        click.echo(f"warning: {problem}", err=True)


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
