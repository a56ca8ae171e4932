"""Stock per physical store, as a product page states it.

Two sources, the one the page commits to first:

1. schema.org: an Offer ``availableAtOrFrom`` a store (a ``Store`` or ``LocalBusiness``, or a
   place with a ``branchCode``; its ``name`` and address) is that store's stock; a place in
   words (where a marketplace's item ships from) is no store. Its ``availability`` says whether the
   shelf has it (``InStock``, ``InStoreOnly``, ``LimitedAvailability``), has none
   (``OutOfStock``, ``SoldOut``) or the store does not sell it (``OnlineOnly``,
   ``Discontinued``); ``inventoryLevel`` is the count. ``availableAtOrFrom`` on the product
   applies its one offer's availability to those places.
2. The page's "availability in stores" block ("Saatavuus myymälöissä", "Lagerstatus i butik",
   "Availability in stores"; or an element whose class says store and stock): one row per store,
   the store's name and its status or count ("Helsinki Kamppi: varastossa 5 kpl", "Tampere –
   Loppu", "Göteborg: Säljs ej i denna butik").

A row that says the store does not sell the product ("Ei valikoimassa", "Not sold in this
store") is ``not_carried``, never sold out. A row with no status word and no count (an address,
opening hours) is no stock row. The words are data in ``rules/vocab/availability.yml``
(``store_stock``, and the phrase classes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from crawler.extraction import availability
from crawler.extraction.options import ExtractionOptions
from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.prices import to_decimal
from crawler.extraction.product_block import INVISIBLE_TAGS, hidden, visible_text
from crawler.extraction.structured import first_text, offers_of, product_nodes, store_places
from crawler.extraction.vocabulary import alternation, load_vocabulary, whole_words
from crawler.items import Offer, StoreStock

NOT_CARRIED = "not_carried"
STATUSES = ("in_stock", "out_of_stock", NOT_CARRIED, "unknown")
# What a phrase class says about one store's shelf.
ROW_STATUS = {
    "in_stock": "in_stock",
    "out_of_stock": "out_of_stock",
    "backorder": "out_of_stock",
    "discontinued": NOT_CARRIED,
    "preorder": "unknown",
}
SCHEMA_STATUS = {
    "instock": "in_stock",
    "instoreonly": "in_stock",
    "limitedavailability": "in_stock",
    "outofstock": "out_of_stock",
    "soldout": "out_of_stock",
    "backorder": "out_of_stock",
    "onlineonly": NOT_CARRIED,
    "discontinued": NOT_CARRIED,
}
HEADINGS = "self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
LABELS = f"//body//*[{HEADINGS} or self::caption or self::legend or self::summary or self::strong]"
OUTSIDE = {"header", "footer", "nav"}
MAX_NAME_WORDS = 6
MAX_NAME = 60
SNIPPET = 160


@dataclass(frozen=True)
class StoreReading:
    """One store's row: its status, the count when one is given, and the store's name."""

    status: str
    quantity: int | None
    name: str


@dataclass(frozen=True)
class _Vocabulary:
    headings: re.Pattern[str]
    not_carried: re.Pattern[str]
    count: re.Pattern[str]
    place_words: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = load_vocabulary("availability")
    stock = data["store_stock"]
    units = alternation(data.get("zero_counts", []))
    more = alternation(stock.get("more_than", []))
    return _Vocabulary(
        headings=whole_words(_words(stock["headings"])),
        not_carried=whole_words(_words(stock["not_carried"])),
        count=re.compile(
            rf"(?<![\w.,])(?P<more>(?:{more})\s*|>\s*)?(?P<number>\d{{1,5}})\s*(?P<plus>\+)?"
            rf"\s*(?:{units})(?!\w)",
            re.IGNORECASE,
        ),
        place_words=frozenset(
            word.lower() for word in data.get("places", {}).get("stores", []) if " " not in word
        ),
    )


def _words(by_language: dict[str, list[str]]) -> list[str]:
    return [availability.normalise(str(word)) for words in by_language.values() for word in words]


def read_store_row(text: str) -> StoreReading | None:
    """One store's stock from a row's text; None when the row states no stock, or several."""
    vocabulary = _vocabulary()
    normal = availability.normalise(text)
    spans: list[tuple[int, int]] = []
    carried = list(vocabulary.not_carried.finditer(normal))
    counts = list(vocabulary.count.finditer(normal))
    phrases = [
        phrase
        for phrase in availability.phrases(normal)
        if not any(match.start() <= phrase.start < match.end() for match in carried)
    ]
    if len(carried) > 1 or len(counts) > 1 or len({p.start for p in phrases}) > 1:
        return None  # more than one store's words: rows of a block read as one
    quantity = None
    if carried:
        status = NOT_CARRIED
        spans.append(carried[0].span())
    elif counts:
        quantity = int(counts[0].group("number"))
        status = "in_stock" if quantity > 0 else "out_of_stock"
        said = {ROW_STATUS.get(phrase.status, "unknown") for phrase in phrases}
        if said and said != {status}:
            status = "unknown"  # "Loppu (3 kpl tulossa)": words and count disagree
    elif phrases:
        status = ROW_STATUS.get(phrases[0].status, "unknown")
    else:
        return None
    spans += [match.span() for match in counts] + [(p.start, p.end) for p in phrases]
    name = _name(normal, spans)
    if not name:
        return None
    return StoreReading(status, quantity, name)


def _name(text: str, spans: list[tuple[int, int]]) -> str:
    """What is left of a row once its status words and count are taken out: the store's name."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    name = clean_text(re.sub(r"[:;|•·()\[\]–—]|\s-\s|^\s*-|-\s*$", " ", text)).strip(" ,.-")
    words = name.split()
    if not re.search(r"[^\W\d_]", name) or len(words) > MAX_NAME_WORDS or len(name) > MAX_NAME:
        return ""
    places = _vocabulary().place_words
    if all(word.lower() in places or len(word) < 3 or word.isdigit() for word in words):
        return ""  # "myymälöissä", "i 5 butiker": a heading's or a summary's words, no store
    return name


