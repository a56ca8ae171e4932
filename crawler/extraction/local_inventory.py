"""Stock per store from a local-inventory feed (Google Merchant Center's format) and its stores
file.

A local-inventory feed has one row per store and product: ``store_code``, ``id`` (the product's
``id`` in the channel's primary feed), ``availability`` (``in stock``, ``limited
availability``, ``on display to order``, ``out of stock``), ``quantity`` and ``price``, in CSV,
TSV, XML or JSON Lines (read as product feeds are: ``crawler.extraction.product_feeds``). The
stores file names each code: ``store_code, name, city``. Column names are compared as product
feeds' are ("Store code" = ``store_code``), with the usual other names of each column.

A count of 0 is out of stock; a row whose words and count disagree ("in stock", 0) says out of
stock, as Merchant Center reads it. A row that gives neither is skipped and counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from crawler.extraction.prices import parse_price
from crawler.extraction.product_feeds import read_rows
from crawler.items import StoreStock

# Our name of each column, and the names feeds and store exports give it.
STOCK_COLUMNS = {
    "store": ("store_code", "store_id", "storecode", "store", "location_code", "business_code"),
    "item_id": ("id", "item_id", "offer_id", "product_id", "itemid"),
    "availability": ("availability", "in_store_availability", "local_availability", "status"),
    "quantity": ("quantity", "qty", "stock", "stock_level", "inventory", "stock_quantity"),
    "price": ("price", "store_price", "local_price"),
}
STORE_COLUMNS = {
    "store": ("store_code", "store_id", "storecode", "code", "location_code", "id"),
    "name": ("name", "store_name", "business_name", "location_name", "title"),
    "city": ("city", "locality", "town", "postal_town", "municipality"),
}
AVAILABILITY = {
    "in_stock": "in_stock",
    "instock": "in_stock",
    "limited_availability": "in_stock",
    "limited": "in_stock",
    "out_of_stock": "out_of_stock",
    "outofstock": "out_of_stock",
    "sold_out": "out_of_stock",
    "not_carried": "not_carried",
    "not_in_assortment": "not_carried",
    "on_display_to_order": "unknown",
}
SNIPPET = 160


@dataclass(frozen=True)
class Store:
    """A store as the stores file names it."""

    code: str
    name: str | None
    city: str | None


@dataclass(frozen=True)
class InventoryOptions:
    channel: str
    url: str
    currency: str | None = None
    locale: str | None = None


def read_stores(stream: IO[bytes]) -> dict[str, Store]:
    """The stores file as {code: Store}; ValueError naming what is wrong with it."""
    stores: dict[str, Store] = {}
    for number, row in enumerate(read_rows(stream), 1):
        if isinstance(row, str):
            continue  # a row that could not be read names no store
        required = ("store",) if number == 1 else ()
        columns = _columns(row, STORE_COLUMNS, required, "stores file")
        code = row.get(columns.get("store", ""), "").strip()
        if code:
            name, city = (row.get(columns.get(key, ""), "").strip() for key in ("name", "city"))
            stores[code] = Store(code, name or None, city or None)
    if not stores:
        raise ValueError("no stores in the stores file (expected columns store_code, name, city)")
    return stores


def read_local_inventory(
    stream: IO[bytes], options: InventoryOptions, stores: dict[str, Store]
) -> Iterator[StoreStock | str]:
    """Each row's stock in its store, or the reason the row was skipped; ValueError when the
    file is no local-inventory feed (a column it needs is missing)."""
    for number, row in enumerate(read_rows(stream), 1):
        if isinstance(row, str):
            yield row  # why the row could not be read
            continue
        # XML and JSON rows hold only the fields they have: their columns are found row by row.
        required = ("store", "item_id") if number == 1 else ()
        columns = _columns(row, STOCK_COLUMNS, required, "local-inventory feed")
        yield _row_stock(row, columns, number, options, stores)


def _row_stock(
    row: dict[str, str],
    columns: dict[str, str],
    number: int,
    options: InventoryOptions,
    stores: dict[str, Store],
) -> StoreStock | str:
    value = {key: row.get(column, "").strip() for key, column in columns.items()}
    if not value.get("store") or not value.get("item_id"):
        return "row without store_code or id"
    said = value.get("availability", "")
    status = AVAILABILITY.get("_".join(said.lower().replace("-", " ").split()), "unknown")
    quantity = _count(value.get("quantity", ""))
    if quantity is not None and quantity <= 0 and status != "not_carried":
        status, quantity = "out_of_stock", 0
    elif quantity is not None and status == "unknown" and not said:
        status = "in_stock"
    if status == "unknown" and not said and quantity is None:
        return "row without availability or quantity"
    store = stores.get(value["store"])
    money = parse_price(value.get("price") or None, options.currency, options.locale)
    evidence = ", ".join(f"{key}: {text}" for key, text in value.items() if text)
    return StoreStock(
        channel=options.channel,
        url=f"{options.url}#row-{number}",
        store=value["store"],
        status=status,
        source="local-feed",
        evidence=evidence[:SNIPPET],
        store_name=store.name if store else None,
        city=store.city if store else None,
        quantity=quantity,
        item_id=value["item_id"],
        price=money.amount if money else None,
        currency=money.currency if money else None,
    )


def _columns(
    row: dict[str, str], known: dict[str, tuple[str, ...]], required: tuple[str, ...], what: str
) -> dict[str, str]:
    """Our name of each column → the row's key for it; ValueError when a required one lacks."""
    columns = {
        ours: next(name for name in names if name in row)
        for ours, names in known.items()
        if any(name in row for name in names)
    }
    missing = [ours for ours in required if ours not in columns]
    if missing:
        expected = " and ".join(known[ours][0] for ours in missing)
        have = ", ".join(sorted(row)) or "none"
        raise ValueError(f"not a {what}: no {expected} column (columns: {have})"[:200])
    return columns


def _count(text: str) -> int | None:
    try:
        return int(float(text.replace(",", ".").replace(" ", "")))
    except ValueError:
        return None
