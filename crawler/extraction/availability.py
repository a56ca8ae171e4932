"""Availability as one of in_stock, out_of_stock, preorder, backorder, discontinued, unknown.

The words come from ``rules/vocab/availability.yml``: schema.org values (any URL form such as
``https://schema.org/InStock`` or ``http://schema.org/OutOfStock``), Merchant Center values and the
phrases Finnish, Swedish and English shops write.
"""

from __future__ import annotations

import re
from functools import cache

from crawler.extraction.vocabulary import alternation, load_vocabulary, whole_words

UNKNOWN = "unknown"


@cache
def _zero_count() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A count of zero right after a phrase ("Varastossa: 0 kpl", "I lager: 0") and right before
    one ("0 in stock"): a zero with a count's unit, or a bare zero at the end of the text, and
    never another place's ("0 st i butik") or another quantity ("0 % korolla", "0 kr frakt")."""
    vocabulary = load_vocabulary("availability")
    counts = alternation(vocabulary.get("zero_counts", []))
    elsewhere = alternation(vocabulary.get("zero_counts_elsewhere", []))
    counted = rf"\s*(?:{counts})(?!\w)(?!\s*(?:{elsewhere})(?!\w))"
    after = rf"^[\s:=]*0(?:{counted}|\s*[.!]?\s*$)"
    before = rf"(?:^|(?<=[\s:(]))0(?:\s*(?:{counts}))?\s*$"
    return re.compile(after, re.IGNORECASE), re.compile(before, re.IGNORECASE)


@cache
def _tables() -> tuple[dict[str, str], re.Pattern[str], dict[str, str]]:
    vocabulary = load_vocabulary("availability")
    schema = {key.lower(): value for key, value in vocabulary.get("schema_org", {}).items()}
    phrases: dict[str, str] = {}
    for status, by_language in vocabulary.get("phrases", {}).items():
        for words in by_language.values():
            for word in words:
                phrases[word.lower()] = status
    return schema, whole_words(phrases), phrases


def from_schema(value: object) -> str:
    """Normalise a structured-data availability value (schema.org URL or feed word)."""
    if not isinstance(value, str) or not value.strip():
        return UNKNOWN
    schema, _, _ = _tables()
    key = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return schema.get(key) or schema.get(value.strip().lower()) or from_text(value)


def from_text(text: str | None) -> str:
    """Normalise free text ("Loppuunmyyty", "I lager", "Only 2 left in stock").

    The longest phrase found wins, so negated phrases ("ei varastossa") beat their positive part;
    an in-stock phrase with a count of zero beside it ("Varastossa: 0 kpl") is out of stock.
    """
    if not text:
        return UNKNOWN
    _, pattern, phrases = _tables()
    found = list(pattern.finditer(text))
    if not found:
        return UNKNOWN
    longest = max(found, key=lambda match: len(match.group(0)))
    status = phrases[longest.group(0).lower()]
    after, before = _zero_count()
    if status == "in_stock" and (
        after.search(text[longest.end() :]) or before.search(text[: longest.start()])
    ):
        return "out_of_stock"
    return status