def page_store_stock(
    page: ParsedPage,
    data: dict[str, list[dict[str, Any]]],
    offers: list[Offer],
    options: ExtractionOptions,
) -> list[StoreStock]:
    """Stock per store for the page's product: structured data first, then the page's block.
    Only a page about one product (its offers all share one name) has one."""
    if not offers or len({offer.name for offer in offers}) > 1:
        return []
    main = offers[0]
    found: dict[str, StoreStock] = {}
    for syntax in ("json-ld", "microdata", "rdfa"):
        for node in product_nodes(data.get(syntax, [])):
            for stock in _declared(node, syntax, main, options):
                found.setdefault(stock.store.lower(), stock)
    if not found:
        for text in _block_rows(page):
            reading = read_store_row(text)
            if reading is not None:
                stock = _stock(main, options, reading.name, reading.status, "text", text)
                stock.quantity = reading.quantity
                found.setdefault(reading.name.lower(), stock)
    return list(found.values())


def _stock(
    offer: Offer, options: ExtractionOptions, store: str, status: str, source: str, evidence: str
) -> StoreStock:
    return StoreStock(
        channel=options.channel,
        url=offer.url,
        store=store,
        status=status,
        source=source,
        evidence=evidence[:SNIPPET],
        name=offer.name,
        sku=offer.sku,
        gtin=offer.gtin,
    )


# -- structured data -----------------------------------------------------------------------


def _declared(
    node: dict[str, Any], syntax: str, main: Offer, options: ExtractionOptions
) -> Iterator[StoreStock]:
    name = first_text(node.get("name"))
    if main.name and name and name != main.name:
        return  # another product's node (a bundle's part, an accessory)
    own = offers_of(node)
    placed = [(item, store_places(item)) for item in own]
    if len(own) == 1:
        placed.append((own[0], store_places(node)))
    for item, places in placed:
        value = first_text(item.get("availability")) or ""
        status = SCHEMA_STATUS.get(value.rstrip("/").rsplit("/", 1)[-1].lower(), "unknown")
        quantity = _level(item.get("inventoryLevel"))
        if quantity == 0 and status == "in_stock":
            status = "out_of_stock"
        for place in places:
            store, store_name, city = _place(place)
            if not store:
                continue
            evidence = f"offers.availableAtOrFrom = {store_name or store}; availability = {value}"
            if quantity is not None:
                evidence += f"; inventoryLevel = {quantity}"
            stock = _stock(main, options, store, status, syntax, evidence)
            stock.store_name, stock.city, stock.quantity = store_name, city, quantity
            stock.price = to_decimal(first_text(item.get("price")))
            if stock.price is not None:
                stock.currency = first_text(item.get("priceCurrency")) or options.currency
            yield stock


