"""Offers a page makes: which product, at what price, and whether it can be bought.

Sources are tried in the order of how much the page commits to them: schema.org JSON-LD,
microdata and RDFa, then OpenGraph product tags, then the channel's configured selectors, then a
cautious text heuristic. Each field of an offer records the source that gave it and a snippet of
evidence. A price nobody can stand behind is left out: a false price is worse than none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from crawler.extraction import analytics, availability, visible
from crawler.extraction.options import ExtractionOptions
from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.price_labels import is_from_price, price_words
from crawler.extraction.prices import Money, currency_code, parse_price, plausible, to_decimal
from crawler.extraction.product_block import ProductBlock
from crawler.extraction.schema_offers import SNIPPET, from_product, merge_or_add, record
from crawler.extraction.structured import (
    first_text,
    offers_of,
    opengraph_product,
    product_nodes,
    structured_data,
    variants_of,
)
from crawler.items import Offer

STRUCTURED = ("json-ld", "microdata", "rdfa")
# The source of an availability no words state: a price shown and no stock message.
IMPLIED = "implied"
# The source of a price the page reports to its analytics and shows.
ANALYTICS = "analytics"
STRUCK = "self::del or self::s or self::strike"


def extract_offers(
    page: ParsedPage,
    options: ExtractionOptions,
    data: dict[str, list[dict[str, Any]]] | None = None,
) -> list[Offer]:
    """All offers the page makes for its own products (never for related products).

    Each later source only fills what the earlier ones left open, so a product declared in
    JSON-LD without a price takes its price from OpenGraph, a selector or the page's markup.
    """
    data = structured_data(page) if data is None else data
    offers: list[Offer] = []
    for syntax in STRUCTURED:
        for node in product_nodes(data.get(syntax, [])):
            offer = from_product(node, syntax, page, options)
            if offer is not None:
                merge_or_add(offers, offer)
    if not _priced(offers):
        graph = opengraph_product(data.get("opengraph", []))
        found = _from_opengraph(graph, page, options) if graph is not None else None
        if found is not None:
            _adopt_price(offers, found)
    if options.selectors:
        offers = _apply_selectors(offers, page, options)
    markup: visible.ProductMarkup | None = None
    if not _priced(offers):
        markup = visible.ProductMarkup(page)
        found = _from_markup(markup, options, _page_currency(page, data) or options.currency)
        found = found or _from_analytics(markup, options)
        if found is not None:
            _adopt_price(offers, found)
    if offers and offers[0].availability == availability.UNKNOWN:
        _opengraph_availability(offers[0], data.get("opengraph", []))
    if not offers or offers[0].availability == availability.UNKNOWN:
        markup = markup or visible.ProductMarkup(page)
        block = ProductBlock(page, markup.heading)
        _read_availability(offers, markup, block, options)
        _implied_availability(offers, block, data, options)
    elif offers[0].availability != availability.IN_STOCK and not _store_note(offers[0]):
        # Structured data says it cannot be bought online; the page's words may add where it
        # can ("Loppu verkkokaupasta – saatavilla myymälöistä"): kept beside the status.
        _read_store_note(offers[0], markup or visible.ProductMarkup(page))
    for offer in offers:
        offer.canonical_url = offer.canonical_url or page.canonical_url
    return offers


def _priced(offers: list[Offer]) -> bool:
    return any(offer.price is not None for offer in offers)


def _adopt_price(offers: list[Offer], found: Offer) -> None:
    """Give the page's main offer the price a later source found, or add it as the offer."""
    if not offers:
        offers.append(found)
        return
    main = offers[0]
    for key in ("price", "currency", "regular_price", "availability", "name", "sku", "gtin"):
        empty = getattr(main, key) in (None, availability.UNKNOWN)
        if empty and getattr(found, key) not in (None, availability.UNKNOWN):
            setattr(main, key, getattr(found, key))
            if key in found.sources:
                main.sources[key] = found.sources[key]
            if key in found.evidence:
                main.evidence[key] = found.evidence[key]


# -- OpenGraph ----------------------------------------------------------------------------


def _from_opengraph(
    graph: dict[str, Any], page: ParsedPage, options: ExtractionOptions
) -> Offer | None:
    amount_text = graph.get("product:price:amount") or graph.get("og:price:amount")
    amount = to_decimal(amount_text)
    if not plausible(amount):
        return None
    offer = Offer(channel=options.channel, url=page.url, name=graph.get("og:title"))
    offer.price = amount
    offer.currency = (
        graph.get("product:price:currency") or graph.get("og:price:currency") or options.currency
    )
    record(offer, "price", "opengraph", f"product:price:amount = {amount_text}")
    if offer.name:
        offer.sources["name"] = "opengraph"
    sale = to_decimal(graph.get("product:sale_price:amount"))
    if sale is not None and amount is not None and plausible(sale) and sale < amount:
        offer.regular_price, offer.price = amount, sale
    status = availability.from_schema(
        graph.get("product:availability") or graph.get("og:availability")
    )
    if status != availability.UNKNOWN:
        offer.availability = status
        offer.sources["availability"] = "opengraph"
    for key, target in (
        ("product:retailer_item_id", "sku"),
        ("product:gtin", "gtin"),
        ("product:brand", "brand"),
        ("product:mfr_part_no", "mpn"),
    ):
        if graph.get(key):
            setattr(offer, target, str(graph[key]).strip())
            offer.sources[target] = "opengraph"
    return offer


