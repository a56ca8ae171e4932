"""What a product page shows rather than declares: its heading, the price next to it, its stock.

Used only when structured data gives no price (or no availability). A page's own price is the
price element nearest after the heading that names the page's product: elements marked as prices
(class, id or itemprop with a price word, ``rules/vocab/prices.yml``), read without their
struck-through parts, that are not marked as old, unit, shipping or other products' prices and hold
exactly one amount. Anything ambiguous gives nothing: a false price is worse than none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from crawler.extraction import availability
from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.prices import Money, parse_price
from crawler.extraction.vocabulary import load_vocabulary

# How far from the heading (in elements, document order) a price or stock message may sit; one
# before the heading counts three times its distance (galleries and breadcrumbs come first).
WINDOW = 400
BEFORE_PENALTY = 3
MAX_LABEL = 60
MAX_MESSAGE = 200
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
# Class/id words that start a stock message's marker ("availability", "outOfStock", "lagerstatus").
AVAILABILITY_MARKERS = re.compile(r"availab|stock|lager|varast|saatav|tillgäng|verfüg|dispon", re.I)
AVAILABILITY_TOKENS = (
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
CURRENCY_AMOUNT = re.compile(
    r"(?:[€$£¥₹₽₺₩₪฿]|\b(?:eur|usd|gbp|sek|nok|dkk|chf|pln|kr|zł)\b)\s*\d|\d[\d\s.,]*\s*"
    r"(?:[€$£¥₹₽₺₩₪฿]|kr\b|:-|\b(?:eur|euroa|usd|gbp|sek|nok|dkk|chf|pln|zł)\b)",
    re.IGNORECASE,
)
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
TOKEN_SPLIT = re.compile(r"[^a-z0-9äöå]+")


@dataclass(frozen=True)
class PriceWords:
    price_marker: re.Pattern[str]
    not_current: tuple[str, ...]
    price_prefixes: tuple[str, ...]
    old_price: re.Pattern[str]
    not_the_price: re.Pattern[str]


@cache
def price_words() -> PriceWords:
    """The compiled price vocabulary (``rules/vocab/prices.yml``)."""
    data = load_vocabulary("prices")
    markers = [str(word).lower() for word in data.get("price_markers", [])]
    units = "|".join(re.escape(str(unit)) for unit in data.get("per_units", []))
    return PriceWords(
        price_marker=re.compile("|".join(re.escape(word) for word in markers), re.IGNORECASE),
        not_current=tuple(str(word).lower() for word in data.get("not_current_markers", [])),
        price_prefixes=tuple(markers),
        old_price=_words(data.get("old_price_words", {})),
        not_the_price=re.compile(
            _words(data.get("not_the_price_words", {})).pattern
            + rf"|(?:/|\bper\b|\bpro\b|\bà\b)\s*(?:{units})(?!\w)",
            re.IGNORECASE,
        ),
    )


def _words(by_language: dict[str, list[str]]) -> re.Pattern[str]:
    words = sorted({str(w).lower() for ws in by_language.values() for w in ws}, key=len)[::-1]
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)


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


@dataclass
class _Candidate:
    position: int
    element: Any


def shown_price(
    page: ParsedPage, options_currency: str | None, locale: str | None
) -> tuple[Money, str] | None:
    """The price shown nearest after the product's heading, with its text as evidence."""
    heading = main_heading(page)
    if heading is None:
        return None
    words = price_words()
    heading_at, candidates = _positions(page, heading, words.price_marker)
    priced: dict[Any, tuple[int, Money, str]] = {}
    for candidate in candidates:
        distance = _distance(candidate.position, heading_at)
        if distance > WINDOW or not _own_price_element(candidate.element, words):
            continue
        text = _label_text(candidate.element)
        if not text or len(text) > MAX_LABEL or len(CURRENCY_AMOUNT.findall(text)) > 1:
            continue
        if words.old_price.search(text) or words.not_the_price.search(text):
            continue
        money = parse_price(text, options_currency, locale)
        if money is not None:
            priced[candidate.element] = (distance, money, text)
    # An element around another price element (a row holding price and shipping) is not a label.
    outer = {ancestor for element in priced for ancestor in element.iterancestors()}
    labels = [value for element, value in priced.items() if element not in outer]
    if not labels:
        return None
    _, money, text = min(labels, key=lambda value: value[0])
    return money, text[:SNIPPET]


def shown_availability(page: ParsedPage) -> tuple[str, str] | None:
    """The stock message nearest the product's heading ("Currently unavailable", "I lager")."""
    heading = main_heading(page)
    if heading is None:
        return None
    heading_at, candidates = _positions(page, heading, AVAILABILITY_MARKERS)
    found: list[tuple[int, str, str]] = []
    for candidate in candidates:
        distance = _distance(candidate.position, heading_at)
        if distance > WINDOW or _outside_content(candidate.element):
            continue
        names = f"{candidate.element.get('class', '')} {candidate.element.get('id', '')}"
        if not any(token.startswith(AVAILABILITY_TOKENS) for token in _tokens(names)):
            continue
        text = clean_text(candidate.element.text_content())
        if not text or len(text) > MAX_MESSAGE:
            continue
        status = availability.from_text(text)
        if status != availability.UNKNOWN:
            found.append((distance, status, text))
    if not found:
        return None
    _, status, text = min(found, key=lambda value: value[0])
    return status, text[:SNIPPET]


