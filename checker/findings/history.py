"""Run history: which findings are new, persisting, waived or resolved against a baseline.

A finding is **waived** while a reviewed waiver covers its fingerprint; otherwise it is
**persisting** when the baseline had it open (new or persisting) and **new** when it did not —
never seen before, or seen only while waived, so a waiver that expires or is removed brings the
finding back as new. A baseline finding that the later run no longer has is **resolved**.

The baseline is the previous complete checked run in the same database by default; CI can name
another run (``--baseline 3``), another database, or a findings JSON report kept from last time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.store import Store, StoreError

OPEN = ("new", "persisting")
DIFF_GROUPS = ("new", "persisting", "waived", "resolved")
SQLITE_HEADER = b"SQLite format 3\x00"


class BaselineError(StoreError):
    """A ``--baseline`` that names no usable run, database or findings report."""


@dataclass
class Baseline:
    """The findings a run is compared with, and where they came from."""

    label: str
    findings: list[dict[str, Any]]
    run_id: int | None = None

    @property
    def open_fingerprints(self) -> set[str]:
        return {f["fingerprint"] for f in self.findings if f.get("status") in OPEN}


@dataclass
class Diff:
    """Findings of a run sorted against its baseline."""

    baseline: Baseline | None
    new: list[dict[str, Any]] = field(default_factory=list)
    persisting: list[dict[str, Any]] = field(default_factory=list)
    waived: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)

    run_id: int | None = None

    def counts(self) -> dict[str, int]:
        return {status: len(getattr(self, status)) for status in DIFF_GROUPS}

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "baseline_run": self.baseline.run_id if self.baseline else None,
            "baseline": self.baseline.label if self.baseline else None,
            "counts": self.counts(),
        } | {status: getattr(self, status) for status in DIFF_GROUPS}


def mark_statuses(findings: list[dict[str, Any]], baseline: Baseline | None) -> None:
    """Set each finding's status to new or persisting (a waived finding stays waived)."""
    known = baseline.open_fingerprints if baseline else set()
    for finding in findings:
        if finding.get("status") != "waived":
            finding["status"] = "persisting" if finding["fingerprint"] in known else "new"


def diff(findings: list[dict[str, Any]], baseline: Baseline | None) -> Diff:
    """Sort a run's findings, whose statuses are set, against the baseline; add the resolved."""
    result = Diff(baseline)
    for finding in findings:
        getattr(result, finding["status"]).append(finding)
    current = {f["fingerprint"] for f in findings}
    if baseline:
        result.resolved = [f for f in baseline.findings if f["fingerprint"] not in current]
    return result


def compare_runs(store: Store, run_a: int | None = None, run_b: int | None = None) -> Diff:
    """Run B's findings against run A (defaults: the latest checked run and its baseline).

    Statuses are worked out again against A, since B was checked against its own baseline.
    """
    if run_b is None:
        latest = store.latest_checked_run()
        if latest is None:
            raise BaselineError(f"{store.path}: no checked run yet (run `omnicheck check`)")
        run_b = latest["id"]
    target = run_baseline(store, run_b)
    baseline = previous_baseline(store, run_b) if run_a is None else run_baseline(store, run_a)
    findings = [dict(finding) for finding in target.findings]
    mark_statuses(findings, baseline)
    result = diff(findings, baseline)
    result.run_id = run_b
    return result


def previous_baseline(store: Store, run_id: int) -> Baseline | None:
    """The previous complete checked run of the same database, if there is one."""
    run = store.previous_run(run_id)
    return run_baseline(store, run["id"]) if run else None


def run_baseline(store: Store, run_id: int) -> Baseline:
    run = store.run(run_id)
    if not run["checked"]:
        raise BaselineError(f"run {run_id} has not been checked, so it has no findings to compare")
    return Baseline(f"run {run_id}", store.findings(run_id), run_id)


def load_baseline(spec: str, store: Store) -> Baseline:
    """A baseline from ``--baseline``: a run id, another results database or a findings report."""
    if spec.isdigit():
        return run_baseline(store, int(spec))
    path = Path(spec)
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BaselineError(
            f"--baseline {spec}: not a run id and no such file ({error.strerror})"
        ) from None
    if head == SQLITE_HEADER:
        other = Store(path, create=False)
        latest = other.latest_checked_run()
        if latest is None:
            raise BaselineError(f"{path}: the database has no checked run to compare with")
        baseline = Baseline(f"{path} run {latest['id']}", other.findings(latest["id"]))
        other.close()
        return baseline
    return Baseline(str(path), _report_findings(path))


def _report_findings(path: Path) -> list[dict[str, Any]]:
    expected = "expected a findings report written by `omnicheck ... --format json`"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not JSON ({error}); {expected}") from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise BaselineError(f"{path}: no `findings` list with fingerprints; {expected}")
    return [{**f, "status": f.get("status", "new")} for f in findings]


def run_history(store: Store, limit: int = 26) -> list[dict[str, Any]]:
    """Per checked run: how many findings were new, persisting, waived and resolved.

    Resolved counts the findings of the run's baseline (the previous complete checked run) that
    the run no longer has. The latest ``limit`` runs, oldest first.
    """
    by_run: dict[int, list[tuple[str, str]]] = {}
    for row in store.finding_statuses():
        by_run.setdefault(row["run_id"], []).append((row["fingerprint"], row["status"]))
    history = []
    for run in store.runs():
        if not run["checked"]:
            continue
        rows = by_run.get(run["id"], [])
        counts = Counter(status for _, status in rows)
        previous = store.previous_run(run["id"])
        current = {fingerprint for fingerprint, _ in rows}
        earlier = by_run.get(previous["id"], []) if previous else []
        resolved = {fingerprint for fingerprint, _ in earlier} - current
        history.append(
            {
                "run": run["id"],
                "started": run["started"],
                "status": run["status"],
                "new": counts["new"],
                "persisting": counts["persisting"],
                "waived": counts["waived"],
                "resolved": len(resolved),
            }
        )
    return history[-limit:]
