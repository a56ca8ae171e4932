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
from decimal import Decimal
from functools import cache
from typing import Any

from crawler.extraction.page import TextBlock
from crawler.extraction.prices import parse_price
from crawler.extraction.vocabulary import load_vocabulary
from crawler.items import ServiceClaim

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9\"'“])|\s*[•|]\s*")
NUMBER = r"(\d+(?:[.,]\d+)?)"
RANGE = NUMBER + r"(?:\s*(?:[-–—]|to|till|tai|eller|or)\s*" + NUMBER + r")?"
DAYS_PER = {"day": Decimal(1), "week": Decimal(7), "month": Decimal(30), "year": Decimal(365)}
MONTHS_PER = {"month": Decimal(1), "year": Decimal(12)}
MAX_SENTENCE = 400


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
    units: dict[str, list[tuple[str, re.Pattern[str]]]]


@cache
def default_vocabulary() -> ServiceVocabulary:
    return build_vocabulary(load_vocabulary("services"))


def build_vocabulary(
    data: dict[str, Any], extra: Iterable[dict[str, Any]] = ()
) -> ServiceVocabulary:
    """Compile a services vocabulary; services in ``extra`` packs replace ours by id."""
    definitions = dict(data.get("services", {}))
    for pack in extra:
        definitions.update(pack.get("services", {}))
    services = []
    for service_id, definition in definitions.items():
        patterns = [p for words in definition.get("patterns", {}).values() for p in words]
        if not patterns:
            continue
        services.append(
            Service(
                id=service_id,
                label=definition.get("label", service_id),
                attribute=definition.get("attribute"),
                pattern=re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE),
            )
        )
    negations = [p for words in data.get("negation", {}).values() for p in words]
    units = {
        attribute: [
            (unit, re.compile("|".join(f"(?:{p})" for p in words), re.IGNORECASE))
            for unit, words in table.items()
        ]
        for attribute, table in data.get("units", {}).items()
    }
    return ServiceVocabulary(
        services=tuple(services),
        negation=re.compile("|".join(f"(?:{p})" for p in negations), re.IGNORECASE),
        units=units,
    )


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
) -> list[ServiceClaim]:
    """Every service claim in the blocks; cookie banners are not statements about services."""
    vocabulary = vocabulary or default_vocabulary()
    claims: list[ServiceClaim] = []
    seen: set[tuple[str, str]] = set()
    for sentence, region in sentences(blocks):
        if region == "banner":
            continue
        for service in vocabulary.services:
            match = service.pattern.search(sentence)
            if match is None or (service.id, sentence) in seen:
                continue
            seen.add((service.id, sentence))
            claim = ServiceClaim(channel=channel, url=url, service=service.id, sentence=sentence)
            claim.negated = _negated(sentence, match, vocabulary)
            if service.attribute:
                _attach_value(claim, service.attribute, sentence, match, vocabulary, currency)
            claims.append(claim)
    return claims


def _negated(sentence: str, match: re.Match[str], vocabulary: ServiceVocabulary) -> bool:
    """A negation word in the clause of the match ("ei noutoa myymälästä", "no free returns")."""
    start = max(sentence.rfind(",", 0, match.start()), sentence.rfind(";", 0, match.start()))
    clause = sentence[start + 1 : match.end() + 25]
    return bool(vocabulary.negation.pattern) and vocabulary.negation.search(clause) is not None


def _attach_value(
    claim: ServiceClaim,
    attribute: str,
    sentence: str,
    match: re.Match[str],
    vocabulary: ServiceVocabulary,
    currency: str | None,
) -> None:
    if attribute == "money":
        for found in re.finditer(
            r"\d[\d\s.,]*\s*(?:€|eur\w*|kr\b|sek|:-)", sentence, re.IGNORECASE
        ):
            money = parse_price(found.group(0), currency)
            if money is not None:
                claim.attribute, claim.low, claim.high = "money", money.amount, money.amount
                claim.unit = money.currency
                return
        return
    candidates = []
    for found in re.finditer(RANGE + r"\s*-?\s*(\w+(?:\s\w+)?)", sentence):
        unit = _unit(found.group(3), attribute, vocabulary)
        if unit is None:
            continue
        distance = min(abs(found.start() - match.end()), abs(match.start() - found.end()))
        candidates.append((distance, found, unit))
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


def _unit(word: str, attribute: str, vocabulary: ServiceVocabulary) -> str | None:
    for unit, pattern in vocabulary.units.get(attribute, []):
        if pattern.match(word):
            return unit
    return None


def plain(value: Decimal) -> Decimal:
    """30 rather than 3E+1 or 30.00: numbers as a person writes them."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
