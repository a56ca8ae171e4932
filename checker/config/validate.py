"""Reading ``omnicheck.yml``: what to crawl and which rules to apply, validated on load.

Configuration is data: YAML is loaded safely (no tags, no code). Every error names the file, the
line and the key, and says what was expected, e.g.
``omnicheck.yml:14: channels[2].kind: 'shop' is not one of website, webshop, social, feed``.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cssselect
import lxml.etree

from checker.config.errors import ConfigError
from checker.config.model import Channel, Config, LinkSettings
from checker.config.yamlfile import parse_lines
from crawler.extraction.product_feeds import FIELDS
from crawler.run.plan import DEFAULT_COMPLETENESS
from rules import RULES_DIR, pack_path

KINDS = ("website", "webshop", "social", "feed")
PAGE_KINDS = ("website", "webshop")
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
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
LOCALE = re.compile(r"^[a-z]{2}(?:[_-][A-Z]{2})?$")


TOP_KEYS = {
    "name",
    "currency",
    "locale",
    "channels",
    "rules",
    "waivers",
    "crawl",
    "completeness",
    "links",
}
LINK_KEYS = {"threshold", "overrides"}
CHANNEL_KEYS = {
    "name",
    "kind",
    "start_urls",
    "sitemap_urls",
    "feeds",
    "allow",
    "deny",
    "allowed_domains",
    "selectors",
    "fields",
    "currency",
    "locale",
    "completeness",
    "recency_days",
    "market",
    "render",
}


def load_config(path: str | Path) -> Config:
    """Read and validate a configuration file; raise ConfigError naming what to fix."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            path, None, "", "no such file (create one: see README 'Configuration')"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, "", f"cannot read: {error}") from None
    return parse_config(text, path)


def parse_config(text: str, path: str | Path = "omnicheck.yml") -> Config:
    path = Path(path)
    data, lines = parse_lines(text, path)
    return _Validator(path, lines).config(data, text)


