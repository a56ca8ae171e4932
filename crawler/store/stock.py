"""The results database's tables of stock per store and of the touchpoint matrix, as methods of
the ``Store`` (``crawler.store.database``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlite_utils

from crawler.store.rows import insert_sql


class StockTables:
    """Reading stock per store, and writing and reading a checked run's touchpoint matrix."""

    db: sqlite_utils.Database

    def store_stock(self, run_id: int) -> Iterator[dict[str, Any]]:
        """Stock per store as the run's pages and local-inventory feeds state it, one row at a
        time (a local-inventory feed holds a row per product and store)."""
        yield from self.db.query(
            "SELECT channel, url, store, store_name, city, status, quantity, item_id, name, sku,"
            " gtin, evidence FROM store_stock WHERE run_id = ? ORDER BY id",
            [run_id],
        )

    def stock_stores(self, run_id: int) -> list[dict[str, Any]]:
        """The distinct stores the run's stock rows name, with the names and cities given."""
        return list(
            self.db.query(
                "SELECT DISTINCT store, store_name, city FROM store_stock WHERE run_id = ?",
                [run_id],
            )
        )

    def offer_products(self, run_id: int) -> list[dict[str, Any]]:
        """The channel, URL, feed id and identifiers of each linked offer that a store stock row
        names (by its feed id or its page), with its product's key: what the rows are joined to
        their product by. Only those: a million offers without stock rows are not read."""
        return list(
            self.db.query(
                "SELECT o.channel, o.url, o.item_id, o.name, o.sku, o.gtin, l.product"
                " FROM offers o JOIN links l ON l.offer_id = o.id AND l.run_id = o.run_id"
                " WHERE o.run_id = ? AND ((o.channel, o.item_id) IN"
                " (SELECT channel, item_id FROM store_stock WHERE run_id = ?)"
                " OR (o.channel, o.url) IN"
                " (SELECT channel, url FROM store_stock WHERE run_id = ?))",
                [run_id, run_id, run_id],
            )
        )

    def unmatched_stock(self, run_id: int) -> dict[str, int]:
        """Store stock rows per channel that name no one linked product (a local-inventory id
        the feed lacks, a page whose product was not linked): their stock was not checked."""
        counted: dict[str, int] = {}
        # a feed's rows name their product by its id, a page's by the page
        for key, own in (("item_id", "s.item_id IS NOT NULL"), ("url", "s.item_id IS NULL")):
            rows = self.db.execute(
                f"SELECT s.channel, COUNT(*) FROM store_stock s LEFT JOIN ("
                f" SELECT o.channel, o.{key} AS named, COUNT(DISTINCT l.product) AS products"
                " FROM offers o JOIN links l ON l.offer_id = o.id AND l.run_id = o.run_id"
                f" WHERE o.run_id = ? AND o.{key} IS NOT NULL GROUP BY o.channel, o.{key}"
                f") m ON m.channel = s.channel AND m.named = s.{key}"
                f" WHERE s.run_id = ? AND {own} AND COALESCE(m.products, 0) != 1"
                " GROUP BY s.channel",
                [run_id, run_id],
            )
            for channel, count in rows.fetchall():
                counted[channel] = counted.get(channel, 0) + count
        return counted

    def save_touchpoints(self, run_id: int, cells: Iterable[dict[str, Any]]) -> None:
        """Replace the run's touchpoint matrix (one row per subject and channel)."""
        columns = [c.name for c in self.db["touchpoints"].columns if c.name != "run_id"]
        row = dict.fromkeys(["run_id", *columns])
        with self.db.conn:
            self.db.conn.execute("DELETE FROM touchpoints WHERE run_id = ?", (run_id,))
            self.db.conn.executemany(
                insert_sql("touchpoints", row),
                [(run_id, *(cell.get(name) for name in columns)) for cell in cells],
            )

    def touchpoints(self, run_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT * FROM touchpoints WHERE run_id = ? ORDER BY position, rowid", [run_id]
            )
        )
