"""Waivers: reviewed findings that are intended, kept in a YAML file beside the configuration.

The file is named by the configuration's ``waivers:`` key and lives in git, so accepting a
finding is a reviewable change::

    waivers:
      - fingerprint: a25ba2ddd918baf9
        reason: Website shows the member price on purpose
        until: 2026-01-31          # optional; the finding comes back after this day
        added: 2025-11-23
        subject: Vaellusreppu 40 L (price_mismatch)

A waived finding is reported with status ``waived`` and never fails CI; once ``until`` has passed
the waiver no longer applies and the finding is reported (and fails CI) as new again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

import yaml
from pydantic import BeforeValidator, Field, model_validator

from checker.config.errors import ConfigError
from checker.config.fields import Day, Word, null_is
from checker.config.problems import Expect, Problem, Schema, validate
from checker.config.yamlfile import parse_lines, read_text

FINGERPRINT = re.compile(r"^[0-9a-f]{6,64}$")
HEADER = (
    "# Reviewed omnicheck findings that are intended. A waived finding is reported as `waived`\n"
    "# and never fails CI; after `until` it comes back. Add entries with `omnicheck waive`.\n"
)


class _PlainDumper(yaml.SafeDumper):
    """Writes each value out; anchors and aliases (&id001) would puzzle a reviewer."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class Waiver:
    """One entry of the file (validated by ``WaiversFile``; built freely by code)."""

    expect: ClassVar[Expect] = Expect("a mapping with fingerprint and reason")

    fingerprint: Annotated[
        str,
        Field(strict=True, pattern=FINGERPRINT.pattern),
        Expect("a finding's fingerprint, e.g. a25ba2ddd918baf9"),
    ]
    reason: Annotated[Word, Expect("text", missing="say why this finding is accepted")]
    until: Day | None = None
    added: Day | None = None
    subject: Annotated[str | None, BeforeValidator(_text_or_none)] = None

    def active(self, today: dt.date) -> bool:
        return self.until is None or today <= self.until

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "added": self.added.isoformat() if self.added else None,
        }


class WaiversFile(Schema):
    """The file: ``waivers:``, a list of entries, each fingerprint waived once."""

    expect: ClassVar[Expect] = Expect("a mapping with `waivers:`")
    known_keys: ClassVar[str] = "`waivers:`"

    waivers: Annotated[
        list[Waiver],
        null_is(list),
        Expect("a list of waivers"),
    ] = []

    @model_validator(mode="after")
    def _each_fingerprint_once(self) -> WaiversFile:
        first: dict[str, int] = {}
        for index, waiver in enumerate(self.waivers):
            earlier = first.setdefault(waiver.fingerprint, index)
            if earlier != index:
                raise Problem(
                    ("waivers", index, "fingerprint"),
                    f"{waiver.fingerprint} is already waived by waivers[{earlier}]",
                )
        return self


def load_waivers(path: Path) -> list[Waiver]:
    """The waivers in ``path`` (none if the file does not exist yet), validated."""
    try:
        text = read_text(path)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise ConfigError(path, None, "", f"cannot read: {error}") from None
    return parse_waivers(text, path)


def parse_waivers(text: str, path: Path) -> list[Waiver]:
    """The waivers in ``text`` (the content of ``path``), validated."""
    data, lines = parse_lines(text, path)
    if data is None:
        return []
    return validate(WaiversFile, data, path, lines).waivers


def apply_waivers(findings: list[dict[str, Any]], waivers: list[Waiver], today: dt.date) -> None:
    """Mark findings covered by an active waiver as waived; note on the others when their
    waiver expired, so a report can say why they came back."""
    by_fingerprint = {waiver.fingerprint: waiver for waiver in waivers}
    for finding in findings:
        waiver = by_fingerprint.get(finding["fingerprint"])
        if waiver is None:
            continue
        if waiver.active(today):
            finding["status"] = "waived"
            finding["waiver"] = waiver.to_dict()
        else:
            finding["waiver_expired"] = waiver.to_dict()


def add_waiver(path: Path, waiver: Waiver) -> str:
    """Write ``waiver`` into the file, replacing an earlier waiver of the same fingerprint.

    The file is edited as text, so other entries and comments stay as reviewers wrote them.
    Returns ``added`` or ``replaced``.
    """
    existing = {w.fingerprint for w in load_waivers(path)}
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not text.strip():
        text = HEADER
    text = re.sub(r"(?m)^waivers:\s*(\[\])?\s*$", "waivers:", text)
    if not re.search(r"(?m)^waivers:", text):
        text = text.rstrip("\n") + "\nwaivers:\n"
    lines = text.splitlines(keepends=True)
    if waiver.fingerprint in existing:
        start, end = _entry_span(text, waiver.fingerprint)
        lines[start:end] = [_entry_text(waiver)]
        action = "replaced"
    else:
        lines[-1] = lines[-1].rstrip("\n") + "\n"
        lines.append(_entry_text(waiver))
        action = "added"
    # Validate before writing: a file left invalid would stop every later check.
    parse_waivers("".join(lines), path)
    path.write_text("".join(lines), encoding="utf-8")
    return action


def _entry_text(waiver: Waiver) -> str:
    entry: dict[str, Any] = {"fingerprint": waiver.fingerprint, "reason": waiver.reason}
    if waiver.until:
        entry["until"] = waiver.until
    if waiver.added:
        entry["added"] = waiver.added
    if waiver.subject:
        entry["subject"] = waiver.subject
    dumped = yaml.dump(
        [entry], Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=1000
    )
    return "".join(f"  {line}\n" for line in dumped.splitlines())


def _entry_span(text: str, fingerprint: str) -> tuple[int, int]:
    """First and past-last line index of the entry that waives ``fingerprint``."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)
    for key, value in root.value:
        if key.value != "waivers" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            fields = {k.value: v.value for k, v in item.value if isinstance(k, yaml.ScalarNode)}
            if fields.get("fingerprint") == fingerprint:
                # the last value's end, not the item's: comments after an entry stay
                last = item.value[-1][1].end_mark
                return item.start_mark.line, last.line + (1 if last.column else 0)
    raise ValueError(f"no waiver for {fingerprint}")
