"""Service claims: sentences in which a channel promises (or denies) a service.

The services and their words in Finnish, Swedish and English are data in
``rules/vocab/services.yml``. A sentence that matches a service's pattern becomes a claim with
the number it carries (30 days of returns, 1–3 days of delivery, 2 years of warranty, free
delivery over 50 €), normalised to days, years or money.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from crawler.extraction.page import TextBlock
from crawler.extraction.prices import currency_code, parse_price
from crawler.extraction.vocabulary import alternation, load_vocabulary
from crawler.items import ServiceClaim

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"'“])|\s*[•|]\s*")
NUMBER = r"(\d+(?:[.,]\d+)?)"
RANGE = NUMBER + r"(?:\s*(?:[-–—]|to|till|tai|eller|or)\s*" + NUMBER + r")?"
MONEY = re.compile(
    r"(?:€|£|\$|\beur\b|\bsek\b|\bnok\b|\bdkk\b)\s*\d[\d\s.,]*\d|(?:€|£|\$)\s*\d"
    r"|\d[\d\s.,]*\s*(?:€|£|\$|eur\w*|e\b|kr\b|kronor|sek\b|nok\b|dkk\b|:-)",
    re.IGNORECASE,
)
DAYS_PER = {"day": Decimal(1), "week": Decimal(7), "month": Decimal(30), "year": Decimal(365)}
MONTHS_PER = {"month": Decimal(1), "year": Decimal(12)}
ATTRIBUTES = ("days", "years", "money")
MAX_SENTENCE = 400
CLAUSE_REACH = 25  # characters after a match that still belong to its clause


@dataclass(frozen=True)
class Service:
    id: str
    label: str
    attribute: str | None
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class ServiceVocabulary:
    services: tuple[Service, ...]
    negation: re.Pattern[str]
    conditions: re.Pattern[str] | None
    units: dict[str, list[tuple[str, re.Pattern[str]]]]
    numbers: tuple[tuple[re.Pattern[str], str], ...] = ()
    prefilter: re.Pattern[str] | None = None
    thresholds: tuple[re.Pattern[str] | None, re.Pattern[str] | None] = (None, None)

    def label(self, service_id: str) -> str:
        return next((s.label for s in self.services if s.id == service_id), service_id)

    def may_claim(self, sentence: str) -> bool:
        """False only when no service can match: most sentences skip the per-service search."""
        return self.prefilter is None or self.prefilter.search(sentence.lower()) is not None


class VocabularyError(ValueError):
    """A service definition that cannot be used; ``key`` says where (services.returns.patterns)."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


@cache
def default_vocabulary() -> ServiceVocabulary:
    return build_vocabulary(load_vocabulary("services"))


def vocabulary_with(extra: dict[str, Any] | None) -> ServiceVocabulary:
    """Our vocabulary plus the services that rule packs add (``{id: definition}``)."""
    if not extra:
        return default_vocabulary()
    return build_vocabulary(load_vocabulary("services"), [{"services": extra}])


def build_vocabulary(
    data: dict[str, Any], extra: Iterable[dict[str, Any]] = ()
) -> ServiceVocabulary:
    """Compile a services vocabulary; services in ``extra`` packs replace ours by id."""
    definitions = dict(data.get("services", {}))
    for pack in extra:
        definitions.update(pack.get("services") or {})
    services = [
        service
        for service_id, definition in definitions.items()
        if (service := compile_service(str(service_id), definition)) is not None
    ]
    units = {
        attribute: [(unit, _alternatives(words)) for unit, words in table.items()]
        for attribute, table in data.get("units", {}).items()
    }
    numbers = tuple(
        (re.compile(rf"\b(?:{'|'.join(words)})\b(?=[\s-])", re.IGNORECASE), str(value))
        for value, words in data.get("numbers", {}).items()
    )
    conditions = _by_language(data.get("conditions", {}))
    thresholds = data.get("thresholds", {})
    return ServiceVocabulary(
        services=tuple(services),
        negation=_alternatives(_by_language(data.get("negation", {}))),
        conditions=_alternatives(conditions) if conditions else None,
        units=units,
        numbers=numbers,
        prefilter=_prefilter([service.pattern.pattern for service in services]),
        thresholds=(
            _words_at(thresholds.get("before", {}), r"\W*$"),
            _words_at(thresholds.get("after", {}), "", r"^\W*"),
        ),
    )