def _place(place: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(code or name, name, city) of a schema.org Store."""
    name = first_text(place.get("name"))
    code = first_text(place.get("branchCode")) or first_text(place.get("identifier"))
    address = place.get("address")
    city = first_text(address.get("addressLocality")) if isinstance(address, dict) else None
    return code or name, name, city


def _level(value: Any) -> int | None:
    amount = value.get("value") if isinstance(value, dict) else value
    try:
        return int(float(str(first_text(amount))))
    except (TypeError, ValueError):
        return None


# -- the page's block ----------------------------------------------------------------------


def _block_rows(page: ParsedPage) -> Iterator[str]:
    """The text of each row of the page's "availability in stores" blocks."""
    seen: set[Any] = set()
    for region in _blocks(page):
        for element in region:
            for text, row in _rows(element):
                if row not in seen:
                    seen.add(row)
                    yield text


def _blocks(page: ParsedPage) -> Iterator[list[Any]]:
    """Each block as the elements it spans: an element whose class or id says store and stock,
    or what follows a heading that names store availability, up to the next heading."""
    vocabulary = _vocabulary()
    marked = []
    for element in page.tree.xpath("//body//*[@class or @id]"):
        if availability.names_store_block(f"{element.get('class', '')} {element.get('id', '')}"):
            marked.append(element)
    chosen = set(marked)
    for element in marked:
        inner = any(ancestor in chosen for ancestor in element.iterancestors())
        if not inner and _shown(element):
            yield [element]
    for label in page.tree.xpath(LABELS):
        text = clean_text(label.text_content())
        if len(text) > MAX_NAME or not vocabulary.headings.search(availability.normalise(text)):
            continue
        if any(ancestor in chosen for ancestor in label.iterancestors()) or not _shown(label):
            continue
        yield _following(label)


def _following(label: Any) -> list[Any]:
    """The elements after a heading up to the next heading; its parent's, when it has none
    (a heading wrapped in its own element), or the table a caption names."""
    if label.tag == "caption" and label.getparent() is not None:
        return [label.getparent()]
    for holder in (label, label.getparent()):
        if holder is None:
            break
        region = []
        for sibling in holder.itersiblings():
            if not isinstance(sibling.tag, str):
                continue
            if sibling.xpath(f"boolean(self::*[self::h1 or {HEADINGS}])"):
                break
            region.append(sibling)
        if region:
            return region
    return []


def _rows(element: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(text, element) of each store's row under ``element``: list items, table rows, a term
    and its description, else the element itself when it reads as one row, else its children."""
    if not isinstance(element.tag, str) or not _shown(element) or depth > 6:
        return
    if element.xpath(f"boolean(self::*[self::h1 or {HEADINGS}])"):
        return
    if element.tag == "dl":
        for term in element.xpath("./dt"):
            described = term.xpath("following-sibling::dd[1]")
            if described:
                yield f"{visible_text(term)}: {visible_text(described[0])}", term
        return
    rows = element.xpath("descendant-or-self::li[not(.//li)] | descendant-or-self::tr[not(.//tr)]")
    if rows:
        for row in rows:
            if _shown(row):
                yield visible_text(row), row
        return
    text = visible_text(element)
    if read_store_row(text) is not None:
        yield text, element
        return
    for child in element:
        yield from _rows(child, depth + 1)


def _shown(element: Any) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in INVISIBLE_TAGS or node.tag in OUTSIDE or hidden(node):
            return False
    return True
