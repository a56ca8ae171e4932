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


def execute_all(db: sqlite_utils.Database, statements: str) -> None:
    for statement in statements.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def create_tables(db: sqlite_utils.Database) -> None:
    execute_all(db, TABLES)


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


@migrations()
def add_run_locale(db: sqlite_utils.Database) -> None:
    # The configuration's locale, so that a report says things in the run's language and
    # formats its amounts the way the retailer's readers write them.
    if "locale" not in {column.name for column in db["runs"].columns}:
        db.execute("ALTER TABLE runs ADD COLUMN locale TEXT")


LATEST_FINDINGS = """
CREATE VIEW IF NOT EXISTS latest_findings AS
SELECT f.run_id, f.status,
  CASE WHEN json_extract(f.data, '$.changed') THEN 'changed' ELSE '' END AS changed,
  f.severity, f.kind,
  COALESCE(json_extract(f.subject, '$.name'), json_extract(f.subject, '$.label'),
    json_extract(f.subject, '$.service'), json_extract(f.subject, '$.sku')) AS subject,
  json_extract(f.subject, '$.sku') AS sku, json_extract(f.subject, '$.gtin') AS gtin,
  (SELECT json_group_array(key) FROM json_each(f.channels)) AS channels,
  f.message, f.channels AS evidence, f.fingerprint
FROM findings f
WHERE f.run_id = (SELECT MAX(id) FROM runs WHERE checked IS NOT NULL)
ORDER BY CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, f.kind, subject
"""


@migrations()
def add_latest_findings_view(db: sqlite_utils.Database) -> None:
    # What `omnicheck serve` opens on (with facets), and a query anyone can reuse.
    db.execute(LATEST_FINDINGS)


@migrations()
def index_pages_by_url(db: sqlite_utils.Database) -> None:
    # Pages a crawl limit dropped are counted once per URL, and not when the URL was fetched
    # after all: a look-up by URL for each (crawler/store/database.py).
    db.execute("CREATE INDEX IF NOT EXISTS pages_url ON pages(run_id, channel, url)")


STORE_STOCK = """
CREATE TABLE IF NOT EXISTS store_stock (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    channel TEXT NOT NULL,
    url TEXT NOT NULL,
    store TEXT NOT NULL,
    store_name TEXT,
    city TEXT,
    status TEXT NOT NULL,
    quantity INTEGER,
    item_id TEXT,
    name TEXT, sku TEXT, gtin TEXT,
    price TEXT, currency TEXT,
    source TEXT NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS store_stock_run ON store_stock(run_id, channel);
CREATE TABLE IF NOT EXISTS touchpoints (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    position INTEGER NOT NULL,
    subject_kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    label TEXT NOT NULL,
    findings INTEGER NOT NULL DEFAULT 0,
    channel TEXT NOT NULL,
    value TEXT,
    price TEXT,
    currency TEXT,
    availability TEXT,
    url TEXT,
    evidence TEXT,
    marked TEXT
);
CREATE INDEX IF NOT EXISTS touchpoints_run ON touchpoints(run_id, position);
"""


@migrations()
def add_store_stock_and_touchpoints(db: sqlite_utils.Database) -> None:
    # Stock per (product, store) as pages and local-inventory feeds state it; the id a feed
    # gives each offer, which local-inventory rows name products by; and the touchpoint matrix
    # a check stores for its reports (which channel states what about each product or service).
    execute_all(db, STORE_STOCK)
    if "item_id" not in {column.name for column in db["offers"].columns}:
        db.execute("ALTER TABLE offers ADD COLUMN item_id TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS offers_item ON offers(run_id, channel, item_id)")


@migrations()
def add_run_process_and_reason(db: sqlite_utils.Database) -> None:
    # Which process crawls a run (pid, host) and when it last said it was alive (heartbeat),
    # so a run whose process was killed can be told from one still crawling and resumed; and
    # why an aborted run stopped (Ctrl-C, a full disk...).
    have = {column.name for column in db["runs"].columns}
    for name, kind in {
        "pid": "INTEGER",
        "host": "TEXT",
        "heartbeat": "TEXT",
        "reason": "TEXT",
    }.items():
        if name not in have:
            db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")


@migrations()
def add_offer_feed(db: sqlite_utils.Database) -> None:
    # The feed an offer was read from: a feed read again after a killed crawl replaces the
    # offers its first reading had stored (crawler/frontier.py).
    if "feed" not in {column.name for column in db["offers"].columns}:
        db.execute("ALTER TABLE offers ADD COLUMN feed TEXT")


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
