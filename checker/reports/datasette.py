"""``omnicheck serve``: the results database in Datasette, with metadata and canned queries.

A pricing team filters, facets and exports findings in the browser without writing SQL: the
canned queries answer the usual questions (latest findings, new this week, by channel, by
product, one finding's history) and every table page offers facets and CSV/JSON export.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

LATEST_RUN = "(SELECT MAX(id) FROM runs WHERE checked IS NOT NULL)"
SUBJECT = (
    "COALESCE(json_extract(f.subject, '$.name'), json_extract(f.subject, '$.label'),"
    " json_extract(f.subject, '$.service'), json_extract(f.subject, '$.sku'))"
)
SEVERITY_ORDER = "CASE f.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END"

QUERIES: dict[str, dict[str, str]] = {
    "latest_findings": {
        "title": "Latest findings",
        "description": "Every finding of the latest checked run, most severe first.",
        "sql": f"""SELECT f.run_id, f.status, f.severity, f.kind, {SUBJECT} AS subject,
  f.message, f.fingerprint
FROM findings f
WHERE f.run_id = {LATEST_RUN}
ORDER BY {SEVERITY_ORDER}, f.kind, subject""",
    },
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

TABLES = {
    "runs": "One row per crawl: start, end, status, configuration hash and omnicheck version.",
    "channels": "Per run and channel: pages fetched and failed, offers, claims, completeness.",
    "findings": "Per run: every finding with status (new, persisting, waived) and evidence.",
    "offers": "Every offer read from a page or feed: price, availability, identifiers, source.",
    "claims": "Service claims (delivery, returns, warranty...) with the sentence they came from.",
    "pages": "Every fetched URL with its HTTP status and what was extracted.",
    "links": "Which product each offer was linked to, and how.",
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata: titles, table descriptions and the canned queries."""
    return {
        "title": "omnicheck results",
        "description": "Where a retailer's channels disagree, run by run.",
        "databases": {
            database: {
                "tables": {
                    name: {"description": description} for name, description in TABLES.items()
                },
                "queries": QUERIES,
            }
        },
    }


def serve(path: Path, host: str, port: int) -> None:
    """Serve the database with Datasette until interrupted."""
    import uvicorn
    from datasette.app import Datasette

    datasette = Datasette([str(path)], metadata=metadata(path.stem))
    asyncio.run(datasette.invoke_startup())
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")
