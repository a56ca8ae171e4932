"""omnicheck as a library: the flow the ``omnicheck`` command runs, as plain functions.

    import checker

    config = checker.load_config("omnicheck.yml")
    result = checker.run(config, db="omnicheck.db")
    print(result.report.summary())
    raise SystemExit(result.exit_code(fail_on="new"))

Each stage can run alone on what the previous one stored: ``crawl`` fills the database and
returns the run's id, ``check`` links and checks a stored run, ``report`` reads a checked run's
findings again. Mistakes a user can fix raise ``ConfigError`` (configuration files),
``StoreError`` (the database) or ``UsageError``; a database that cannot be written (disk full,
read-only, locked) raises ``StorageError``, after the run is marked aborted with the reason;
each ``str()`` is one line to show. Warnings
(a mistyped setting, a rule naming a channel the configuration lacks) are issued as
``OmnicheckWarning`` through Python's ``warnings``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.config import Config, ConfigError, load_config
from checker.engine import check_run
from checker.exitcodes import ExitCode
from checker.findings import fails
from checker.findings.history import Baseline, load_baseline
from checker.findings.waivers import Waiver, load_waivers
from checker.linking.overrides import Overrides, load_overrides
from checker.reports import Report, build_report
from checker.rule_types import RuleType
from checker.rule_types.packs import load_rules, load_services, unknown_references
from crawler.extraction.attributes import default_attribute_vocabulary
from crawler.extraction.claims import default_vocabulary
from crawler.run.process import crawl as crawl_plan
from crawler.run.process import interruption
from crawler.run.progress import CrawlProgress
from crawler.run.settings_check import setting_errors, setting_warnings
from crawler.store import StorageError, Store, StoreError
from crawler.store.liveness import local_time, process_alive

__all__ = [
    "CheckInputs",
    "ConfigError",
    "OmnicheckWarning",
    "RunResult",
    "StorageError",
    "StoreError",
    "UsageError",
    "check",
    "crawl",
    "load_config",
    "prepare",
    "report",
    "run",
]


class UsageError(Exception):
    """A mistake in how omnicheck was asked to work (a setting, a baseline, a run); ``str()``
    is the one line to show."""


class OmnicheckWarning(UserWarning):
    """Something a person should know that does not stop the work."""


@dataclass
class CheckInputs:
    """Everything a check reads besides the stored run, read (and so validated) up front: a
    crawl can take hours, and a typo in a waivers file should cost seconds."""

    rules: list[RuleType]
    services: dict[str, Any]
    overrides: Overrides | None = None
    waivers: list[Waiver] = field(default_factory=list)
    baseline: Baseline | None = None


@dataclass
class RunResult:
    """A crawled (and, unless it was aborted, checked) run."""

    run_id: int
    status: str
    report: Report | None = None

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.report.findings if self.report else []

    @property
    def incomplete(self) -> list[str]:
        return self.report.incomplete if self.report else []

    def exit_code(self, fail_on: str = "new") -> ExitCode:
        """What the command line exits with: an interrupted or incomplete crawl (3) before
        findings that fail the ``fail_on`` policy (1)."""
        if self.report is None or self.status == "aborted" or self.incomplete:
            return ExitCode.INCOMPLETE
        return ExitCode.FINDINGS if fails(self.findings, fail_on) else ExitCode.OK


def _store(db: str | Path | Store, create: bool = True) -> Store:
    return db if isinstance(db, Store) else Store(db, create=create)


def prepare(config: Config, store: Store | None = None, baseline: str | None = None) -> CheckInputs:
    """Read the rule packs, link overrides, waivers and ``baseline`` (a run id, another
    database or a findings JSON report) that checking ``config`` needs; warn about rules that
    name channels, services or attributes the configuration lacks."""
    rules = load_rules(config.rules, config.base_dir)
    services = load_services(config.rules, config.base_dir)
    known = {
        "channels": {channel.name for channel in config.channels},
        "services": {service.id for service in default_vocabulary().services} | set(services),
        "attributes": {attribute.id for attribute in default_attribute_vocabulary().attributes},
    }
    for problem in unknown_references(rules, known):
        warnings.warn(problem, OmnicheckWarning, stacklevel=2)
    if baseline is not None and store is None:
        raise UsageError("a baseline needs the results database it is compared in")
    return CheckInputs(
        rules=rules,
        services=services,
        overrides=load_overrides(config.links.overrides) if config.links.overrides else None,
        waivers=load_waivers(config.waivers) if config.waivers else [],
        baseline=load_baseline(baseline, store) if baseline and store else None,
    )


def crawl(
    config: Config,
    db: str | Path | Store = "omnicheck.db",
    *,
    settings: dict[str, Any] | None = None,
    channels: list[str] | None = None,
    resume: bool = False,
    redis: str | None = None,
    services: dict[str, Any] | None = None,
    progress: CrawlProgress | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """Crawl the configured channels (or the named ones) into a new run; its id.

    ``settings`` are Scrapy settings over the configuration's ``crawl:`` key (as ``-s``);
    ``resume`` continues the latest run if it was interrupted; ``redis`` shares the crawl with
    ``omnicheck worker`` processes (``echo`` tells what the coordinator is waiting for). One
    crawl per process: Scrapy's reactor starts once.
    """
    store = _store(db)
    for warning in config.warnings:  # e.g. two channels whose folders overlap
        warnings.warn(warning, OmnicheckWarning, stacklevel=2)
    overrides = dict(settings or {})
    errors = setting_errors(config.crawl, overrides, config.located)
    if errors:
        raise UsageError(errors[0])
    for warning in setting_warnings(config.crawl, overrides, config.located):
        warnings.warn(warning, OmnicheckWarning, stacklevel=2)
    for name in channels or []:
        config.channel(name)
    if services is None:
        services = load_services(config.rules, config.base_dir)
    plan = config.crawl_plan(services)
    if redis is not None:
        if resume:
            raise UsageError("--resume continues a local crawl; a crawl on Redis resumes by itself")
        from crawler.distributed.coordinator import crawl_distributed  # Redis only when asked

        return crawl_distributed(plan, store, redis, overrides, channels, echo=echo)
    resumed = _resumable(config, store, channels, echo) if resume else None
    return crawl_plan(plan, store, overrides, channels, resumed, progress)


def _resumable(
    config: Config, store: Store, channels: list[str] | None, echo: Callable[[str], None]
) -> int:
    """The run ``crawl(resume=True)`` continues: the latest, aborted or left running by a
    process that is gone; ``echo`` tells what was found."""
    if channels:
        raise UsageError("--resume continues the interrupted run's channels; drop --channel")
    latest = store.latest_run()
    if latest and latest["status"] == "running" and process_alive(latest):
        raise UsageError(
            f"run {latest['id']} is still being crawled by process {latest['pid']} on"
            f" {latest['host']} (alive at {local_time(latest['heartbeat'])}); let it finish"
            " or stop it first"
        )
    run = store.resumable_run()
    if run is None:
        raise UsageError(f"{store.path}: nothing to resume (the latest run was not interrupted)")
    if run["config_hash"] != config.digest:
        raise UsageError(
            f"run {run['id']} was crawled with another version of {config.path}; "
            "run `omnicheck crawl` to start afresh"
        )
    echo(interruption(store, run))
    return int(run["id"])


def check(
    config: Config,
    db: str | Path | Store = "omnicheck.db",
    run: int | None = None,
    *,
    baseline: str | None = None,
    inputs: CheckInputs | None = None,
) -> RunResult:
    """Link and check a stored run (default: the latest finished) with the configured rules;
    store its findings, marked new, persisting or waived against ``baseline`` (default: the
    previous complete checked run)."""
    store = _store(db, create=False)
    checked = store.run(run)
    if baseline is not None and baseline.strip().isdigit() and int(baseline) == checked["id"]:
        earlier = checked["id"] - 1 if checked["id"] > 1 else "last-findings.json"
        raise UsageError(
            f"--baseline {baseline}: that is the run being checked; compare it with an earlier"
            f" run or a saved report, e.g. --baseline {earlier}"
        )
    inputs = inputs or prepare(config, store, baseline)
    result = check_run(
        store,
        checked["id"],
        inputs.rules,
        threshold=config.links.threshold,
        services=inputs.services,
        overrides=inputs.overrides,
        baseline=inputs.baseline,
        waivers=inputs.waivers,
    )
    status = store.run(checked["id"])["status"]
    return RunResult(checked["id"], status, build_report(store, checked["id"], result.baseline))


def run(
    config: Config,
    db: str | Path | Store = "omnicheck.db",
    *,
    settings: dict[str, Any] | None = None,
    baseline: str | None = None,
    progress: CrawlProgress | None = None,
) -> RunResult:
    """Crawl every channel, then check the run. An interrupted crawl is not checked: its
    result has status ``aborted`` and no report (continue it with ``crawl(resume=True)``)."""
    store = _store(db)
    inputs = prepare(config, store, baseline)
    run_id = crawl(config, store, settings=settings, services=inputs.services, progress=progress)
    status = store.run(run_id)["status"]
    if status == "aborted":
        return RunResult(run_id, status)
    return check(config, store, run_id, inputs=inputs)


def report(
    db: str | Path | Store = "omnicheck.db", run: int | None = None, locale: str | None = None
) -> Report:
    """The stored findings of a checked run (default: the latest finished run), worded for
    ``locale`` (default: the locale the run was crawled with)."""
    store = _store(db, create=False)
    found = store.run(run)
    if not found["checked"]:
        raise UsageError(f"run {found['id']} has not been checked yet (run `omnicheck check`)")
    return build_report(store, found["id"], locale=locale)
