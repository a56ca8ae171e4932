"""Which offers on different channels are the same product.

Stages, strongest first, each recorded per offer with its method and score:

1. the override file: pairs a person joined (``override``) or kept apart (never joined after);
2. shared identifiers — GTIN, SKU, MPN, normalised (``gtin``, ``sku``, ``mpn``);
3. the same canonical URL (``url``);
4. names (``name`` with a score 0–100): rapidfuzz over folded names, only between channels,
   only within blocks of names that share a word and the same guards (measures, model numbers,
   qualifiers), only mutual best matches at or above the threshold, and never when a second
   candidate scores nearly as well; a name that found no candidate is tried again with its
   unknown words read as typos of the one word one letter off (``typos``).

A join is refused when it would put two GTINs, two brands or two offers of one channel (by name)
into one product, so one wrong identifier or look-alike name cannot chain products together.

The offers are read once (``columns``), from a list or streamed from the store; identifier
joins and product keys are SQL over a scratch database, names are scored block by block
(``blocks``, ``matching``), and the result is each offer's product key, method and score.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.linking.columns import JOINED, Columns, Scratch, read_offers
from checker.linking.groups import Groups, Link
from checker.linking.matching import join_names
from checker.linking.overrides import Overrides

DEFAULT_THRESHOLD = 88.0
ALONE: Link = ("alone", None)
KEYS = """
CREATE TABLE roots (item INTEGER PRIMARY KEY, root INTEGER NOT NULL);
CREATE TABLE product_keys (root INTEGER PRIMARY KEY, key TEXT NOT NULL);
"""
# A product's key stays the same across runs while the product does (fingerprints use it):
# its smallest GTIN, else SKU, else MPN, else name as the linker reads it, else its first URL.
PRODUCT_KEYS = """
INSERT INTO product_keys
SELECT r.root, COALESCE(
    'gtin:' || MIN(i.gtin), 'sku:' || MIN(i.sku), 'mpn:' || MIN(i.mpn), 'name:' || MIN(i.name),
    'url:' || (SELECT url FROM items WHERE item = r.root))
FROM roots r JOIN items i USING (item) GROUP BY r.root
"""


@dataclass
class Product:
    """Offers of one product across channels, and how each was linked."""

    key: str
    offers: list[dict[str, Any]] = field(default_factory=list)
    methods: dict[int, Link] = field(default_factory=dict)
    # The id of its first offer, for a product read back from a stored run's links.
    group: int | None = field(default=None, compare=False)

    @property
    def channels(self) -> set[str]:
        return {offer["channel"] for offer in self.offers}

    def link_of(self, offer: dict[str, Any]) -> dict[str, Any]:
        method, score = self.methods.get(offer["id"], ALONE)
        return {"method": method, "score": score}

    def links_by_channel(self) -> dict[str, dict[str, Any]]:
        """How the product's offer on each channel was linked (first offer of a channel)."""
        links: dict[str, dict[str, Any]] = {}
        for offer in self.offers:
            links.setdefault(offer["channel"], self.link_of(offer))
        return dict(sorted(links.items()))


@dataclass
class Linking:
    """The offers' groups; ``links`` gives each offer's product key and link."""

    columns: Columns
    groups: Groups
    scratch: Scratch

    def links(self) -> Iterator[tuple[int, int, str, Link]]:
        """(item, its group's first item, product key, link) of every offer, in offer order."""
        db = self.scratch.db
        db.executescript(KEYS)
        roots = self.groups.roots()
        db.executemany("INSERT INTO roots VALUES (?, ?)", enumerate(roots.tolist()))
        db.execute(PRODUCT_KEYS)
        rows = db.execute(
            "SELECT r.item, r.root, k.key FROM roots r JOIN product_keys k USING (root)"
            " ORDER BY r.item"
        )
        for item, root, key in rows:
            yield item, root, key, self.groups.link(item)

    def close(self) -> None:
        self.scratch.close()


def link(
    offers: Iterable[dict[str, Any]],
    channels: Iterable[str],
    brands: Iterable[str],
    threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
    folder: Path | None = None,
) -> Linking:
    """Group offers (rows with id, channel, name, brand, gtin, sku, mpn, url, canonical_url;
    earlier offers win ties); ``channels`` and ``brands`` are all the offers have.
    The caller closes the result (its scratch database lives in ``folder``)."""
    scratch = Scratch(folder)
    try:
        with _no_cycle_collection():
            matcher = overrides.matcher() if overrides is not None else None
            columns = read_offers(offers, list(channels), brands, scratch, matcher)
            channel = columns.channel.tolist()
            groups = Groups(columns.gtin, columns.brand, channel, columns.brands)
            if overrides is not None and matcher is not None:
                overrides.apply(matcher, groups)
            _join_identifiers(groups, scratch)
            join_names(groups, columns, threshold)
    except BaseException:
        scratch.close()
        raise
    return Linking(columns, groups, scratch)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector would rescan every object the caller holds (a list of a
    million offers) again and again while linking allocates; linking makes no cycles."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _join_identifiers(groups: Groups, scratch: Scratch) -> None:
    """Join offers that share an identifier, kind by kind, each to the first offer with it."""
    for kind, method in enumerate(JOINED):
        rows = scratch.db.execute(
            "SELECT i.item, f.first FROM identifiers i JOIN ("
            "  SELECT value, MIN(item) AS first FROM identifiers WHERE kind = ?"
            "  GROUP BY value HAVING COUNT(*) > 1"
            ") f ON f.value = i.value WHERE i.kind = ? AND i.item != f.first ORDER BY i.item",
            (kind, kind),
        )
        for item, first in rows:
            if not groups.conflict(first, item):
                groups.join(first, item, (method, None))


def link_offers(
    offers: list[dict[str, Any]],
    threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> list[Product]:
    """Group offers held in a list into products, sorted by key."""
    channels = {offer["channel"] for offer in offers}
    brands = {offer["brand"] for offer in offers if offer.get("brand")}
    members: dict[int, Product] = {}
    with _no_cycle_collection():
        linking = link(offers, channels, brands, threshold, overrides)
        try:
            for item, root, key, found in linking.links():
                product = members.get(root)
                if product is None:
                    product = members[root] = Product(key)
                offer = offers[item]
                product.offers.append(offer)
                product.methods[offer["id"]] = found
        finally:
            linking.close()
    return sorted(members.values(), key=lambda product: product.key)


__all__ = ["ALONE", "DEFAULT_THRESHOLD", "Link", "Linking", "Product", "link", "link_offers"]
