"""The price a page reports to its analytics, when the page shows the same amount.

Shops tell their analytics which product a page shows and at what price: Meta's pixel
(``fbq('track', 'ViewContent', {value: 29, currency: 'TWD'})``), Google's ``gtag('event',
'view_item', {...})`` and the ``dataLayer`` e-commerce objects (GA4's ``view_item``, Universal
Analytics' ``detail``). Such a value alone is no evidence of the selling price — it may be a
set's total, the price without VAT, in cents, or the regular price — so it counts only when the
page also shows that very amount in its content, in a line that is about the price (not struck
through, no other product's, no old, shipping or unit price: ``visible.shown_lines``). The line
then is the evidence, and says whether it is a from-price ("NT$29元起"). Used only when no
declared, configured or marked price was found. JavaScript objects are read with chompjs.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import chompjs

from crawler.extraction.page import ParsedPage
from crawler.extraction.prices import Money, currency_code, parse_price, plausible, to_decimal

# Where a product view is reported: the object that follows each of these.
CALLS = re.compile(
    r"""fbq\(\s*['"]track['"]\s*,\s*['"]ViewContent['"]\s*,\s*(?=\{)"""
    r"""|gtag\(\s*['"]event['"]\s*,\s*['"]view_item['"]\s*,\s*(?=\{)"""
    r"""|dataLayer\.push\(\s*(?=\{)""",
)
SCRIPTS = "//script[not(@src)][not(@type) or contains(@type, 'javascript')]/text()"
# A view of several products (a category page) is no product's price.
NOT_ONE_PRODUCT = {"product_group", "view_item_list"}


def reported_price(page: ParsedPage, locale: str | None) -> tuple[Money, str | None] | None:
    """The one price the page's analytics report for the product it shows, with the product's
    name when they give it; None when they report none, or several different ones."""
    views: list[View] = []
    for script in page.tree.xpath(SCRIPTS):
        for call in CALLS.finditer(script):
            try:
                data: Any = chompjs.parse_js_object(
                    script[call.end() :], loader_kwargs={"parse_float": Decimal}
                )
            except ValueError:
                continue
            view = _product_view(data) if isinstance(data, dict) else None
            views += [view] if view else []
    if len({amount for amount, _, _ in views}) != 1:
        return None
    # Of the reports of that one amount, one that names its currency, and the product.
    codes = [currency_code(str(currency), locale) for _, currency, _ in views if currency]
    name = next((name for _, _, name in views if name), None)
    return Money(views[0][0], next((code for code in codes if code), None)), name


# (amount, currency, product name) of one reported product view
View = tuple[Decimal, Any, str | None]


def _product_view(data: dict[str, Any]) -> View | None:
    """A reported product view: Meta's ViewContent or gtag's view_item parameters, or a
    dataLayer object holding GA4's view_item or Universal Analytics' detail."""
    if str(data.get("content_type", "")).lower() in NOT_ONE_PRODUCT:
        return None
    ecommerce = data.get("ecommerce")
    if isinstance(ecommerce, dict):
        detail = ecommerce.get("detail")
        if isinstance(detail, dict):  # Universal Analytics: {detail: {products: [...]}}
            products = detail.get("products")
            return _view({"items": products, "currency": ecommerce.get("currencyCode")})
        if str(data.get("event", "view_item")).lower() != "view_item":
            return None  # a list, a cart, a purchase: not the product the page shows
        return _view(ecommerce)
    if "value" in data or "items" in data or "contents" in data:
        return _view(data)
    return None


def _view(data: dict[str, Any]) -> View | None:
    items = data.get("items") or data.get("contents")
    if isinstance(items, list) and len(items) > 1:
        return None  # several products viewed at once
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    price = item.get("price") or item.get("item_price")
    amount = to_decimal(data.get("value")) or to_decimal(price)
    if not plausible(amount):
        return None
    assert amount is not None
    name = data.get("content_name") or item.get("item_name") or item.get("name")
    return amount, item.get("currency") or data.get("currency"), str(name) if name else None


def confirmed(reported: Money, lines: list[str], locale: str | None) -> tuple[Money, str] | None:
    """The reported price with the shown line that confirms it: the first line whose price is
    that amount, in that currency when both say one."""
    for line in lines:
        shown = parse_price(line, reported.currency, locale)
        if shown is None or shown.amount != reported.amount:
            continue
        if reported.currency and shown.currency and shown.currency != reported.currency:
            continue
        return Money(reported.amount, reported.currency or shown.currency), line
    return None
