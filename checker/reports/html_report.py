"""The HTML report: one self-contained file a marketer can open from an e-mail, offline.

Summary by kind and by channel, a chart of findings per run (inline SVG), and a table of findings
that sorts by any column and filters by text, status, kind and channel (a few lines of inline
JavaScript; without JavaScript the full table still reads). No CDN, no external file.

Everything crawled is escaped, links are kept only when they are http(s), and a Content Security
Policy allows no script but the report's own (by its hash), so even a page that smuggled markup
into its evidence cannot run code in the reader's browser.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from html import escape
from typing import Any

from checker.reports.chart import history_chart
from checker.reports.model import Report, subject_label

STATUSES = ("new", "persisting", "waived", "resolved")
SEVERITY_ORDER = {"low": 1, "medium": 2, "high": 3}
COLUMNS = (
    ("status", "Status", "text"),
    ("severity", "Severity", "number"),
    ("kind", "Kind", "text"),
    ("subject", "Product or service", "text"),
    ("difference", "Difference", "number"),
    ("channels", "What each channel says", "text"),
    ("fingerprint", "Fingerprint", "text"),
)

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1200px;padding:1rem 1.5rem;color:#1d2330;background:#fff}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
.meta{color:#566}.grid{display:flex;flex-wrap:wrap;gap:2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;
padding:.35rem .5rem;border-bottom:1px solid #dde}th{background:#f3f4f8;white-space:nowrap}
.summary table{width:auto}.num{text-align:right}
#findings th{cursor:pointer;user-select:none}#findings th[aria-sort=ascending]::after{content:" ▲"}
#findings th[aria-sort=descending]::after{content:" ▼"}
.filters{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.filters input{flex:1;min-width:14rem;padding:.35rem}.filters select{padding:.35rem}
.status{font-weight:600;border-radius:3px;padding:0 .3rem}
.status-new{background:#fde2e1;color:#9b1c1c}
.status-persisting{background:#fff1d6;color:#8a5300}.status-waived{background:#e8e8ec;color:#444}
.status-resolved{background:#dff5e3;color:#1c6b35}
ul.channels{margin:0;padding-left:1rem}q{color:#445;font-style:italic}
code{font-size:.85em;word-break:break-all}td a{overflow-wrap:anywhere}
.incomplete{color:#9b1c1c;font-weight:600}
"""

SCRIPT = """
(function () {
  var table = document.getElementById("findings");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var shown = document.getElementById("shown");
  function matches(row) {
    var query = text.value.trim().toLowerCase();
    if (query && row.textContent.toLowerCase().indexOf(query) < 0) { return false; }
    return selects.every(function (select) {
      if (!select.value) { return true; }
      var values = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "");
      return values.split(" ").indexOf(select.value) >= 0;
    });
  }
  function filter() {
    var count = 0;
    rows.forEach(function (row) {
      var visible = matches(row);
      row.hidden = !visible;
      if (visible) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " findings shown";
  }
  text.addEventListener("input", filter);
  selects.forEach(function (select) { select.addEventListener("change", filter); });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
    header.addEventListener("click", function () {
      var ascending = header.getAttribute("aria-sort") !== "ascending";
      var numeric = header.getAttribute("data-type") === "number";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      function key(row) {
        var cell = row.cells[index];
        var value = cell.getAttribute("data-value");
        if (value === null) { value = cell.textContent.trim(); }
        return numeric ? (value === "" ? -Infinity : parseFloat(value)) : value.toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = numeric ? x - y : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  filter();
})();
"""


def render(report: Report) -> str:
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'"
    )
    run = report.run
    title = f"{run.get('name') or 'omnicheck'}: run {run['id']}"
    counts = Counter(f["status"] for f in report.findings)
    headline = f"{len(report.findings)} findings" + (
        f" ({counts['new']} new)" if counts["new"] else ""
    )
    baseline = (
        f", compared with {escape(report.baseline.label)}"
        if report.baseline
        else " (no earlier run to compare with)"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)} — omnicheck</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)} — {headline}</h1>",
        f'<p class="meta">Crawl started {escape(str(run.get("started")))}, '
        f"{escape(str(run.get('status')))}{baseline}.</p>",
        _incomplete(report),
        "</header>",
        '<section class="summary"><h2>Summary</h2><div class="grid">',
        _by_kind(report),
        _by_channel(report),
        "</div></section>",
        '<section><h2>Findings per run</h2><div id="chart">',
        history_chart(report.history),
        "</div></section>",
        _findings(report),
        _resolved(report),
        f"<script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _incomplete(report: Report) -> str:
    return "".join(f'<p class="incomplete">{escape(notice)}</p>' for notice in report.notices)


