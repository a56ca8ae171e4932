"""Local-inventory feeds (Merchant Center's format) and their stores files, read row by row."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from crawler.extraction.local_inventory import (
    InventoryOptions,
    Store,
    read_local_inventory,
    read_stores,
)

OPTIONS = InventoryOptions("merchant-feed", "https://shop.example/local.csv", "EUR", "fi_FI")
STORES = {"HKI": Store("HKI", "Retkiaitta Helsinki", "Helsinki")}


def rows(text: str, stores: dict[str, Store] | None = None) -> list:
    return list(read_local_inventory(io.BytesIO(text.encode()), OPTIONS, stores or STORES))


# one CSV row (store_code,id,availability,quantity,price) -> (status, quantity)
ROWS = [
    ("HKI,1003,in stock,6,79.90", ("in_stock", 6)),
    ("HKI,1003,in_stock,6,79.90", ("in_stock", 6)),
    ("HKI,1003,limited availability,1,79.90", ("in_stock", 1)),
    ("HKI,1003,out of stock,0,79.90", ("out_of_stock", 0)),
    ("HKI,1003,in stock,0,79.90", ("out_of_stock", 0)),  # Merchant Center: 0 is out of stock
    ("HKI,1003,,4,79.90", ("in_stock", 4)),
    ("HKI,1003,,0,", ("out_of_stock", 0)),
    ("HKI,1003,out of stock,,", ("out_of_stock", None)),
    ("HKI,1003,on display to order,1,79.90", ("unknown", 1)),  # shown, not to take home
    ("HKI,1003,on display to order,,79.90", ("unknown", None)),
    ("HKI,1003,not_in_assortment,0,", ("not_carried", 0)),
]


@pytest.mark.parametrize(("row", "expected"), ROWS)
def test_rows(row: str, expected: tuple) -> None:
    [stock] = rows(f"store_code,id,availability,quantity,price\n{row}\n")
    assert (stock.status, stock.quantity) == expected
    assert (stock.store, stock.item_id, stock.store_name, stock.city) == (
        "HKI",
        "1003",
        "Retkiaitta Helsinki",
        "Helsinki",
    )
    assert stock.source == "local-feed"


def test_prices_and_evidence_and_unknown_stores() -> None:
    text = "Store code;Item id;Availability;Quantity;Price\nTRE;1003;in stock;2;79,90 €\n"
    [stock] = rows(text)
    assert (stock.store, stock.store_name, stock.price, stock.currency) == (
        "TRE",
        None,
        Decimal("79.90"),
        "EUR",
    )
    assert (
        stock.evidence
        == "store: TRE, item_id: 1003, availability: in stock, quantity: 2, price: 79,90 €"
    )
    assert stock.url == "https://shop.example/local.csv#row-1"


def test_rows_without_what_they_need_are_counted() -> None:
    text = "store_code,id,availability,quantity\nHKI,,in stock,2\nHKI,1003,,\nHKI,1004,in stock,1\n"
    found = rows(text)
    assert found[:2] == ["row without store_code or id", "row without availability or quantity"]
    assert found[2].item_id == "1004"


def test_xml_and_json_lines() -> None:
    xml = (
        '<?xml version="1.0"?><rss xmlns:g="http://base.google.com/ns/1.0"><channel>'
        "<item><g:store_code>HKI</g:store_code><g:id>1003</g:id><g:availability>in_stock"
        "</g:availability><g:quantity>6</g:quantity></item>"
        "<item><g:store_code>TRE</g:store_code><g:id>1003</g:id><g:availability>out_of_stock"
        "</g:availability></item></channel></rss>"
    )
    assert [(s.store, s.status, s.quantity) for s in rows(xml)] == [
        ("HKI", "in_stock", 6),
        ("TRE", "out_of_stock", None),
    ]
    lines = '{"store_code": "HKI", "id": "1005", "quantity": 4}\n{"store_code": "TRE", "id": "1005", "quantity": 0}\n'
    assert [(s.store, s.status, s.quantity) for s in rows(lines)] == [
        ("HKI", "in_stock", 4),
        ("TRE", "out_of_stock", 0),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "store,availability\nHKI,in stock\n",
            "not a local-inventory feed: no id column (columns: availability, store)",
        ),
        (
            "id,title,price\n1003,Kantokassi,79.90\n",
            "not a local-inventory feed: no store_code column (columns: id, price, title)",
        ),
    ],
)
def test_a_file_that_is_no_local_inventory_feed_says_what_it_lacks(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        rows(text)


def test_stores_files() -> None:
    text = "Store code\tBusiness name\tLocality\tAddress line 1\nHKI\tRetkiaitta Helsinki\tHelsinki\tMannerheimintie 1\nTRE\tRetkiaitta Tampere\t\tHämeenkatu 2\n"
    stores = read_stores(io.BytesIO(text.encode()))
    assert stores == {
        "HKI": Store("HKI", "Retkiaitta Helsinki", "Helsinki"),
        "TRE": Store("TRE", "Retkiaitta Tampere", None),
    }
    with pytest.raises(ValueError, match="not a stores file: no store_code column"):
        read_stores(io.BytesIO(b"name,town\nRetkiaitta,Oulu\n"))
    with pytest.raises(ValueError, match="no stores in the stores file"):
        read_stores(io.BytesIO(b"store_code,name\n"))
