"""What a product page shows rather than declares: its heading, the price next to it, its stock.

Used only when structured data gives no price (or no availability). A page's own price is the
price element nearest after the heading that names the page's product: elements marked as prices
(class, id or itemprop with a price word, ``rules/vocab/prices.yml``), read without their
struck-through parts, that are not marked as old, unit, shipping or other products' prices and hold
exactly one amount. Anything ambiguous gives nothing: a false price is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache
from typing import Any

from crawler.extraction.page import BLOCK, ParsedPage, clean_text
from crawler.extraction.price_labels import (
    BARE_AMOUNT,
    PriceWords,
    another_number,
    bare_label,
    currency_amounts,
    price_range,
    price_words,
    single_amount,
)
from crawler.extraction.prices import Money, currency_code, parse_price

# How far from the heading a price or stock message may sit, counted in elements that carry a
# class, id or itemprop (document order); one before the heading counts three times its distance
# (galleries and breadcrumbs come first).
NAMED_ELEMENTS = "//body//*[@class or @id or @itemprop or self::h1]"
WINDOW = 250
BEFORE_PENALTY = 3
MAX_LABEL = 60
ANCESTORS_CHECKED = 8
SNIPPET = 160
SKIPPED_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "input",
    "option",
    "select",
    "button",
    "meta",
    "link",
    "img",
    "svg",
    "iframe",
    "textarea",
}
OUTSIDE_CONTENT = {"header", "footer", "nav", "aside"}
STRUCK = {"del", "s", "strike"}
SUBHEADINGS = "following::*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
SECTION_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
TOKEN_SPLIT = re.compile(r"[^a-z0-9äöå]+")


def other_products_sections(heading: Any) -> set[Any]:
    """Elements in the sections that a heading after the product's heading opens about other
    products ("Asiakkaat ostivat myös", "Liknande produkter"): the heading's following siblings
    and their descendants, from the level where the heading has any."""
    pattern = price_words().other_products
    if pattern is None or heading is None:
        return set()
    excluded: set[Any] = set()
    for subheading in heading.xpath(SUBHEADINGS):
        if not pattern.search(clean_text(subheading.text_content())):
            continue
        start = subheading
        while start.getnext() is None and start.getparent() is not None:
            start = start.getparent()
        for sibling in start.itersiblings():
            excluded.add(sibling)
            excluded.update(sibling.iterdescendants())
    return excluded


def main_heading(page: ParsedPage) -> Any | None:
    """The h1 that names the page's product: the one the page title starts with, or the only one."""
    headings = [h for h in page.tree.xpath("//body//h1") if clean_text(h.text_content())]
    titles = [page.title or "", *page.tree.xpath("//head/meta[@property='og:title']/@content")]
    folded_titles = [clean_text(title).casefold() for title in titles if title]
    for heading in headings:
        text = clean_text(heading.text_content()).casefold()[:40]
        if any(text in title or (title and title in text) for title in folded_titles):
            return heading
    return headings[0] if len(headings) == 1 else None