def _by_kind(report: Report) -> str:
    table: dict[str, Counter[str]] = {}
    for finding in report.findings:
        table.setdefault(finding["kind"], Counter())[finding["status"]] += 1
    for finding in report.resolved:
        table.setdefault(finding["kind"], Counter())["resolved"] += 1
    head = "".join(f'<th class="num">{status}</th>' for status in STATUSES)
    rows = "".join(
        f"<tr><td>{escape(kind)}</td>"
        + "".join(f'<td class="num">{counts[status]}</td>' for status in STATUSES)
        + "</tr>"
        for kind, counts in sorted(table.items())
    )
    body = rows or f'<tr><td colspan="{len(STATUSES) + 1}">No findings.</td></tr>'
    return f'<table id="by-kind"><tr><th>Kind</th>{head}</tr>{body}</table>'


def _by_channel(report: Report) -> str:
    involved = Counter(channel for f in report.findings for channel in f["channels"])
    rows = "".join(
        f"<tr><td>{escape(c['channel'])}</td><td>{escape(c['kind'])}</td>"
        f'<td class="num">{c["pages"]}</td><td class="num">{c["failed"]}</td>'
        f'<td class="num">{involved[c["channel"]]}</td>'
        f"<td>{'complete' if c['complete'] else '<span class=incomplete>incomplete</span>'}</td>"
        "</tr>"
        for c in report.channels
    )
    return (
        '<table id="by-channel"><tr><th>Channel</th><th>Kind</th><th class="num">Pages</th>'
        '<th class="num">Failed</th><th class="num">Findings</th><th>Crawl</th></tr>'
        f"{rows}</table>"
    )


def _findings(report: Report) -> str:
    if not report.findings:
        return "<section><h2>Findings</h2><p>No findings: the channels agree.</p></section>"
    options = {
        "status": sorted({f["status"] for f in report.findings}),
        "kind": sorted({f["kind"] for f in report.findings}),
        "channels": sorted({c for f in report.findings for c in f["channels"]}),
    }
    selects = "".join(
        f'<select data-filter="{name}" id="filter-{name}" aria-label="{name}">'
        f'<option value="">every {"channel" if name == "channels" else name}</option>'
        + "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
        + "</select>"
        for name, values in options.items()
    )
    head = "".join(
        f'<th data-type="{kind}" data-key="{key}">{label}</th>' for key, label, kind in COLUMNS
    )
    rows = "\n".join(_finding_row(finding) for finding in report.findings)
    return (
        '<section><h2>Findings</h2><div class="filters">'
        '<input id="filter-text" type="search" placeholder="Filter by any text…" '
        f'aria-label="Filter">{selects}</div><p id="shown" class="meta">'
        f"{len(report.findings)} findings</p>"
        f'<table id="findings"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'
        "</section>"
    )


def _finding_row(finding: dict[str, Any]) -> str:
    status = finding["status"]
    waiver = finding.get("waiver") or {}
    note = ""
    if waiver:
        until = f" until {waiver['until']}" if waiver.get("until") else ""
        note = f"<br><small>{escape(waiver.get('reason') or '')}{escape(until)}</small>"
    elif finding.get("waiver_expired"):
        note = f"<br><small>waiver expired {escape(str(finding['waiver_expired'].get('until')))}"
        note += "</small>"
    difference = (finding.get("details") or {}).get("difference")
    channels = " ".join(escape(name) for name in finding["channels"])
    return (
        f'<tr data-status="{escape(status)}" data-kind="{escape(finding["kind"])}" '
        f'data-channels="{channels}">'
        f'<td data-value="{escape(status)}"><span class="status status-{escape(status)}">'
        f"{escape(status)}</span>{note}</td>"
        f'<td data-value="{SEVERITY_ORDER.get(finding["severity"], 0)}">'
        f"{escape(finding['severity'])}</td>"
        f"<td>{escape(finding['kind'])}</td>"
        f"<td><strong>{escape(subject_label(finding))}</strong><br>"
        f"{escape(finding['message'])}</td>"
        f'<td class="num" data-value="{escape(str(difference or ""))}">'
        f"{escape(str(difference or ''))}</td>"
        f"<td>{_channel_list(finding['channels'])}</td>"
        f"<td><code>{escape(finding['fingerprint'])}</code></td></tr>"
    )


def _channel_list(channels: dict[str, dict[str, Any]]) -> str:
    items = []
    for name, seen in channels.items():
        value = seen.get("value")
        text = f"<strong>{escape(name)}</strong>: {escape('' if value is None else str(value))}"
        url = seen.get("url") or ""
        if url.startswith(("http://", "https://")):
            text += f' <a href="{escape(url)}" rel="noopener noreferrer">{escape(url)}</a>'
        elif url:
            text += f" {escape(url)}"
        if seen.get("evidence"):
            text += f"<br><q>{escape(str(seen['evidence']))}</q>"
        items.append(f"<li>{text}</li>")
    return f'<ul class="channels">{"".join(items)}</ul>'


def _resolved(report: Report) -> str:
    if not report.resolved:
        return ""
    items = "".join(
        f"<li>{escape(f['kind'])}: {escape(f['message'])} <code>{escape(f['fingerprint'])}</code>"
        "</li>"
        for f in report.resolved
    )
    label = escape(report.baseline.label) if report.baseline else "the baseline"
    return f'<section><h2>Resolved since {label}</h2><ul id="resolved">{items}</ul></section>'
