"""Product feeds: Merchant Center XML, CSV/TSV and JSON Lines, read row by row into offers.

The file is first made readable (``crawler.extraction.feed_streams``: gzip undone, encoding
found, lines bounded). The format is sniffed from its first characters: ``<`` is RSS or Atom XML
with Merchant Center's ``g:`` fields (read with lxml's iterparse, each item cleared once read),
``{`` is JSON Lines, and anything else is CSV or TSV with its delimiter (',', ';', tab or '|')
sniffed. A feed of any size is streamed: only one row is held at a time. A row that cannot be
read (broken JSON, more values than columns, longer than ``ROW_LIMIT``) is given as the reason,
and the rows around it are read on. A value longer than ``TEXT_LIMIT`` characters is cut, and
the offer's evidence says which (``"cut": "title: cut at 10000 characters"``).

Field names are Merchant Center's without the prefix (id, title, link, price, sale_price,
sale_price_effective_date, availability, gtin, mpn, brand); column names are compared without
case, a ``g:`` prefix or spaces ("Sale price" = "sale_price"). A channel's ``fields:`` mapping
names other columns ({id: tuotenumero, price: hinta}). A feed's own ``id`` is never taken for
the webshop's SKU: it only names the row. Map a column to ``sku`` when it really is the SKU.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from lxml import etree

from crawler.extraction.availability import from_schema
from crawler.extraction.feed_streams import (
    ROW_LIMIT,
    SNIFF_BYTES,
    BoundedLines,
    Decoding,
    decompressed,
    find_decoding,
    text_stream,
)
from crawler.extraction.post_sources import parse_timestamp
from crawler.extraction.prices import parse_price
from crawler.items import TEXT_LIMIT, Offer

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
UNREADABLE_ROW = "unreadable row"
TOO_LONG_ROW = f"row longer than {ROW_LIMIT} characters"
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


def feed_format(head: str) -> str:
    """``xml``, ``jsonl``, ``json`` (a JSON array, which cannot be streamed) or ``csv``."""
    start = head.lstrip("\ufeff \t\r\n")[:1]
    return {"<": "xml", "{": "jsonl", "[": "json"}.get(start, "csv")


def read_rows(
    stream: IO[bytes], charset: str | None = None, notes: list[str] | None = None, limit: int = 0
) -> Iterator[dict[str, str] | str]:
    """Each row as {field key: text}, or the reason it could not be read. ``charset`` is the
    feed's HTTP charset; a note on its encoding is added to ``notes``; ``limit`` caps the bytes
    a compressed feed may decompress to (0: none)."""
    stream = decompressed(stream, limit)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    decoding = find_decoding(head, charset)
    if decoding.note and notes is not None:
        notes.append(decoding.note)
    sample = head.decode(decoding.encoding, errors="replace")
    kind = feed_format(sample)
    if kind == "xml":
        yield from _xml_rows(stream, decoding)
    elif kind == "jsonl":
        yield from _json_lines(BoundedLines(text_stream(stream, decoding)))
    elif kind == "csv":
        yield from _csv_rows(BoundedLines(text_stream(stream, decoding)), sample)
    else:
        raise ValueError("a JSON array cannot be streamed: export the feed as JSON Lines")


def _xml_rows(stream: IO[bytes], decoding: Decoding) -> Iterator[dict[str, str] | str]:
    for _, element in etree.iterparse(
        stream,
        events=("end",),
        tag=ITEM_TAGS,
        huge_tree=True,
        resolve_entities=False,
        encoding=None if decoding.declared else decoding.encoding,
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


def _json_lines(lines: BoundedLines) -> Iterator[dict[str, str] | str]:
    for line in lines:
        if lines.cut:
            lines.cut = False
            yield TOO_LONG_ROW
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            yield UNREADABLE_ROW
            continue
        if not isinstance(record, dict):
            yield UNREADABLE_ROW
            continue
        yield {column_key(str(k)): _text(v) for k, v in record.items() if v is not None}


def _csv_rows(lines: BoundedLines, sample: str) -> Iterator[dict[str, str] | str]:
    first_line = sample.splitlines()[0] if sample else ""
    try:
        delimiter = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=first_line.count)
    # A quoted value may span lines; csv's own limit (128 KiB by default) stops it at ROW_LIMIT.
    csv.field_size_limit(max(csv.field_size_limit(), ROW_LIMIT))
    reader = csv.reader(lines, delimiter=delimiter)
    header = [column_key(name) for name in next(reader, [])]
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # the reader starts afresh on the next line
            lines.cut = False
            yield TOO_LONG_ROW if "field limit" in str(error) else UNREADABLE_ROW
            continue
        if lines.cut:
            lines.cut = False
            yield TOO_LONG_ROW
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            yield UNREADABLE_ROW
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
    cut = sorted(key for key, value in row.items() if len(value) > TEXT_LIMIT)
    for key in cut:
        row[key] = row[key][:TEXT_LIMIT]
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
    if cut:
        offer.evidence["cut"] = f"{', '.join(cut)}: cut at {TEXT_LIMIT} characters"
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