# -- configured selectors ------------------------------------------------------------------


def _apply_selectors(
    offers: list[Offer], page: ParsedPage, options: ExtractionOptions
) -> list[Offer]:
    """Fill what structured data did not give from the channel's CSS/XPath selectors.

    With a ``product`` selector each matching element is one product (listing pages); without,
    the whole page is one product.
    """
    selectors = options.selectors
    containers = select(page.tree, selectors["product"]) if "product" in selectors else [page.tree]
    found: list[Offer] = []
    for index, container in enumerate(containers):
        offer = (
            offers[index] if index < len(offers) else Offer(channel=options.channel, url=page.url)
        )
        for key in ("name", "brand", "sku", "gtin", "mpn"):
            if key in selectors and getattr(offer, key) is None:
                text = _first_text(container, selectors[key])
                if text:
                    setattr(offer, key, text)
                    record(offer, key, "selector", text)
        if "price" in selectors and offer.price is None:
            element = _first(container, selectors["price"])
            money = _element_price(element, options) if element is not None else None
            if money is not None:
                offer.price, offer.currency = money.amount, money.currency
                offer.is_from_price = is_from_price(_snippet(element))
                record(offer, "price", "selector", _snippet(element))
        if "regular_price" in selectors and offer.regular_price is None:
            money = parse_price(
                _first_text(container, selectors["regular_price"]), options.currency, options.locale
            )
            if money is not None and offer.price is not None and money.amount > offer.price:
                offer.regular_price = money.amount
                record(offer, "regular_price", "selector", str(money))
        if "availability" in selectors and offer.availability == availability.UNKNOWN:
            text = _first_text(container, selectors["availability"])
            status = availability.from_text(text)
            if status != availability.UNKNOWN and text:
                offer.availability = status
                record(offer, "availability", "selector", text)
        if offer.price is not None or offer.name:
            found.append(offer)
    return found + offers[len(containers) :]


def select(root: Any, selector: str) -> list[Any]:
    """Elements matching a CSS selector, or an XPath expression when it starts with / or (."""
    try:
        if selector.lstrip().startswith(("/", "(", "./")):
            return [node for node in root.xpath(selector) if hasattr(node, "tag")]
        return root.cssselect(selector)
    except Exception:  # an invalid selector is reported by config validation; never crash here
        return []


def _first(root: Any, selector: str) -> Any | None:
    found = select(root, selector)
    return found[0] if found else None


def _first_text(root: Any, selector: str) -> str | None:
    element = _first(root, selector)
    if element is None:
        return None
    text = clean_text(element.text_content()) or clean_text(element.get("content", ""))
    return text or None


def _element_price(element: Any, options: ExtractionOptions) -> Money | None:
    """The current price in an element: struck-through parts (old prices) do not count."""
    content = element.get("content")
    if content and plausible(to_decimal(content)):
        amount = to_decimal(content)
        assert amount is not None
        return Money(amount, options.currency)
    parts = [text for text in element.xpath(".//text()[not(ancestor::*[" + STRUCK + "])]")]
    text = clean_text(" ".join(parts))
    if price_words().not_the_price.search(text):
        return None
    return parse_price(text, options.currency, options.locale)


# -- what the page shows ------------------------------------------------------------------


def _page_currency(page: ParsedPage, data: dict[str, list[dict[str, Any]]]) -> str | None:
    """The currency the page declares for its prices (OpenGraph, an itemprop, an offer's
    priceCurrency), for an amount it shows without one."""
    declared = [
        *page.tree.xpath("//*[@itemprop='priceCurrency']/@content"),
        *(
            item.get(key)
            for item in data.get("opengraph", [])
            for key in ("product:price:currency", "og:price:currency")
        ),
        *(
            first_text(offer.get("priceCurrency"))
            for syntax in STRUCTURED
            for node in product_nodes(data.get(syntax, []))
            for offer in offers_of(node)
        ),
    ]
    return next((code for value in declared if (code := currency_code(value))), None)


