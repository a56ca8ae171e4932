"""Money from strings: amounts as Decimal with an ISO currency code.

price-parser does the reading ("1 299,90 €", "1.299,00 EUR", "299 kr", "84.10 EUR"); this module
adds what a cross-channel comparison needs on top: ISO codes for symbols (with the channel's
locale deciding what "kr" means), and refusal of values no shop would charge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from price_parser import Price

from crawler.extraction.vocabulary import load_vocabulary

MAX_PRICE = Decimal("10000000")

SWEDISH_DASH = re.compile(r"\d\s*:-")


@dataclass(frozen=True)
class Currencies:
    codes: frozenset[str]
    symbols: dict[str, str]
    written_out: frozenset[str]
    crowns: frozenset[str]
    crowns_by_language: dict[str, str]


@cache
def currencies() -> Currencies:
    """The currency vocabulary (``rules/vocab/currencies.yml``)."""
    data = load_vocabulary("currencies")
    return Currencies(
        codes=frozenset(str(code).upper() for code in data.get("iso_4217", [])),
        symbols={str(key).lower(): str(code) for key, code in data.get("symbols", {}).items()},
        written_out=frozenset(str(word).lower() for word in data.get("written_out", [])),
        crowns=frozenset(str(sign).lower() for sign in data.get("crowns", [])),
        crowns_by_language=dict(data.get("crowns_by_language", {})),
    )


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None

    def __str__(self) -> str:
        return f"{self.amount} {self.currency or ''}".strip()


def currency_code(symbol: str | None, locale: str | None = None) -> str | None:
    """ISO 4217 code for a currency symbol, word or code as pages write it, or None: a code
    only when ISO 4217 lists it (not any three capitals)."""
    if not symbol:
        return None
    known = currencies()
    text = symbol.strip()
    if text.upper() in known.codes:
        return text.upper()
    key = text.lower()
    if key in known.symbols:
        return known.symbols[key]
    if key in known.crowns:
        language = (locale or "sv").split("_")[0].lower()
        return known.crowns_by_language.get(language, "SEK")
    return None


def to_decimal(value: object) -> Decimal | None:
    """A Decimal from a number or a machine-written numeric string ("84.10"), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        # A number as machines write it (JSON-LD "84.10", "1e3"); anything else is read as text,
        # so "1e400" is an absurd number, never "1".
        if not re.fullmatch(r"-?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?", text):
            money = parse_price(text)
            return money.amount if money else None
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None
    return amount if amount.is_finite() else None


def plausible(amount: Decimal | None) -> bool:
    """A price a shop could charge: positive and below ten million."""
    return amount is not None and amount.is_finite() and Decimal(0) < amount < MAX_PRICE


def parse_price(
    text: str | None,
    default_currency: str | None = None,
    locale: str | None = None,
) -> Money | None:
    """Read one price from a string; None when there is no plausible amount in it."""
    if not text or len(text) > 200:
        return None
    try:
        price = Price.fromstring(text)
    except (InvalidOperation, ValueError, OverflowError):
        return None
    if not plausible(price.amount):
        return None
    assert price.amount is not None
    symbol = price.currency
    if symbol is None and SWEDISH_DASH.search(text):
        symbol = ":-"  # "1 299:-" is how Swedish shops write crowns; price-parser leaves it out
    code = currency_code(symbol, locale) or default_currency
    return Money(price.amount, code)
