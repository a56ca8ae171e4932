"""Offers a page makes: which product, at what price, and whether it can be bought.

Sources are tried in the order of how much the page commits to them: schema.org JSON-LD,
microdata and RDFa, then OpenGraph product tags, then the channel's configured selectors, then a
cautious text heuristic. Each field of an offer records the source that gave it and a snippet of
evidence. A price nobody can stand behind is left out: a false price is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from crawler.extraction import availability
from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.prices import Money, parse_price, plausible, to_decimal
from crawler.extraction.structured import (
    first_text,
    offers_of,
    opengraph_product,
    product_nodes,
    structured_data,
    type_names,
)
from crawler.items import Offer

STRUCTURED = ("json-ld", "microdata", "rdfa")
REGULAR_PRICE_TYPES = {"strikethroughprice", "listprice", "msrp", "srp", "regularprice"}
GTIN_KEYS = ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "isbn")
# Prices per unit of measure, shipping costs and instalments are not the product's price.
NOT_THE_PRICE = re.compile(
    r"(/\s*(kg|g|l|dl|ml|m|m2|m²|kpl|st|pcs|kk|mån|mo|month)\b)|(€|eur|kr|sek)\s*/\s*\w"
    r"|\b(toimitus\w*|postikulu\w*|frakt\w*|shipping|delivery|kuukausi\w*|per month|/kk)\b",
    re.IGNORECASE,
)
STRUCK = "self::del or self::s or self::strike"
SNIPPET = 160


@dataclass
class ExtractionOptions:
    """What the channel's configuration tells extraction."""

    channel: str = ""
    currency: str | None = None
    locale: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)


def extract_offers(page: ParsedPage, options: ExtractionOptions) -> list[Offer]:
    """All offers the page makes for its own products (never for related products)."""
    data = structured_data(page)
    offers: list[Offer] = []
    for syntax in STRUCTURED:
        for node in product_nodes(data.get(syntax, [])):
            offer = _from_product(node, syntax, page, options)
            if offer is not None:
                _merge_or_add(offers, offer)
    if not offers:
        graph = opengraph_product(data.get("opengraph", []))
        if graph is not None:
            offer = _from_opengraph(graph, page, options)
            if offer is not None:
                offers.append(offer)
    if options.selectors:
        offers = _apply_selectors(offers, page, options)
    if not offers:
        offer = _from_text(page, options)
        if offer is not None:
            offers.append(offer)
    for offer in offers:
        offer.canonical_url = offer.canonical_url or page.canonical_url
    return offers


# -- schema.org ---------------------------------------------------------------------------


def _from_product(
    node: dict[str, Any], syntax: str, page: ParsedPage, options: ExtractionOptions
) -> Offer | None:
    offer = Offer(channel=options.channel, url=page.url)
    _identity(offer, node, syntax)
    own_offers = offers_of(node)
    variants = [v for v in _as_list(node.get("hasVariant")) if isinstance(v, dict)]
    for variant in variants:
        own_offers.extend(offers_of(variant))
    prices: list[tuple[Money, dict[str, Any]]] = []
    for item in own_offers:
        money = _offer_price(item, options)
        if money is not None:
            prices.append((money, item))
        regular = _regular_price(item, options)
        if regular is not None and offer.regular_price is None:
            offer.regular_price = regular.amount
            _record(offer, "regular_price", syntax, f"{regular}")
    if prices:
        low_money, low_item = min(prices, key=lambda pair: pair[0].amount)
        amounts = {money.amount for money, _ in prices}
        aggregate = any("aggregateoffer" in type_names(item) for _, item in prices)
        offer.is_from_price = len(amounts) > 1 or (aggregate and _has_range(low_item))
        offer.price, offer.currency = low_money.amount, low_money.currency
        _record(offer, "price", syntax, f"offers.price = {low_money}")
        offer.price_valid_from = _date(low_item.get("validFrom") or low_item.get("priceValidFrom"))
        offer.price_valid_until = _date(low_item.get("priceValidUntil"))
        status = availability.from_schema(first_text(low_item.get("availability")))
        offer.availability = status
        if status != availability.UNKNOWN:
            _record(offer, "availability", syntax, first_text(low_item.get("availability")) or "")
        offer_url = first_text(low_item.get("url"))
        if offer_url and offer_url.startswith("http"):
            offer.canonical_url = offer_url
    old, current = offer.regular_price, offer.price
    if old is not None and current is not None and old <= current:
        offer.regular_price = None
    if offer.price is None and not offer.name:
        return None
    return offer


