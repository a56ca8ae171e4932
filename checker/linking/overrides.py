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
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, model_validator

from checker.config.errors import ConfigError
from checker.config.fields import null_is
from checker.config.problems import Expect, Problem, Schema, validate
from checker.config.yamlfile import parse_lines, read_text
from checker.linking.groups import Groups
from checker.linking.identifiers import IDENTIFIERS, normalise_identifier, normalise_url
from checker.linking.names import fold

SELECTOR_FIELDS = (*IDENTIFIERS, "url", "name")
SECTIONS = ("join", "apart")
_SECTION = "a list of entries, each a list of two or more offers"


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


def _text(value: Any) -> Any:
    """An identifier as text: YAML reads an unquoted GTIN or SKU of digits as a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not value.strip():
        raise ValueError("expected a non-empty text value")
    return value


_Value = Annotated[
    str, BeforeValidator(_text), Field(strict=True), Expect("a non-empty text value")
]


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


class _SelectorEntry(Schema):
    """``{channel: webshop, sku: AB-1}``: a channel (or none: any) and exactly one field."""

    expect: ClassVar[Expect] = Expect("a mapping such as {channel: webshop, sku: AB-1}")
    known_keys: ClassVar[str] = f"channel and one of {', '.join(SELECTOR_FIELDS)}"

    channel: Annotated[str | None, Field(strict=True), Expect("a channel name")] = None
    gtin: _Value | None = None
    sku: _Value | None = None
    mpn: _Value | None = None
    url: _Value | None = None
    name: _Value | None = None

    @model_validator(mode="after")
    def _one_field(self) -> _SelectorEntry:
        given = [name for name in SELECTOR_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise Problem(
                (),
                f"expected exactly one of {', '.join(SELECTOR_FIELDS)}, got "
                f"{', '.join(given) or 'none'}",
            )
        value = getattr(self, given[0])
        if not _values(given[0], {given[0]: value}):
            raise Problem(given[0], f"{value!r} is not a usable {given[0]}")
        return self

    def selector(self, line: int | None) -> Selector:
        field = next(name for name in SELECTOR_FIELDS if getattr(self, name) is not None)
        return Selector(field, getattr(self, field), self.channel, line)


_Entry = Annotated[
    list[_SelectorEntry],
    Field(min_length=2),
    Expect(
        "a list of two or more offers, e.g. "
        "[{channel: webshop, sku: AB-1}, {channel: website, name: Reppu}]"
    ),
]


class _OverridesFile(Schema):
    expect: ClassVar[Expect] = Expect("a mapping with join: and/or apart: lists")
    known_keys: ClassVar[str] = "join or apart"

    join: Annotated[list[_Entry], null_is(list), Expect(_SECTION)] = []
    apart: Annotated[list[_Entry], null_is(list), Expect(_SECTION)] = []


def load_overrides(path: Path) -> Overrides:
    """Read and validate a link override file; ConfigError names file, line and key."""
    try:
        text = read_text(path, "cannot read link overrides")
    except OSError as error:
        reason = "no such file" if isinstance(error, FileNotFoundError) else str(error)
        raise ConfigError(path, None, "", f"cannot read link overrides: {reason}") from None
    data, lines = parse_lines(text, path)
    overrides = Overrides(path)
    if data is None:
        return overrides
    read = validate(_OverridesFile, data, path, lines)
    for section in SECTIONS:
        for number, entry in enumerate(getattr(read, section)):
            getattr(overrides, section).append(
                [
                    item.selector(lines.get(f"{section}[{number}][{position}]"))
                    for position, item in enumerate(entry)
                ]
            )
    return overrides
