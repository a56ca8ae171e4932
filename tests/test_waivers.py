"""Waivers file: validated with file:line:key errors, edited as text, applied by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.config import ConfigError
from checker.findings.waivers import Waiver, add_waiver, apply_waivers, load_waivers

TODAY = dt.date(2025, 11, 23)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("waivers: 3\n", "w.yml:1: waivers: expected a list of waivers"),
        ("waiver: []\n", "w.yml:1: waiver: unknown key (expected `waivers:`)"),
        (
            "waivers:\n  - reason: x\n",
            "w.yml:2: waivers[0].fingerprint: expected a finding's fingerprint, e.g. "
            "a25ba2ddd918baf9",
        ),
        (
            "waivers:\n  - fingerprint: a25ba2ddd918baf9\n",
            "w.yml:2: waivers[0].reason: missing: say why this finding is accepted",
        ),
        (
            "waivers:\n  - fingerprint: a25ba2ddd918baf9\n    reason: ok\n    until: soon\n",
            "w.yml:4: waivers[0].until: 'soon' is not a date like 2026-01-31",
        ),
        (
            "waivers:\n  - fingerprint: a25ba2ddd918baf9\n    reason: ok\n    by: me\n",
            "w.yml:4: waivers[0].by: unknown key (expected one of added, fingerprint, reason, "
            "subject, until)",
        ),
        (
            "waivers:\n  - {fingerprint: a25ba2ddd918baf9, reason: a}\n"
            "  - {fingerprint: a25ba2ddd918baf9, reason: b}\n",
            "w.yml:3: waivers[1].fingerprint: a25ba2ddd918baf9 is already waived by waivers[0]",
        ),
        ("waivers: [\n", "w.yml:2: malformed YAML"),
        (
            "waivers:\n  - fingerprint: a25ba2ddd918baf9\n    reason: ok\n    until: 2026-13-45\n",
            "w.yml:4: malformed YAML: '2026-13-45' is not a valid date (month must be in 1..12)",
        ),
        (
            "waivers:\n  - fingerprint: a25ba2ddd918baf9\n    reason: ok\n"
            "    until: 2026-01-31T10:00:00\n",
            "w.yml:4: waivers[0].until: '2026-01-31 10:00:00' has a time of day; "
            "expected a date like 2026-01-31",
        ),
    ],
)
def test_bad_waivers_name_file_line_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, error: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("w.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_waivers(Path("w.yml"))
    assert str(raised.value).startswith(error)


def test_a_missing_or_empty_file_waives_nothing(tmp_path: Path) -> None:
    assert load_waivers(tmp_path / "none.yml") == []
    (tmp_path / "empty.yml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_waivers(tmp_path / "empty.yml") == []


def test_waivers_apply_through_their_last_day_then_expire() -> None:
    waivers = [Waiver("aaaaaa01", "campaign", until=TODAY), Waiver("aaaaaa02", "forever")]
    findings = [{"fingerprint": f"aaaaaa0{n}", "status": "new"} for n in (1, 2, 3)]
    apply_waivers(findings, waivers, TODAY)
    assert [f["status"] for f in findings] == ["waived", "waived", "new"]

    later = [{"fingerprint": f"aaaaaa0{n}", "status": "new"} for n in (1, 2)]
    apply_waivers(later, waivers, TODAY + dt.timedelta(days=1))
    assert [f["status"] for f in later] == ["new", "waived"]
    assert later[0]["waiver_expired"] == {
        "reason": "campaign",
        "until": "2025-11-23",
        "added": None,
    }


def test_adding_keeps_comments_and_replacing_keeps_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yml"
    path.write_text(
        "# reviewed by pricing, see ticket 42\nwaivers:\n"
        "  - fingerprint: aaaaaa01\n    reason: 'colon: kept'\n  # keep this note\n",
        encoding="utf-8",
    )
    assert add_waiver(path, Waiver("bbbbbb02", "second", TODAY, TODAY, "Retkituoli")) == "added"
    assert add_waiver(path, Waiver("aaaaaa01", "reworded", None, TODAY)) == "replaced"
    assert path.read_text(encoding="utf-8") == (
        "# reviewed by pricing, see ticket 42\nwaivers:\n"
        "  - fingerprint: aaaaaa01\n    reason: reworded\n    added: 2025-11-23\n"
        "  # keep this note\n"
        "  - fingerprint: bbbbbb02\n    reason: second\n    until: 2025-11-23\n"
        "    added: 2025-11-23\n    subject: Retkituoli\n"
    )
    assert [(w.fingerprint, w.reason) for w in load_waivers(path)] == [
        ("aaaaaa01", "reworded"),
        ("bbbbbb02", "second"),
    ]


def test_the_first_waiver_creates_the_file_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yml"
    add_waiver(path, Waiver("cccccc03", "Jäsenhinta: tarkoituksella"))
    assert path.read_text(encoding="utf-8").endswith(
        "waivers:\n  - fingerprint: cccccc03\n    reason: 'Jäsenhinta: tarkoituksella'\n"
    )
    assert load_waivers(path)[0].reason == "Jäsenhinta: tarkoituksella"


def test_waive_refuses_what_it_cannot_write_or_find(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from checker.cli import cli
    from crawler.store import Store
    from tests.factories import checked_run, price_finding

    config = tmp_path / "omnicheck.yml"
    channels = (
        "channels:\n  - name: shop\n    kind: webshop\n    start_urls: [http://127.0.0.1:9/]\n"
    )
    config.write_text(channels, encoding="utf-8")
    database = tmp_path / "omnicheck.db"
    checked_run(Store(database), [price_finding("Otsalamppu 300", "34.90", "29.90")])

    def waive(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["waive", *args, "-c", str(config), "--db", str(database)])
        return result.exit_code, result.output

    assert waive("abcdef12", "--reason", "x") == (
        2,
        f"error: {config}: waivers: missing; add a line such as `waivers: waivers.yml`\n",
    )
    config.write_text(channels + "waivers: waivers.yml\n", encoding="utf-8")
    assert waive("abcdef12", "--reason", "x") == (
        2,
        f"error: {database}: no finding with fingerprint 'abcdef12' "
        "(fingerprints are listed by `omnicheck report`)\n",
    )
    assert waive("abcdef12", "--reason", "x", "--until", "2020-01-01") == (
        2,
        "error: --until 2020-01-01: that day has passed; give a later date\n",
    )
    assert not (tmp_path / "waivers.yml").exists()
    # Without the database the fingerprint cannot be checked: written, and said so; a shorter
    # one could never match a finding, so it is refused.
    missing = tmp_path / "typo.db"

    def waive_without_database(fingerprint: str) -> tuple[int, str]:
        args = ["waive", fingerprint, "--reason", "x", "-c", str(config), "--db", str(missing)]
        result = CliRunner().invoke(cli, args)
        return result.exit_code, result.output

    assert waive_without_database("abcdef12") == (
        2,
        "error: 'abcdef12': a finding's fingerprint has 16 hex digits, as `omnicheck report`"
        f" lists it; {missing} does not exist to look a shorter one up\n",
    )
    code, output = waive_without_database("abcdef1234567890")
    assert code == 0
    assert output.startswith(
        f"warning: {missing}: no such database, so the fingerprint is not checked"
    )
    assert [w.fingerprint for w in load_waivers(tmp_path / "waivers.yml")] == ["abcdef1234567890"]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["zz-not-hex", "--reason", "x"],
            "error: 'zz-not-hex' is not a finding's fingerprint: expected 6 to 64 hex digits, "
            "e.g. a25ba2ddd918baf9 (listed by `omnicheck report`)\n",
        ),
        (
            ["abcdef12", "--reason", "   "],
            "error: --reason is empty: say why this finding is accepted\n",
        ),
    ],
)
def test_waive_never_writes_an_entry_the_file_would_refuse(
    tmp_path: Path, args: list[str], error: str
) -> None:
    """Without a database there is no finding to look the fingerprint up in; the file must
    still stay valid, or every later check stops on it."""
    from click.testing import CliRunner

    from checker.cli import cli

    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: shop, kind: webshop, start_urls: [http://127.0.0.1:9/]}\n"
        "waivers: waivers.yml\n",
        encoding="utf-8",
    )
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("waivers:\n  - {fingerprint: a25ba2ddd918baf9, reason: ok}\n", "utf-8")
    before = waivers.read_text("utf-8")
    result = CliRunner().invoke(
        cli, ["waive", *args, "-c", str(config), "--db", str(tmp_path / "none.db")]
    )
    assert (result.exit_code, result.output) == (2, error)
    assert waivers.read_text("utf-8") == before
    assert len(load_waivers(waivers)) == 1


def test_adding_an_invalid_waiver_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yml"
    path.write_text("waivers:\n  - {fingerprint: a25ba2ddd918baf9, reason: ok}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"waivers\[1\]\.reason: missing"):
        add_waiver(path, Waiver("abcdef12", ""))
    assert path.read_text("utf-8") == "waivers:\n  - {fingerprint: a25ba2ddd918baf9, reason: ok}\n"
