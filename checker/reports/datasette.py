"""``omnicheck serve``: the results database in Datasette, opening on the latest findings.

A pricing team filters, facets and exports findings in the browser without writing SQL. ``/``
opens the ``latest_findings`` view (a view of the store's schema) with facets on severity,
status, kind and channel; the channels' values, links and evidence are shown as a list, not as
JSON. The database page lists the canned queries first (latest findings, new this week, by
channel, by product, one finding's history), then the findings tables; the crawl's own tables
(pages, offers, claims...) are one click further, and the SQL editor is at the bottom.

Served beyond this machine, the results are for those who know the password: ``password``
turns on HTTP Basic authentication (datasette-auth-passwords) for every page and every export.
SQLite's ``fts3_tokenizer()``, which hands out a memory address to read-only SQL, is refused.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

USER = "omnicheck"
LATEST_RUN = "(SELECT MAX(id) FROM runs WHERE checked IS NOT NULL)"
SUBJECT = (
    "COALESCE(json_extract(f.subject, '$.name'), json_extract(f.subject, '$.label'),"
    " json_extract(f.subject, '$.service'), json_extract(f.subject, '$.sku'))"
)
SEVERITY_ORDER = "CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"
# Tables a person rarely needs first: reachable from the database page, not in the way.
CRAWL_TABLES = ("pages", "offers", "claims", "attributes", "posts", "links", "_sqlite_migrations")
JSON_COLUMNS = ("evidence", "channels", "subject")

QUERIES: dict[str, dict[str, str]] = {
    "new_this_week": {
        "title": "New this week",
        "description": "Findings that were new in a run started during the last seven days.",
        "sql": f"""SELECT r.started, f.run_id, f.severity, f.kind, {SUBJECT} AS subject,
  f.message, f.fingerprint
FROM findings f JOIN runs r ON r.id = f.run_id
WHERE f.status = 'new' AND r.started >= strftime('%Y-%m-%dT%H:%M:%S', 'now', '-7 days')
ORDER BY r.started DESC, {SEVERITY_ORDER}""",
    },
    "findings_by_channel": {
        "title": "Findings by channel",
        "description": "How many findings of the latest checked run involve each channel.",
        "sql": f"""SELECT c.key AS channel, f.kind, f.status, COUNT(*) AS findings
FROM findings f, json_each(f.channels) c
WHERE f.run_id = {LATEST_RUN}
GROUP BY channel, f.kind, f.status
ORDER BY channel, findings DESC""",
    },
    "findings_by_product": {
        "title": "Findings by product or service",
        "description": "Each product or service with findings: in how many runs, which kinds.",
        "sql": f"""SELECT {SUBJECT} AS subject, COUNT(DISTINCT f.run_id) AS runs,
  COUNT(*) AS findings, GROUP_CONCAT(DISTINCT f.kind) AS kinds, MAX(f.run_id) AS last_run
FROM findings f
GROUP BY subject
ORDER BY last_run DESC, runs DESC""",
    },
    "finding_history": {
        "title": "One finding's history",
        "description": "Every run that had the finding with this fingerprint, and its status.",
        "sql": """SELECT r.id AS run_id, r.started, f.status, f.message
FROM findings f JOIN runs r ON r.id = f.run_id
WHERE f.fingerprint = :fingerprint
ORDER BY r.id DESC""",
    },
}

TABLES: dict[str, dict[str, Any]] = {
    "latest_findings": {
        "title": "Latest findings",
        "description": "Every finding of the latest checked run, most severe first.",
        "facets": ["severity", "status", "kind", {"array": "channels"}, "changed"],
    },
    "findings": {
        "description": "Per run: every finding with status (new, persisting, waived) and evidence.",
        "facets": ["run_id", "severity", "status", "kind"],
    },
    "runs": {
        "description": "One row per crawl: start, end, status, configuration hash and version.",
    },
    "channels": {
        "description": "Per run and channel: pages fetched and failed, offers, claims, coverage.",
        "facets": ["run_id", "complete"],
    },
    "offers": {"description": "Every offer read from a page or feed: price, availability, ids."},
    "claims": {"description": "Service claims (delivery, returns...) with their sentence."},
    "pages": {"description": "Every fetched URL with its HTTP status and what was extracted."},
    "links": {"description": "Which product each offer was linked to, and how."},
}


def metadata(database: str, password_hash: str | None = None) -> dict[str, Any]:
    """Datasette metadata: titles, facets, hidden crawl tables, the canned queries and, with
    a password, who may see anything at all."""
    tables = {name: dict(settings) for name, settings in TABLES.items()}
    for name in CRAWL_TABLES:
        tables.setdefault(name, {})["hidden"] = True
    data: dict[str, Any] = {
        "title": "omnicheck results",
        "description": "Where a retailer's channels disagree, run by run.",
        "databases": {database: {"tables": tables, "queries": QUERIES}},
    }
    if password_hash is not None:
        data["allow"] = {"id": USER}
        data["plugins"] = {
            "datasette-auth-passwords": {
                f"{USER}_password_hash": password_hash,
                "http_basic_auth": True,
            }
        }
    return data


def serve(path: Path, host: str, port: int, password: str | None = None) -> None:
    """Serve the database with Datasette until interrupted."""
    import uvicorn
    from datasette.app import Datasette
    from datasette.plugins import pm
    from datasette_auth_passwords.utils import hash_password

    if not pm.is_registered(sys.modules[__name__]):
        pm.register(sys.modules[__name__], name="omnicheck")
    # The hash never leaves this process, so slow hashing would buy nothing but a slow page:
    # Basic authentication checks the password on every request.
    password_hash = hash_password(password, iterations=1000) if password else None
    datasette = Datasette(
        [str(path)],
        metadata=metadata(path.stem, password_hash),
        template_dir=str(files("checker.reports") / "templates" / "datasette"),
    )
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


# -- Datasette plugin hooks (registered by ``serve``) -------------------------------------


# SQL functions no browser's read-only SQL may call: fts3_tokenizer(name) returns a memory
# address, and (name, address) installs a tokenizer at any address.
REFUSED_FUNCTIONS = frozenset({"fts3_tokenizer"})


def _authorize(action: int, first: str | None, second: str | None, *rest: Any) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (second or "").lower() in REFUSED_FUNCTIONS:
        return sqlite3.SQLITE_DENY  # "not authorized to use function: fts3_tokenizer"
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(_authorize)


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    async def latest(request: Any) -> Response:
        database = datasette.get_database().name
        return Response.redirect(datasette.urls.table(database, "latest_findings"))

    return [(r"^/$", latest)]


@hookimpl
def render_cell(value: Any, column: str, table: str | None) -> Markup | None:
    """A finding's channels and subject as a readable list, its URLs as links."""
    if table not in ("latest_findings", "findings") or column not in JSON_COLUMNS:
        return None
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if column == "subject":
        shown = [(key, data.get(key)) for key in ("name", "label", "sku", "gtin") if data.get(key)]
        return Markup("<br>".join(f"{escape(key)}: {escape(value)}" for key, value in shown))
    rows = []
    for channel, seen in data.items():
        seen = seen if isinstance(seen, dict) else {"value": seen}
        row = f"<strong>{escape(channel)}</strong>: {escape(seen.get('value') or '')}"
        url = str(seen.get("url") or "")
        if url.startswith(("http://", "https://")):
            row += f' <a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'
        if seen.get("evidence"):
            row += f" <q>{escape(seen['evidence'])}</q>"
        rows.append(f"<li>{row}</li>")
    return Markup(f'<ul style="margin:0;padding-left:1rem">{"".join(rows)}</ul>')
