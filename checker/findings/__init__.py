"""A finding: one disagreement between channels, explained well enough to be fixed.

The fingerprint is built from the rule, the subject and the channels involved, never from the
values, so the same disagreement keeps its fingerprint while its prices change, and CI can tell
a new finding from a persisting one.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES = ("low", "medium", "high")
STATUSES = ("new", "persisting", "waived")


@dataclass
class Finding:
    kind: str
    rule: str
    severity: str
    subject: dict[str, Any]
    channels: dict[str, dict[str, Any]]
    message: str
    fingerprint: str = ""
    status: str = "new"
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(
                self.rule, self.kind, self.subject_key, sorted(self.channels)
            )

    @property
    def subject_key(self) -> str:
        subject = self.subject
        for key in ("service", "product", "gtin", "sku", "name"):
            if subject.get(key):
                return f"{key}:{subject[key]}"
        return repr(sorted(subject.items()))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


FINGERPRINT_LENGTH = 16


def fingerprint(rule: str, kind: str, subject_key: str, channels: list[str]) -> str:
    text = "\x1f".join([rule, kind, subject_key, *channels])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


# When findings fail a run (``--fail-on``): new ones, any open one, or never.
FAIL_ON = ("new", "any", "never")


def fails(findings: list[dict[str, Any]], fail_on: str) -> bool:
    """Whether findings fail the ``fail_on`` policy; a waived finding never does."""
    statuses = {finding["status"] for finding in findings}
    if fail_on == "any":
        return bool(statuses & {"new", "persisting"})
    return fail_on == "new" and "new" in statuses
