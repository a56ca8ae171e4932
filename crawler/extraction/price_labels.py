"""What a price label holds: its amount, and the words and numbers that make it no price.

A label is the short text of a price element or a price standing alone next to a product's
heading ("129,90 €", "Hinta 119,00", "Nu 1 299:-", "från 99 kr", "$3.499 - $4.059"). Currencies
come from ``rules/vocab/currencies.yml``, price words from ``rules/vocab/prices.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from crawler.extraction.prices import LATIN_WORD, currencies
from crawler.extraction.vocabulary import CJK, alternation, load_vocabulary, whole_words

NUMBER = re.compile(r"\d(?:[\d\s.,]*\d)?")
DISCOUNT = re.compile(r"\s*[-−–]\s*(?:[€$£]\s*)?\d")
# A whole amount without its currency: "119,00", "129,-", "1 299.-", "1.299,00".
BARE_AMOUNT = re.compile(r"\d{1,3}(?:[ \u00a0.,]\d{3})*(?:[.,]\d{1,2}|[.,]-)?|\d+(?:[.,]\d{1,2})?")
RANGE_DASH = re.compile(r"^\s*(?P<low>.+?)\s*(?:[-–—]|\bto\b|\.\.\.|…)\s*(?P<high>.+?)\s*$")


@dataclass(frozen=True)
class PriceWords:
    not_current: tuple[str, ...]
    other_products_markers: tuple[str, ...]
    price_prefixes: tuple[str, ...]
    old_price: re.Pattern[str]
    not_the_price: re.Pattern[str]
    from_price: re.Pattern[str]
    other_products: re.Pattern[str] | None
    rates: str


@cache
def price_words() -> PriceWords:
    """The compiled price vocabulary (``rules/vocab/prices.yml``)."""
    data = load_vocabulary("prices")
    markers = [str(word).lower() for word in data.get("price_markers", [])]
    other_products = _lowered(data.get("other_products_markers"))
    units = "|".join(re.escape(str(unit)) for unit in data.get("per_units", []))
    return PriceWords(
        not_current=(*_lowered(data.get("not_current_markers")), *other_products),
        other_products_markers=other_products,
        price_prefixes=tuple(markers),
        old_price=_words(data.get("old_price_words", {})),
        not_the_price=re.compile(
            _words(data.get("not_the_price_words", {})).pattern
            + rf"|(?:/|\bper\b|\bpro\b|\bà\b)\s*(?:{units})(?!\w)",
            re.IGNORECASE,
        ),
        from_price=_words(data.get("from_price_words", {})),
        other_products=_phrases(data.get("other_products_headings", {})),
        rates=alternation(data.get("rate_signs", ["%"])),
    )


def _lowered(words: list[str] | None) -> tuple[str, ...]:
    return tuple(str(word).lower() for word in words or [])


def _phrases(by_language: dict[str, list[str]]) -> re.Pattern[str] | None:
    phrases = [phrase for phrases in by_language.values() for phrase in phrases]
    return re.compile(alternation(phrases), re.IGNORECASE) if phrases else None


def _words(by_language: dict[str, list[str]]) -> re.Pattern[str]:
    return whole_words(word for words in by_language.values() for word in words)


@cache
def _currency_pattern() -> str:
    """Currencies that mark an amount in running text: signs (€, zł, Kč, ₴...), the words
    shops write in lower case (eur, euroa, kr), and ISO codes in capitals. Short Latin words
    that are also ordinary words ("ft", "lei", "rs") are left to price-parser inside a price
    element: found in text they would make "6 ft" a price."""
    known = currencies()
    signs = [s for s in known.signs if not LATIN_WORD.fullmatch(s) and s != ":-"]
    written = [
        s
        for s in known.signs
        if LATIN_WORD.fullmatch(s) and (s in known.written_out or s in known.by_market)
    ]
    codes = "|".join(sorted(known.codes))
    return (
        rf"(?:{alternation(signs)})"
        rf"|(?<![^\W\d_])(?:{alternation(written)})(?![^\W\d_])"
        rf"|(?<![^\W\d_])(?-i:{codes})(?![^\W\d_])"
    )


@cache
def amount_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(an amount with its currency, as found in text; a whole amount with its currency, or a
    rate ("-20 %", "7 折"): what may stand beside the amount in a label without being another
    number)."""
    currency = _currency_pattern()
    found = re.compile(rf"(?:{currency})\.?\s*\d|\d[\d\s.,]*\s*(?:{currency}|:-)", re.IGNORECASE)
    whole = re.compile(
        rf"(?:{currency})\.?\s*\d(?:[\d\s.,]*\d)?"
        rf"|\d(?:[\d\s.,]*\d)?\s*(?:{currency}|:-)"
        rf"|\d+(?:[.,]\d+)?\s*(?:{price_words().rates})",
        re.IGNORECASE,
    )
    return found, whole


def currency_amounts(text: str) -> list[str]:
    return amount_patterns()[0].findall(text)


def is_from_price(label: str) -> bool:
    """A label that gives the lowest of several prices ("från 99 kr", "alk. 49 €", "From £10",
    a range "129 € – 159 €")."""
    return price_words().from_price.search(label) is not None or price_range(label) is not None


def price_range(label: str) -> str | None:
    """The low end of a label that is a range of two amounts in one currency ("$3.499 -
    $4.059", "129 – 159 €"), as its own label; None for anything else."""
    match = RANGE_DASH.match(label)
    if match is None or len(currency_amounts(label)) not in (1, 2):
        return None
    low, high = match.group("low"), match.group("high")
    if len(NUMBER.findall(low)) != 1 or len(NUMBER.findall(high)) != 1:
        return None
    return low if currency_amounts(low) else None


def another_number(label: str) -> bool:
    """A number in the label besides its amount and rates: a multi-buy ("3 för 99 kr",
    "2 kpl 10 €") or a count ("30 pv"), whose first number price-parser would take; or an
    amount written as a discount ("-200 kr")."""
    if DISCOUNT.match(label):
        return True
    return re.search(r"\d", amount_patterns()[1].sub(" ", label)) is not None


def single_amount(label: str) -> bool:
    """A label that is one amount and nothing else but price words and its currency as
    price-parser reads it ("119,00", "Hinta 129,-", "100 Ft"): a price element says it is a
    price, so it needs no currency sign beside it."""
    numbers = NUMBER.findall(label)
    if len(numbers) != 1 or not BARE_AMOUNT.fullmatch(numbers[0].strip()):
        return False
    rest = label.replace(numbers[0], " ").replace(",-", " ").replace(".-", " ").replace(":-", " ")
    words = {word.lower() for word in re.findall(r"[^\W\d_]+|[^\w\s:]", rest)}
    known = currencies()
    allowed = {*price_words().price_prefixes, *known.signs}
    return all(word in allowed or word.upper() in known.codes for word in words)


def bare_label(text: str) -> bool:
    """One amount with its currency and at most two words ("Hinta 129,90 €", "Nu 299 kr"): a
    price inside a sentence ("spend $590 and get...") is not the product's price."""
    found, _ = amount_patterns()
    if len(found.findall(text)) != 1:
        return False
    rest = found.sub(" ", text)
    words = 0
    for word in re.findall(r"[^\W\d_]+", rest):
        # Scripts without spaces between words count a word per character.
        words += len(word) if CJK.match(word) else 1
    return words <= 2
