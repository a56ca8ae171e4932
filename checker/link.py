"""Which offers on different channels are the same product.

Stages, strongest first, each recorded with its method and score: shared identifiers (GTIN,
SKU, MPN), the same canonical URL, then names. Names are compared with rapidfuzz after
normalisation (case, diacritics, "40L" = "40 l" = "40 litraa"), only within blocks that share a
rare-enough token, and behind hard guards: different numbers with units, different model numbers
or different qualifiers (Pro, Mini, Junior...) mean different products, however similar the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from crawler.extraction.vocabulary import load_vocabulary

DEFAULT_THRESHOLD = 88.0
IDENTIFIERS = ("gtin", "sku", "mpn")
MAX_BLOCK = 200  # a token shared by more offers than this does not identify anything


@dataclass
class Product:
    """Offers of one product across channels, and how each was linked."""

    key: str
    offers: list[dict[str, Any]] = field(default_factory=list)
    methods: dict[int, tuple[str, float | None]] = field(default_factory=dict)

    @property
    def channels(self) -> set[str]:
        return {offer["channel"] for offer in self.offers}

    def link_of(self, offer: dict[str, Any]) -> dict[str, Any]:
        method, score = self.methods.get(offer["id"], ("alone", None))
        return {"method": method, "score": score}


@dataclass(frozen=True)
class NameKey:
    text: str
    measures: frozenset[str]
    numbers: frozenset[str]
    qualifiers: frozenset[str]
    tokens: tuple[str, ...]


@cache
def _vocabulary() -> tuple[frozenset[str], dict[str, str], re.Pattern[str]]:
    data = load_vocabulary("linking")
    qualifiers = frozenset(str(word).lower() for word in data.get("qualifiers", []))
    units = {
        str(spelling).lower(): unit
        for unit, spellings in data.get("units", {}).items()
        for spelling in spellings
    }
    spelled = sorted(units, key=len, reverse=True)
    measure = re.compile(
        r"(\d+(?:[.,]\d+)?)\s*(" + "|".join(re.escape(s) for s in spelled) + r")(?![a-z0-9])"
    )
    return qualifiers, units, measure


def fold(text: str) -> str:
    """Lower case without diacritics: "Kånken" and "kanken" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_key(name: str, brand: str | None = None) -> NameKey:
    qualifiers, units, measure = _vocabulary()
    text = fold(name)
    if brand:
        folded_brand = fold(brand)
        if text.startswith(folded_brand + " "):
            text = text[len(folded_brand) + 1 :]
    measures = set()

    def unify(match: re.Match[str]) -> str:
        raw = match.group(1).replace(",", ".")
        amount = raw.rstrip("0").rstrip(".") if "." in raw else raw
        symbol = units[match.group(2)]
        measures.add(f"{amount}{symbol}")
        return f" {amount}{symbol} "

    text = measure.sub(unify, text)
    text = re.sub(r"[^a-z0-9.]+", " ", text)
    tokens = tuple(token.strip(".") for token in text.split() if token.strip("."))
    numbers = {t for t in tokens if any(c.isdigit() for c in t) and t not in measures}
    return NameKey(
        text=" ".join(tokens),
        measures=frozenset(measures),
        numbers=frozenset(numbers),
        qualifiers=frozenset(t for t in tokens if t in qualifiers),
        tokens=tokens,
    )


def compatible(a: NameKey, b: NameKey) -> bool:
    """The hard guards: what must be equal for two names to be one product."""
    return a.measures == b.measures and a.numbers == b.numbers and a.qualifiers == b.qualifiers


def name_score(a: NameKey, b: NameKey) -> float:
    if not compatible(a, b):
        return 0.0
    return float(fuzz.token_sort_ratio(a.text, b.text))


