"""The results database: one SQLite file (sqlite-utils) holding every run and what it found.

Each stage reads what the previous one stored: the crawl writes ``pages``, ``offers``,
``claims``, ``attributes`` and social ``posts`` tagged with a run id; linking writes ``links``;
the rules write ``findings``. So any stage can run again on its own on a stored run. Money is
stored as text, never as a float.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.failures import LIMITS, NOT_FAILURES
from crawler.items import Offer, PageVisit, Post, ProductAttribute, ServiceClaim, StoreStock
from crawler.store.errors import StoreError, translated
from crawler.store.rows import (
    as_decimal,
    attribute_row,
    claim_row,
    decode_offer,
    dumps,
    insert_sql,
    json_default,
    offer_row,
    page_row,
    stock_row,
)
from crawler.store.runs import Runs
from crawler.store.schema import migrate
from crawler.store.stock import StockTables

_LIMITS = ", ".join(f"'{category}'" for category in LIMITS)
# A page a crawl limit dropped counts once, and not at all when its URL was asked for after all
# (met again nearer the start, see crawler/limits.py): the first row of its URL, and no row of
# another category for it.
COUNTED = f"""(COALESCE(p.category, '') NOT IN ({_LIMITS}) OR NOT EXISTS (
    SELECT 1 FROM pages q WHERE q.run_id = p.run_id AND q.channel = p.channel AND q.url = p.url
    AND q.id != p.id AND (q.id < p.id OR COALESCE(q.category, '') NOT IN ({_LIMITS}))))"""
# What linking reads of an offer.
LINK_COLUMNS = ("id", "channel", "url", "name", "brand", "gtin", "sku", "mpn", "canonical_url")


class Store(Runs, StockTables):
    """A results database. Writes happen in transactions; a run is complete only when marked so.

    A write that fails for a reason outside the program (disk full, read-only, locked longer
    than ``timeout`` seconds, a value too big) raises ``StorageError``.
    """

    def __init__(self, path: str | Path, create: bool = True, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `omnicheck crawl` first)")
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            with translated(self.path):
                self.db.conn.execute("PRAGMA journal_mode = WAL")
                migrate(self.db)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not an omnicheck database ({error})") from error

    def close(self) -> None:
        self.db.conn.close()

    # -- crawl items ----------------------------------------------------------------------

    def add_items(self, run_id: int, items: Iterable[Any]) -> None:
        """Write a batch of crawl items in one transaction."""
        pages, offers, claims, attributes, posts, stock = [], [], [], [], [], []
        for item in items:
            if isinstance(item, Offer):
                offers.append(offer_row(run_id, item))
            elif isinstance(item, Post):
                posts.append({"run_id": run_id, **asdict(item)})
            elif isinstance(item, ServiceClaim):
                claims.append(claim_row(run_id, item))
            elif isinstance(item, ProductAttribute):
                attributes.append(attribute_row(run_id, item))
            elif isinstance(item, PageVisit):
                pages.append(page_row(run_id, item))
            elif isinstance(item, StoreStock):
                stock.append(stock_row(run_id, item))
        with self.writing():
            if stock:
                self.db.conn.executemany(
                    insert_sql("store_stock", stock[0]), [tuple(s.values()) for s in stock]
                )
            if pages:
                self.db.conn.executemany(
                    insert_sql("pages", pages[0]), [tuple(p.values()) for p in pages]
                )
            if offers:
                self.db.conn.executemany(
                    insert_sql("offers", offers[0]), [tuple(o.values()) for o in offers]
                )
            if posts:
                self.db.conn.executemany(
                    insert_sql("posts", posts[0]), [tuple(p.values()) for p in posts]
                )
            if claims:
                self.db.conn.executemany(
                    insert_sql("claims", claims[0])
                    + " ON CONFLICT(id) DO UPDATE SET pages = pages + 1",
                    [tuple(c.values()) for c in claims],
                )
            if attributes:
                self.db.conn.executemany(
                    insert_sql("attributes", attributes[0]) + " ON CONFLICT(id) DO NOTHING",
                    [tuple(a.values()) for a in attributes],
                )

    def update_channel_counts(self, run_id: int) -> None:
        """Per-channel pages, failures, offers and claims, counted from what was stored.

        Pages not fetched on purpose (robots.txt, offsite, 404) are ``excluded``, not ``failed``;
        pages a crawl limit dropped are ``failed`` (planned, not fetched), each URL once.
        """
        excluded = ", ".join(f"'{category}'" for category in NOT_FAILURES)
        with self.writing():
            self.db.conn.execute(
                f"""UPDATE channels SET
                    pages = (SELECT COUNT(*) FROM pages p WHERE p.run_id = channels.run_id
                             AND p.channel = channels.channel AND p.ok),
                    failed = (SELECT COUNT(*) FROM pages p WHERE p.run_id = channels.run_id
                              AND p.channel = channels.channel AND NOT p.ok
                              AND COALESCE(p.category, '') NOT IN ({excluded}) AND {COUNTED}),
                    excluded = (SELECT COUNT(*) FROM pages p WHERE p.run_id = channels.run_id
                                AND p.channel = channels.channel AND NOT p.ok
                                AND p.category IN ({excluded})),
                    offers = (SELECT COUNT(*) FROM offers o WHERE o.run_id = channels.run_id
                              AND o.channel = channels.channel),
                    claims = (SELECT COUNT(*) FROM claims c WHERE c.run_id = channels.run_id
                              AND c.channel = channels.channel)
                WHERE run_id = ?""",
                (run_id,),
            )

    def set_channel_completeness(
        self, run_id: int, channel: str, complete: bool, note: str, **measures: Any
    ) -> None:
        """Judge a channel's crawl; ``measures`` are planned, pending, coverage, threshold and
        failures (category → count)."""
        values = {"complete": int(complete), "note": note, **measures}
        if isinstance(values.get("failures"), dict):
            values["failures"] = dumps(values["failures"])
        assignments = ", ".join(f"{name} = ?" for name in values)
        with self.writing():
            self.db.conn.execute(
                f"UPDATE channels SET {assignments} WHERE run_id = ? AND channel = ?",
                (*values.values(), run_id, channel),
            )

    def failed_pages(self, run_id: int) -> list[dict[str, Any]]:
        """Every page of the run that gave nothing: channel, url, category, reason, depth (a page
        a limit dropped once, and only when it was not asked for after all)."""
        return list(
            self.db.query(
                "SELECT channel, url, status, category, reason, depth FROM pages p"
                f" WHERE run_id = ? AND NOT ok AND {COUNTED} ORDER BY id",
                [run_id],
            )
        )

    def page_urls(self, run_id: int, channel: str) -> set[str]:
        """The URLs of a channel's stored pages (fetched or failed) in a run."""
        rows = self.db.execute(
            "SELECT url FROM pages WHERE run_id = ? AND channel = ?", [run_id, channel]
        )
        return {url for (url,) in rows.fetchall()}

    def drop_feed_offers(self, run_id: int, channel: str, feeds: Iterable[str]) -> None:
        """Forget the offers a feed's interrupted reading stored: it is read again whole."""
        with self.writing():
            self.db.conn.executemany(
                "DELETE FROM offers WHERE run_id = ? AND channel = ? AND feed = ?",
                [(run_id, channel, feed) for feed in feeds],
            )

    def pages_with(self, run_id: int, problem: str) -> dict[str, int]:
        """Per channel, the fetched pages whose ``skipped`` counts ``problem`` (script-built)."""
        rows = self.db.execute(
            "SELECT channel, COUNT(*) FROM pages p WHERE run_id = ? AND ok AND skipped IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM json_each(p.skipped) WHERE key = ?) GROUP BY channel",
            [run_id, problem],
        )
        return dict(rows.fetchall())

    def stored_pages(self, run_id: int) -> int:
        """Pages (fetched or failed) the run has stored."""
        rows = self.db.execute("SELECT COUNT(*) FROM pages WHERE run_id = ?", [run_id])
        return int(rows.fetchone()[0])

    def channels(self, run_id: int) -> list[dict[str, Any]]:
        return list(
            self.db.query("SELECT * FROM channels WHERE run_id = ? ORDER BY rowid", [run_id])
        )

    def offers(self, run_id: int) -> list[dict[str, Any]]:
        return [
            decode_offer(row)
            for row in self.db.query("SELECT * FROM offers WHERE run_id = ? ORDER BY id", [run_id])
        ]

    def link_inputs(self, run_id: int) -> Iterator[dict[str, Any]]:
        """What linking reads of each offer of a run, in the order of their ids, streamed."""
        cursor = self.db.conn.execute(
            f"SELECT {', '.join(LINK_COLUMNS)} FROM offers WHERE run_id = ? ORDER BY id",
            (run_id,),
        )
        for row in cursor:
            yield dict(zip(LINK_COLUMNS, row, strict=True))

    def offer_channels(self, run_id: int) -> list[str]:
        rows = self.db.conn.execute(
            "SELECT DISTINCT channel FROM offers WHERE run_id = ? ORDER BY channel", (run_id,)
        )
        return [channel for (channel,) in rows]

    def offer_brands(self, run_id: int) -> list[str]:
        rows = self.db.conn.execute(
            "SELECT DISTINCT brand FROM offers WHERE run_id = ? AND brand IS NOT NULL"
            " AND brand != ''",
            (run_id,),
        )
        return [brand for (brand,) in rows]

    def offer_currencies(self, run_id: int) -> dict[str, set[str]]:
        """The currencies each channel's offers are priced in."""
        found: dict[str, set[str]] = {}
        rows = self.db.conn.execute(
            "SELECT DISTINCT channel, currency FROM offers WHERE run_id = ?"
            " AND currency IS NOT NULL AND currency != ''",
            (run_id,),
        )
        for channel, currency in rows:
            found.setdefault(channel, set()).add(currency)
        return found

    def linked_offers(
        self, run_id: int, product: str | None = None, products: Sequence[str] | None = None
    ) -> Iterator[tuple[dict[str, Any], str, int, str, float | None]]:
        """(offer, product key, group, method, score) of a linked run's offers (or of one
        product key's, or of a few keys'), streamed in the order of product key, group and offer
        id."""
        keys = [product] if product is not None else products
        where = "l.run_id = ?"
        if keys is not None:  # (no keys: no offers)
            where += f" AND l.product IN ({', '.join('?' * len(keys))})"
        cursor = self.db.conn.execute(
            "SELECT l.product, l.grouping, l.method, l.score, o.* FROM links l"
            " JOIN offers o ON o.id = l.offer_id"
            f" WHERE {where} ORDER BY l.product, l.grouping, l.offer_id",
            (run_id, *(keys or ())),
        )
        columns = [column[0] for column in cursor.description][4:]
        for key, grouping, method, score, *values in cursor:
            offer = decode_offer(zip(columns, values, strict=True))
            yield offer, key, grouping, method, score

    def claims(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT * FROM claims WHERE run_id = ? ORDER BY rowid", [run_id])
        return [
            {
                **row,
                "negated": bool(row["negated"]),
                "low": as_decimal(row["low"]),
                "high": as_decimal(row["high"]),
            }
            for row in rows
        ]

    def attributes(self, run_id: int) -> list[dict[str, Any]]:
        """Product attributes the run's pages state, each with its channel and URL."""
        rows = self.db.query("SELECT * FROM attributes WHERE run_id = ? ORDER BY rowid", [run_id])
        return [{**row, "number": as_decimal(row["number"])} for row in rows]

    def posts(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM posts WHERE run_id = ? ORDER BY id", [run_id]))

    def pages(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM pages WHERE run_id = ? ORDER BY id", [run_id]))

    # -- links and findings ---------------------------------------------------------------

    def save_links(
        self, run_id: int, links: Iterable[tuple[int, str, str, float | None, int | None]]
    ) -> None:
        """Replace a run's links: (offer id, product key, method, score, group), streamed."""
        with self.writing():
            self.db.conn.execute("DELETE FROM links WHERE run_id = ?", (run_id,))
            self.db.conn.executemany(
                "INSERT INTO links (run_id, offer_id, product, method, score, grouping)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                ((run_id, *link) for link in links),
            )

    def links(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM links WHERE run_id = ?", [run_id]))

    def save_findings(self, run_id: int, findings: Iterable[dict[str, Any]]) -> None:
        """Replace the run's findings (re-checking a run gives the current rules' view)."""
        self.clear_findings(run_id)
        self.add_findings(run_id, findings)
        self.mark_checked(run_id)

    def clear_findings(self, run_id: int) -> None:
        with self.writing():
            self.db.conn.execute("DELETE FROM findings WHERE run_id = ?", (run_id,))

    def add_findings(self, run_id: int, findings: Iterable[dict[str, Any]]) -> None:
        """Store findings of a run as they are found, in their order."""
        rows = (
            (
                run_id,
                f["fingerprint"],
                f["kind"],
                f["rule"],
                f["severity"],
                f["status"],
                f["message"],
                dumps(f["subject"]),
                dumps(f["channels"]),
                # the rule's own order of channels (e.g. who has it, then who lacks it)
                json.dumps(f, ensure_ascii=False, default=json_default),
            )
            for f in findings
        )
        with self.writing():
            self.db.conn.executemany(
                "INSERT INTO findings (run_id, fingerprint, kind, rule, severity, status, message,"
                " subject, channels, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def findings(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT data FROM findings WHERE run_id = ? ORDER BY rowid", [run_id])
        return [json.loads(row["data"]) for row in rows]

    def latest_finding(self, fingerprint: str) -> dict[str, Any] | None:
        """The finding with this fingerprint in the latest run that had it."""
        rows = list(
            self.db.query(
                "SELECT data FROM findings WHERE fingerprint = ? ORDER BY run_id DESC LIMIT 1",
                [fingerprint],
            )
        )
        return json.loads(rows[0]["data"]) if rows else None

    def linked_products(self, run_id: int) -> int:
        """How many products the run's links join across two or more channels."""
        rows = self.db.execute(
            "SELECT COUNT(*) FROM (SELECT l.product FROM links l JOIN offers o ON o.id = l.offer_id"
            " WHERE l.run_id = ? GROUP BY l.product HAVING COUNT(DISTINCT o.channel) > 1)",
            [run_id],
        )
        return int(rows.fetchone()[0])

    def post_counts(self, run_id: int) -> dict[str, int]:
        """Posts read per channel."""
        rows = self.db.execute(
            "SELECT channel, COUNT(*) FROM posts WHERE run_id = ? GROUP BY channel", [run_id]
        )
        return {channel: count for channel, count in rows.fetchall()}

    def finding_statuses(self) -> Iterator[dict[str, Any]]:
        """Run id, fingerprint and status of every stored finding, oldest run first."""
        yield from self.db.query(
            "SELECT run_id, fingerprint, status FROM findings ORDER BY run_id, rowid"
        )
