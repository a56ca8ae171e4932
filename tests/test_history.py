"""Baselines and statuses: new, persisting, waived, resolved — from runs, databases, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.findings.history import BaselineError, compare_runs, load_baseline, previous_baseline
from checker.reports import build_report, render
from crawler.store import Store, StoreError
from tests.factories import checked_run, missing_finding, price_finding

LAMP = price_finding("Otsalamppu 300", "34.90", "29.90")
CHAIR = price_finding("Retkituoli", "49.90", "44.90")
RETURNS = missing_finding("returns")


def statuses(store: Store, run_id: int) -> dict[str, str]:
    return {f["fingerprint"]: f["status"] for f in store.findings(run_id)}


def test_an_incomplete_run_is_never_a_baseline(tmp_path: Path) -> None:
    store = Store(tmp_path / "omnicheck.db")
    checked_run(store, [LAMP, RETURNS])
    checked_run(store, [LAMP], status="incomplete")  # returns not checked: channel incomplete
    third = checked_run(store, [LAMP, RETURNS])
    assert statuses(store, third) == {
        LAMP.fingerprint: "persisting",
        RETURNS.fingerprint: "persisting",
    }
    assert previous_baseline(store, third).run_id == 1


def test_a_finding_seen_only_while_waived_comes_back_as_new(tmp_path: Path) -> None:
    store = Store(tmp_path / "omnicheck.db")
    checked_run(store, [LAMP], waived={LAMP.fingerprint: {"reason": "ok", "until": "2025-01-01"}})
    second = checked_run(store, [LAMP])
    assert statuses(store, second) == {LAMP.fingerprint: "new"}


def test_diff_between_any_two_runs(tmp_path: Path) -> None:
    store = Store(tmp_path / "omnicheck.db")
    checked_run(store, [LAMP, RETURNS])
    checked_run(store, [LAMP])
    checked_run(store, [LAMP, CHAIR])
    latest = compare_runs(store)
    assert (latest.run_id, latest.baseline.label, latest.counts()) == (
        3,
        "run 2",
        {"new": 1, "persisting": 1, "waived": 0, "resolved": 0},
    )
    first_to_last = compare_runs(store, 1, 3)
    assert [f["fingerprint"] for f in first_to_last.new] == [CHAIR.fingerprint]
    assert [f["fingerprint"] for f in first_to_last.resolved] == [RETURNS.fingerprint]
    with pytest.raises(StoreError, match="no run 9"):
        compare_runs(store, 9)


def test_baseline_from_a_run_a_database_or_a_findings_report(tmp_path: Path) -> None:
    old = Store(tmp_path / "old.db")
    checked_run(old, [LAMP, RETURNS])
    store = Store(tmp_path / "omnicheck.db")
    checked_run(store, [CHAIR])
    report = tmp_path / "findings.json"
    report.write_text(str(render(build_report(old, 1), "json")), encoding="utf-8")

    from_db = load_baseline(str(tmp_path / "old.db"), store)
    from_report = load_baseline(str(report), store)
    from_run = load_baseline("1", store)
    assert (
        from_db.open_fingerprints
        == from_report.open_fingerprints
        == {
            LAMP.fingerprint,
            RETURNS.fingerprint,
        }
    )
    assert (from_db.label, from_report.label) == (f"{tmp_path / 'old.db'} run 1", str(report))
    assert from_run.open_fingerprints == {CHAIR.fingerprint}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--baseline {path}: not a run id and no such file"),
        ("not json", "{path}: not JSON"),
        (json.dumps({"findings": [{"kind": "x"}]}), "{path}: no `findings` list with fingerprints"),
    ],
)
def test_unusable_baselines_say_what_was_expected(
    tmp_path: Path, content: str | None, message: str
) -> None:
    store = Store(tmp_path / "omnicheck.db")
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError) as raised:
        load_baseline(str(path), store)
    assert str(raised.value).startswith(message.format(path=path))
