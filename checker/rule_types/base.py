"""What every rule type is made of: the run it reads (``RunView``), its declared options, the
base class, and the registry that refuses two types of one name.

A rule type declares its options once, as a pydantic model (``Options``), which checks them when a
rule pack instantiates it; its docstring has three parts (What it checks, Why it matters,
Example) that ``omnicheck rules`` prints with a fourth, Options, written from that model.
Rules read the linked run and return findings: they never print, write files or use the network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Strict, ValidationError

from checker.config.model import KINDS
from checker.config.problems import Expect, Problem, Schema, first_problem, key_path
from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.mentions import Mention, run_day
from checker.linking.store_stock import StockIndex


@dataclass
class RunView:
    """What the rules see of one run: channels, linked products (with the current social posts
    that name them), service claims, product attributes, the labels of services (ours and those
    rule packs add), every post mention that counts on the run's day, the run's posts, and each
    product's stock per store.

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
    posts: list[dict[str, Any]] = field(default_factory=list)
    stock: StockIndex = field(default_factory=StockIndex)
    currencies: dict[str, set[str]] | None = None

    def kind(self, channel: str) -> str | None:
        return self.channels.get(channel, {}).get("kind")

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
        for post in [*self.posts, *(mention.post for mention in self.mentions)]:
            if post.get("currency"):
                found[post["channel"]].add(post["currency"])
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


class RuleOptions(Schema):
    """A rule type's options: one field each, with its type, default and ``description`` (the
    one declaration ``omnicheck rules`` and docs/rules.md show)."""


# What most options name: channels, services or attributes of this configuration, or kinds
Names = Annotated[list[Annotated[str, Strict()]] | None, Expect("a list of names")]
Kinds = Annotated[list[Literal[KINDS]], Expect(f"a list of channel kinds ({', '.join(KINDS)})")]  # type: ignore[valid-type]


class OptionError(Problem):
    """An option a rule pack (or code) gives that the rule type does not take; ``key`` names it."""

    @property
    def key(self) -> str:
        return key_path(self.location)


class RuleType:
    """Base of all rule types. Subclasses set ``name``, ``kind``, ``Options`` and ``check``."""

    name: ClassVar[str]
    kind: ClassVar[str]
    Options: ClassVar[type[RuleOptions]] = RuleOptions

    def __init__(self, rule_id: str, severity: str = "medium", **options: Any) -> None:
        self.rule_id = rule_id
        self.severity = severity
        # (file, line, key) of each option, set by the rule pack that wrote it
        self.origins: dict[str, tuple[Any, int | None, str]] = {}
        try:
            validated = self.Options.model_validate(options)
        except ValidationError as error:
            unknown = f"unknown option for {self.name}"
            raise OptionError(*first_problem(self.Options, error, unknown)) from None
        self.settings: dict[str, Any] = dict(validated)

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
