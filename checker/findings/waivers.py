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
from typing import Any

import yaml

from checker.config.errors import ConfigError
from checker.config.yamlfile import parse_lines

WAIVER_KEYS = {"fingerprint", "reason", "until", "added", "subject"}
FINGERPRINT = re.compile(r"^[0-9a-f]{6,64}$")
HEADER = (
    "# Reviewed omnicheck findings that are intended. A waived finding is reported as `waived`\n"
    "# and never fails CI; after `until` it comes back. Add entries with `omnicheck waive`.\n"
)


class _PlainDumper(yaml.SafeDumper):
    """Writes each value out; anchors and aliases (&id001) would puzzle a reviewer."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass(frozen=True)
class Waiver:
    fingerprint: str
    reason: str
    until: dt.date | None = None
    added: dt.date | None = None
    subject: str | None = None
    line: int | None = None

    def active(self, today: dt.date) -> bool:
        return self.until is None or today <= self.until

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason,
            "until": self.until.isoformat() if self.until else None,
            "added": self.added.isoformat() if self.added else None,
        }


def load_waivers(path: Path) -> list[Waiver]:
    """The waivers in ``path`` (none if the file does not exist yet), validated."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, "", f"cannot read: {error}") from None
    return parse_waivers(text, path)


def parse_waivers(text: str, path: Path) -> list[Waiver]:
    """The waivers in ``text`` (the content of ``path``), validated."""
    data, lines = parse_lines(text, path)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("waivers", []), list):
        raise ConfigError(path, lines.get("waivers"), "waivers", "expected a list of waivers")
    unknown = set(data) - {"waivers"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(path, lines.get(key), key, "unknown key (expected `waivers:`)")
    waivers: list[Waiver] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(data.get("waivers") or []):
        key = f"waivers[{index}]"
        waiver = _waiver(entry, key, path, lines)
        if waiver.fingerprint in seen:
            raise ConfigError(
                path,
                waiver.line,
                f"{key}.fingerprint",
                f"{waiver.fingerprint} is already waived by {seen[waiver.fingerprint]}",
            )
        seen[waiver.fingerprint] = key
        waivers.append(waiver)
    return waivers


def _waiver(entry: Any, key: str, path: Path, lines: dict[str, int]) -> Waiver:
    def fail(name: str, message: str) -> ConfigError:
        full = f"{key}.{name}" if name else key
        return ConfigError(path, lines.get(full, lines.get(key)), full, message)

    if not isinstance(entry, dict):
        raise fail("", "expected a mapping with fingerprint and reason")
    for name in entry:
        if name not in WAIVER_KEYS:
            raise fail(str(name), f"unknown key (expected one of {', '.join(sorted(WAIVER_KEYS))})")
    fingerprint = entry.get("fingerprint")
    if not isinstance(fingerprint, str) or not FINGERPRINT.match(fingerprint):
        raise fail("fingerprint", "expected a finding's fingerprint, e.g. a25ba2ddd918baf9")
    reason = entry.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise fail("reason", "missing: say why this finding is accepted")
    subject = entry.get("subject")
    return Waiver(
        fingerprint=fingerprint,
        reason=reason.strip(),
        until=_date(entry.get("until"), lambda message: fail("until", message)),
        added=_date(entry.get("added"), lambda message: fail("added", message)),
        subject=str(subject) if subject is not None else None,
        line=lines.get(key),
    )


def _date(value: Any, fail: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        raise fail(
            f"{value.isoformat(sep=' ')!r} has a time of day; expected a date like 2026-01-31"
        )
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise fail(f"{value!r} is not a date like 2026-01-31")


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
