"""Identifiers as channels write them, normalised so that equal ones compare equal.

A GTIN is compared as its digits without leading zeros (GTIN-13 "0614141000036" = UPC
"614141000036") and only when its check digit is right: a mistyped GTIN links nothing.
SKUs and MPNs ignore case, spaces and punctuation ("RA-VR40" = "ra vr40"). URLs ignore the
scheme, "www.", the query and a trailing slash.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from checker.linking.names import fold

IDENTIFIERS = ("gtin", "sku", "mpn")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D")


def gtin_is_valid(digits: str) -> bool:
    """The GS1 check digit of an 8–14 digit GTIN is right."""
    if not 8 <= len(digits) <= 14 or not digits.isdigit():
        return False
    odd = sum(map(int, digits[-2::-2]))  # from the right, next to the check digit: weight 3
    even = sum(map(int, digits[-3::-2]))
    return (10 - (3 * odd + even) % 10) % 10 == int(digits[-1])


def normalise_identifier(kind: str, value: Any) -> str | None:
    """The comparable form of a GTIN, SKU or MPN, or None when it cannot identify anything."""
    if value is None:
        return None
    text = str(value).strip()
    if kind == "gtin":
        digits = _NOT_DIGIT.sub("", text)
        if not gtin_is_valid(digits):
            return None
        return digits.lstrip("0")
    text = _NOT_ALPHANUMERIC.sub("", fold(text))
    return text or None


def normalise_url(url: str | None) -> str | None:
    """host/path of a URL without scheme, "www.", query or trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


def normalise_brand(brand: Any) -> str | None:
    if not brand:
        return None
    return _NOT_ALPHANUMERIC.sub("", fold(str(brand))) or None


def brands_agree(a: str | None, b: str | None) -> bool:
    """Unknown agrees with anything; "fjallraven" agrees with "fjallravenab"."""
    return a is None or b is None or a.startswith(b) or b.startswith(a)