def _identity(offer: Offer, node: dict[str, Any], syntax: str) -> None:
    offer.name = first_text(node.get("name"))
    offer.brand = first_text(node.get("brand")) or first_text(node.get("manufacturer"))
    offer.sku = first_text(node.get("sku")) or first_text(node.get("productID"))
    offer.mpn = first_text(node.get("mpn"))
    for key in GTIN_KEYS:
        gtin = first_text(node.get(key))
        if gtin and re.fullmatch(r"\d{8,14}", gtin.replace(" ", "")):
            offer.gtin = gtin.replace(" ", "")
            break
    for key in ("name", "brand", "sku", "mpn", "gtin"):
        if getattr(offer, key):
            offer.sources[key] = syntax
    url = first_text(node.get("url"))
    if url and url.startswith("http"):
        offer.canonical_url = url


def _offer_price(item: dict[str, Any], options: ExtractionOptions) -> Money | None:
    currency = first_text(item.get("priceCurrency"))
    amount = to_decimal(first_text(item.get("price")))
    if amount is None:
        amount = to_decimal(first_text(item.get("lowPrice")))
    if amount is None:
        for spec in _price_specs(item):
            if not _spec_kind(spec) and not spec.get("referenceQuantity"):
                amount = to_decimal(first_text(spec.get("price")))
                currency = currency or first_text(spec.get("priceCurrency"))
                if amount is not None:
                    break
    if not plausible(amount):
        return None
    assert amount is not None
    return Money(amount, (currency or options.currency or "").upper() or None)


def _regular_price(item: dict[str, Any], options: ExtractionOptions) -> Money | None:
    for spec in _price_specs(item):
        if _spec_kind(spec) in REGULAR_PRICE_TYPES:
            amount = to_decimal(first_text(spec.get("price")))
            if plausible(amount):
                assert amount is not None
                currency = first_text(spec.get("priceCurrency")) or options.currency
                return Money(amount, currency)
    return None


