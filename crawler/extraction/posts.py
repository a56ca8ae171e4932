"""What a social post's free text says: price mentions, availability phrases, sentences.

An amount is a price only with a currency next to it ("59,90 €", "€59.90", "599 kr", "599:-"), so
sizes, dates and percentages never become prices. The words around it decide its role: the current
price, an old price ("ennen 79,90 €"), a from-price ("alkaen 49 €") or no product price at all
("ilmainen toimitus yli 50 €", "säästä 20 €", "-20 €"). The words are data in
``rules/vocab/posts.yml``. Positions are kept so a checker can tell which product an amount is
next to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from crawler.extraction.prices import currency_code, parse_price
from crawler.extraction.vocabulary import alternation, load_vocabulary, whole_words

AMOUNT = r"\d{1,3}(?:[. \u00a0]\d{3})+(?:,\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?"
ROLE_WORDS = 3


@dataclass(frozen=True)
class PriceMention:
    """An amount with its currency, where it stands in the text and what it is the price of."""

    start: int
    end: int
    amount: Decimal
    currency: str | None
    role: str
    text: str


@dataclass(frozen=True)
class AvailabilityMention:
    start: int
    end: int
    availability: str
    text: str


@cache
def _vocabulary() -> dict[str, Any]:
    data = load_vocabulary("posts")
    after = alternation(data["currencies_after"])
    before = alternation(data["currencies_before"])
    prices = re.compile(
        rf"(?<![\w.,])(?:(?P<amount>{AMOUNT})\s?(?P<after>{after})(?![\w])"
        rf"|(?P<before>{before})\s?(?P<amount2>{AMOUNT})(?![\d]))",
        re.IGNORECASE,
    )
    roles = {
        side: [
            (role, whole_words(words[side]))
            for role, words in data["price_roles"].items()
            if words.get(side)
        ]
        for side in ("before", "after")
    }
    phrases = {
        phrase.lower(): status
        for status, by_language in data["availability"].items()
        for words in by_language.values()
        for phrase in words
    }
    availability = whole_words(phrases)
    units = alternation(load_vocabulary("prices").get("per_units", []))
    per_unit = re.compile(rf"\s*(?:/|\bper\b)\s*(?:{units})(?!\w)", re.IGNORECASE)
    another = data.get("for_another", {})
    for_another = re.compile(
        rf"(?<!\w)(?:{alternation(another.get('words', []))})(?!\w)"
        rf"|^\S*:(?:{alternation(another.get('endings', []))})(?!\w)",
        re.IGNORECASE,
    )
    counts = alternation(data.get("multibuy", []))
    multibuy = re.compile(rf"(?<![\w.,])\d+\s*(?:{counts})\s*$", re.IGNORECASE)
    return {
        "prices": prices,
        "roles": roles,
        "phrases": phrases,
        "availability": availability,
        "per_unit": per_unit,
        "multibuy": multibuy,
        "for_another": for_another,
    }


def price_mentions(
    text: str, default_currency: str | None = None, locale: str | None = None
) -> list[PriceMention]:
    """Every amount with a currency in ``text``, in order, with its role."""
    vocabulary = _vocabulary()
    mentions = []
    for match in vocabulary["prices"].finditer(text):
        money = parse_price(match.group(0))
        if money is None:
            continue
        symbol = match.group("after") or match.group("before")
        currency = currency_code(symbol, locale) or default_currency
        role = _role(text, match.start(), match.end())
        mentions.append(
            PriceMention(match.start(), match.end(), money.amount, currency, role, match.group(0))
        )
    return mentions


def _role(text: str, start: int, end: int) -> str:
    """The role marker words give an amount: a discount word right after it ("20 € off") first,
    then the nearest word before it, then a word right after it ("49 € alkaen"). A discount
    ("-20 €"), a unit or monthly price ("49 €/kk") and a multi-buy ("2 kpl 34 €") are no
    product's price."""
    if start > 0 and text[start - 1] in "-−" and (start == 1 or not text[start - 2].isalnum()):
        return "other"
    vocabulary = _vocabulary()
    if vocabulary["per_unit"].match(text, end) or vocabulary["multibuy"].search(
        text[max(0, start - 20) : start]
    ):
        return "other"
    before_text = re.split(r"[!?\n]", text[max(0, start - 60) : start])[-1]
    # Counts and sizes between a marker and its amount do not use up the words looked at:
    # "alin hinta 30 pv 69,90 €" is the 30-day lowest price, an old price.
    words = [word for word in re.finditer(r"\S+", before_text) if re.search(r"[^\W\d_]", word[0])]
    words = words[-ROLE_WORDS:]
    before = before_text[words[0].start() :] if words else ""
    # Words right after the amount, not across a comma: in "2 499 kr, medlemspris 2 249 kr" the
    # members' price is the second amount's.
    after_words = re.match(r"[\s)\]»\"']*(\S+(?:\s+\S+)?)", text[end : end + 40])
    after_role = None
    if after_words:
        for role, pattern in _vocabulary()["roles"]["after"]:
            if pattern.match(after_words.group(1)):
                after_role = role
                break
    if after_role == "other":
        return after_role
    best: tuple[int, int, str] | None = None  # the nearest word, the longer of two ("ord. pris")
    for role, pattern in _vocabulary()["roles"]["before"]:
        for match in pattern.finditer(before):
            if best is None or (match.end(), -match.start()) > best[:2]:
                best = (match.end(), -match.start(), role)
    if best is not None:
        return best[2]
    return after_role or "current"


def for_another_product(between: str) -> bool:
    """Whether the words between a product's name and an amount or stock phrase after it say
    they are for something made for that product ("40 L:lle", "sopiva sadesuoja", "spare
    bulbs"): then they are not the product's own."""
    return _vocabulary()["for_another"].search(between) is not None


def availability_mentions(text: str) -> list[AvailabilityMention]:
    """Stock phrases ("nyt saatavilla", "slutsåld", "back in stock") in order."""
    vocabulary = _vocabulary()
    return [
        AvailabilityMention(
            match.start(),
            match.end(),
            vocabulary["phrases"][match.group(0).lower()],
            match.group(0),
        )
        for match in vocabulary["availability"].finditer(text)
    ]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a decimal point or "20.11." does not end one."""
    spans = []
    start = 0
    for match in re.finditer(r"[.!?]+(?=\s+\W*[A-ZÅÄÖ#@])|[!?]+|\n+", text):
        if match.end() > start:
            spans.append((start, match.end()))
            start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]