def _words_at(
    by_language: dict[str, list[str]], end: str, start: str = ""
) -> re.Pattern[str] | None:
    """Whole words from the vocabulary, anchored where an amount's neighbour text meets it."""
    words = _by_language(by_language)
    if not words:
        return None
    return re.compile(rf"{start}(?<!\w)(?:{alternation(words)})(?!\w){end}", re.IGNORECASE)


def compile_service(service_id: str, definition: Any) -> Service | None:
    """One service definition checked and compiled; VocabularyError names the bad key."""
    key = f"services.{service_id}"
    if not isinstance(definition, dict):
        raise VocabularyError(key, "expected a mapping with label, attribute and patterns")
    attribute = definition.get("attribute")
    if attribute is not None and attribute not in ATTRIBUTES:
        raise VocabularyError(
            f"{key}.attribute", f"{attribute!r} is not one of {', '.join(ATTRIBUTES)} or null"
        )
    by_language = definition.get("patterns") or {}
    if not isinstance(by_language, dict) or not all(
        isinstance(words, list) and all(isinstance(w, str) for w in words)
        for words in by_language.values()
    ):
        raise VocabularyError(
            f"{key}.patterns", "expected lists of regular expressions by language (fi: [...])"
        )
    patterns = _by_language(by_language)
    if not patterns:
        return None
    try:
        pattern = _alternatives(patterns)
    except re.error as error:
        raise VocabularyError(f"{key}.patterns", f"invalid regular expression: {error}") from None
    return Service(service_id, str(definition.get("label", service_id)), attribute, pattern)


def _by_language(table: dict[str, list[str]]) -> list[str]:
    return [pattern for words in table.values() for pattern in words]


