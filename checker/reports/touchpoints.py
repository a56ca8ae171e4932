"""The touchpoint matrix: which channels state each service and each linked product, and what.

"Measure every touchpoint": one row per service that any channel states, and per linked product
(those with the most findings first, then those in the most channels; at most ``PRODUCTS``), one
column per channel, plus ``stores`` when stock per store was read. A cell holds what the channel
says: a product's price and availability (a post's price, or that it mentions the product), a
service's value ("1–3 days", "described", "not offered"), how many stores have the product. An
empty cell is a channel that says nothing.

A cell is marked when an open finding of the run names that channel on that row (its kinds are
the mark): the grid shows the differences the rules found, with their tolerances — "89 €" and
"89,00 €" agree and are not marked.

The matrix is built when a run is checked (``cells``, from the rules' view of the run) and stored
with it; the reports read it back (``Grid``): a compact grid in HTML, a sheet in xlsx, and the
``touchpoints-csv`` format.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from checker.linking.linker import Product
from checker.linking.store_stock import StoreState
from checker.linking.stored import StoredProducts
from checker.reports.csv_report import FORMULA_STARTS
from checker.reports.wording import CURRENCY_CODE, Wording
from checker.rule_types.claim_conflict import claim_value

if TYPE_CHECKING:
    from checker.reports.model import Report
    from checker.rule_types.base import RunView

PRODUCTS = 20
STORES = "stores"
OPEN = ("new", "persisting")
STORE_KINDS = ("online_store_availability_conflict", "campaign_not_on_shelves")
MONEY = re.compile(r"^(\d+(?:\.\d+)?) ([A-Z]{3})$")  # a service's threshold: "50 EUR"


def cells(view: RunView, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's matrix as cells (one per row and channel that states something, or that a
    finding says lacks it)."""
    marks: dict[tuple[str, str], Marks] = defaultdict(Marks)
    for finding in findings:
        subject = _row_of(finding["subject"])
        if subject is not None and finding.get("status", "new") in OPEN:
            marks[subject].add(finding)
    found: list[dict[str, Any]] = []
    rows: list[tuple[dict[str, Any], dict[str, dict[str, Any]]]] = []
    by_service: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for claim in view.claims:  # one pass over the claims, not one a service
        by_service[claim["service"]][claim["channel"]].append(claim)
    for service, label in _services(view):
        claims = by_service[service]
        row: dict[str, Any] = {"subject_kind": "service", "subject": service, "label": label}
        rows.append((row, {channel: _service_cell(said) for channel, said in claims.items()}))
    for product in _products(view, marks):
        row = {"subject_kind": "product", "subject": product.key, "label": _name(product)}
        said = {channel: _product_cell(offer) for channel, offer in _first_offers(product)}
        stores = list(view.stock.stores(product.key).values())
        if stores:
            said[STORES] = _stores_cell(stores)
        rows.append((row, said))
    for position, (row, said) in enumerate(rows):
        marked = marks[(row["subject_kind"], row["subject"])]
        row["findings"] = marked.findings
        for channel in sorted(set(said) | set(marked.kinds)):
            cell = said.get(channel) or marked.cell(channel)
            cell["marked"] = marked.of(channel)
            found.append({"position": position, **row, "channel": channel, **cell})
    return found


@dataclass
class Marks:
    """The open findings on one row: how many, and per channel the kinds that mark its cell
    and what the first of them says there (for a channel that states nothing)."""

    findings: int = 0
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    said: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, finding: dict[str, Any]) -> None:
        self.findings += 1
        for channel in _differing(finding):
            self.kinds[channel][finding["kind"]] += 1
            self.said.setdefault(channel, finding["channels"].get(channel) or {})

    def of(self, channel: str) -> str | None:
        kinds = self.kinds.get(channel)
        return " ".join(sorted(kinds)) if kinds else None

    def cell(self, channel: str) -> dict[str, Any]:
        seen = self.said.get(channel, {})
        return {
            "value": None if seen.get("price") else seen.get("value"),
            "price": seen.get("price"),
            "currency": seen.get("currency") or _code(seen.get("value")),
            "url": seen.get("url"),
            "evidence": seen.get("evidence"),
        }