class ProductMarkup:
    """A page's heading and the price elements around it, found in one pass.

    Marked elements are preselected by XPath (in C); only they and the heading get a position in
    document order, which is what "near the heading" is measured in.
    """

    def __init__(self, page: ParsedPage) -> None:
        self.page = page
        self.heading = main_heading(page)
        self.name = clean_text(self.heading.text_content()) if self.heading is not None else None
        self._prices: list[tuple[int, Any]] = []
        self._elsewhere: set[Any] = set()
        if self.heading is not None:
            self._locate(page)

    def _locate(self, page: ParsedPage) -> None:
        price_marker = _price_marker()
        heading_at = 0
        marked: list[tuple[int, Any]] = []
        # XPath returns document order; positions count elements that carry names or are h1.
        for position, element in enumerate(page.tree.xpath(NAMED_ELEMENTS)):
            if element is self.heading:
                heading_at = position
                continue
            if element.tag in SKIPPED_TAGS:
                continue
            get = element.get
            names = f"{get('class', '')} {get('id', '')} {get('itemprop', '')}"
            if price_marker.search(names) is not None:
                marked.append((position, element))
        self._elsewhere = other_products_sections(self.heading)
        for position, element in marked:
            distance = _distance(position, heading_at)
            if distance > WINDOW or outside_content(element) or element in self._elsewhere:
                continue
            self._prices.append((distance, element))

    def price(self, currency: str | None, locale: str | None) -> tuple[Money, str] | None:
        """The price shown nearest the product's heading, with its text as evidence. An amount
        without a currency ("119,00", "129,-") counts here, where the element says it is a
        price, and takes ``currency`` (the page's declared one, else the channel's); with no
        currency known it gives nothing."""
        words = price_words()
        priced: dict[Any, tuple[int, Money, str]] = {}
        for distance, element in self._prices:
            if not _own_price_element(element, words):
                continue
            text = _label_text(element)
            if not text or len(text) > MAX_LABEL:
                continue
            # A range ("$3.499 - $4.059") gives its low end, as a from-price.
            amount = price_range(text) or text
            if len(currency_amounts(amount)) > 1:
                continue
            if another_number(amount) and not single_amount(amount):
                continue
            if words.old_price.search(text) or words.not_the_price.search(text):
                continue
            money = parse_price(amount, currency, locale)
            if money is not None and money.currency is not None:
                priced[element] = (distance, money, text)
        # An element around another price element (price and shipping in a row) is no label.
        outer = {ancestor for element in priced for ancestor in element.iterancestors()}
        labels = [value for element, value in priced.items() if element not in outer]
        if not labels:
            return None
        _, money, text = min(labels, key=lambda value: value[0])
        return money, text[:SNIPPET]

    def neighbourhood_price(
        self, currency: str | None, locale: str | None
    ) -> tuple[Money, str] | None:
        """For pages without price markup: the one price label standing alone in the heading's
        close neighbourhood (its ancestors up to three levels), with its text as evidence."""
        container = self.heading
        for _ in range(3):
            parent = container.getparent() if container is not None else None
            if parent is None or parent.tag in ("body", "html"):
                break
            container = parent
            elsewhere = self._elsewhere | _under_subheadings(container, self.heading)
            prices, evidence = _labels_in(container, currency, locale, elsewhere)
            if len(prices) == 1:
                return prices[0], evidence
            if len(prices) > 1:
                return None
        return None


def _under_subheadings(container: Any, heading: Any) -> set[Any]:
    """What follows the first subheading (h2–h6) after the heading, in the container: that text
    belongs to the subheading's topic ("Asennus: 99 €" on a service page), not to the thing the
    heading names."""
    found: set[Any] = set()
    after_heading = below = False
    for element in container.iter():
        if element is heading:
            after_heading = True
        elif after_heading and not below and element.tag in SECTION_HEADINGS:
            below = heading not in element.iterancestors()
        if below:
            found.add(element)
    return found


@cache
def _price_marker() -> re.Pattern[str]:
    """The pattern for class/id/itemprop values that mark a price."""
    prices = "|".join(re.escape(marker) for marker in price_words().price_prefixes)
    return re.compile(prices, re.IGNORECASE)


def _distance(position: int, heading_at: int) -> int:
    offset = position - heading_at
    return offset if offset >= 0 else -offset * BEFORE_PENALTY


def _own_price_element(element: Any, words: PriceWords) -> bool:
    """Not struck through, not outside the content, not marked as another kind of price."""
    if outside_content(element):
        return False
    chain = [element, *list(element.iterancestors())[:ANCESTORS_CHECKED]]
    for node in chain:
        if node.tag in STRUCK:
            return False
        for token in tokens(f"{node.get('class', '')} {node.get('id', '')}"):
            for prefix in words.price_prefixes:
                if token.startswith(prefix):
                    token = token[len(prefix) :]
                    break
            if token.startswith(words.not_current):
                return False
    return True


def tokens(names: str) -> list[str]:
    """Class and id words, camelCase split: "priceBlockStrikePrice" -> price, block, strike..."""
    return [token for token in TOKEN_SPLIT.split(CAMEL.sub(" ", names).lower()) if token]


def outside_content(element: Any) -> bool:
    return any(ancestor.tag in OUTSIDE_CONTENT for ancestor in element.iterancestors())


def _label_text(element: Any) -> str:
    """Visible text without struck-through parts; cents in a <sup> join their amount ("229⁹⁹")."""
    parts: list[str] = []
    for text, holder, _ in _visible_texts(element):
        stripped = text.strip()
        cents = holder.tag == "sup" and re.fullmatch(r"\d{2}", stripped)
        if cents and parts and re.search(r"\d$", parts[-1].strip()):
            parts[-1] = parts[-1].rstrip() + "." + stripped
            continue
        parts.append(text)
    return clean_text(" ".join(parts))


