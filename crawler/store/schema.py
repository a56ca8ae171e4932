"""The results database's schema, and the migrations that bring an older database up to it.

Migrations are sqlite-utils' own (``sqlite_utils.Migrations``): each is a function applied once,
in order, recorded in the database's ``_sqlite_migrations`` table. A database made before
migrations were recorded has the tables already; the first two migrations are written so that
they leave such a database as it is and only add what it lacks. A later change to the schema is
a new function at the end of this file, never an edit of an applied one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("omnicheck")

TABLES = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    name TEXT,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    config_path TEXT,
    config_hash TEXT,
    version TEXT,
    checked TEXT
);
CREATE TABLE IF NOT EXISTS channels (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    pages INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    offers INTEGER NOT NULL DEFAULT 0,
    claims INTEGER NOT NULL DEFAULT 0,
    complete INTEGER,
    note TEXT,
    PRIMARY KEY (run_id, channel)
);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    status INTEGER,
    ok INTEGER NOT NULL,
    reason TEXT,
    content_type TEXT,
    size INTEGER,
    offers INTEGER NOT NULL DEFAULT 0,
    claims INTEGER NOT NULL DEFAULT 0,
    skipped TEXT
);
CREATE TABLE IF NOT EXISTS offers (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    name TEXT, brand TEXT, sku TEXT, gtin TEXT, mpn TEXT,
    price TEXT, currency TEXT, regular_price TEXT,
    price_valid_from TEXT, price_valid_until TEXT,
    is_from_price INTEGER NOT NULL DEFAULT 0,
    availability TEXT NOT NULL DEFAULT 'unknown',
    canonical_url TEXT,
    variant TEXT, sources TEXT, evidence TEXT, published TEXT
);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    text TEXT NOT NULL,
    published TEXT,
    valid_from TEXT,
    valid_until TEXT,
    campaign TEXT,
    recency_days INTEGER NOT NULL DEFAULT 14,
    currency TEXT,
    locale TEXT
);
CREATE TABLE IF NOT EXISTS claims (
    id TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    service TEXT NOT NULL,
    sentence TEXT NOT NULL,
    attribute TEXT, low TEXT, high TEXT, unit TEXT,
    negated INTEGER NOT NULL DEFAULT 0,
    product TEXT,
    pages INTEGER NOT NULL DEFAULT 1,
    condition TEXT
);
CREATE TABLE IF NOT EXISTS attributes (
    id TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    number TEXT,
    unit TEXT,
    source TEXT NOT NULL,
    evidence TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    product TEXT NOT NULL,
    method TEXT NOT NULL,
    score REAL,
    PRIMARY KEY (run_id, offer_id)
);
CREATE TABLE IF NOT EXISTS findings (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT NOT NULL,
    subject TEXT NOT NULL,
    channels TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS offers_run ON offers(run_id, channel);
CREATE INDEX IF NOT EXISTS posts_run ON posts(run_id, channel);
CREATE INDEX IF NOT EXISTS claims_run ON claims(run_id, channel);
CREATE INDEX IF NOT EXISTS attributes_run ON attributes(run_id, channel, url);
CREATE INDEX IF NOT EXISTS pages_run ON pages(run_id, channel);
"""


@migrations()
def create_tables(db: sqlite_utils.Database) -> None:
    for statement in TABLES.split(";"):
        if statement.strip():
            db.execute(statement)


# Columns added after their table was first released, before migrations were recorded.
ADDED_COLUMNS = {
    "claims": {"condition": "TEXT"},
    "pages": {"category": "TEXT", "depth": "INTEGER"},
    "channels": {
        "excluded": "INTEGER NOT NULL DEFAULT 0",
        "pending": "INTEGER NOT NULL DEFAULT 0",
        "planned": "INTEGER NOT NULL DEFAULT 0",
        "coverage": "REAL",
        "threshold": "REAL",
        "failures": "TEXT",
        "market": "TEXT",
    },
}


@migrations()
def add_completeness_and_market_columns(db: sqlite_utils.Database) -> None:
    for table, columns in ADDED_COLUMNS.items():
        have = {column.name for column in db[table].columns}
        for name, kind in columns.items():
            if name not in have:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def migrate(db: sqlite_utils.Database) -> None:
    """Bring ``db`` up to the current schema (a new file gets every table)."""
    migrations.apply(db)


@migrations()
def add_link_groups(db: sqlite_utils.Database) -> None:
    """Which group each linked offer is in (its first offer's id), and an index that reads a
    run's products in key order: the check streams them instead of holding a run in memory."""
    if "grouping" not in {column.name for column in db["links"].columns}:
        db.execute("ALTER TABLE links ADD COLUMN grouping INTEGER")
    db.execute(
        "CREATE INDEX IF NOT EXISTS links_product ON links(run_id, product, grouping, offer_id)"
    )