def _code(value: Any) -> str | None:
    found = CURRENCY_CODE.search(str(value or ""))
    return found.group(1) if found else None


def _row_of(subject: dict[str, Any]) -> tuple[str, str] | None:
    if subject.get("product"):
        return ("product", subject["product"])
    if subject.get("service"):
        return ("service", subject["service"])
    return None


def _differing(finding: dict[str, Any]) -> list[str]:
    """The channels of a finding whose cells differ: the ones missing something, the one still
    showing an ended campaign, the stores and the page that contradict them, the odd one out
    when all the others agree; else every channel named."""
    channels = finding["channels"]
    kind = finding["kind"]
    if kind == "missing_in_channel":
        return [name for name, seen in channels.items() if seen.get("value") == "missing"]
    if kind == "stale_campaign":
        return [name for name, seen in channels.items() if seen.get("valid_until")]
    if kind in STORE_KINDS:
        # the stores' column differs, and the page that contradicts it (not the channel that
        # only reported the stock, nor the campaign)
        return [name for name, seen in channels.items() if "availability" in seen] + [STORES]
    odd = Wording().odd_channel(finding)
    return [odd] if odd else list(channels)


def _services(view: RunView) -> list[tuple[str, str]]:
    services = sorted({claim["service"] for claim in view.claims})
    return sorted(((s, view.label(s)) for s in services), key=lambda pair: pair[1].casefold())


def _products(view: RunView, marks: dict[tuple[str, str], Marks]) -> list[Product]:
    """Linked products (in two channels or more, or with a finding), most findings first."""

    def findings(product: Product) -> int:
        return marks[("product", product.key)].findings if ("product", product.key) in marks else 0

    products: Iterable[Product] = view.products
    found = {key for kind, key in marks if kind == "product" and marks[(kind, key)].findings}
    if len(found) >= PRODUCTS and isinstance(products, StoredProducts):
        # the rows are all products with findings: read only those, not the whole run again
        products = products.with_keys(found)
    # only the top rows are kept while the products stream past (a million of them would not fit)
    shown = (p for p in products if len(p.channels) > 1 or findings(p))
    return heapq.nsmallest(
        PRODUCTS, shown, key=lambda p: (-findings(p), -len(p.channels), _name(p).casefold())
    )


def _name(product: Product) -> str:
    return next((o["name"] for o in product.offers if o.get("name")), product.key)


def _first_offers(product: Product) -> list[tuple[str, dict[str, Any]]]:
    """Each channel's offer of the product: a page's or feed's before a post's."""
    chosen: dict[str, dict[str, Any]] = {}
    for offer in sorted(product.offers, key=lambda o: o["id"] < 0):
        chosen.setdefault(offer["channel"], offer)
    return sorted(chosen.items())


def _product_cell(offer: dict[str, Any]) -> dict[str, Any]:
    price = offer.get("price")
    availability = offer.get("availability")
    stated = price is not None or availability not in (None, "unknown")
    return {
        "value": None if stated else "mentioned",
        "price": None if price is None else str(price),
        "currency": offer.get("currency"),
        "availability": None if availability == "unknown" else availability,
        "url": offer.get("url"),
        "evidence": (offer.get("evidence") or {}).get("price")
        or (offer.get("evidence") or {}).get("name"),
    }


def _service_cell(claims: list[dict[str, Any]]) -> dict[str, Any]:
    general = [c for c in claims if not c.get("condition")] or claims
    stated = [c for c in general if not c["negated"]]
    values = sorted(
        {claim_value(c["low"], c["high"], c["unit"]) for c in stated if c.get("low") is not None}
    )
    value = "; ".join(values) or ("described" if stated else "not offered")
    first = (stated or general)[0]
    return {"value": value, "url": first["url"], "evidence": first["sentence"]}


