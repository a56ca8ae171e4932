"""Which pages belong to a channel: the folders its start URLs and sitemaps name.

A retailer often serves two channels from one host (``/webshop/`` and ``/website/``) and links
between them in every footer. Scrapy's ``allowed_domains`` keeps a crawl on its hosts; this does
the same for paths. A seed URL's folder is its path up to the last ``/`` (as a relative link and
the sitemaps protocol read it): ``https://shop.example/webshop/`` and
``https://shop.example/webshop/index.html`` scope a channel to ``/webshop/``, while
``https://shop.example/webshop`` names the whole host. A channel with ``allow:`` patterns follows
exactly those instead; ``deny:`` patterns always hold.

When one channel's folder lies inside another's (a webshop at ``/``, a website at ``/website/``),
the narrower channel owns its pages: the wider one leaves them to it. Two channels with the same
folder both read it; ``overlaps`` names every such pair so a person can separate them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Folder:
    """A host (with its subdomains) and a path prefix ending in ``/``."""

    host: str
    port: int | None
    path: str

    @classmethod
    def of(cls, url: str) -> Folder | None:
        """The folder a seed URL names, or None for a URL without a host."""
        located = _location(url)
        if located is None:
            return None
        host, port, path = located
        return cls(host, port, path[: path.rfind("/") + 1] or "/")

    def holds(self, url: str) -> bool:
        located = _location(url)
        return located is not None and self._holds(*located)

    def contains(self, other: Folder) -> bool:
        """Whether every page of ``other`` is in this folder (equal folders contain each other)."""
        return self._holds(other.host, other.port, other.path)

    def _holds(self, host: str, port: int | None, path: str) -> bool:
        on_host = host == self.host or host.endswith(f".{self.host}")
        return on_host and port == self.port and path.startswith(self.path)

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.host}{port}{self.path}"


def _location(url: str) -> tuple[str, int | None, str] | None:
    """(host, port or None for the scheme's default, path) of a URL."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:  # a link with a port that is not a number
        return None
    if port == DEFAULT_PORTS.get(parts.scheme):
        port = None
    return parts.hostname.lower(), port, parts.path or "/"


@dataclass
class Scope:
    """The pages one channel reads: its folders, or its ``allow:`` patterns; never ``deny:``."""

    folders: list[Folder]
    allow: list[re.Pattern[str]] = field(default_factory=list)
    deny: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def of_channel(cls, channel: Mapping[str, Any]) -> Scope:
        """A channel's scope from its configuration (``start_urls``, ``sitemap_urls``,
        ``allow``, ``deny``)."""
        seeds = [*(channel.get("start_urls") or []), *(channel.get("sitemap_urls") or [])]
        folders = [folder for folder in map(Folder.of, seeds) if folder is not None]
        return cls(
            folders=list(dict.fromkeys(folders)),
            allow=[re.compile(pattern) for pattern in channel.get("allow") or []],
            deny=[re.compile(pattern) for pattern in channel.get("deny") or []],
        )

    def covers(self, url: str) -> bool:
        if any(pattern.search(url) for pattern in self.deny):
            return False
        if self.allow:
            return any(pattern.search(url) for pattern in self.allow)
        return any(folder.holds(url) for folder in self.folders)

    def add(self, url: str) -> None:
        """Widen the scope by a URL's folder (where a start URL redirected to)."""
        folder = Folder.of(url)
        if folder is not None and not any(known.contains(folder) for known in self.folders):
            self.folders.append(folder)

    def narrowest(self, url: str) -> Folder | None:
        """The most specific of this scope's folders that holds the URL."""
        holding = [folder for folder in self.folders if folder.holds(url)]
        return max(holding, key=_specificity, default=None)


def _specificity(folder: Folder) -> tuple[int, int]:
    return folder.host.count("."), len(folder.path)


def owner(url: str, own: Scope, others: Mapping[str, Scope]) -> str | None:
    """The other channel a URL is left to: one whose folder holding it lies strictly inside the
    folder by which this channel holds it, and which would read it itself. None when the URL is
    this channel's (a channel with ``allow:`` chose its pages itself and leaves none)."""
    mine = own.narrowest(url)
    if own.allow or mine is None:
        return None
    claims = []
    for name, scope in others.items():
        theirs = scope.narrowest(url)
        if theirs is not None and theirs != mine and mine.contains(theirs) and scope.covers(url):
            claims.append((_specificity(theirs), name))
    return max(claims)[1] if claims else None


@dataclass(frozen=True)
class Overlap:
    """Two channels whose folders overlap: the same folder, or one inside the other."""

    wider: str
    narrower: str
    wider_folder: Folder
    narrower_folder: Folder

    @property
    def same(self) -> bool:
        return self.wider_folder == self.narrower_folder

    @property
    def message(self) -> str:
        if self.same:
            return (
                f"channels {self.wider} and {self.narrower} both read {self.wider_folder}, so each"
                " reads the other's pages; give each a start URL in its own folder (ending in '/',"
                " e.g. .../webshop/ and .../website/) or allow:/deny: lists"
            )
        return (
            f"channel {self.wider} ({self.wider_folder}) contains channel {self.narrower}'s folder"
            f" {self.narrower_folder}: {self.wider} leaves the pages there to {self.narrower};"
            f" to separate them fully, start {self.wider} in its own folder (a start URL's folder"
            " ends at its last '/') or give it allow:/deny: lists"
        )


def overlaps(scopes: Mapping[str, Scope]) -> list[Overlap]:
    """Each pair of channels whose folders overlap, once, in configuration order. Channels with
    ``allow:`` patterns are left out: they chose their pages themselves."""
    named = [(name, scope) for name, scope in scopes.items() if not scope.allow]
    found = []
    for index, (first, first_scope) in enumerate(named):
        for second, second_scope in named[index + 1 :]:
            overlap = _overlap(first, first_scope.folders, second, second_scope.folders)
            if overlap is not None:
                found.append(overlap)
    return found


def _overlap(
    first: str, first_folders: Iterable[Folder], second: str, second_folders: Iterable[Folder]
) -> Overlap | None:
    pairs = [(a, b) for a in first_folders for b in second_folders]
    for a, b in pairs:
        if a == b:
            return Overlap(first, second, a, b)
    for a, b in pairs:
        if a.contains(b):
            return Overlap(first, second, a, b)
        if b.contains(a):
            return Overlap(second, first, b, a)
    return None
