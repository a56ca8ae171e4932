"""Money from strings: amounts as Decimal with an ISO currency code.

price-parser does the reading ("1 299,90 €", "1.299,00 EUR", "299 kr", "84.10 EUR"); this module
adds what a cross-channel comparison needs on top: ISO codes for symbols (with the channel's
locale deciding what "kr" means), and refusal of values no shop would charge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from price_parser import Price

MAX_PRICE = Decimal("10000000")

SYMBOLS = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euroa": "EUR",
    "e": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "isk": "ISK",
    "chf": "CHF",
    "zł": "PLN",
    "pln": "PLN",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "¥": "JPY",
    "円": "JPY",
    "₽": "RUB",
    "руб": "RUB",
    "руб.": "RUB",
    "р.": "RUB",
    "₺": "TRY",
    "tl": "TRY",
    "r$": "BRL",
    "ca$": "CAD",
    "c$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "kč": "CZK",
    "ft": "HUF",
    "lei": "RON",
    "₩": "KRW",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
}

# "kr" and ":-" are crowns; which crowns depends on the market.
CROWNS_BY_LOCALE = {"sv": "SEK", "nb": "NOK", "nn": "NOK", "no": "NOK", "da": "DKK", "is": "ISK"}

SWEDISH_DASH = re.compile(r"\d\s*:-")
ISO_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str | None

    def __str__(self) -> str:
        return f"{self.amount} {self.currency or ''}".strip()


def currency_code(symbol: str | None, locale: str | None = None) -> str | None:
    """ISO 4217 code for a currency symbol or word as pages write it, or None."""
    if not symbol:
        return None
    text = symbol.strip()
    if ISO_CODE.match(text):
        return text
    key = text.lower()
    if key in SYMBOLS:
        return SYMBOLS[key]
    if key in ("kr", "kr.", ":-", ",-"):
        language = (locale or "sv").split("_")[0].lower()
        return CROWNS_BY_LOCALE.get(language, "SEK")
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
