"""Stock per store joined to the linked products, each store's word merged across sources.

A page's store rows belong to the product its page offers (on a page of several offers, the one
with the row's SKU, GTIN or name); a local-inventory row belongs to the product whose row in the
same channel's feed has its ``id``. A row whose product is not found is counted per channel and
reported, never dropped in silence.

One store is one store across sources when their codes agree, or when a page's store name is a
stores file's name or city, or all its words are ("Helsinki Kamppi" = "Retkiaitta Kamppi" in
Helsinki), as long as one store fits. Per product and store, the sources' words are merged:
in stock in one and out of stock in another is a disagreement (``unknown``: counted for neither
side); "not sold in this store" wins over a count of 0, which is what a full stock table shows
for every product a store never carries.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

WORD = re.compile(r"[^\W_]+")


def store_words(text: str | None) -> tuple[str, ...]:
    """A store's name or code as words to compare: lower case, punctuation out."""
    return tuple(WORD.findall((text or "").casefold()))


@dataclass(frozen=True, slots=True)
class StockRow:
    """What one source says of one store's stock of one product (the few fields the rules and
    findings read: a check can hold millions)."""

    channel: str
    url: str
    status: str
    quantity: int | None
    evidence: str


@dataclass(slots=True)
class StoreState:
    """One store's stock of one product: the merged status, the count, the rows read, and the
    words of the store's codes, names and city (what a rule's list of stores is matched to)."""

    key: str
    label: str
    status: str = "unknown"
    quantity: int | None = None
    rows: list[StockRow] = field(default_factory=list)
    words: frozenset[str] = frozenset()

    @property
    def channels(self) -> set[str]:
        return {row.channel for row in self.rows}


@dataclass
class StockIndex:
    """Stock per store of each linked product (by product key), and the rows that named no
    product, counted per channel."""

    products: dict[str, dict[str, StoreState]] = field(default_factory=dict)
    unmatched: Counter[str] = field(default_factory=Counter)

    def stores(self, product_key: str) -> dict[str, StoreState]:
        return self.products.get(product_key, {})


class StoreDirectory:
    """The stores the sources name with a code (a stores file, a schema.org ``branchCode``),
    to find the store a page's name means. ``stores`` are the distinct (store, store_name,
    city) the rows give."""

    def __init__(self, stores: Iterable[dict[str, Any]]) -> None:
        self.labels: dict[str, str] = {}
        self.names: dict[tuple[str, ...], set[str]] = defaultdict(set)
        self.words: dict[str, set[str]] = {}
        for row in stores:
            if not (row.get("store_name") or row.get("city")):
                continue
            code = " ".join(store_words(row["store"]))
            self.labels.setdefault(code, _label(row))
            words: set[str] = set()
            for text in (row["store"], row.get("store_name"), row.get("city")):
                if store_words(text):
                    self.names[store_words(text)].add(code)
                    words |= set(store_words(text))
            self.words.setdefault(code, set()).update(words)

    def key(self, store: str) -> str:
        """The code of the store ``store`` names, else its own words."""
        words = store_words(store)
        exact = self.names.get(words, set())
        if len(exact) == 1:
            return next(iter(exact))
        within = [code for code, known in self.words.items() if words and set(words) <= known]
        return within[0] if len(within) == 1 else " ".join(words)


def _label(row: dict[str, Any]) -> str:
    name = row.get("store_name") or row["store"]
    city = row.get("city")
    return f"{name} ({city})" if city and city.casefold() not in name.casefold() else name


