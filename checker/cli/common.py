"""What the commands share: options defined once, one-line errors, writing a report.

Bad input gets one line naming what to fix and exit code 2; a database that cannot be written
(disk full, read-only, locked) one line and exit code 4, and so does any unexpected error, with
a hint to run with ``--debug``, which shows the traceback. Never 1: that means findings.
"""

from __future__ import annotations

import functools
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from checker.api import OmnicheckWarning, UsageError
from checker.config import ConfigError
from checker.exitcodes import ExitCode
from checker.findings import FAIL_ON
from checker.reports import BINARY_FORMATS, FORMATS, Report, render
from checker.reports.notify import NotifyError, notifier, send_summary
from crawler.distributed import DistributedError
from crawler.run.inspect import LocationError
from crawler.store import StorageError, StoreError

F = TypeVar("F", bound=Callable[..., Any])
# Errors whose message is the one line a user needs.
USER_ERRORS = (ConfigError, StoreError, UsageError, DistributedError, LocationError, NotifyError)


class UsageProblem(click.ClickException):
    """A problem the user can fix; shown as one line, exit code 2."""

    exit_code = ExitCode.USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class Failure(UsageProblem):
    """The database could not be written, or a bug: one line, exit code 4."""

    exit_code = ExitCode.ERROR


def debugging() -> bool:
    return bool(click.get_current_context().find_root().params.get("debug"))


def friendly_errors(command: F) -> F:
    """Turn a user's mistake into one line and exit 2, a storage error or a bug into one line
    and exit 4 (the traceback with --debug); print the library's warnings as ``warning:``
    lines."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("always", OmnicheckWarning)
            warnings.showwarning = _show_warning
            try:
                return command(*args, **kwargs)
            except (click.ClickException, click.exceptions.Exit, click.Abort):
                raise
            except USER_ERRORS as error:
                _show_traceback(error)
                raise UsageProblem(str(error)) from None
            except StorageError as error:
                _show_traceback(error)
                raise Failure(str(error)) from None
            except KeyboardInterrupt:
                click.echo("error: interrupted", err=True)
                sys.exit(ExitCode.INCOMPLETE)
            except Exception as error:  # a bug: one line and 4, never 1 ("findings") to CI
                detail = f"{type(error).__name__}: {error}".splitlines()[0][:300]
                hint = "" if debugging() else " (run with --debug for the traceback)"
                _show_traceback(error)
                raise Failure(f"internal error: {detail}{hint}") from None

    return wrapper  # type: ignore[return-value]


def _show_traceback(error: BaseException) -> None:
    """With --debug, print the error's traceback before its one line (the exit code stays)."""
    if debugging():
        traceback.print_exception(error, file=sys.stderr)


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    if issubclass(category, OmnicheckWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        click.echo(warnings.formatwarning(message, category, *args, **kw), err=True, nl=False)


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


def optional_config_option(help_text: str) -> Callable[[F], F]:
    """``--config`` for commands that work without one and read some settings from it."""
    return click.option(  # type: ignore[return-value]
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


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
        help="Exit 1 on new findings; new ones or persisting ones whose values changed; "
        "any open finding; or never.",
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


def parse_settings(items: tuple[str, ...]) -> dict[str, str]:
    """``-s NAME=VALUE`` options as a mapping. With ``--debug``, Scrapy logs everything to the
    terminal (``LOG_LEVEL=DEBUG``) instead of its log file, unless ``-s`` says otherwise."""
    settings = {}
    for item in items:
        name, separator, value = item.partition("=")
        if not separator or not name:
            raise UsageProblem(f"-s {item!r}: expected NAME=VALUE, e.g. -s DOWNLOAD_DELAY=1")
        settings[name.strip()] = value
    if debugging():
        settings.setdefault("LOG_LEVEL", "DEBUG")
    return settings


def check_output(fmt: str, output: Path | None) -> None:
    """Refuse an output the report could not be written to before any work is done (a crawl
    can take hours; losing its report to a mistyped folder at the end helps nobody)."""
    if fmt in BINARY_FORMATS and output is None:
        raise UsageProblem(f"--format {fmt} writes a file: add --output, e.g. -o findings.{fmt}")
    if output is not None and not output.parent.is_dir():
        raise UsageProblem(
            f"--output {output}: no folder {str(output.parent)!r}; create it or choose another path"
        )


def emit(report: Report, fmt: str, output: Path | None) -> None:
    """Write the report to ``output``, or print it."""
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


def check_notify(urls: tuple[str, ...]) -> None:
    """Refuse a ``--notify`` URL Apprise cannot use before any work is done."""
    if urls:
        notifier(urls)


def send_notifications(report: Report, urls: tuple[str, ...], output: Path | None) -> None:
    if not urls:
        return
    problem = send_summary(notifier(urls), report, output)
    if problem:
        click.echo(f"warning: {problem}", err=True)


def stop_if_aborted(run_id: int, status: str) -> None:
    """An interrupted crawl is not checked: say how to continue it and exit 3."""
    if status == "aborted":
        click.echo(
            f"run {run_id}: aborted — not checked; continue it with `omnicheck crawl --resume`",
            err=True,
        )
        sys.exit(ExitCode.INCOMPLETE)