def _visible_texts(root: Any) -> list[tuple[str, Any, bool]]:
    """(text, the element it sits in, whether it follows a <br>) under root, leaving out scripts
    and struck-through text."""
    found = []
    for text in root.xpath(".//text()"):
        owner = text.getparent()
        holder = owner.getparent() if owner is not None and text.is_tail else owner
        if holder is None or holder.tag in SKIPPED_TAGS or _struck(holder, root):
            continue
        found.append((str(text), holder, text.is_tail and owner.tag == "br"))
    return found


def _struck(element: Any, root: Any) -> bool:
    node = element
    while node is not None:
        if node.tag in STRUCK:
            return True
        if node is root:
            return False
        node = node.getparent()
    return False


def _labels_in(
    container: Any, currency: str | None, locale: str | None, elsewhere: Collection[Any] = ()
) -> tuple[list[Money], str]:
    """Distinct prices standing alone as labels ("89 €" and "89,00 €" are one price).

    A price inside a sentence ("free delivery over 50 €") is not a label and does not count. In
    a line with one amount, the line's words and numbers say what kind of price it is
    ("Toimitus <b>4,90 €</b>", "3 för <b>99</b> kr", "alk. <b>49 €</b>"); in a row of several
    amounts each stands alone.
    """
    prices: dict[object, Money] = {}
    evidence = ""
    for _, line in _lines(container, elsewhere):
        pieces = _joined(line)
        priced = [piece for piece in pieces if currency_amounts(piece)]
        whole = " ".join(pieces) if len(priced) == 1 else None
        for piece in priced:
            if not _label(piece) or (whole is not None and not _about_the_price(whole)):
                continue
            money = parse_price(piece, currency, locale)
            if money is not None:
                prices.setdefault((money.amount.normalize(), money.currency), money)
                evidence = (whole or piece)[:SNIPPET]
    return list(prices.values()), evidence


def _label(text: str) -> bool:
    """A short label of one amount with its currency and at most two words."""
    return len(text) <= MAX_LABEL and bare_label(text) and _about_the_price(text)


def _about_the_price(text: str) -> bool:
    """No other number but rates, and no words of an old, unit, shipping or other price."""
    words = price_words()
    if another_number(text):
        return False
    return not (words.old_price.search(text) or words.not_the_price.search(text))


def shown_lines(page: ParsedPage, heading: Any | None) -> list[str]:
    """The lines of the page's content that show an amount with its currency as a price: not
    struck through, not in the header, footer, navigation or asides, not about other products
    (by class, or by a heading after the product's), with no other number but rates and no
    words of an old, unit, shipping or other price."""
    body = page.tree.find("body")
    if body is None:
        return []
    elsewhere = other_products_sections(heading) if heading is not None else set()
    markers = price_words().other_products_markers
    shown = []
    for block, line in _lines(body, elsewhere):
        text = " ".join(_joined(line))
        if not currency_amounts(text) or not _about_the_price(text) or outside_content(block):
            continue
        chain = (block, *block.iterancestors())
        names = " ".join(f"{node.get('class', '')} {node.get('id', '')}" for node in chain)
        if not any(token.startswith(markers) for token in tokens(names)):
            shown.append(text)
    return shown


def _lines(container: Any, elsewhere: Collection[Any]) -> list[tuple[Any, list[str]]]:
    """The container's visible text as lines, each with its block element: the texts of one
    block element (p, li, td, div...) up to a <br>, so that an amount and its currency in two
    inline elements are one line."""
    lines: list[tuple[Any, list[str]]] = []
    for text, holder, after_break in _visible_texts(container):
        if holder in elsewhere or not text.strip():
            continue
        block = next(
            (node for node in (holder, *holder.iterancestors()) if node.tag in BLOCK), container
        )
        if not lines or block is not lines[-1][0] or after_break:
            lines.append((block, []))
        lines[-1][1].append(clean_text(text))
    return lines


def _joined(line: list[str]) -> list[str]:
    """The line's texts, an amount split from its currency joined to it ("<b>294</b> 元",
    "<span>$</span><span>98</span>", "<b>129,90</b> €")."""
    pieces: list[str] = []
    for text in line:
        previous = pieces[-1] if pieces else ""
        amount_then_sign = BARE_AMOUNT.fullmatch(previous) and currency_code(text)
        sign_then_amount = currency_code(previous) and BARE_AMOUNT.fullmatch(text)
        if amount_then_sign or sign_then_amount:
            pieces[-1] = f"{previous} {text}"
        else:
            pieces.append(text)
    return pieces