class _Validator:
    def __init__(self, path: Path, lines: dict[str, int]) -> None:
        self.path, self.lines = path, lines

    def fail(self, key: str, message: str) -> ConfigError:
        line = self.lines.get(key)
        probe = key
        while line is None and probe:
            # the nearest enclosing key that exists: channels[0].kind -> channels[0] -> channels
            shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe)
            probe = "" if shorter == probe else shorter
            line = self.lines.get(probe)
        return ConfigError(self.path, line, key, message)

    def config(self, data: Any, text: str) -> Config:
        if data is None:
            raise self.fail("", "the file is empty; it needs at least `channels:`")
        if not isinstance(data, dict):
            raise self.fail("", f"expected a mapping of settings, got {_type(data)}")
        self.unknown_keys(data, TOP_KEYS, "")
        if "channels" not in data:
            raise self.fail("channels", "missing: list the channels to crawl (see README)")
        raw_channels = data["channels"]
        if not isinstance(raw_channels, list) or not raw_channels:
            raise self.fail("channels", "expected a non-empty list of channels")
        channels = [self.channel(item, f"channels[{i}]") for i, item in enumerate(raw_channels)]
        seen: set[str] = set()
        for index, channel in enumerate(channels):
            if channel.name in seen:
                raise self.fail(
                    f"channels[{index}].name",
                    f"{channel.name!r} is used twice; names must be unique",
                )
            seen.add(channel.name)
        marked = [channel.market is not None for channel in channels]
        if any(marked) and not all(marked):
            index = marked.index(False)
            raise self.fail(
                f"channels[{index}].market",
                "missing: when one channel names its market, every channel must"
                " (channels are compared only with channels of the same market)",
            )
        rules = data.get("rules", ["default"])
        if isinstance(rules, str):
            rules = [rules]
        if not isinstance(rules, list) or not all(isinstance(r, str) and r for r in rules):
            raise self.fail("rules", "expected a list of rule pack names or paths")
        for index, pack in enumerate(rules):
            self.rule_pack(pack, f"rules[{index}]")
        crawl = data.get("crawl") or {}
        if not isinstance(crawl, dict):
            raise self.fail(
                "crawl", "expected a mapping of Scrapy settings, e.g. {DOWNLOAD_DELAY: 1}"
            )
        self.rendering(channels, crawl)
        waivers = data.get("waivers")
        if waivers is not None and not isinstance(waivers, str):
            raise self.fail("waivers", "expected a path to a YAML file, e.g. waivers.yml")
        name = data.get("name") or self.path.stem
        if not isinstance(name, str):
            raise self.fail("name", f"expected text, got {_type(name)}")
        return Config(
            path=self.path,
            name=name,
            channels=channels,
            warnings=self.scopes(channels),
            currency=self.currency(data.get("currency"), "currency"),
            locale=self.locale(data.get("locale"), "locale"),
            rules=rules,
            waivers=(self.path.parent / waivers) if waivers else None,
            crawl=crawl,
            completeness=self.share(data.get("completeness"), "completeness")
            or DEFAULT_COMPLETENESS,
            links=self.links(data.get("links")),
            digest=hashlib.sha256(text.encode()).hexdigest()[:16],
            lines=self.lines,
        )

    def links(self, value: Any) -> LinkSettings:
        if value is None:
            return LinkSettings()
        if not isinstance(value, dict):
            raise self.fail(
                "links", "expected a mapping, e.g. {threshold: 88, overrides: links.yml}"
            )
        self.unknown_keys(value, LINK_KEYS, "links")
        threshold = value.get("threshold", LinkSettings.threshold)
        if isinstance(threshold, bool) or not isinstance(threshold, int | float):
            raise self.fail(
                "links.threshold", f"expected a number from 0 to 100, got {threshold!r}"
            )
        if not 0 < threshold <= 100:
            raise self.fail("links.threshold", f"{threshold} is not between 0 and 100")
        overrides = value.get("overrides")
        if overrides is None:
            return LinkSettings(float(threshold))
        if not isinstance(overrides, str) or not overrides.strip():
            raise self.fail("links.overrides", "expected a path to a YAML file, e.g. links.yml")
        path = self.path.parent / overrides
        if not path.is_file():
            raise self.fail("links.overrides", f"{str(path)!r}: no such file")
        return LinkSettings(float(threshold), path)

    def channel(self, data: Any, key: str) -> Channel:
        if not isinstance(data, dict):
            raise self.fail(key, f"expected a mapping with name and kind, got {_type(data)}")
        self.unknown_keys(data, CHANNEL_KEYS, key)
        name = data.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            raise self.fail(
                f"{key}.name", "expected a name of letters, digits, '-', '_' or '.' (e.g. webshop)"
            )
        kind = data.get("kind")
        if kind not in KINDS:
            got = "missing" if kind is None else f"{kind!r} is not"
            raise self.fail(f"{key}.kind", f"{got} one of {', '.join(KINDS)}")
        channel = Channel(
            name=name,
            kind=kind,
            start_urls=self.urls(data, "start_urls", key),
            sitemap_urls=self.urls(data, "sitemap_urls", key),
            feeds=self.strings(data, "feeds", key),
            allow=self.patterns(data, "allow", key),
            deny=self.patterns(data, "deny", key),
            allowed_domains=self.strings(data, "allowed_domains", key),
            selectors=self.selectors(data.get("selectors"), f"{key}.selectors"),
            fields=self.feed_fields(data.get("fields"), f"{key}.fields"),
            currency=self.currency(data.get("currency"), f"{key}.currency"),
            locale=self.locale(data.get("locale"), f"{key}.locale"),
            completeness=self.share(data.get("completeness"), f"{key}.completeness"),
            recency_days=self.days(data.get("recency_days"), f"{key}.recency_days"),
            market=self.market(data.get("market"), f"{key}.market"),
            render=self.render(data.get("render"), f"{key}.render", kind),
        )
        if kind in PAGE_KINDS and not (channel.start_urls or channel.sitemap_urls):
            raise self.fail(
                f"{key}.start_urls", f"missing: a {kind} channel needs start_urls or sitemap_urls"
            )
        if channel.fields and kind != "feed":
            raise self.fail(
                f"{key}.fields",
                f"only a feed channel's columns are mapped with fields; this one is a {kind}",
            )
        if kind not in PAGE_KINDS and not channel.feeds:
            raise self.fail(
                f"{key}.feeds", f"missing: a {kind} channel needs feeds (URLs or file paths)"
            )
        return channel

    def render(self, value: Any, key: str, kind: str) -> str:
        if value is None:
            return "html"
        if value not in RENDERINGS:
            raise self.fail(key, f"{value!r} is not one of {', '.join(RENDERINGS)}")
        if kind not in PAGE_KINDS:
            raise self.fail(key, f"only website and webshop pages are rendered; this is a {kind}")
        return str(value)

    def rendering(self, channels: list[Channel], crawl: dict[str, Any]) -> None:
        """``render: js`` needs scrapy-playwright and Chromium: said before anything is crawled."""
        from scrapy.settings import BaseSettings

        from crawler.rendering import rendering_problem

        rendered = [index for index, channel in enumerate(channels) if channel.render == "js"]
        problem = rendering_problem(BaseSettings(crawl)) if rendered else None
        if problem:
            raise self.fail(f"channels[{rendered[0]}].render", f"js {problem}")

    def scopes(self, channels: list[Channel]) -> list[str]:
        """Tell each page channel the other page channels' scopes, and warn once per pair of
        channels whose folders overlap."""
        from crawler.scope import Scope, overlaps

        pages = {c.name: c for c in channels if c.kind in PAGE_KINDS}
        for channel in pages.values():
            channel.other_channels = {
                name: other.scope_arguments()
                for name, other in pages.items()
                if name != channel.name
            }
        positions = {channel.name: index for index, channel in enumerate(channels)}
        warnings = []
        for overlap in overlaps(
            {name: Scope.of_channel(c.scope_arguments()) for name, c in pages.items()}
        ):
            key = (
                f"channels[{max(positions[overlap.wider], positions[overlap.narrower])}].start_urls"
            )
            warnings.append(str(self.fail(key, overlap.message)))
        return warnings

    def unknown_keys(self, data: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in data:
            if key not in allowed:
                full = f"{prefix}.{key}" if prefix else str(key)
                close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                hint = (
                    f" (did you mean {close[0]!r}?)"
                    if close
                    else f" (expected one of {', '.join(sorted(allowed))})"
                )
                raise self.fail(full, f"unknown key{hint}")

    def strings(self, data: dict[str, Any], name: str, prefix: str) -> list[str]:
        value = data.get(name)
        key = f"{prefix}.{name}"
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "expected a list of text values")
        return [v.strip() for v in value]

    def urls(self, data: dict[str, Any], name: str, prefix: str) -> list[str]:
        urls = self.strings(data, name, prefix)
        for index, url in enumerate(urls):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise self.fail(f"{prefix}.{name}[{index}]", f"{url!r} is not an http(s) URL")
        return urls

    def patterns(self, data: dict[str, Any], name: str, prefix: str) -> list[str]:
        patterns = self.strings(data, name, prefix)
        for index, pattern in enumerate(patterns):
            try:
                re.compile(pattern)
            except re.error as error:
                raise self.fail(
                    f"{prefix}.{name}[{index}]", f"invalid regular expression: {error}"
                ) from None
        return patterns

    def mapping(self, value: Any, key: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.fail(key, "expected a mapping of names to text")
        return {str(k): v for k, v in value.items()}

    def rule_pack(self, name: str, key: str) -> None:
        """A pack that does not exist is named here, at its line, rather than by the path
        omnicheck looked it up under."""
        if pack_path(name, self.path.parent).is_file():
            return
        shipped = ", ".join(sorted(p.stem for p in RULES_DIR.glob("*.yml")))
        raise self.fail(
            key,
            f"{name!r} is neither a shipped rule pack ({shipped}) nor a file "
            f"(a path ends in .yml or .yaml, relative to {self.path.name})",
        )

    def feed_fields(self, value: Any, key: str) -> dict[str, str]:
        """``{our field: their column}``; a misspelt field would drop that column unnoticed."""
        fields = self.mapping(value, key)
        self.unknown_keys(fields, set(FIELDS), key)
        return fields

    def selectors(self, value: Any, key: str) -> dict[str, str]:
        selectors = self.mapping(value, key)
        for name, selector in selectors.items():
            if name not in SELECTOR_KEYS:
                raise self.fail(
                    f"{key}.{name}",
                    f"unknown selector (expected one of {', '.join(SELECTOR_KEYS)})",
                )
            if not _valid_selector(selector):
                raise self.fail(
                    f"{key}.{name}", f"{selector!r} is not a valid CSS selector or XPath"
                )
        return selectors

    def market(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):  # YAML 1.1 reads an unquoted `no` (Norway) or `on` as a flag
            raise self.fail(key, f"got {value!r}; quote a market named like a flag: market: 'no'")
        if not isinstance(value, str) or not NAME.match(value):
            raise self.fail(key, f"expected a short name such as fi or se, got {value!r}")
        return value.lower()

    def days(self, value: Any, key: str) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"{value!r} is not a number of days such as 14")
        return value

    def currency(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not CURRENCY.match(value):
            raise self.fail(key, f"{value!r} is not an ISO 4217 code such as EUR or SEK")
        return value

    def share(self, value: Any, key: str) -> float | None:
        """A share such as 0.9 (or 90%): more than 0, at most 1."""
        if value is None:
            return None
        number = value
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                number = float(value.strip()[:-1]) / 100
            except ValueError:
                number = None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 < number <= 1:
            raise self.fail(
                key, f"{value!r} is not a share of pages between 0 and 1, e.g. 0.9 or 90%"
            )
        return float(number)

    def locale(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not LOCALE.match(value):
            raise self.fail(key, f"{value!r} is not a locale such as fi_FI, sv_SE or en_GB")
        return value


def _valid_selector(selector: str) -> bool:
    try:
        if selector.lstrip().startswith(("/", "(", "./")):
            lxml.etree.XPath(selector)
        else:
            cssselect.GenericTranslator().css_to_xpath(selector)
    except (cssselect.SelectorError, lxml.etree.XPathError):
        return False
    return True


def _type(value: Any) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
        bool: "true/false",
    }.get(type(value), type(value).__name__)
