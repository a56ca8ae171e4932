"""The link override file: offers a person joined or kept apart, which the linker never overrules.

Offers are named by what stays the same from run to run (offer ids do not): a channel and one of
gtin, sku, mpn, url or name. For example ``links.yml``::

    join:    # one product, whatever the names say
      - [{channel: webshop, sku: RA-VR40}, {channel: instagram, name: "Vaellusreppu 40"}]
    apart:   # never one product, however alike the names
      - [{channel: webshop, sku: KA-KK16}, {channel: website, name: Kantokassi Mini 16 L}]

Keeping apart wins over joining: an ``apart`` entry holds even against a ``join`` entry.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.config.errors import ConfigError
from checker.config.yamlfile import parse_lines
from checker.linking.groups import Groups
from checker.linking.identifiers import IDENTIFIERS, normalise_identifier, normalise_url
from checker.linking.names import fold

SELECTOR_FIELDS = (*IDENTIFIERS, "url", "name")
SECTIONS = ("join", "apart")


@dataclass(frozen=True)
class Selector:
    """Offers named by one field, on one channel or on any."""

    field: str
    value: str
    channel: str | None = None
    line: int | None = None

    def describe(self) -> str:
        where = f"{self.channel} " if self.channel else ""
        return f"{where}{self.field} {self.value!r}"


@dataclass
class Overrides:
    path: Path
    join: list[list[Selector]] = field(default_factory=list)
    apart: list[list[Selector]] = field(default_factory=list)
    # Selectors that matched no offer in the last run applied: a product gone, or a typo.
    unmatched: list[Selector] = field(default_factory=list)

    def matcher(self) -> OverrideMatcher:
        """What to show each offer to while the offers are read, to find those named here."""
        return OverrideMatcher([s for entry in self.join + self.apart for s in entry])

    def apply(self, matcher: OverrideMatcher, groups: Groups) -> list[Selector]:
        """Install the apart entries, join the join entries; the selectors nothing matched."""
        unmatched: list[Selector] = []
        for number, entry in enumerate(self.apart):
            for side, selector in enumerate(entry):
                matched = matcher.matches(selector)
                unmatched.extend([selector] if not matched else [])
                for item in matched:
                    groups.keep_apart(item, (number, side))
        for entry in self.join:
            members: list[int] = []
            for selector in entry:
                matched = matcher.matches(selector)
                unmatched.extend([selector] if not matched else [])
                members.extend(matched)
            for item in members[1:]:
                if not groups.kept_apart(members[0], item):
                    groups.join(members[0], item, ("override", None))
        self.unmatched = unmatched
        return unmatched


def _name(value: Any) -> str | None:
    if not value:
        return None
    return " ".join(fold(str(value)).split()) or None


class OverrideMatcher:
    """The offers that selectors name, found in one pass over the offers: only the values the
    selectors use are remembered, however many offers there are."""

    def __init__(self, selectors: list[Selector]) -> None:
        self.fields = {selector.field for selector in selectors}
        self.wanted = {
            (selector.field, value)
            for selector in selectors
            for value in _values(selector.field, {selector.field: selector.value})
        }
        self.by_value: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)

    def see(self, position: int, offer: dict[str, Any]) -> None:
        """Remember the offer at ``position`` if a selector names it."""
        for name in self.fields:
            for value in _values(name, offer):
                if (name, value) in self.wanted:
                    self.by_value[(name, value)].append((position, offer["channel"]))

    def matches(self, selector: Selector) -> list[int]:
        value = _values(selector.field, {selector.field: selector.value})
        found = [item for v in value for item in self.by_value.get((selector.field, v), [])]
        return [position for position, channel in found if selector.channel in (None, channel)]


def _values(name: str, offer: dict[str, Any]) -> set[str]:
    if name == "url":
        found = {normalise_url(offer.get("url")), normalise_url(offer.get("canonical_url"))}
    elif name == "name":
        found = {_name(offer.get("name"))}
    else:
        found = {normalise_identifier(name, offer.get(name))}
    return {value for value in found if value}


def load_overrides(path: Path) -> Overrides:
    """Read and validate a link override file; ConfigError names file, line and key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        reason = "no such file" if isinstance(error, FileNotFoundError) else str(error)
        raise ConfigError(path, None, "", f"cannot read link overrides: {reason}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            path, None, "", f"cannot read link overrides: {error} (save it as UTF-8)"
        ) from None
    data, lines = parse_lines(text, path)
    overrides = Overrides(path)
    if data is None:
        return overrides

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(path, lines.get(key), key, message)

    if not isinstance(data, dict):
        raise fail("", "expected a mapping with join: and/or apart: lists")
    for section in data:
        if section not in SECTIONS:
            raise fail(str(section), "unknown key (expected join or apart)")
    for section in SECTIONS:
        entries = data.get(section) or []
        if not isinstance(entries, list):
            raise fail(section, "expected a list of entries, each a list of two or more offers")
        for number, entry in enumerate(entries):
            key = f"{section}[{number}]"
            if not isinstance(entry, list) or len(entry) < 2:
                raise fail(
                    key,
                    "expected a list of two or more offers, e.g. "
                    "[{channel: webshop, sku: AB-1}, {channel: website, name: Reppu}]",
                )
            getattr(overrides, section).append(
                [
                    _selector(item, f"{key}[{i}]", lines.get(f"{key}[{i}]"), fail)
                    for i, item in enumerate(entry)
                ]
            )
    return overrides


def _selector(item: Any, key: str, line: int | None, fail: Any) -> Selector:
    if not isinstance(item, dict):
        raise fail(key, f"expected a mapping such as {{channel: webshop, sku: AB-1}}, got {item!r}")
    for name in item:
        if name != "channel" and name not in SELECTOR_FIELDS:
            raise fail(
                f"{key}.{name}",
                f"unknown key (expected channel and one of {', '.join(SELECTOR_FIELDS)})",
            )
    fields = [name for name in SELECTOR_FIELDS if name in item]
    if len(fields) != 1:
        raise fail(
            key,
            f"expected exactly one of {', '.join(SELECTOR_FIELDS)}, got "
            f"{', '.join(fields) or 'none'}",
        )
    value, channel = item[fields[0]], item.get("channel")
    if not isinstance(value, str | int) or not str(value).strip():
        raise fail(f"{key}.{fields[0]}", "expected a non-empty text value")
    if channel is not None and not isinstance(channel, str):
        raise fail(f"{key}.channel", "expected a channel name")
    if not _values(fields[0], {fields[0]: str(value)}):
        raise fail(f"{key}.{fields[0]}", f"{value!r} is not a usable {fields[0]}")
    return Selector(fields[0], str(value), channel, line)
