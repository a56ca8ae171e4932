"""What every rule type is made of: the run it reads (``RunView``), its declared options, the
base class, and the registry that refuses two types of one name.

A rule type declares its options and checks them when a rule pack instantiates it; its docstring
has four parts (What it checks, Why it matters, Example, Options) that ``omnicheck rules`` prints.
Rules read the linked run and return findings: they never print, write files or use the network.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.mentions import Mention, run_day


@dataclass
class RunView:
    """What the rules see of one run: channels, linked products (with the current social posts
    that name them), service claims, product attributes, the labels of services (ours and those
    rule packs add), and every post mention that counts on the run's day.

    ``products`` may be a list or a stream a stored run reads a block at a time on each pass
    (``checker.linking.stored``): a rule walks it, and keeps only the products it reports on.
    ``currencies`` are the currencies of each channel's offers, when the store has counted
    them; otherwise they are read from the products."""

    run: dict[str, Any]
    channels: dict[str, dict[str, Any]]
    products: Iterable[Product]
    claims: list[dict[str, Any]]
    attributes: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    currencies: dict[str, set[str]] | None = None

    def label(self, service: str) -> str:
        return self.labels.get(service, service)

    def complete(self, channel: str) -> bool:
        return bool(self.channels.get(channel, {}).get("complete", False))

    @property
    def day(self) -> date:
        return run_day(self.run)

    @cached_property
    def markets(self) -> dict[str, frozenset[str]]:
        """The currencies each channel sells in (its offers' prices, its posts' configured
        currency): a .fi shop in EUR and a .se shop in SEK are two markets."""
        found: dict[str, set[str]] = defaultdict(set)
        if self.currencies is not None:
            for channel, currencies in self.currencies.items():
                found[channel] |= currencies
        else:
            for product in self.products:
                for offer in product.offers:
                    if offer.get("currency"):
                        found[offer["channel"]].add(offer["currency"])
        for mention in self.mentions:
            if mention.post.get("currency"):
                found[mention.post["channel"]].add(mention.post["currency"])
        return {channel: frozenset(currencies) for channel, currencies in found.items()}

    def market(self, channel: str) -> str | None:
        """The market the configuration gives the channel (``market: fi``), if it gives one."""
        return self.channels.get(channel, {}).get("market")

    def same_market(self, channel: str, other: str) -> bool:
        """Whether two channels sell to the same customers: the configuration puts them in the
        same market; or, where it names none, they share a currency or one of them shows none
        (nothing says it is another market)."""
        configured = self.market(channel), self.market(other)
        if all(configured):
            return configured[0] == configured[1]
        mine, theirs = self.markets.get(channel), self.markets.get(other)
        return not mine or not theirs or bool(mine & theirs)


@dataclass(frozen=True)
class Option:
    name: str
    kind: type | tuple[type, ...]
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None


class OptionError(ValueError):
    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class RuleType:
    """Base of all rule types. Subclasses set ``name``, ``kind``, ``options`` and ``check``."""

    name: ClassVar[str]
    kind: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, rule_id: str, severity: str = "medium", **options: Any) -> None:
        self.rule_id = rule_id
        self.severity = severity
        # (file, line, key) of each option, set by the rule pack that wrote it
        self.origins: dict[str, tuple[Any, int | None, str]] = {}
        known = {option.name: option for option in self.options}
        for key in options:
            if key not in known:
                expected = ", ".join(known) or "none"
                raise OptionError(key, f"unknown option for {self.name} (options: {expected})")
        self.settings: dict[str, Any] = {}
        for option in self.options:
            value = options.get(option.name, option.default)
            if value is not None and not isinstance(value, option.kind):
                raise OptionError(option.name, f"expected {_kind_name(option.kind)}, got {value!r}")
            if _is_number_option(option) and value is not None and not _amount(value):
                # true is an int to Python, .nan and -1 are floats: none is a tolerance
                raise OptionError(option.name, f"expected a number of 0 or more, got {value!r}")
            if option.choices and value not in option.choices and value is not None:
                raise OptionError(
                    option.name, f"{value!r} is not one of {', '.join(map(str, option.choices))}"
                )
            self.settings[option.name] = value

    def check(self, view: RunView) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(self, **fields: Any) -> Finding:
        return Finding(kind=self.kind, rule=self.rule_id, severity=self.severity, **fields)


def product_subject(product: Product) -> dict[str, Any]:
    """A product as a finding's subject: its link key, a name and the identifiers it has."""
    return {
        "product": product.key,
        "name": product_name(product),
        "sku": next((o["sku"] for o in product.offers if o.get("sku")), None),
        "gtin": next((o["gtin"] for o in product.offers if o.get("gtin")), None),
    }


def product_name(product: Product) -> str | None:
    return next((o["name"] for o in product.offers if o.get("name")), None)


REGISTRY: dict[str, type[RuleType]] = {}


def register(rule_type: type[RuleType]) -> type[RuleType]:
    """Class decorator adding a rule type to the registry; names must be unique."""
    if rule_type.name in REGISTRY:
        raise ValueError(f"rule type {rule_type.name!r} is registered twice")
    REGISTRY[rule_type.name] = rule_type
    return rule_type


def _is_number_option(option: Option) -> bool:
    kinds = option.kind if isinstance(option.kind, tuple) else (option.kind,)
    return bool(kinds) and set(kinds) <= {int, float}


def _amount(value: Any) -> bool:
    """A finite number of 0 or more (not true/false)."""
    return not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {int: "a number", float: "a number", str: "text", list: "a list", bool: "true/false"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))