def join_stock(
    rows: Iterable[dict[str, Any]], stores: Iterable[dict[str, Any]], offers: list[dict[str, Any]]
) -> StockIndex:
    """Join store stock ``rows`` (``Store.store_stock``, read one at a time) to products through
    the linked ``offers`` (``Store.offer_products``: channel, url, item_id, sku, gtin, name,
    product); ``stores`` are the distinct stores the rows name (``Store.stock_stores``)."""
    by_item: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_url: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for offer in offers:
        if offer.get("item_id"):
            by_item[(offer["channel"], offer["item_id"])].add(offer["product"])
        by_url[(offer["channel"], offer["url"])].append(offer)
    directory = StoreDirectory(stores)
    keys: dict[str, str] = {}
    words: dict[tuple[Any, ...], frozenset[str]] = {}
    shared: dict[str, str] = {}  # one copy of the texts millions of rows repeat
    index = StockIndex()
    for row in rows:
        product = _product(row, by_item, by_url)
        if product is None:
            index.unmatched[row["channel"]] += 1
            continue
        key = keys.get(row["store"]) or keys.setdefault(row["store"], directory.key(row["store"]))
        states = index.products.setdefault(product, {})
        state = states.get(key)
        if state is None:
            named = (row["store"], row.get("store_name"), row.get("city"))
            if named not in words:
                words[named] = frozenset(word for text in named for word in store_words(text))
            label = directory.labels.get(key, row["store"])
            state = states[key] = StoreState(key, label, words=words[named])
        channel, url, status = (
            shared.setdefault(row[k], row[k]) for k in ("channel", "url", "status")
        )
        state.rows.append(StockRow(channel, url, status, row["quantity"], row["evidence"]))
    for states in index.products.values():
        for state in states.values():
            _merge(state)
    return index


def _product(
    row: dict[str, Any],
    by_item: dict[tuple[str, str], set[str]],
    by_url: dict[tuple[str, str], list[dict[str, Any]]],
) -> str | None:
    if row.get("item_id"):
        found = by_item.get((row["channel"], row["item_id"]), set())
        return next(iter(found)) if len(found) == 1 else None
    candidates = by_url.get((row["channel"], row["url"]), [])
    if len({offer["product"] for offer in candidates}) > 1:
        candidates = [
            offer
            for offer in candidates
            if any(row.get(key) and offer.get(key) == row[key] for key in ("sku", "gtin", "name"))
        ]
    products = {offer["product"] for offer in candidates}
    return next(iter(products)) if len(products) == 1 else None


def _merge(state: StoreState) -> None:
    statuses = {row.status for row in state.rows}
    if {"in_stock", "out_of_stock"} <= statuses:
        state.status = "unknown"  # the sources disagree: neither side is counted
    elif "in_stock" in statuses:
        state.status = "in_stock"
    elif "not_carried" in statuses:
        state.status = "not_carried"
    elif "out_of_stock" in statuses:
        state.status = "out_of_stock"
    counts = [row.quantity for row in state.rows if row.quantity is not None]
    if counts and state.status in ("in_stock", "out_of_stock"):
        state.quantity = max(counts)


def stores_for(
    index: StockIndex,
    product_key: str,
    channels: list[str] | None,
    same_market: Callable[[str], bool],
) -> list[StoreState]:
    """A product's stores as the stock ``channels`` state them (all when None) that are of the
    market ``same_market`` accepts, merged again from those channels' rows alone."""

    def counts(channel: str) -> bool:
        return (not channels or channel in channels) and same_market(channel)

    chosen = []
    for state in index.stores(product_key).values():
        rows = [row for row in state.rows if counts(row.channel)]
        if rows:
            kept = StoreState(state.key, state.label, rows=rows, words=state.words)
            _merge(kept)
            chosen.append(kept)
    return sorted(chosen, key=lambda state: state.label.casefold())


def stock_by_channel(stores: list[StoreState], value: str) -> dict[str, dict[str, Any]]:
    """What each channel that states the stores' stock says, as a finding's channel entry:
    ``value`` in the words of the finding, each store's status and count, the rows read."""
    channels: dict[str, dict[str, Any]] = {}
    for state in stores:
        for name in sorted(state.channels):
            rows = [row for row in state.rows if row.channel == name]
            entry = channels.setdefault(
                name, {"url": rows[0].url, "value": value, "stores": [], "evidence": ""}
            )
            entry["stores"].append(
                {"store": state.label, "status": state.status, "quantity": state.quantity}
            )
    for entry in channels.values():
        entry["evidence"] = "; ".join(_said(store) for store in entry["stores"])
        entry["url"] = entry["url"].split("#row-")[0]
    return channels


def _said(store: dict[str, Any]) -> str:
    count = f" ({store['quantity']})" if store["quantity"] is not None else ""
    return f"{store['store']}: {store['status'].replace('_', ' ')}{count}"