def _positions(
    page: ParsedPage, heading: Any, marker: re.Pattern[str]
) -> tuple[int, list[_Candidate]]:
    """The heading's position in document order and the marked elements with theirs."""
    heading_at = 0
    candidates: list[_Candidate] = []
    body = page.tree.find("body")
    for position, element in enumerate(body.iter() if body is not None else ()):
        if element is heading:
            heading_at = position
        tag = element.tag
        if not isinstance(tag, str) or tag in SKIPPED_TAGS:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
        if len(names) > 2 and marker.search(names):
            candidates.append(_Candidate(position, element))
    return heading_at, candidates


def _distance(position: int, heading_at: int) -> int:
    offset = position - heading_at
    return offset if offset >= 0 else -offset * BEFORE_PENALTY


def _own_price_element(element: Any, words: PriceWords) -> bool:
    """Not struck through, not outside the content, not marked as another kind of price."""
    if _outside_content(element):
        return False
    chain = [element, *list(element.iterancestors())[:ANCESTORS_CHECKED]]
    for node in chain:
        if node.tag in STRUCK:
            return False
        for token in _tokens(f"{node.get('class', '')} {node.get('id', '')}"):
            for prefix in words.price_prefixes:
                if token.startswith(prefix):
                    token = token[len(prefix) :]
                    break
            if token.startswith(words.not_current):
                return False
    return True


def _tokens(names: str) -> list[str]:
    """Class and id words, camelCase split: "priceBlockStrikePrice" -> price, block, strike..."""
    return [token for token in TOKEN_SPLIT.split(CAMEL.sub(" ", names).lower()) if token]


def _bare_label(text: str) -> bool:
    """One amount with its currency and at most two words ("Hinta 129,90 €", "Nu 299 kr"): a
    price inside a sentence ("spend $590 and get...") is not the product's price."""
    amounts = CURRENCY_AMOUNT.findall(text)
    if len(amounts) != 1:
        return False
    rest = CURRENCY_AMOUNT.sub(" ", text)
    words = 0
    for word in re.findall(r"[^\W\d_]+", rest):
        # Scripts without spaces between words count a word per character.
        words += len(word) if re.match(r"[\u3000-\u9fff\uac00-\ud7af]", word) else 1
    return words <= 2


def _outside_content(element: Any) -> bool:
    return any(ancestor.tag in OUTSIDE_CONTENT for ancestor in element.iterancestors())


def _label_text(element: Any) -> str:
    """Visible text without struck-through parts; cents in a <sup> join their amount ("229⁹⁹")."""
    parts: list[str] = []
    for text, holder in _visible_texts(element):
        stripped = text.strip()
        cents = holder.tag == "sup" and re.fullmatch(r"\d{2}", stripped)
        if cents and parts and re.search(r"\d$", parts[-1].strip()):
            parts[-1] = parts[-1].rstrip() + "." + stripped
            continue
        parts.append(text)
    return clean_text(" ".join(parts))


def _visible_texts(root: Any) -> list[tuple[str, Any]]:
    """(text, the element it sits in) under root, leaving out scripts and struck-through text."""
    found = []
    for text in root.xpath(".//text()"):
        holder = text.getparent()
        if holder is not None and text.is_tail:
            holder = holder.getparent()
        if holder is None or holder.tag in SKIPPED_TAGS or _struck(holder, root):
            continue
        found.append((str(text), holder))
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


def neighbourhood_price(
    page: ParsedPage, currency: str | None, locale: str | None
) -> tuple[str, Money, str] | None:
    """A page without price markup: (heading text, price, evidence) when the heading's close
    neighbourhood (its ancestors up to three levels) shows exactly one distinct price label.
    """
    heading = main_heading(page)
    if heading is None:
        return None
    name = clean_text(heading.text_content())
    container = heading
    for _ in range(3):
        parent = container.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        container = parent
        prices, evidence = _labels_in(container, currency, locale)
        if len(prices) == 1:
            return name, prices[0], evidence
        if len(prices) > 1:
            return None
    return None


def _labels_in(container: Any, currency: str | None, locale: str | None) -> tuple[list[Money], str]:
    """Distinct prices standing alone as labels ("89 €" and "89,00 €" are one price).

    A price inside a sentence ("free delivery over 50 €") is not a label and does not count.
    """
    words = price_words()
    prices: dict[object, Money] = {}
    evidence = ""
    for text, _ in _visible_texts(container):
        label = clean_text(text)
        if not label or len(label) > MAX_LABEL or not _bare_label(label):
            continue
        if words.old_price.search(label) or words.not_the_price.search(label):
            continue
        money = parse_price(label, currency, locale)
        if money is not None:
            prices.setdefault((money.amount.normalize(), money.currency), money)
            evidence = label[:SNIPPET]
    return list(prices.values()), evidence
