"""The kinds of value configuration files hold, as pydantic types with our checks and wording:
a share of pages (0.9 or 90%), an ISO 4217 currency, a locale CLDR (babel) knows, a market, a CSS
selector or XPath, a regular expression, an http(s) URL, a feed location, a date."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlsplit

import cssselect
import lxml.etree
from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from pydantic import AfterValidator, BeforeValidator, Field, Strict

from checker.config.problems import Blank, Expect
from crawler.extraction.prices import currencies

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
FEED_SCHEMES = ("http", "https", "file")

Flag = Annotated[bool, Strict(), Expect("true or false")]
Text = Annotated[str, Strict(), Expect("text")]


def null_is(empty: Callable[[], Any]) -> BeforeValidator:
    """A key written with no value (``crawl:``) holds ``empty()``, as if it were not written."""
    return BeforeValidator(lambda value: empty() if value is None else value)


def listed(value: Any) -> Any:
    """One value where a list is expected is a list of one; nothing is an empty list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _stripped(value: str) -> str:
    if not value.strip():
        raise Blank
    return value.strip()


Word = Annotated[str, Strict(), Expect("text"), AfterValidator(_stripped)]
Words = Annotated[list[Word], BeforeValidator(listed), Expect("a list of text values")]


def _amount(value: Any) -> Any:
    if isinstance(value, bool):  # true is an int to Python, and no tolerance
        raise ValueError(f"expected a number of 0 or more, got {value!r}")
    return value


Amount = Annotated[
    float,
    Strict(),
    BeforeValidator(_amount),
    Field(ge=0, allow_inf_nan=False),
    Expect("a number of 0 or more"),
]
Whole = Annotated[int, Strict(), Field(ge=0), Expect("a whole number of 0 or more")]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _feed_location(value: str) -> str:
    """An http(s) or file URL, or a path; any other scheme (ftp://) would be read as a path."""
    parts = urlsplit(value)
    if parts.scheme and parts.scheme not in FEED_SCHEMES:
        raise ValueError(
            f"{value!r}: a feed is an http(s) or file URL or a path, not {parts.scheme}://"
        )
    if parts.scheme in ("http", "https"):
        _http_url(value)
    return value


def _regular_expression(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"invalid regular expression: {error}") from None
    return value


def _selector(value: str) -> str:
    try:
        if value.lstrip().startswith(("/", "(", "./")):
            lxml.etree.XPath(value)
        else:
            cssselect.GenericTranslator().css_to_xpath(value)
    except (cssselect.SelectorError, lxml.etree.XPathError):
        raise ValueError(f"{value!r} is not a valid CSS selector or XPath") from None
    return value


HttpUrls = Annotated[
    list[Annotated[Word, AfterValidator(_http_url)]],
    BeforeValidator(listed),
    Expect("a list of http(s) URLs"),
]
FeedLocation = Annotated[Word, AfterValidator(_feed_location), Expect("a URL or a path")]
FeedLocations = Annotated[
    list[Annotated[Word, AfterValidator(_feed_location)]],
    BeforeValidator(listed),
    Expect("a list of feed URLs or paths"),
]
Patterns = Annotated[
    list[Annotated[Word, AfterValidator(_regular_expression)]],
    BeforeValidator(listed),
    Expect("a list of regular expressions"),
]
Selector = Annotated[str, Strict(), AfterValidator(_selector), Expect("a CSS selector or XPath")]
Name = Annotated[
    str,
    Strict(),
    Field(pattern=NAME.pattern),
    Expect("a name of letters, digits, '-', '_' or '.' (e.g. webshop)"),
]


def _share(value: Any) -> float:
    """A share such as 0.9 (or 90%): more than 0, at most 1."""
    number = value
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = float(value.strip()[:-1]) / 100
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number <= 1:
        raise ValueError(f"{value!r} is not a share of pages between 0 and 1, e.g. 0.9 or 90%")
    return float(number)


Share = Annotated[float, BeforeValidator(_share)]


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a number of days such as 14")
    return value


Days = Annotated[int, BeforeValidator(_days)]


def _market(value: Any) -> str:
    if isinstance(value, bool):  # YAML 1.1 reads an unquoted `no` (Norway) or `on` as a flag
        raise ValueError(f"got {value!r}; quote a market named like a flag: market: 'no'")
    if not isinstance(value, str) or not NAME.match(value):
        raise ValueError(f"expected a short name such as fi or se, got {value!r}")
    return value.lower()


Market = Annotated[str, BeforeValidator(_market)]


def _currency(value: Any) -> str:
    """A code ISO 4217 lists, as the crawler reads them (rules/vocab/currencies.yml): ``EUX``
    is three capitals but no currency."""
    if isinstance(value, str) and value in currencies().codes:
        return value
    raise ValueError(f"{value!r} is not an ISO 4217 code such as EUR or SEK")


Currency = Annotated[str, BeforeValidator(_currency)]


def _locale(value: Any) -> str:
    """A locale CLDR knows (``fi_FI``, ``sv-FI``, ``nb``), written the one way: ``sv_FI``."""
    if isinstance(value, str) and value.strip():
        try:
            return str(Locale.parse(value.strip().replace("-", "_")))
        except (UnknownLocaleError, ValueError):
            pass
    hint = _close_locales(value) if isinstance(value, str) else []
    said = f"did you mean {' or '.join(map(repr, hint))}?" if hint else "see `locale` in README"
    raise ValueError(f"{value!r} is not a locale such as fi_FI, sv_SE or en_GB ({said})")


def _close_locales(value: str) -> list[str]:
    """Known locales of the same language, else of the same country, else alike in writing."""
    known = [name for name in locale_identifiers() if name.count("_") == 1]
    language, _, territory = value.strip().replace("-", "_").partition("_")
    for found in (
        [name for name in known if name.split("_")[0] == language.lower()],
        [name for name in known if territory and name.split("_")[1] == territory.upper()],
    ):
        if found:
            return sorted(found)[:3]
    return difflib.get_close_matches(value, known, n=2)


Language = Annotated[str, BeforeValidator(_locale)]


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(
            f"{value.isoformat(sep=' ')!r} has a time of day; expected a date like 2026-01-31"
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date like 2026-01-31")


Day = Annotated[dt.date, BeforeValidator(_date)]