def _price_specs(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [spec for spec in _as_list(item.get("priceSpecification")) if isinstance(spec, dict)]


def _spec_kind(spec: dict[str, Any]) -> str:
    kind = first_text(spec.get("priceType")) or ""
    return kind.rstrip("/").rsplit("/", 1)[-1].lower()


def _has_range(item: dict[str, Any]) -> bool:
    low, high = (
        to_decimal(first_text(item.get("lowPrice"))),
        to_decimal(first_text(item.get("highPrice"))),
    )
    return low is not None and high is not None and high > low


def _date(value: Any) -> str | None:
    text = first_text(value)
    return text[:25] if text else None


def _merge_or_add(offers: list[Offer], new: Offer) -> None:
    """The same product declared in two syntaxes is one offer; fill what the first lacked."""
    for offer in offers:
        same = (offer.sku and offer.sku == new.sku) or (offer.gtin and offer.gtin == new.gtin)
        same = same or (offer.name is not None and offer.name == new.name)
        if same:
            for key in ("name", "brand", "sku", "gtin", "mpn", "price", "regular_price"):
                if getattr(offer, key) is None and getattr(new, key) is not None:
                    setattr(offer, key, getattr(new, key))
                    if key in new.sources:
                        offer.sources[key] = new.sources[key]
                    if key in new.evidence:
                        offer.evidence[key] = new.evidence[key]
            if offer.currency is None:
                offer.currency = new.currency
            if offer.availability == availability.UNKNOWN:
                offer.availability = new.availability
            return
    offers.append(new)


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
    _record(offer, "price", "opengraph", f"product:price:amount = {amount_text}")
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
                    _record(offer, key, "selector", text)
        if "price" in selectors and offer.price is None:
            element = _first(container, selectors["price"])
            money = _element_price(element, options) if element is not None else None
            if money is not None:
                offer.price, offer.currency = money.amount, money.currency
                _record(offer, "price", "selector", _snippet(element))
        if "regular_price" in selectors and offer.regular_price is None:
            money = parse_price(
                _first_text(container, selectors["regular_price"]), options.currency, options.locale
            )
            if money is not None and offer.price is not None and money.amount > offer.price:
                offer.regular_price = money.amount
                _record(offer, "regular_price", "selector", str(money))
        if "availability" in selectors and offer.availability == availability.UNKNOWN:
            text = _first_text(container, selectors["availability"])
            status = availability.from_text(text)
            if status != availability.UNKNOWN and text:
                offer.availability = status
                _record(offer, "availability", "selector", text)
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
    if NOT_THE_PRICE.search(text):
        return None
    return parse_price(text, options.currency, options.locale)


# -- text heuristic ------------------------------------------------------------------------


def _from_text(page: ParsedPage, options: ExtractionOptions) -> Offer | None:
    """A product page without markup: one h1 and one current price close to it.

    Only the h1's own neighbourhood is read (its ancestors up to three levels), and only when it
    holds exactly one distinct non-struck price, so carousels of other products never count.
    """
    headings = page.tree.xpath("//body//h1")
    if len(headings) != 1:
        return None
    heading = headings[0]
    name = clean_text(heading.text_content())
    if not name:
        return None
    container = heading
    for _ in range(3):
        parent = container.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        container = parent
        prices, evidence = _prices_in(container, options)
        if len(prices) == 1:
            money = prices[0]
            offer = Offer(channel=options.channel, url=page.url, name=name)
            offer.sources["name"] = "text"
            offer.price, offer.currency = money.amount, money.currency
            _record(offer, "price", "text", evidence)
            return offer
        if len(prices) > 1:
            return None
    return None


PRICE_TEXT = re.compile(
    r"(?:€|eur|kr|sek|nok|dkk|\$|£)\s*\d[\d\s.,]*|\d[\d\s.,]*\s*(?:€|eur\b|euroa|kr\b|:-|sek\b)",
    re.IGNORECASE,
)


def _prices_in(container: Any, options: ExtractionOptions) -> tuple[list[Money], str]:
    """Distinct current prices in the container ("89 €" and "89,00 €" are one price)."""
    prices: dict[tuple[Decimal, str | None], Money] = {}
    evidence = ""
    for text in container.xpath(".//text()[not(ancestor::*[" + STRUCK + "])]"):
        if text.getparent() is not None and text.getparent().tag in ("script", "style"):
            continue
        for match in PRICE_TEXT.finditer(text):
            window = text[max(0, match.start() - 20) : match.end() + 12]
            if NOT_THE_PRICE.search(window):
                continue
            money = parse_price(match.group(0), options.currency, options.locale)
            if money is not None:
                prices.setdefault((money.amount.normalize(), money.currency), money)
                evidence = clean_text(text)[:SNIPPET]
    return list(prices.values()), evidence


# -- helpers -------------------------------------------------------------------------------


def _record(offer: Offer, key: str, source: str, evidence: str) -> None:
    offer.sources[key] = source
    offer.evidence[key] = evidence[:SNIPPET]


def _snippet(element: Any) -> str:
    return clean_text(element.text_content())[:SNIPPET]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


__all__ = ["ExtractionOptions", "extract_offers", "select", "Decimal"]
