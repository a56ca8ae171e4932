"""Products and offers a page declares: schema.org JSON-LD, microdata, RDFa and OpenGraph.

Every syntax reads the shared lxml tree, and only when the page uses it (a cheap XPath test first):
extruct's microdata and RDFa readers are the slow part of extraction, and most pages carry one
syntax at most. JSON-LD and OpenGraph are read here directly — both are a few elements to collect —
so that one broken JSON-LD block costs that block, not the page. Results have the JSON-LD shape
(extruct's ``uniform=True``) and are walked for Product / ProductGroup nodes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import extruct
from extruct.utils import parse_xmldom_html

from crawler.extraction.page import ParsedPage

SYNTAXES = ("json-ld", "microdata", "rdfa", "opengraph")
PRODUCT_TYPES = {"product", "productgroup", "productmodel", "individualproduct", "vehicle", "car"}
OFFER_TYPES = {"offer", "aggregateoffer"}
# Properties under which a product mentions *other* products: never the page's own.
OTHER_PRODUCTS = {
    "isrelatedto",
    "issimilarto",
    "isaccessoryorsparepartfor",
    "isconsumablefor",
    "itemlistelement",
    "hasvariant",
    "isvariantof",
    "model",
    "workexample",
}


def structured_data(page: ParsedPage) -> dict[str, list[dict[str, Any]]]:
    """Each syntax's items; a syntax that fails is recorded in ``page.problems`` and skipped."""
    found: dict[str, list[dict[str, Any]]] = {}
    for syntax in SYNTAXES:
        try:
            if syntax == "json-ld":
                items = list(_json_ld(page))
            elif syntax == "rdfa":
                items = _rdfa(page)
            elif syntax == "opengraph":
                items = _opengraph(page)
            elif page.tree.xpath("boolean(//*[@itemscope])"):
                items = extruct.extract(
                    page.tree, base_url=page.url, syntaxes=[syntax], uniform=True, errors="strict"
                ).get(syntax, [])
            else:
                items = []
        except Exception as error:  # extruct raises many types on hostile markup
            page.problems.append(f"{syntax}: {type(error).__name__}")
            continue
        if items:
            found[syntax] = items
    return found


# RDFa is worth its second parse only on pages that type something as a product or an offer.
RDFA_PRODUCT = (
    "boolean(//*[contains(translate(@typeof, 'PRODUCTOFER', 'productofer'), 'product')"
    " or contains(translate(@typeof, 'PRODUCTOFER', 'productofer'), 'offer')])"
)


def _rdfa(page: ParsedPage) -> list[dict[str, Any]]:
    """RDFa needs extruct's DOM-flavoured tree, so only pages that use RDFa are parsed again."""
    if page.source is None or not page.tree.xpath(RDFA_PRODUCT):
        return []
    tree = parse_xmldom_html(page.source, encoding=page.encoding)
    items = extruct.extract(
        tree, base_url=page.url, syntaxes=["rdfa"], uniform=True, errors="strict"
    ).get("rdfa", [])
    return list(items)


def _opengraph(page: ParsedPage) -> list[dict[str, Any]]:
    """OpenGraph and product meta tags as one dict (the first value of a repeated tag wins)."""
    tags: dict[str, Any] = {}
    for meta in page.tree.xpath(OPENGRAPH_META):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if key and content is not None:
            tags.setdefault(key, content.strip())
    return [tags] if tags else []


OPENGRAPH_META = (
    "//head/meta[starts-with(@property, 'og:') or starts-with(@property, 'product:')"
    " or starts-with(@name, 'og:') or starts-with(@name, 'product:')]"
)
# Wrappers that keep JSON-LD valid for old XHTML parsers but not for a JSON parser.
JSON_WRAPPERS = re.compile(
    r"^\s*(?:/\*\s*<!\[CDATA\[\s*\*/|//\s*<!\[CDATA\[|<!--)|"
    r"(?:/\*\s*\]\]>\s*\*/|//\s*\]\]>|-->)\s*$"
)


def _json_ld(page: ParsedPage) -> Iterator[dict[str, Any]]:
    for script in page.tree.xpath("//script[contains(@type, 'ld+json')]"):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            # Common breakage: trailing commas, CDATA or HTML comments around the JSON.
            repaired = re.sub(r",\s*([}\]])", r"\1", JSON_WRAPPERS.sub("", text))
            try:
                data = json.loads(repaired, strict=False)
            except ValueError:
                page.problems.append("json-ld: invalid JSON")
                continue
        yield from as_list(data)


def type_names(node: dict[str, Any]) -> set[str]:
    """Lower-case schema.org type names of a node ("http://schema.org/Product" -> "product")."""
    types = node.get("@type") or node.get("type") or []
    names = set()
    for value in as_list(types):
        if isinstance(value, str):
            names.add(value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower())
    return names


def product_nodes(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Product nodes of the page itself: top level, in @graph, or as mainEntity of a page."""
    for item in items:
        yield from _walk(item, depth=0)


def _walk(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(node, list):
        for child in node:
            yield from _walk(child, depth + 1)
        return
    if not isinstance(node, dict):
        return
    if type_names(node) & PRODUCT_TYPES:
        yield node
        return
    for key, value in node.items():
        if key.lower() in ("@graph", "mainentity", "mainentityofpage", "about", "item"):
            yield from _walk(value, depth + 1)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first_text(value: Any) -> str | None:
    """The first plain string in a JSON-LD value: text, list, {"name": ...} or {"@value": ...}."""
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("name") or item.get("@value") or item.get("value")
            if isinstance(item, list):
                item = item[0] if item else None
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item).strip()
            if text:
                return text
    return None


def offers_of(product: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """The product's own offers, flattening nested ``offers`` (AggregateOffer, or an Offer that
    wraps the priced Offer as some marketplaces write it)."""
    found: list[dict[str, Any]] = []
    for offer in as_list(product.get("offers")):
        if not isinstance(offer, dict):
            continue
        found.append(offer)
        if depth < 3:
            found.extend(offers_of(offer, depth + 1))
    return found


def variants_of(product: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in as_list(product.get("hasVariant")) if isinstance(v, dict)]


def opengraph_product(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """OpenGraph product tags (og:type product, product:price:amount...) as one flat dict."""
    for item in items:
        keys = {key.lower(): value for key, value in item.items()}
        if any(key.startswith(("product:price", "og:price")) for key in keys):
            return keys
    return None
