"""Whether the product a page is about can be bought, read from the page's own product block.

Used when structured data states no availability. The product's block is found from its anchor
(the heading that names the product, else the one schema.org Product element) upwards: the
nearest ancestor that holds a stock signal is the block, so the signals of the product's buy box
win over those of anything farther away. Never read: the header, footer, navigation and asides,
hidden elements (``display: none``, ``hidden``, ``aria-hidden``), sections about other products
(related, recommended, carousels, by class or by a heading such as "Asiakkaat ostivat myös").

Two kinds of signal, in order of confidence:

1. a stock message: an element whose class or id says stock or availability (``availability``,
   ``stock-status``, ``lagerstatus``, ``varastosaldo``...) and whose text states a status in
   ``rules/vocab/availability.yml`` (source ``text``);
2. an enabled buy button: a control labelled "Lisää ostoskoriin", "Lägg i varukorgen",
   "Add to cart", "In den Warenkorb"... (source ``buy-button``). A disabled one says nothing.

At the nearest level that has any, a stock message beats a buy button.

A page that says nothing of stock at all (``silent``) is what an implied availability needs: no
stock message, even one in words the vocabulary lacks; no buy button, enabled or disabled; no
phrase in its content's text that says anything but in stock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from crawler.extraction import availability
from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.price_labels import price_words
from crawler.extraction.visible import other_products_sections, outside_content, tokens

# Class/id words that start a stock message's marker ("availability", "outOfStock", "lagerstatus").
STOCK_TOKENS = (
    "availab",
    "stock",
    "instock",
    "lager",
    "varast",
    "saatav",
    "tillgäng",
    "verfüg",
    "dispon",
)
STOCK_MARKED = "//body//*[@class or @id]"
STOCK_WORD = re.compile("|".join(STOCK_TOKENS), re.IGNORECASE)
CONTROLS = (
    "//body//button | //body//input[@type='submit' or @type='button' or @type='image']"
    " | //body//*[@role='button'] | //body//a[@class or @id or ../@class or ../@id]"
)
# Class/id words of an element styled as a button ("a-button-text", "buyBtn", "add-to-cart").
BUTTON_TOKENS = ("btn", "button", "cart", "basket", "buy", "kori", "varukorg", "warenkorb")
DISABLED_TOKENS = {"disabled", "inactive", "unavailable", "soldout"}
HIDDEN_CLASSES = {"hidden", "hide", "d-none", "is-hidden", "u-hidden", "invisible"}
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
INVISIBLE_TAGS = {"script", "style", "noscript", "template", "svg", "select", "option"}
MAX_MESSAGE = 200
LETTER = re.compile(r"[^\W\d_]")
SNIPPET = 160


@dataclass(frozen=True)
class StockSignal:
    """What the product's block says about stock: the online status, its source (``text`` or
    ``buy-button``), the words read, and what it says about the shops."""

    status: str
    source: str
    evidence: str
    note: str | None = None


class ProductBlock:
    """The stock signals around a product's anchor element."""

    def __init__(self, page: ParsedPage, heading: Any | None) -> None:
        self.page = page
        self.anchor = heading if heading is not None else _only_product_element(page)
        self._elsewhere = other_products_sections(heading) if heading is not None else set()

    def availability(self) -> StockSignal | None:
        """The product's stock signal at the nearest level that has one; None when nothing in
        the block says anything."""
        if self.anchor is None:
            return None
        found: list[tuple[int, int, Any, StockSignal]] = []
        for element in self._stock_messages():
            signal = self._message(element)
            if signal is not None:
                found.append((-self._shared_depth(element), 0, element, signal))
        for element, label in self._buy_buttons():
            signal = StockSignal(availability.IN_STOCK, "buy-button", label[:SNIPPET])
            found.append((-self._shared_depth(element), 1, element, signal))
        if not found:
            return None
        best = min(candidate[:2] for candidate in found)
        nearest = [candidate for candidate in found if candidate[:2] == best]
        # Of equally near signals, the one closest to the anchor in document order.
        return min(nearest, key=lambda candidate: self._distance(candidate[2]))[3]

    def _message(self, element: Any) -> StockSignal | None:
        text = visible_text(element)
        if not text or len(text) > MAX_MESSAGE:
            return None
        reading = availability.read_text(text)
        if reading.status == availability.UNKNOWN and reading.note is None:
            return None
        return StockSignal(reading.status, "text", text[:SNIPPET], reading.note)

    def _stock_messages(self, stores_too: bool = False) -> list[Any]:
        """Elements marked as stock messages; with ``stores_too`` also those of a block of stock
        per store (which never give the online status, but say the page is not silent)."""
        marked = []
        for element in self.page.tree.xpath(STOCK_MARKED):
            names = f"{element.get('class', '')} {element.get('id', '')}"
            if not STOCK_WORD.search(names) or element.tag in INVISIBLE_TAGS:
                continue
            if not any(token.startswith(STOCK_TOKENS) for token in tokens(names)):
                continue
            if not stores_too and _in_store_block(element):
                continue  # stock per store (``store_stock``), not the online status
            if self._readable(element):
                marked.append(element)
        # A marked element inside another marked one: the innermost carries the message.
        inner = set(marked)
        return [e for e in marked if not any(d in inner for d in e.iterdescendants())]

    def silent(self) -> bool:
        """Whether the page's content says nothing about stock: no stock message (one whose
        words the vocabulary lacks counts: "Dostępne szt." is not silence), no buy button,
        shown or not (a shop hides or disables it when it cannot sell), and no phrase in its text
        saying anything but in stock (a sold-out notice in a plain paragraph, a shop's stock)."""
        messages = self._stock_messages(stores_too=True)
        if any(LETTER.search(visible_text(element)) for element in messages):
            return False
        if self._buy_buttons(unusable_too=True):
            return False
        return not any(
            _not_plainly_in_stock(availability.read_text(block.text))
            for block in self.page.text_blocks
            if block.region == "main"
        )

    def _buy_buttons(self, unusable_too: bool = False) -> list[tuple[Any, str]]:
        """Buy buttons in the page's content, not another product's: enabled and shown ones,
        or with ``unusable_too`` also disabled and hidden ones."""
        buttons = []
        for element in self.page.tree.xpath(CONTROLS):
            # The label first: most links are no buy button, and reading a label is cheap.
            label = _label(element)
            if not availability.is_buy_label(label) or not _looks_like_a_control(element):
                continue
            usable = not _disabled(element) and self._readable(element)
            if usable or (unusable_too and self._readable(element, shown_only=False)):
                buttons.append((element, label))
        return buttons

    def _readable(self, element: Any, shown_only: bool = True) -> bool:
        """In the page's content, shown (unless not ``shown_only``), and not about other
        products: no element between it and the part of the page it shares with the anchor is
        marked as showing other products (above that, a marker would be the anchor's own)."""
        if outside_content(element) or element in self._elsewhere:
            return False
        markers = price_words().other_products_markers
        mine = True
        for node in (element, *element.iterancestors()):
            if node.tag in INVISIBLE_TAGS or (shown_only and hidden(node)):
                return False
            mine = mine and node not in self._anchor_chain
            names = tokens(f"{node.get('class', '')} {node.get('id', '')}") if mine else ()
            if any(token.startswith(markers) for token in names):
                return False
        return True

    def _shared_depth(self, element: Any) -> int:
        """How deep the nearest ancestor shared with the anchor sits: deeper is nearer."""
        for node in (element, *element.iterancestors()):
            if node in self._anchor_chain:
                return self._anchor_chain[node]
        return 0

    @cached_property
    def _anchor_chain(self) -> dict[Any, int]:
        """The anchor and its ancestors with their depth (the elements are the keys: lxml keeps
        one proxy per element while it is referenced)."""
        anchor = self.anchor
        if anchor is None:  # no anchor: every marker up to the root is another product's
            return {}
        chain = [anchor, *anchor.iterancestors()]
        return {node: len(chain) - index for index, node in enumerate(chain)}

    @cached_property
    def _order(self) -> dict[Any, int]:
        return {node: index for index, node in enumerate(self.page.tree.iter())}

    def _distance(self, element: Any) -> int:
        return abs(self._order.get(element, 0) - self._order.get(self.anchor, 0))


