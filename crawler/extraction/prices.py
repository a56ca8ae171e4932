"""Money from strings: amounts as Decimal with an ISO currency code.

price-parser does the reading ("1 299,90 €", "1.299,00 EUR", "299 kr", "84.10 EUR"); this module
adds what a cross-channel comparison needs on top: ISO codes for symbols, the signs price-parser
does not know ("1 299:-", "294 元"), the market deciding what a sign several markets write means
("kr", "$", "元"), and refusal of values no shop would charge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.core import get_global
from babel.numbers import get_territory_currencies
from price_parser import Price

from crawler.extraction.vocabulary import alternation, load_vocabulary

MAX_PRICE = Decimal("10000000")
# A sign written as a lower-case Latin word ("kr", "eur"): matched as a whole word only.
LATIN_WORD = re.compile(r"[a-z.]+")
LOCALE_PARTS = re.compile(r"[-_]")
TERRITORY = re.compile(r"[A-Za-z]{2}|\d{3}")


@dataclass(frozen=True)
class Currencies:
    codes: frozenset[str]
    symbols: dict[str, str]  # sign -> the one currency it means
    written_out: frozenset[str]
    by_market: dict[str, tuple[str, ...]]  # sign -> the currencies it can mean, default first
    domains_without_country: frozenset[str]

    @property
    def signs(self) -> frozenset[str]:
        """Every sign and word that marks a currency beside an amount."""
        return frozenset(self.symbols) | frozenset(self.by_market)


@cache
def currencies() -> Currencies:
    """The currency vocabulary (``rules/vocab/currencies.yml``)."""
    data = load_vocabulary("currencies")
    return Currencies(
        codes=frozenset(str(code).upper() for code in data.get("iso_4217", [])),
        symbols={str(key).lower(): str(code) for key, code in data.get("symbols", {}).items()},
        written_out=frozenset(str(word).lower() for word in data.get("written_out", [])),
        by_market={
            str(sign).lower(): tuple(str(code).upper() for code in codes)
            for sign, codes in data.get("by_market", {}).items()
        },
        domains_without_country=frozenset(
            str(domain).lower() for domain in data.get("domains_without_country", [])
        ),
    )


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None

    def __str__(self) -> str:
        return f"{self.amount} {self.currency or ''}".strip()


def currency_code(
    symbol: str | None, locale: str | None = None, preferred: str | None = None
) -> str | None:
    """ISO 4217 code for a currency symbol, word or code as pages write it, or None: a code
    only when ISO 4217 lists it (not any three capitals). A sign several markets write ("kr",
    "$", "元") means ``preferred`` (the page's declared or the channel's currency) when it can,
    else the currency of the locale's country (``market_currency``)."""
    if not symbol:
        return None
    known = currencies()
    text = symbol.strip()
    if text.upper() in known.codes:
        return text.upper()
    key = text.lower()
    if key in known.symbols:
        return known.symbols[key]
    if key in known.by_market:
        return market_currency(known.by_market[key], locale, preferred)
    return None


def market_currency(
    candidates: tuple[str, ...], locale: str | None, preferred: str | None = None
) -> str:
    """Which of a sign's currencies a market means: ``preferred`` when it is one of them, else
    the first whose country the locale points to, else the sign's first."""
    if preferred and preferred.upper() in candidates:
        return preferred.upper()
    for territory in territories(locale):
        for code in _territory_currencies(territory):
            if code in candidates:
                return code
    return candidates[0]


@cache
def territories(locale: str | None) -> tuple[str, ...]:
    """The countries a locale points to, surest first: its own ("sv_FI", "zh-TW", "und_TW"),
    then where its language is mostly spoken (CLDR's likely subtags: sv -> SE, nb -> NO)."""
    if not locale:
        return ()
    language, *rest = LOCALE_PARTS.split(locale.strip())
    found = [part.upper() for part in rest if TERRITORY.fullmatch(part)]
    likely = get_global("likely_subtags").get(language.lower()) if language != "und" else None
    if likely:
        found.append(likely.rsplit("_", 1)[-1])
    return tuple(dict.fromkeys(found))


@cache
def _territory_currencies(territory: str) -> tuple[str, ...]:
    try:
        return tuple(get_territory_currencies(territory))
    except Exception:  # a territory CLDR does not know
        return ()


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
    if symbol is None:
        # Signs price-parser does not know ("1 299:-", "294 元") are ours to find.
        beside = _sign_beside_amount().search(text)
        symbol = (beside.group("after") or beside.group("before")) if beside else None
    code = currency_code(symbol, locale, default_currency) or default_currency
    return Money(price.amount, code)


@cache
def _sign_beside_amount() -> re.Pattern[str]:
    """A vocabulary sign that is no Latin word, written right after or before a digit."""
    signs = alternation(sign for sign in currencies().signs if not LATIN_WORD.fullmatch(sign))
    return re.compile(rf"\d\s*(?P<after>{signs})|(?P<before>{signs})\s*\d", re.IGNORECASE)