def _alternatives(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _prefilter(patterns: list[str]) -> re.Pattern[str] | None:
    """All services' patterns as one case-sensitive search of lowercased text.

    Case-insensitive matching costs several times as much in Python's ``re``; a sentence
    lowercased once and searched for lowercase patterns finds the same candidates. A pattern
    with an uppercase letter of its own (outside escapes such as ``\\D``) would not, so then
    there is no prefilter.
    """
    if not patterns or any(
        re.sub(r"\\.", "", p) != re.sub(r"\\.", "", p).lower() for p in patterns
    ):
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def sentences(blocks: Iterable[TextBlock]) -> Iterator[tuple[str, str]]:
    """(sentence, region) pairs from the page's text blocks."""
    for block in blocks:
        for sentence in SENTENCE_END.split(block.text):
            sentence = sentence.strip()
            if 3 <= len(sentence) <= MAX_SENTENCE:
                yield sentence, block.region


def extract_claims(
    blocks: Iterable[TextBlock],
    channel: str,
    url: str,
    vocabulary: ServiceVocabulary | None = None,
    currency: str | None = None,
    locale: str | None = None,
) -> list[ServiceClaim]:
    """Every service claim in the blocks; cookie banners are not statements about services."""
    vocabulary = vocabulary or default_vocabulary()
    claims: list[ServiceClaim] = []
    seen: set[tuple[str, str]] = set()
    for sentence, region in sentences(blocks):
        if region == "banner" or not vocabulary.may_claim(sentence):
            continue
        for service in vocabulary.services:
            match = service.pattern.search(sentence)
            if match is None or (service.id, sentence) in seen:
                continue
            seen.add((service.id, sentence))
            claim = ServiceClaim(channel=channel, url=url, service=service.id, sentence=sentence)
            clause = _clause(sentence, match)
            claim.negated = _found(vocabulary.negation, clause)
            condition = vocabulary.conditions.search(sentence) if vocabulary.conditions else None
            claim.condition = condition.group(0).lower() if condition else None
            if service.attribute:
                _attach_value(
                    claim, service.attribute, sentence, match, vocabulary, currency, locale
                )
            claims.append(claim)
    return claims


def _clause(sentence: str, match: re.Match[str]) -> str:
    """The clause of a match: from the last comma or semicolon before it to a little after."""
    start = max(sentence.rfind(",", 0, match.start()), sentence.rfind(";", 0, match.start()))
    return sentence[start + 1 : match.end() + CLAUSE_REACH]


def _found(pattern: re.Pattern[str], text: str) -> bool:
    return bool(pattern.pattern) and pattern.search(text) is not None


def _attach_value(
    claim: ServiceClaim,
    attribute: str,
    sentence: str,
    match: re.Match[str],
    vocabulary: ServiceVocabulary,
    currency: str | None,
    locale: str | None,
) -> None:
    if attribute == "money":
        _attach_money(claim, sentence, match, vocabulary, currency, locale)
        return
    text = _digits(sentence, vocabulary)
    service_match = re.compile(re.escape(match.group(0)), re.IGNORECASE).search(text) or match
    candidates = []
    for found in re.finditer(RANGE + r"\s*-?\s*(\w+(?:\s\w+)?)", text):
        named = _unit(found.group(3), attribute, vocabulary)
        if named is None:
            continue
        # The number ends with its unit word, not with the word after it ("30 päivän
        # palautusoikeus ja 14 päivän hintatakuu": the returns' 30 touches "palautusoikeus").
        end = found.start(3) + named[1]
        candidates.append((_gap(found.start(), end, service_match), found, named[0]))
    if not candidates:
        return
    _, found, unit = min(candidates, key=lambda candidate: candidate[0])
    low = Decimal(found.group(1).replace(",", "."))
    high = Decimal(found.group(2).replace(",", ".")) if found.group(2) else low
    if attribute == "years":
        factor = MONTHS_PER[unit] / 12
        claim.unit = "years"
    else:
        factor = DAYS_PER[unit]
        claim.unit = "days"
    claim.attribute = attribute
    claim.low, claim.high = plain(low * factor), plain(high * factor)


def _digits(sentence: str, vocabulary: ServiceVocabulary) -> str:
    """Numbers written as words in digits: "kahden vuoden" → "2 vuoden"."""
    for pattern, value in vocabulary.numbers:
        sentence = pattern.sub(value, sentence)
    return sentence


def _unit(word: str, attribute: str, vocabulary: ServiceVocabulary) -> tuple[str, int] | None:
    """The unit a word names, and how many of its characters the unit took."""
    for unit, pattern in vocabulary.units.get(attribute, []):
        found = pattern.match(word)
        if found:
            return unit, found.end()
    return None


def _gap(start: int, end: int, service: re.Match[str]) -> tuple[int, int]:
    """How far a number stands from the service's words; at equal distances the number after
    them ("Öppet köp 30 dagar") before the one before them."""
    if start >= service.end():
        return start - service.end(), 0
    return max(0, service.start() - end), 1


def _attach_money(
    claim: ServiceClaim,
    sentence: str,
    match: re.Match[str],
    vocabulary: ServiceVocabulary,
    currency: str | None,
    locale: str | None,
) -> None:
    """The order value a free-delivery claim names: the amount written as a threshold ("yli
    50 €", "över 499 kr", "499 kr eller mer"), else the one nearest the service's words. The
    shipping cost beside it ("Toimitus 4,90 €, ilmainen toimitus yli 50 €") and the product's
    price in a post ("Nu 399:- Fri frakt över 499 kr") are not the threshold."""
    before, after = vocabulary.thresholds
    candidates = []
    for found in MONEY.finditer(sentence):
        money = parse_price(found.group(0), currency, locale)
        if money is None:
            continue
        code = money.currency
        if found.group(0).rstrip().endswith(":-"):
            code = currency_code(":-", locale)
        threshold = bool(
            (before and before.search(sentence[max(0, found.start() - 30) : found.start()]))
            or (after and after.search(sentence[found.end() : found.end() + 30]))
        )
        gap = _gap(found.start(), found.end(), match)
        candidates.append((not threshold, gap, money.amount, code))
    if candidates:
        _, _, amount, code = min(candidates, key=lambda candidate: candidate[:2])
        claim.attribute, claim.low, claim.high, claim.unit = "money", amount, amount, code


def plain(value: Decimal) -> Decimal:
    """30 rather than 3E+1 or 30.00: numbers as a person writes them."""
    normal = value.normalize()
    if normal != normal.to_integral_value():
        return normal
    try:
        return normal.quantize(Decimal(1))
    except InvalidOperation:  # more digits than Decimal's precision ("99999…9 päivää"): as is
        return normal
