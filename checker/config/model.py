"""``omnicheck.yml`` as a pydantic model: each key, what it may hold, and how the keys go together.

Validation needs the file's path (``model_validate(data, context={"path": ...})``): the name
defaults to the file's, and rule packs, waivers and link overrides are found beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from scrapy.settings import BaseSettings

from checker.config.errors import ConfigError
from checker.config.fields import (
    Currency,
    Days,
    FeedLocation,
    FeedLocations,
    HttpUrls,
    Language,
    Market,
    Name,
    Patterns,
    Selector,
    Share,
    Words,
    listed,
    null_is,
)
from checker.config.problems import Expect, Problem, Schema, line_of
from checker.version import __version__
from crawler.extraction.product_feeds import FIELDS
from crawler.rendering import rendering_problem
from crawler.run.plan import DEFAULT_COMPLETENESS, ChannelPlan, CrawlPlan
from crawler.scope import Scope, overlaps
from crawler.spiders.base import as_url
from rules import pack_path, shipped_packs

KINDS = ("website", "webshop", "social", "feed", "newsletter")
PAGE_KINDS = ("website", "webshop")
# Channels whose items are posts (a post names products in its own words, at a time).
POST_KINDS = ("social", "newsletter")
# How a page channel's pages are read: as served, or through a browser that runs their scripts.
RENDERINGS = ("html", "js")
SELECTOR_KEYS = (
    "product",
    "name",
    "price",
    "regular_price",
    "availability",
    "sku",
    "gtin",
    "mpn",
    "brand",
)


class Channel(Schema):
    """``channels[]``: one place the retailer speaks to customers, and how to read it."""

    expect: ClassVar[Expect] = Expect("a mapping with name and kind")

    name: Name
    kind: Annotated[Literal[KINDS], Expect(f"one of {', '.join(KINDS)}")]  # type: ignore[valid-type]
    start_urls: HttpUrls = []
    sitemap_urls: HttpUrls = []
    feeds: FeedLocations = []
    local_inventory: FeedLocations = []
    stores: FeedLocation | None = None
    allow: Patterns = []
    deny: Patterns = []
    allowed_domains: Words = []
    selectors: Annotated[
        dict[Literal[SELECTOR_KEYS], Selector],  # type: ignore[valid-type]
        null_is(dict),
        Expect("a mapping of names to CSS selectors or XPaths"),
    ] = {}
    # {our field: their column}; a misspelt field would drop that column unnoticed
    fields: Annotated[
        dict[Literal[FIELDS], str],  # type: ignore[valid-type]
        null_is(dict),
        Expect("a mapping of our field names to the feed's columns"),
    ] = {}
    currency: Currency | None = None
    locale: Language | None = None
    completeness: Share | None = None
    recency_days: Days | None = None
    market: Market | None = None
    render: Annotated[Literal[RENDERINGS], null_is(lambda: "html")] = "html"  # type: ignore[valid-type]

    # The other website/webshop channels' scopes: this one leaves their narrower folders to them.
    _other_channels: dict[str, dict[str, list[str]]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _kind_has_what_it_reads(self) -> Channel:
        if self.kind in PAGE_KINDS and not (self.start_urls or self.sitemap_urls):
            raise Problem(
                "start_urls", f"missing: a {self.kind} channel needs start_urls or sitemap_urls"
            )
        if self.fields and self.kind != "feed":
            raise Problem(
                "fields",
                "only a feed channel's columns are mapped with fields; this one is a " + self.kind,
            )
        if self.kind not in PAGE_KINDS and not self.feeds:
            raise Problem(
                "feeds", f"missing: a {self.kind} channel needs feeds (URLs or file paths)"
            )
        if self.local_inventory and self.kind != "feed":
            raise Problem(
                "local_inventory",
                "only a feed channel has a local-inventory feed (its ids are the primary feed's);"
                " this one is a " + self.kind,
            )
        if self.stores and not self.local_inventory:
            raise Problem("stores", "a stores file names the stores of local_inventory: add it")
        if self.render != "html" and self.kind not in PAGE_KINDS:
            raise Problem(
                "render", f"only website and webshop pages are rendered; this is a {self.kind}"
            )
        return self

    @property
    def other_channels(self) -> dict[str, dict[str, list[str]]]:
        return self._other_channels

    def scope_arguments(self) -> dict[str, list[str]]:
        """What decides the pages this channel reads (see ``crawler.scope``)."""
        return {
            "start_urls": self.start_urls,
            "sitemap_urls": self.sitemap_urls,
            "allow": self.allow,
            "deny": self.deny,
        }

    def spider_arguments(self, base_dir: Path) -> dict[str, Any]:
        """The channel as a spider reads it (feed paths resolved against the config's folder)."""
        arguments = self.model_dump(exclude={"completeness", "market"})
        arguments["feeds"] = [as_url(location, base_dir) for location in self.feeds]
        arguments["local_inventory"] = [as_url(place, base_dir) for place in self.local_inventory]
        arguments["stores"] = as_url(self.stores, base_dir) if self.stores else None
        arguments["other_channels"] = self.other_channels
        return arguments


def _beside_config(value: Any, info: ValidationInfo) -> Any:
    """A path written in the configuration is relative to the configuration's folder."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError("expected a path to a YAML file, e.g. waivers.yml")
    return Path((info.context or {}).get("path", "omnicheck.yml")).parent / value


def _existing_file(path: Path | None) -> Path | None:
    if path is not None and not path.is_file():
        raise ValueError(f"{str(path)!r}: no such file")
    return path


class LinkSettings(Schema):
    """``links:`` — how sure a name match must be, and the file of a person's corrections
    (read by ``checker.linking.overrides.load_overrides``)."""

    expect: ClassVar[Expect] = Expect("a mapping, e.g. {threshold: 88, overrides: links.yml}")

    threshold: Annotated[float, Field(strict=True), Expect("a number from 0 to 100")] = 88.0
    overrides: Annotated[
        Path | None,
        BeforeValidator(_beside_config),
        AfterValidator(_existing_file),
        Expect("a path to a YAML file, e.g. links.yml"),
    ] = None

    @field_validator("threshold", mode="before")
    @classmethod
    def _not_a_flag(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a number from 0 to 100, got {value!r}")
        return value

    @field_validator("threshold")
    @classmethod
    def _between(cls, value: float) -> float:
        if not 0 < value <= 100:
            raise ValueError(f"{value:g} is not between 0 and 100")
        return value


class Config(Schema):
    """A whole ``omnicheck.yml``."""

    expect: ClassVar[Expect] = Expect("a mapping of settings")

    name: Annotated[str, Field(strict=True), Expect("text")]
    currency: Currency | None = None
    locale: Language | None = None
    channels: Annotated[
        list[Channel],
        Field(min_length=1),
        Expect("a non-empty list of channels", missing="list the channels to crawl (see README)"),
    ]
    rules: Annotated[
        list[Annotated[str, Field(strict=True, min_length=1)]],
        BeforeValidator(listed),
        Expect("a list of rule pack names or paths"),
    ] = ["default"]
    waivers: Annotated[
        Path | None,
        BeforeValidator(_beside_config),
        Expect("a path to a YAML file, e.g. waivers.yml"),
    ] = None
    crawl: Annotated[
        dict[str, Any],
        null_is(dict),
        Expect("a mapping of Scrapy settings, e.g. {DOWNLOAD_DELAY: 1}"),
    ] = {}
    completeness: Annotated[Share, null_is(lambda: DEFAULT_COMPLETENESS)] = DEFAULT_COMPLETENESS
    links: Annotated[LinkSettings, null_is(dict)] = Field(default_factory=LinkSettings)

    _path: Path = PrivateAttr(default=Path("omnicheck.yml"))
    _digest: str = PrivateAttr(default="")
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)
    # Lines to show before crawling ("omnicheck.yml:9: channels[1].start_urls: ..."): channels
    # whose folders overlap.
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _packs_exist(cls, names: list[str], info: ValidationInfo) -> list[str]:
        """A pack that does not exist is named here, at its line, rather than by the path
        omnicheck looked it up under."""
        config = Path((info.context or {}).get("path", "omnicheck.yml"))
        for index, name in enumerate(names):
            try:
                path = pack_path(name, config.parent)
            except ValueError as error:
                raise Problem((index,), str(error)) from None
            if path is None or not path.is_file():
                raise Problem(
                    (index,),
                    f"{name!r} is neither a shipped rule pack ({', '.join(shipped_packs())}) nor"
                    f" a file (a path ends in .yml or .yaml, relative to {config.name})",
                )
        return names

    @model_validator(mode="before")
    @classmethod
    def _named_after_the_file(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and not data.get("name"):
            return {**data, "name": Path((info.context or {}).get("path", "omnicheck.yml")).stem}
        return data

    @model_validator(mode="after")
    def _channels_go_together(self, info: ValidationInfo) -> Config:
        seen: set[str] = set()
        for index, channel in enumerate(self.channels):
            if channel.name in seen:
                raise Problem(
                    ("channels", index, "name"),
                    f"{channel.name!r} is used twice; names must be unique",
                )
            seen.add(channel.name)
        marked = [channel.market is not None for channel in self.channels]
        if any(marked) and not all(marked):
            raise Problem(
                ("channels", marked.index(False), "market"),
                "missing: when one channel names its market, every channel must"
                " (channels are compared only with channels of the same market)",
            )
        rendered = [index for index, channel in enumerate(self.channels) if channel.render == "js"]
        # render: js needs scrapy-playwright and Chromium: said before anything is crawled
        problem = rendering_problem(BaseSettings(self.crawl)) if rendered else None
        if problem:
            raise Problem(("channels", rendered[0], "render"), f"js {problem}")
        context = info.context or {}
        self._path = Path(context.get("path", "omnicheck.yml"))
        self._digest = context.get("digest", "")
        self._lines = context.get("lines", {})
        self._warnings = self._scopes()
        return self

    def _scopes(self) -> list[str]:
        """Tell each page channel the other page channels' scopes; a warning for each pair of
        channels whose folders overlap."""
        pages = {c.name: c for c in self.channels if c.kind in PAGE_KINDS}
        scopes = {name: page.scope_arguments() for name, page in pages.items()}
        for name, page in pages.items():
            page._other_channels = {
                other: scope for other, scope in scopes.items() if other != name
            }
        position = {channel.name: index for index, channel in enumerate(self.channels)}
        return [
            self.located(
                f"channels[{max(position[overlap.wider], position[overlap.narrower])}].start_urls",
                overlap.message,
            )
            for overlap in overlaps({name: Scope.of_channel(s) for name, s in scopes.items()})
        ]

    @property
    def path(self) -> Path:
        return self._path

    @property
    def digest(self) -> str:
        return self._digest

    @property
    def lines(self) -> dict[str, int]:
        return self._lines

    @property
    def warnings(self) -> list[str]:
        return self._warnings

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels)
        raise ConfigError(self.path, None, "channels", f"no channel named {name!r} (have: {known})")

    def completeness_of(self, name: str) -> float:
        """The share of planned pages a channel must fetch: its own setting, else the global."""
        own = self.channel(name).completeness
        return self.completeness if own is None else own

    def line_of(self, key: str) -> int | None:
        """The line of ``key``, else of the nearest enclosing key the file has."""
        return line_of(self.lines, key)

    def located(self, key: str, message: str) -> str:
        """A message about a key of this file, where it stands ("omnicheck.yml:7: crawl.X: ...")."""
        return str(ConfigError(self.path, self.line_of(key), key, message))

    def crawl_plan(self, services: dict[str, Any] | None = None) -> CrawlPlan:
        """What the crawler is asked to do; ``services`` are those rule packs add."""
        return CrawlPlan(
            name=self.name,
            channels=[
                ChannelPlan(
                    name=channel.name,
                    kind=channel.kind,
                    spider=channel.spider_arguments(self.base_dir),
                    market=channel.market,
                    threshold=self.completeness_of(channel.name),
                )
                for channel in self.channels
            ],
            currency=self.currency,
            locale=self.locale,
            settings=dict(self.crawl),
            services=dict(services or {}),
            source=str(self.path),
            digest=self.digest,
            version=__version__,
            threshold=self.completeness,
        )
