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

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from lxml import etree

from crawler.extraction.availability import from_schema
from crawler.extraction.feed_streams import (
    SNIFF_BYTES,
    TOO_LONG_ROW,
    UNREADABLE_ROW,
    BoundedLines,
    Decoding,
    csv_rows,
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
ITEM_NAMES = ("item", "entry")
CHUNK_BYTES = 64 * 1024
# Characters of an XML value read before the rest is skipped: twice the text limit, so that
# a value padded with spaces is still cut (and marked) after they are stripped.
XML_VALUE_LIMIT = 2 * TEXT_LIMIT


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
        yield from csv_rows(BoundedLines(text_stream(stream, decoding)), sample, column_key)
    else:
        raise ValueError("a JSON array cannot be streamed: export the feed as JSON Lines")


def _xml_rows(stream: IO[bytes], decoding: Decoding) -> Iterator[dict[str, str] | str]:
    """Each ``<item>`` or ``<entry>`` as a row, the file fed to lxml in pieces: a parser target
    (``ItemRows``) receives the text in the pieces libxml2 reads, so a value of any length (a
    200 MB "title") costs no more memory than ``XML_VALUE_LIMIT`` characters."""
    rows = ItemRows()
    parser = etree.XMLParser(
        target=rows,
        huge_tree=True,  # no limit on a text node's length or the document's depth
        resolve_entities=False,
        no_network=True,
        encoding=None if decoding.declared else decoding.encoding,
    )
    while chunk := stream.read(CHUNK_BYTES):
        parser.feed(chunk)
        yield from rows.take()
    parser.close()
    yield from rows.take()


class ItemRows:
    """An lxml parser target: the leaf elements of each item as {field key: text}, each text
    kept to ``XML_VALUE_LIMIT`` characters (longer is cut by ``row_offer``, which says so). An
    element with elements inside (``g:shipping``'s own ``g:price``) is left out, as is its
    content."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.row: dict[str, str] | None = None
        self.depth = 0  # within the item: 1 for its fields
        self.field: str | None = None
        self.text: list[str] = []
        self.length = 0
        self.href = ""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.row is None:
            if tag.rsplit("}", 1)[-1] in ITEM_NAMES:
                self.row, self.depth = {}, 0
            return
        self.depth += 1
        if self.depth == 1:
            self.field, self.text, self.length = tag, [], 0
            self.href = attributes.get("href", "")
        else:
            self.field = None  # a group of elements, not a value

    def data(self, text: str) -> None:
        if self.field is not None and self.depth == 1 and self.length < XML_VALUE_LIMIT:
            piece = text[: XML_VALUE_LIMIT - self.length]
            self.text.append(piece)
            self.length += len(piece)

    def end(self, tag: str) -> None:
        if self.row is None:
            return
        if self.depth == 0:
            self.rows.append(self.row)
            self.row = None
            return
        if self.depth == 1 and self.field is not None:
            value = ("".join(self.text) or self.href).strip()
            self.row.setdefault(column_key(self.field), value)
        self.depth -= 1
        if self.depth == 0:
            self.field = None

    def comment(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> list[dict[str, str]]:
        rows, self.rows = self.rows, []
        return rows


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
        feed=options.url,
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