def _stores_cell(stores: list[StoreState]) -> dict[str, Any]:
    known = [s for s in stores if s.status in ("in_stock", "out_of_stock")]
    having = [s for s in known if s.status == "in_stock"]
    said = "; ".join(
        f"{s.label}: {s.status.replace('_', ' ')}"
        + (f" ({s.quantity})" if s.quantity is not None else "")
        for s in stores
    )
    return {
        "value": f"{len(having)}/{len(known)}",
        "availability": ("in_stock" if having else "out_of_stock") if known else None,
        "url": None,
        "evidence": said,
    }


# -- reading the stored matrix ----------------------------------------------------------


@dataclass
class Row:
    kind: str
    subject: str
    label: str
    findings: int
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Grid:
    """The stored matrix as rows and columns (channels, then ``stores``)."""

    channels: list[str]
    rows: list[Row]

    @classmethod
    def of(cls, stored: list[dict[str, Any]], channels: list[str]) -> Grid:
        rows: dict[int, Row] = {}
        for cell in stored:
            row = rows.setdefault(
                cell["position"],
                Row(cell["subject_kind"], cell["subject"], cell["label"], cell["findings"]),
            )
            row.cells[cell["channel"]] = cell
        used = {name for row in rows.values() for name in row.cells}
        columns = [c for c in channels if c in used] + [
            c for c in sorted(used) if c not in channels
        ]
        return cls(columns, [rows[position] for position in sorted(rows)])


def text(cell: dict[str, Any] | None) -> str:
    """A cell as plain text: "129.90 EUR in_stock", "1–3 days", "1/2 in_stock"."""
    if not cell:
        return ""
    parts = [cell.get("value")]
    if cell.get("price") is not None:
        parts.insert(0, f"{Decimal(cell['price']):.2f} {cell.get('currency') or ''}".strip())
    parts.append(cell.get("availability"))
    return " ".join(part for part in parts if part)


def shown(report: Report, say: Wording) -> Grid:
    """The report's matrix with each cell worded for its locale (``cell["shown"]``)."""
    grid = Grid.of(report.touchpoints, [c["channel"] for c in report.channels])
    for row in grid.rows:
        if row.kind == "service":
            row.label = say.label({"service": row.subject, "label": row.label})
        for channel, cell in row.cells.items():
            cell["shown"] = _worded(cell, say, stores=channel == STORES)
    return grid


def _worded(cell: dict[str, Any], say: Wording, stores: bool) -> str:
    """A cell in the report's language: "129,90 € saatavilla", "1–3 päivää", "1/2 myymälää"."""
    value = cell.get("value") or ""
    if stores and "/" in value:
        having, total = value.split("/", 1)
        return say.text("stores_having", having=having, total=total)
    money = MONEY.match(value)
    parts = [say.money(money.group(1), money.group(2))] if money else []
    for seen in (
        {"price": cell.get("price"), "currency": cell.get("currency")},
        {"value": None if money else value},
        {"value": (cell.get("availability") or "").replace("_", " ")},
    ):
        if any(seen.values()):
            parts.append(say.value({"channels": {"cell": seen}}, "cell"))
    return " ".join(part for part in parts if part)


def table(report: Report) -> tuple[list[str], list[list[Any]]]:
    """The matrix as a header and rows of plain values (CSV, xlsx): kind, subject, label,
    findings, then each channel's cell, then which kinds of findings mark each channel's cell."""
    grid = Grid.of(report.touchpoints, [c["channel"] for c in report.channels])
    header = ["kind", "subject", "label", "findings", *grid.channels]
    header += [f"{channel} marked" for channel in grid.channels]
    rows = [
        [row.kind, row.subject, row.label, row.findings]
        + [text(row.cells.get(channel)) for channel in grid.channels]
        + [(row.cells.get(channel) or {}).get("marked") or "" for channel in grid.channels]
        for row in grid.rows
    ]
    return header, rows


def render_csv(report: Report) -> str:
    """The ``touchpoints-csv`` format: the matrix as CSV, crawled text that a spreadsheet would
    run as a formula prefixed with ``'``."""
    header, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) if isinstance(value, str) else value for value in row])
    return out.getvalue()


def _safe(value: str) -> str:
    """Crawled text a spreadsheet would run as a formula gets a leading ``'``."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
