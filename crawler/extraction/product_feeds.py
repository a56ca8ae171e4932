"""Product feeds: Merchant Center XML, CSV/TSV and JSON Lines, read row by row into offers.

The format is sniffed from the first bytes: ``<`` is RSS or Atom XML with Merchant Center's
``g:`` fields (read with lxml's iterparse, each item cleared once read), ``{`` is JSON Lines, and
anything else is CSV or TSV with its delimiter (',', ';', tab or '|') sniffed. A feed of any size
is streamed: only one row is held at a time.

Field names are Merchant Center's without the prefix (id, title, link, price, sale_price,
sale_price_effective_date, availability, gtin, mpn, brand); column names are compared without
case, a ``g:`` prefix or spaces ("Sale price" = "sale_price"). A channel's ``fields:`` mapping
names other columns ({id: tuotenumero, price: hinta}). A feed's own ``id`` is never taken for
the webshop's SKU: it only names the row. Map a column to ``sku`` when it really is the SKU.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from lxml import etree

from crawler.extraction.availability import from_schema
from crawler.extraction.post_sources import parse_timestamp
from crawler.extraction.prices import parse_price
from crawler.items import Offer

FIELDS = (
    "id",
    "title",
    "link",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "gtin",
    "mpn",
    "sku",
    "brand",
    "currency",
)
SNIFF_BYTES = 64 * 1024
ITEM_TAGS = ("{*}item", "{*}entry")


@dataclass(frozen=True)
class FeedOptions:
    channel: str
    url: str
    fields: dict[str, str]
    currency: str | None = None
    locale: str | None = None
    today: date | None = None


def column_key(name: str) -> str:
    """A column or element name compared as a field name: "g:Sale Price" -> "sale_price"."""
    key = name.strip().lower()
    key = key.split("}", 1)[-1].removeprefix("g:").removeprefix("g_")
    return "_".join(key.replace("-", " ").split())


def feed_format(head: bytes) -> str:
    """``xml``, ``jsonl``, ``json`` (a JSON array, which cannot be streamed) or ``csv``."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"<": "xml", b"{": "jsonl", b"[": "json"}.get(start, "csv")


def read_rows(stream: IO[bytes]) -> Iterator[dict[str, str] | None]:
    """Each row as {field key: text}; None for a row that could not be read at all."""
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    kind = feed_format(head)
    if kind == "xml":
        yield from _xml_rows(stream)
    elif kind == "jsonl":
        yield from _json_lines(stream)
    elif kind == "csv":
        yield from _csv_rows(stream, head)
    else:
        raise ValueError("a JSON array cannot be streamed: export the feed as JSON Lines")


def _xml_rows(stream: IO[bytes]) -> Iterator[dict[str, str] | None]:
    for _, element in etree.iterparse(
        stream, events=("end",), tag=ITEM_TAGS, huge_tree=True, resolve_entities=False
    ):
        row: dict[str, str] = {}
        for child in element:
            if not isinstance(child.tag, str) or len(child):
                continue  # comments, and nested groups such as g:shipping's own g:price
            value = (child.text or child.get("href") or "").strip()
            row.setdefault(column_key(child.tag), value)
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
        yield row


def _json_lines(stream: IO[bytes]) -> Iterator[dict[str, str] | None]:
    for line in io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace"):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield None
            continue
        if not isinstance(record, dict):
            yield None
            continue
        yield {column_key(str(k)): _text(v) for k, v in record.items() if v is not None}


def _csv_rows(stream: IO[bytes], head: bytes) -> Iterator[dict[str, str] | None]:
    sample = head.decode("utf-8-sig", errors="replace")
    first_line = sample.splitlines()[0] if sample else ""
    try:
        delimiter = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=first_line.count)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text, delimiter=delimiter)
    header = [column_key(name) for name in next(reader, [])]
    for values in reader:
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            yield None
            continue
        yield {key: value.strip() for key, value in zip(header, values, strict=False) if key}


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value") or value.get("amount") or ""
    return str(value).strip()


def rename(row: dict[str, str], fields: dict[str, str]) -> dict[str, str]:
    """The row with the channel's ``fields:`` mapping applied ({our name: their column})."""
    if not fields:
        return row
    theirs = {column_key(column): ours for ours, column in fields.items()}
    renamed = {key: value for key, value in row.items() if key not in theirs}
    renamed.update({theirs[key]: value for key, value in row.items() if key in theirs})
    return renamed


def row_offer(row: dict[str, str], number: int, options: FeedOptions) -> Offer | str:
    """The offer a feed row describes, or the reason it was skipped."""
    row = rename(row, options.fields)
    name = row.get("title") or None
    link = row.get("link") or None
    gtin, mpn, sku = (row.get(key) or None for key in ("gtin", "mpn", "sku"))
    if not name and not link and not (gtin or mpn or sku):
        return "row without title or identifier"
    currency = row.get("currency") or options.currency
    offer = Offer(
        channel=options.channel,
        url=link or f"{options.url}#{row.get('id') or f'row-{number}'}",
        name=name,
        brand=row.get("brand") or None,
        canonical_url=link,
        availability=from_schema(row.get("availability")),
        gtin=gtin,
        mpn=mpn,
        sku=sku,
        item_id=row.get("id") or None,
    )
    for key in ("title", "brand", "gtin", "mpn", "sku", "availability", "link"):
        if row.get(key):
            field = "name" if key == "title" else "canonical_url" if key == "link" else key
            offer.sources[field] = "feed"
    regular = parse_price(row.get("price"), currency, options.locale)
    if row.get("price") and regular is None:
        return "unreadable price"
    sale = parse_price(row.get("sale_price"), currency, options.locale)
    start, end = _effective_dates(row.get("sale_price_effective_date"))
    today = options.today or date.today()
    on_sale = sale is not None and (start or today) <= today <= (end or today)
    current = sale if on_sale else regular
    if current is not None:
        offer.price, offer.currency = current.amount, current.currency
        offer.sources["price"] = "feed"
        column = "sale_price" if on_sale else "price"
        offer.evidence["price"] = f"{column}: {row.get(column)}"
    if on_sale and regular is not None:
        offer.regular_price = regular.amount
        offer.price_valid_from = start.isoformat() if start else None
        offer.price_valid_until = end.isoformat() if end else None
    return offer


def _effective_dates(value: str | None) -> tuple[date | None, date | None]:
    """Merchant Center's "2026-11-20T00:00+02:00/2026-11-30T23:59+02:00" as two days."""
    if not value or "/" not in value:
        return None, None
    first, last = (parse_timestamp(part.strip()) for part in value.split("/", 1))
    return (first.date() if first else None), (last.date() if last else None)