def _from_markup(
    markup: visible.ProductMarkup, options: ExtractionOptions, currency: str | None
) -> Offer | None:
    """A price read from the page's markup: a marked price element next to the product's
    heading, else a lone price label in the heading's neighbourhood."""
    if markup.name is None:
        return None
    shown = markup.price(currency, options.locale) or markup.neighbourhood_price(
        options.currency, options.locale
    )
    if shown is None:
        return None
    money, evidence = shown
    offer = Offer(channel=options.channel, url=markup.page.url, name=markup.name)
    offer.sources["name"] = "text"
    offer.price, offer.currency = money.amount, money.currency
    offer.is_from_price = is_from_price(evidence)
    record(offer, "price", "text", evidence)
    return offer


def _from_analytics(markup: visible.ProductMarkup, options: ExtractionOptions) -> Offer | None:
    """The price the page reports to its analytics, when its content shows that amount as a
    price (``analytics.py``); the line that shows it is the evidence."""
    reported = analytics.reported_price(markup.page, options.locale)
    if reported is None:
        return None
    money, name = reported
    lines = visible.shown_lines(markup.page, markup.heading)
    shown = analytics.confirmed(money, lines, options.locale)
    if shown is None:
        return None
    money, line = shown
    offer = Offer(channel=options.channel, url=markup.page.url, name=markup.name or name)
    if offer.name:
        offer.sources["name"] = "text" if markup.name else ANALYTICS
    offer.price, offer.currency = money.amount, money.currency
    offer.is_from_price = is_from_price(line)
    record(offer, "price", ANALYTICS, f"reported {money}, shown: {line}")
    return offer


def _opengraph_availability(offer: Offer, items: list[dict[str, Any]]) -> None:
    """OpenGraph's ``product:availability`` for an offer whose price came from elsewhere."""
    for item in items:
        keys = {key.lower(): value for key, value in item.items()}
        value = keys.get("product:availability") or keys.get("og:availability")
        status = availability.from_schema(value)
        if status != availability.UNKNOWN:
            offer.availability = status
            record(offer, "availability", "opengraph", f"product:availability = {value}")
            return


def _read_availability(
    offers: list[Offer],
    markup: visible.ProductMarkup,
    block: ProductBlock,
    options: ExtractionOptions,
) -> None:
    """What the product's own block shows (a stock message, else an enabled buy button), for an
    offer structured data left without an availability.

    A page with no price but a clear "sold out" message still says something about its product
    (shops often hide the price of what they cannot sell): it yields a price-less offer.
    """
    signal = block.availability()
    if signal is None:
        return
    if not offers:
        if signal.status in (availability.IN_STOCK, availability.UNKNOWN) or markup.name is None:
            return
        offer = Offer(channel=options.channel, url=markup.page.url, name=markup.name)
        offer.sources["name"] = "text"
        offers.append(offer)
    if signal.status != availability.UNKNOWN:
        offers[0].availability = signal.status
        record(offers[0], "availability", signal.source, signal.evidence)
    if signal.note:
        offers[0].evidence["store_availability"] = signal.note[:SNIPPET]


def _store_note(offer: Offer) -> str | None:
    return offer.evidence.get("store_availability")


def _read_store_note(offer: Offer, markup: visible.ProductMarkup) -> None:
    signal = ProductBlock(markup.page, markup.heading).availability()
    if signal is not None and signal.note:
        offer.evidence["store_availability"] = signal.note[:SNIPPET]


def _implied_availability(
    offers: list[Offer],
    block: ProductBlock,
    data: dict[str, list[dict[str, Any]]],
    options: ExtractionOptions,
) -> None:
    """A product offered at a price on a page that says nothing about stock is in stock, as shops
    and Merchant Center treat an item offered for sale; its source ``implied`` is the least sure
    of all (a shop may write its stock message with a script), and rules compare it only when
    asked. Only on a page of one product, never a listing, and never over anything the page
    states: an availability declared in structured data (even one not understood), a stock
    message (even in words the vocabulary lacks), a buy button (enabled or disabled), a stock
    phrase other than in stock anywhere in its content."""
    if len(offers) != 1 or "product" in options.selectors:
        return
    offer = offers[0]
    if offer.price is None or offer.availability != availability.UNKNOWN:
        return
    if _declared_availability(data) or not block.silent():
        return
    offer.availability = availability.IN_STOCK
    record(offer, "availability", IMPLIED, "price shown, no stock message")


def _declared_availability(data: dict[str, list[dict[str, Any]]]) -> bool:
    """Whether structured data states an availability, read or not."""
    for syntax in STRUCTURED:
        for node in product_nodes(data.get(syntax, [])):
            items = [*offers_of(node), *(o for v in variants_of(node) for o in offers_of(v))]
            if any(first_text(item.get("availability")) for item in items):
                return True
    return any(
        key.lower() in ("product:availability", "og:availability")
        for item in data.get("opengraph", [])
        for key in item
    )


# -- helpers -------------------------------------------------------------------------------


def _snippet(element: Any) -> str:
    return clean_text(element.text_content())[:SNIPPET]


__all__ = ["ExtractionOptions", "extract_offers", "select", "Decimal"]
