"""Which market a page sells to, when its channel's configuration does not say.

The language and country the page declares (``<html lang="zh-TW">``, ``og:locale``), and the
country of its domain (``.tw``, ``.com.tw``, ``.co.uk``) when the page names none. The market
decides what a sign several markets write means: "kr" on a Norwegian page is NOK, "元" on a
Taiwanese one TWD (``by_market`` in ``rules/vocab/currencies.yml``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.extraction.page import ParsedPage
from crawler.extraction.prices import LOCALE_PARTS, TERRITORY, currencies

DECLARED = (
    "/html/@lang",
    "//head/meta[@property='og:locale']/@content",
    "//head/meta[translate(@http-equiv, 'CONTENT-LANGUAGE', 'content-language')"
    "='content-language']/@content",
)


def page_locale(page: ParsedPage) -> str | None:
    """The page's market as a locale ("zh_TW", "en_SE", "und_TW" for a country alone, "sv" for a
    language alone), or None when the page tells neither."""
    declared = next((value for query in DECLARED for value in page.tree.xpath(query)), "")
    language, *rest = LOCALE_PARTS.split(str(declared).strip().split(",")[0].strip())
    territory = next((part.upper() for part in rest if TERRITORY.fullmatch(part)), None)
    territory = territory or domain_country(page.url)
    language = language.lower() if language.isalpha() else ""
    if territory:
        return f"{language or 'und'}_{territory}"
    return language or None


def domain_country(url: str) -> str | None:
    """The country a country-code domain names (".fi": FI, ".co.uk": GB), or None for generic
    domains and country codes that sites everywhere use (".com", ".io", ".co")."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    label = host.rsplit(".", 1)[-1].lower()
    if len(label) != 2 or not label.isalpha() or label in currencies().domains_without_country:
        return None
    return "GB" if label == "uk" else label.upper()
