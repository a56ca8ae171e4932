"""The results database's tables of stock per store and of the touchpoint matrix, as methods of
the ``Store`` (``crawler.store.database``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from crawler.store.rows import as_decimal, insert_sql


class StockTables:
    """Reading stock per store, and writing and reading a checked run's touchpoint matrix."""

    db: sqlite_utils.Database

    def store_stock(self, run_id: int) -> list[dict[str, Any]]:
        """Stock per store as the run's pages and local-inventory feeds state it."""
        rows = self.db.query("SELECT * FROM store_stock WHERE run_id = ? ORDER BY id", [run_id])
        return [{**row, "price": as_decimal(row["price"])} for row in rows]

    def offer_products(self, run_id: int) -> list[dict[str, Any]]:
        """Each linked offer's channel, URL, feed id and identifiers, with its product's key:
        what store stock rows are joined to their product by."""
        return list(
            self.db.query(
                "SELECT o.channel, o.url, o.item_id, o.name, o.sku, o.gtin, l.product"
                " FROM offers o JOIN links l ON l.offer_id = o.id AND l.run_id = o.run_id"
                " WHERE o.run_id = ?",
                [run_id],
            )
        )

    def unmatched_stock(self, run_id: int) -> dict[str, int]:
        """Store stock rows per channel that name no one linked product (a local-inventory id
        the feed lacks, a page whose product was not linked): their stock was not checked."""
        rows = self.db.execute(
            "SELECT s.channel, COUNT(*) FROM store_stock s WHERE s.run_id = ? AND ("
            " SELECT COUNT(DISTINCT l.product) FROM offers o"
            " JOIN links l ON l.offer_id = o.id AND l.run_id = o.run_id"
            " WHERE o.run_id = s.run_id AND o.channel = s.channel AND CASE"
            " WHEN s.item_id IS NOT NULL THEN o.item_id = s.item_id ELSE o.url = s.url END) != 1"
            " GROUP BY s.channel",
            [run_id],
        )
        return {channel: count for channel, count in rows.fetchall()}

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
