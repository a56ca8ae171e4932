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
import jstyleson
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
            found[syntax] = items if syntax == "opengraph" else canonical_keys(items)
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
    return nest_rdfa(list(items))


SCHEMA_IRI = re.compile(r"^https?://schema\.org/")


def nest_rdfa(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RDFa as the other syntaxes give it: extruct returns a flat graph whose keys are full IRIs
    when the page's vocab is ``https://schema.org/`` and whose nodes refer to each other by
    ``@id``. Keys become schema.org's names, values plain text, references the nodes they name;
    the nodes nobody refers to are the top level."""
    nodes = {str(item["@id"]): item for item in items if item.get("@id")}
    referenced = {
        value.get("@id")
        for item in items
        for values in item.values()
        if isinstance(values, list)
        for value in values
        if isinstance(value, dict) and set(value) == {"@id"} and value.get("@id") in nodes
    }
    return [_compact(item, nodes, 0) for item in items if item.get("@id") not in referenced]


def _compact(node: dict[str, Any], nodes: dict[str, Any], depth: int) -> dict[str, Any]:
    compact: dict[str, Any] = {}
    for key, values in node.items():
        name = SCHEMA_IRI.sub("", key)
        if key == "@type":
            compact[key] = [SCHEMA_IRI.sub("", str(kind)) for kind in as_list(values)]
            continue
        if not isinstance(values, list):
            compact[name] = values
            continue
        plain = [_value(value, nodes, depth) for value in values]
        compact[name] = plain[0] if len(plain) == 1 else plain
    return compact


def _value(value: Any, nodes: dict[str, Any], depth: int) -> Any:
    if not isinstance(value, dict):
        return value
    if "@value" in value:
        return value["@value"]
    if set(value) == {"@id"}:
        target = nodes.get(value["@id"])
        if target is not None and depth < 6:
            return _compact(target, nodes, depth + 1)
        return value["@id"]
    return value


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
    r"^\s*(?:/\*\s*<!\[CDATA\[\s*\*/|//\s*<!\[CDATA\[)|(?:/\*\s*\]\]>\s*\*/|//\s*\]\]>)\s*$"
)
# An HTML comment before the object ("<!-- product data -->"), and comment markers around it.
LEADING_COMMENTS = re.compile(r"^\s*(?:<!--[^{\[]*?-->\s*)+")
COMMENT_MARKERS = re.compile(r"^\s*<!--|-->\s*$")
# schema.org's property names as they are meant; pages write some with another case ("Offers",
# "Price", "PriceCurrency"), which search engines read all the same.
SCHEMA_KEYS = (
    "@type",
    "@graph",
    "@id",
    "@value",
    "offers",
    "price",
    "priceCurrency",
    "lowPrice",
    "highPrice",
    "offerCount",
    "availability",
    "priceSpecification",
    "priceType",
    "priceValidUntil",
    "validFrom",
    "priceValidFrom",
    "itemCondition",
    "itemOffered",
    "name",
    "brand",
    "manufacturer",
    "sku",
    "productID",
    "mpn",
    "gtin",
    "gtin8",
    "gtin12",
    "gtin13",
    "gtin14",
    "isbn",
    "url",
    "hasVariant",
    "isVariantOf",
    "mainEntity",
    "mainEntityOfPage",
    "size",
    "color",
    "referenceQuantity",
    "description",
    "additionalProperty",
    "value",
    "weight",
    "depth",
    "width",
    "height",
    "material",
)
CANONICAL_KEYS = {key.lower(): key for key in SCHEMA_KEYS}


def _json_ld(page: ParsedPage) -> Iterator[dict[str, Any]]:
    for script in page.tree.xpath("//script[contains(@type, 'ld+json')]"):
        text = (script.text or "").strip()
        if not text:
            continue
        try:
            data = parse_json_ld(text)
        except ValueError:
            page.problems.append("json-ld: invalid JSON")
            continue
        yield from as_list(canonical_keys(data))


def parse_json_ld(text: str) -> Any:
    """JSON-LD as browsers' search engines read it: JSON first; then without the HTML comments
    and CDATA wrappers around it, ``//`` and ``/* */`` comments and trailing commas (jstyleson,
    as extruct does)."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        cleaned = COMMENT_MARKERS.sub("", LEADING_COMMENTS.sub("", JSON_WRAPPERS.sub("", text)))
        try:
            return jstyleson.loads(cleaned, strict=False)
        except (ValueError, IndexError, TypeError) as error:
            raise ValueError(str(error)) from error


def canonical_keys(value: Any, depth: int = 0) -> Any:
    """The value with schema.org's property names in their own case ("Offers" -> "offers")."""
    if depth > 12:
        return value
    if isinstance(value, list):
        return [canonical_keys(item, depth + 1) for item in value]
    if not isinstance(value, dict):
        return value
    renamed: dict[str, Any] = {}
    for key, item in value.items():
        name = CANONICAL_KEYS.get(key.lower(), key) if isinstance(key, str) else key
        if name in renamed and name != key:
            continue  # the property in its own case wins over a variant
        renamed[name] = canonical_keys(item, depth + 1)
    return renamed


def type_names(node: dict[str, Any]) -> set[str]:
    """Lower-case schema.org type names of a node ("http://schema.org/Product" -> "product")."""
    types = node.get("@type") or node.get("type") or []
    names = set()
    for value in as_list(types):
        if isinstance(value, str):
            names.add(value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower())
    return names


def product_nodes(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Product nodes of the page itself: top level, in @graph, or as mainEntity of a page. An
    Offer standing alone (schema.org's own "Blend-O-Matic" example) is an offer of the product
    it names or its ``itemOffered``."""
    for item in items:
        yield from _walk(item, depth=0)


def _offer_as_product(offer: dict[str, Any]) -> dict[str, Any] | None:
    offered = offer.get("itemOffered")
    product = dict(offered) if isinstance(offered, dict) else {}
    name = first_text(offered) if isinstance(offered, str) else None
    product.setdefault("name", name or offer.get("name"))
    if not product.get("name"):
        return None
    for key in ("sku", "gtin13", "gtin", "mpn", "brand", "url"):
        if key in offer:
            product.setdefault(key, offer[key])
    product["@type"] = "Product"
    product["offers"] = {key: value for key, value in offer.items() if key != "itemOffered"}
    return product


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
    if type_names(node) & OFFER_TYPES:
        product = _offer_as_product(node)
        if product is not None:
            yield product
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


def store_places(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The stores an offer (or a product) is ``availableAtOrFrom``: places typed as a store or a
    local business (``Store``, ``SportingGoodsStore``, ``LocalBusiness``...) or given a
    ``branchCode``. A place in words ("dudley, United Kingdom", where a marketplace's item ships
    from) or an untyped place is no store."""
    return [
        place
        for place in as_list(node.get("availableAtOrFrom"))
        if isinstance(place, dict)
        and (
            place.get("branchCode")
            or any(name.endswith("store") or name == "localbusiness" for name in type_names(place))
        )
    ]


def variants_of(product: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for v in as_list(product.get("hasVariant")) if isinstance(v, dict)]


def opengraph_product(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """OpenGraph product tags (og:type product, product:price:amount...) as one flat dict."""
    for item in items:
        keys = {key.lower(): value for key, value in item.items()}
        if any(key.startswith(("product:price", "og:price")) for key in keys):
            return keys
    return None