def _in_store_block(element: Any) -> bool:
    return any(
        availability.names_store_block(f"{node.get('class', '')} {node.get('id', '')}")
        for node in (element, *element.iterancestors())
    )


def visible_text(element: Any) -> str:
    """The element's text as a reader sees it: no scripts or styles, items apart."""
    parts = []
    for text in element.xpath(".//text()"):
        holder = text.getparent()
        if holder is not None and text.is_tail:
            holder = holder.getparent()
        if holder is not None and holder.tag in INVISIBLE_TAGS:
            continue
        parts.append(str(text))
    return clean_text(" ".join(parts))


def _not_plainly_in_stock(reading: availability.Reading) -> bool:
    return reading.status not in (availability.IN_STOCK, availability.UNKNOWN) or bool(reading.note)


def _only_product_element(page: ParsedPage) -> Any | None:
    """The one microdata Product that no other Product holds (the others are its accessories or
    alternatives)."""
    products = page.tree.xpath(
        "//body//*[@itemscope][contains(translate(@itemtype, 'PRODUCT', 'product'), 'product')]"
        "[not(ancestor::*[@itemscope][contains(translate(@itemtype, 'PRODUCT', 'product'),"
        " 'product')])]"
    )
    return products[0] if len(products) == 1 else None


def _looks_like_a_control(element: Any) -> bool:
    if element.tag in ("button", "input") or element.get("role") == "button":
        return True
    names = " ".join(
        f"{node.get('class', '')} {node.get('id', '')}"
        for node in (element, element.getparent())
        if node is not None
    )
    return any(token.startswith(BUTTON_TOKENS) for token in tokens(names))


def _label(element: Any) -> str:
    if element.tag == "input":
        return clean_text(element.get("value") or element.get("aria-label") or "")
    text = element.text_content()
    if len(text) > MAX_MESSAGE:  # a block, not a label
        return ""
    return visible_text(element) or clean_text(element.get("aria-label") or "")


def _disabled(element: Any) -> bool:
    for node in (element, element.getparent()):
        if node is None:
            continue
        if node.get("disabled") is not None or node.get("aria-disabled") == "true":
            return True
        if DISABLED_TOKENS & set(tokens(node.get("class", ""))):
            return True
    return any(
        node.tag == "fieldset" and node.get("disabled") is not None
        for node in element.iterancestors()
    )


def hidden(node: Any) -> bool:
    if node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    if HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    return bool(HIDDEN_CLASSES & set((node.get("class") or "").lower().split()))
