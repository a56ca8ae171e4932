"""A stored run's linked products, read back from the store a block at a time.

``link_run`` links a run's offers (streamed from the store, see ``linker``) and stores each
offer's product key, group, method and score in ``links``. ``StoredProducts`` then reads the
products again in key order whenever a rule walks them, so no pass holds more than one block of
products: a million-product run is checked in the memory of a small one. Products that a social
post names are the exception: they carry their post's offer (``mentions``), so the same objects
are kept and handed out on every pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from checker.linking.linker import DEFAULT_THRESHOLD, Link, Product, link
from checker.linking.overrides import Overrides
from crawler.store import Store

BLOCK = 2_000  # products read at a time
KEYS_A_QUERY = 500  # product keys named in one query (SQLite allows 32 766 parameters)


class StoredProducts:
    """The products of a linked run, in key order, read afresh on each pass."""

    def __init__(self, store: Store, run_id: int, block: int | None = None) -> None:
        self.store, self.run_id, self.block = store, run_id, block or BLOCK
        self.kept: dict[int, Product] = {}  # by group: products to hand out as they are
        self._recent: dict[str, Product] = {}  # the last block read, by key

    def keep(self, products: Iterable[Product]) -> None:
        """Hand out these very objects on later passes (they carry what was added to them)."""
        for product in products:
            if product.group is not None:
                self.kept[product.group] = product

    def __iter__(self) -> Iterator[Product]:
        for block in self.blocks():
            self._recent = {product.key: product for product in block}
            yield from block

    def blocks(self) -> Iterator[list[Product]]:
        """The products a block at a time."""
        return self._blocks(self.store.linked_offers(self.run_id))

    def find(self, key: str) -> Product | None:
        """The product with this key (of several with one key, the last, as a dict of all
        products by key would give it)."""
        found = self._recent.get(key)
        if found is not None:
            return found
        products = [p for block in self._blocks(self.store.linked_offers(self.run_id, key))
                    for p in block]  # fmt: skip
        return products[-1] if products else None

    def with_keys(self, keys: Iterable[str]) -> Iterator[Product]:
        """The products of these keys, in the order a walk gives them: a few rows of a report
        without reading the whole run again."""
        ordered = sorted(set(keys))  # code point order is SQLite's order of UTF-8 text
        for start in range(0, len(ordered), KEYS_A_QUERY):
            rows = self.store.linked_offers(
                self.run_id, products=ordered[start : start + KEYS_A_QUERY]
            )
            for block in self._blocks(rows):
                yield from block

    def _blocks(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[list[Product]]:
        """Products built from rows in key and group order; a block never ends between two
        products of one key, so ``find`` sees the last of them."""
        block: list[Product] = []
        last_key, last_group = None, None
        offers: list[dict[str, Any]] = []
        methods: dict[int, Link] = {}
        stored = dict.__getitem__  # OfferRow decodes JSON on []: the id needs none
        for offer, key, group, method, score in rows:
            if group != last_group or key != last_key:
                if len(block) >= self.block and key != last_key:
                    yield self._hand_out(block)
                    block = []
                offers, methods = [], {}
                block.append(Product(key, offers, methods, group))
                last_key, last_group = key, group
            offers.append(offer)
            methods[stored(offer, "id")] = (method, score)
        if block:
            yield self._hand_out(block)

    def _hand_out(self, block: list[Product]) -> list[Product]:
        if not self.kept:
            return block
        return [self.kept.get(p.group, p) if p.group is not None else p for p in block]


def link_run(
    store: Store,
    run_id: int,
    threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> StoredProducts:
    """Link a stored run's offers into products and store how each offer was linked."""
    linking = link(
        store.link_inputs(run_id),
        store.offer_channels(run_id),
        store.offer_brands(run_id),
        threshold,
        overrides,
        folder=Path(store.path).parent,
    )
    offer_ids = linking.columns.offer_id
    try:
        store.save_links(
            run_id,
            (
                (int(offer_ids[item]), key, method, score, int(offer_ids[root]))
                for item, root, key, (method, score) in linking.links()
            ),
        )
    finally:
        linking.close()
    return StoredProducts(store, run_id)