def normalise_identifier(kind: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if kind == "gtin":
        digits = re.sub(r"\D", "", text).lstrip("0")
        return digits if len(digits) >= 7 else None
    text = re.sub(r"[^a-z0-9]", "", text)
    return text or None


def normalise_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


class _Groups:
    """Union-find over offer ids, remembering how each offer first joined another."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.parent = {i: i for i in ids}
        self.method: dict[int, tuple[str, float | None]] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int, method: str, score: float | None) -> None:
        root_a, root_b = self.find(a), self.find(b)
        for item in (a, b):
            self.method.setdefault(item, (method, score))
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def link_offers(
    offers: list[dict[str, Any]], threshold: float = DEFAULT_THRESHOLD
) -> list[Product]:
    """Group offers (rows with id, channel, name, brand, gtin, sku, mpn, canonical_url)."""
    groups = _Groups(offer["id"] for offer in offers)
    by_id = {offer["id"]: offer for offer in offers}
    for kind in IDENTIFIERS:
        _join_on(groups, offers, kind, lambda offer, k=kind: normalise_identifier(k, offer.get(k)))
    _join_on(groups, offers, "url", lambda offer: normalise_url(offer.get("canonical_url")))
    _join_names(groups, offers, threshold)

    members: dict[int, list[int]] = defaultdict(list)
    for offer in offers:
        members[groups.find(offer["id"])].append(offer["id"])
    products = []
    for ids in members.values():
        group = [by_id[i] for i in ids]
        products.append(
            Product(
                key=_product_key(group),
                offers=group,
                methods={i: groups.method.get(i, ("alone", None)) for i in ids},
            )
        )
    products.sort(key=lambda product: product.key)
    return products


def _join_on(groups: _Groups, offers: list[dict[str, Any]], method: str, key: Any) -> None:
    first: dict[str, int] = {}
    for offer in offers:
        value = key(offer)
        if value is None:
            continue
        if value in first:
            groups.union(first[value], offer["id"], method, None)
        else:
            first[value] = offer["id"]


def _join_names(groups: _Groups, offers: list[dict[str, Any]], threshold: float) -> None:
    """Link names across channels: mutual best matches above the threshold, guards passing."""
    keys = {o["id"]: name_key(o["name"], o.get("brand")) for o in offers if o.get("name")}
    by_channel: dict[str, list[int]] = defaultdict(list)
    for offer in offers:
        if offer["id"] in keys:
            by_channel[offer["channel"]].append(offer["id"])
    channels = sorted(by_channel)
    for index, channel_a in enumerate(channels):
        for channel_b in channels[index + 1 :]:
            best_a = _best_matches(by_channel[channel_a], by_channel[channel_b], keys, threshold)
            best_b = _best_matches(by_channel[channel_b], by_channel[channel_a], keys, threshold)
            for a, (b, score) in best_a.items():
                if best_b.get(b, (None, 0.0))[0] == a:
                    groups.union(a, b, "name", round(score, 1))


def _best_matches(
    left: list[int], right: list[int], keys: dict[int, NameKey], threshold: float
) -> dict[int, tuple[int, float]]:
    index: dict[str, list[int]] = defaultdict(list)
    for item in right:
        for token in set(keys[item].tokens):
            index[token].append(item)
    best: dict[int, tuple[int, float]] = {}
    for item in left:
        candidates: set[int] = set()
        for token in set(keys[item].tokens):
            block = index.get(token, [])
            if len(block) <= MAX_BLOCK:
                candidates.update(block)
        for candidate in candidates:
            score = name_score(keys[item], keys[candidate])
            if score >= threshold and score > best.get(item, (0, 0.0))[1]:
                best[item] = (candidate, score)
    return best


def _product_key(group: list[dict[str, Any]]) -> str:
    for kind in IDENTIFIERS:
        values = sorted(v for o in group if (v := normalise_identifier(kind, o.get(kind))))
        if values:
            return f"{kind}:{values[0]}"
    names = sorted(name_key(o["name"], o.get("brand")).text for o in group if o.get("name"))
    if names:
        return f"name:{names[0]}"
    return f"url:{group[0]['url']}"
