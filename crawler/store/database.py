"""The results database: one SQLite file (sqlite-utils) holding every run and what it found.

Each stage reads what the previous one stored: the crawl writes ``pages``, ``offers``,
``claims``, ``attributes`` and social ``posts`` tagged with a run id; linking writes ``links``;
the rules write ``findings``. So any stage can run again on its own on a stored run. Money is
stored as text, never as a float.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.failures import NOT_FAILURES
from crawler.items import Offer, PageVisit, Post, ProductAttribute, ServiceClaim
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
)
from crawler.store.schema import migrate

RUN_STATUSES = ("running", "complete", "incomplete", "aborted")
# What linking reads of an offer.
LINK_COLUMNS = ("id", "channel", "url", "name", "brand", "gtin", "sku", "mpn", "canonical_url")


class StoreError(Exception):
    """The database cannot be used: missing, not SQLite, or no such run."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """A results database. Writes happen in transactions; a run is complete only when marked so."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `omnicheck crawl` first)")
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.conn.execute("PRAGMA busy_timeout = 30000")
            self.db.conn.execute("PRAGMA journal_mode = WAL")
            migrate(self.db)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not an omnicheck database ({error})") from error

    def close(self) -> None:
        self.db.conn.close()

    # -- runs -----------------------------------------------------------------------------

    def start_run(
        self,
        name: str,
        channels: Iterable[tuple[str, str] | tuple[str, str, str | None]],
        config_path: str | None = None,
        config_hash: str | None = None,
        version: str | None = None,
    ) -> int:
        with self.db.conn:
            cursor = self.db.conn.execute(
                "INSERT INTO runs (name, started, status, config_path, config_hash, version)"
                " VALUES (?, ?, 'running', ?, ?, ?)",
                (name, now(), config_path, config_hash, version),
            )
            run_id = int(cursor.lastrowid or 0)
            self.db.conn.executemany(
                "INSERT INTO channels (run_id, channel, kind, market) VALUES (?, ?, ?, ?)",
                [(run_id, c[0], c[1], c[2] if len(c) > 2 else None) for c in channels],
            )
        return run_id

    def finish_run(self, run_id: int, status: str) -> None:
        if status not in RUN_STATUSES:
            raise ValueError(f"unknown run status {status!r}")
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE runs SET finished = ?, status = ? WHERE id = ?", (now(), status, run_id)
            )

    def run(self, run_id: int | None = None) -> dict[str, Any]:
        """A run by id, or the latest run that finished crawling (complete or incomplete)."""
        if run_id is None:
            rows = list(
                self.db.query(
                    "SELECT * FROM runs WHERE status IN ('complete', 'incomplete')"
                    " ORDER BY id DESC LIMIT 1"
                )
            )
            if not rows:
                raise StoreError(f"{self.path}: no finished run yet (run `omnicheck crawl` first)")
            return rows[0]
        rows = list(self.db.query("SELECT * FROM runs WHERE id = ?", [run_id]))
        if not rows:
            raise StoreError(f"{self.path}: no run {run_id}")
        return rows[0]

    def previous_run(self, run_id: int) -> dict[str, Any] | None:
        """The latest checked complete run before ``run_id``: the baseline.

        An incomplete run reports no "missing" findings for its incomplete channels, so it would
        make them look resolved and then new again; it is never a baseline.
        """
        rows = list(
            self.db.query(
                "SELECT * FROM runs WHERE id < ? AND status = 'complete'"
                " AND checked IS NOT NULL ORDER BY id DESC LIMIT 1",
                [run_id],
            )
        )
        return rows[0] if rows else None

    def runs(self) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT * FROM runs ORDER BY id"))

    def mark_checked(self, run_id: int) -> None:
        with self.db.conn:
            self.db.conn.execute("UPDATE runs SET checked = ? WHERE id = ?", (now(), run_id))

    # -- crawl items ----------------------------------------------------------------------

    def add_items(self, run_id: int, items: Iterable[Any]) -> None:
        """Write a batch of crawl items in one transaction."""
        pages, offers, claims, attributes, posts = [], [], [], [], []
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
        with self.db.conn:
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

        Pages not fetched on purpose (robots.txt, offsite, 404) are ``excluded``, not ``failed``.
        """
        excluded = ", ".join(f"'{category}'" for category in NOT_FAILURES)
        with self.db.conn:
            self.db.conn.execute(
                f"""UPDATE channels SET
                    pages = (SELECT COUNT(*) FROM pages p WHERE p.run_id = channels.run_id
                             AND p.channel = channels.channel AND p.ok),
                    failed = (SELECT COUNT(*) FROM pages p WHERE p.run_id = channels.run_id
                              AND p.channel = channels.channel AND NOT p.ok
                              AND COALESCE(p.category, '') NOT IN ({excluded})),
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
        with self.db.conn:
            self.db.conn.execute(
                f"UPDATE channels SET {assignments} WHERE run_id = ? AND channel = ?",
                (*values.values(), run_id, channel),
            )

    def failed_pages(self, run_id: int) -> list[dict[str, Any]]:
        """Every page of the run that gave nothing: channel, url, category, reason, depth."""
        return list(
            self.db.query(
                "SELECT channel, url, status, category, reason, depth FROM pages"
                " WHERE run_id = ? AND NOT ok ORDER BY id",
                [run_id],
            )
        )

    def resume_run(self, run_id: int) -> None:
        """An aborted run continues: running again until its crawl finishes."""
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE runs SET status = 'running', finished = NULL WHERE id = ?", (run_id,)
            )

    def resumable_run(self) -> dict[str, Any] | None:
        """The latest run, when it was aborted (a later run makes an older abort moot)."""
        rows = list(self.db.query("SELECT * FROM runs ORDER BY id DESC LIMIT 1"))
        return rows[0] if rows and rows[0]["status"] == "aborted" else None

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
        self, run_id: int, product: str | None = None
    ) -> Iterator[tuple[dict[str, Any], str, int, str, float | None]]:
        """(offer, product key, group, method, score) of a linked run's offers (or of one
        product key's), streamed in the order of product key, group and offer id."""
        where = "l.run_id = ?" + (" AND l.product = ?" if product is not None else "")
        cursor = self.db.conn.execute(
            "SELECT l.product, l.grouping, l.method, l.score, o.* FROM links l"
            " JOIN offers o ON o.id = l.offer_id"
            f" WHERE {where} ORDER BY l.product, l.grouping, l.offer_id",
            (run_id,) if product is None else (run_id, product),
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
        with self.db.conn:
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
        with self.db.conn:
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
        with self.db.conn:
            self.db.conn.executemany(
                "INSERT INTO findings (run_id, fingerprint, kind, rule, severity, status, message,"
                " subject, channels, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def findings(self, run_id: int) -> list[dict[str, Any]]:
        rows = self.db.query("SELECT data FROM findings WHERE run_id = ? ORDER BY rowid", [run_id])
        return [json.loads(row["data"]) for row in rows]

    def latest_checked_run(self) -> dict[str, Any] | None:
        rows = list(
            self.db.query("SELECT * FROM runs WHERE checked IS NOT NULL ORDER BY id DESC LIMIT 1")
        )
        return rows[0] if rows else None

    def latest_finding(self, fingerprint: str) -> dict[str, Any] | None:
        """The finding with this fingerprint in the latest run that had it."""
        rows = list(
            self.db.query(
                "SELECT data FROM findings WHERE fingerprint = ? ORDER BY run_id DESC LIMIT 1",
                [fingerprint],
            )
        )
        return json.loads(rows[0]["data"]) if rows else None

    def finding_statuses(self) -> Iterator[dict[str, Any]]:
        """Run id, fingerprint and status of every stored finding, oldest run first."""
        yield from self.db.query(
            "SELECT run_id, fingerprint, status FROM findings ORDER BY run_id, rowid"
        )
