"""Which offers on different channels are the same product.

Stages, strongest first, each recorded per offer with its method and score:

1. the override file: pairs a person joined (``override``) or kept apart (never joined after);
2. shared identifiers — GTIN, SKU, MPN, normalised (``gtin``, ``sku``, ``mpn``);
3. the same canonical URL (``url``);
4. names (``name`` with a score 0–100): rapidfuzz over folded names, only between channels,
   only within blocks of names that share a word and the same guards (measures, model numbers,
   qualifiers), only mutual best matches at or above the threshold, and never when a second
   candidate scores nearly as well; a name that found no candidate is tried again with its
   unknown words read as typos of the one word one letter off (``typos``).

A join is refused when it would put two GTINs, two brands or two offers of one channel (by name)
into one product, so one wrong identifier or look-alike name cannot chain products together.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from checker.linking.groups import Groups, Link
from checker.linking.identifiers import (
    IDENTIFIERS,
    brands_agree,
    normalise_brand,
    normalise_identifier,
    normalise_url,
)
from checker.linking.names import NameKey, fold, guard, name_key, word_tokens
from checker.linking.overrides import Overrides
from checker.linking.typos import Spellings

DEFAULT_THRESHOLD = 88.0
# A word shared by more names than this (in one block) does not identify anything.
MAX_BLOCK = 64
# A best name match must beat the runner-up by this much, or the name is ambiguous.
AMBIGUITY_MARGIN = 3.0
# Added to the score of two names that name the same colour: a near tie (within the ambiguity
# margin) between a name with the colour and one without is decided by the colour.
COLOUR_AGREES = AMBIGUITY_MARGIN
ALONE: Link = ("alone", None)


@dataclass
class Product:
    """Offers of one product across channels, and how each was linked."""

    key: str
    offers: list[dict[str, Any]] = field(default_factory=list)
    methods: dict[int, Link] = field(default_factory=dict)

    @property
    def channels(self) -> set[str]:
        return {offer["channel"] for offer in self.offers}

    def link_of(self, offer: dict[str, Any]) -> dict[str, Any]:
        method, score = self.methods.get(offer["id"], ALONE)
        return {"method": method, "score": score}

    def links_by_channel(self) -> dict[str, dict[str, Any]]:
        """How the product's offer on each channel was linked (first offer of a channel)."""
        links: dict[str, dict[str, Any]] = {}
        for offer in self.offers:
            links.setdefault(offer["channel"], self.link_of(offer))
        return dict(sorted(links.items()))


def link_offers(
    offers: list[dict[str, Any]],
    threshold: float = DEFAULT_THRESHOLD,
    overrides: Overrides | None = None,
) -> list[Product]:
    """Group offers (rows with id, channel, name, brand, gtin, sku, mpn, url, canonical_url)."""
    # Linking allocates millions of small objects that live until it returns; the cyclic
    # garbage collector would rescan them all again and again for nothing (it doubled the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _link(offers, threshold, overrides)
    finally:
        if collecting:
            gc.enable()


def _link(
    offers: list[dict[str, Any]], threshold: float, overrides: Overrides | None
) -> list[Product]:
    channel_names = sorted({offer["channel"] for offer in offers})
    channel_index = {name: index for index, name in enumerate(channel_names)}
    channels = [channel_index[offer["channel"]] for offer in offers]
    reader = _NameReader(offers)
    keys, brands = reader.keys, reader.brands
    identifiers = {
        kind: [normalise_identifier(kind, offer.get(kind)) for offer in offers]
        for kind in IDENTIFIERS
    }
    identifiers["url"] = [normalise_url(offer.get("canonical_url")) for offer in offers]
    groups = Groups(identifiers["gtin"], brands, channels)
    if overrides is not None:
        overrides.apply(offers, groups)
    for kind, values in identifiers.items():
        _join_on(groups, values, kind)
    _join_names(groups, keys, brands, channels, len(channel_names), threshold)
    return _products(offers, groups, keys, identifiers)


class _NameReader:
    """Names read for linking, and brands: an offer's own, or for offers without one (posts)
    a known brand its name starts with, which is then left out of the name."""

    def __init__(self, offers: list[dict[str, Any]]) -> None:
        self.by_first_word: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for brand in {offer["brand"] for offer in offers if offer.get("brand")}:
            words = tuple(word_tokens(fold(str(brand))))
            if words:
                self.by_first_word[words[0]].add(words)
        self.keys: list[NameKey | None] = []
        self.brands: list[str | None] = []
        for offer in offers:
            key, brand = self._read(offer)
            self.keys.append(key)
            self.brands.append(brand)

    def _read(self, offer: dict[str, Any]) -> tuple[NameKey | None, str | None]:
        brand = normalise_brand(offer.get("brand"))
        if not offer.get("name"):
            return None, brand
        key = name_key(offer["name"], offer.get("brand"))
        if brand or not key.tokens:
            return key, brand
        for words in sorted(self.by_first_word.get(key.tokens[0], ()), key=len, reverse=True):
            shorter = key.without_brand(words)
            if shorter is not key:
                return shorter, "".join(words)
        return key, None


def _join_on(groups: Groups, values: list[str | None], method: str) -> None:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value is None:
            continue
        other = first.setdefault(value, index)
        if other != index and not groups.conflict(other, index):
            groups.join(other, index, (method, None))


def _join_names(
    groups: Groups,
    keys: list[NameKey | None],
    brands: list[str | None],
    channels: list[int],
    count: int,
    threshold: float,
) -> None:
    """Link names between every two channels: mutual, unambiguous best matches.

    A name that fits two offers of some channel nearly equally well ("Kånken 16 L" against
    "Kånken 16 L black" and "... blue") is linked to no channel at all: which variant it means
    is unknown, and a wrong link is worse than none.
    """
    matches: list[tuple[int, int, float]] = []
    top: dict[int, float] = defaultdict(float)  # each name's best score on any channel
    unsure: dict[int, float] = defaultdict(float)  # ... and where two candidates tie
    spellings = Spellings(keys, channels)
    for channel_a in range(count):
        for channel_b in range(channel_a + 1, count):
            pair = (channel_a, channel_b)
            scores = _name_scores(groups, keys, brands, channels, pair, threshold, spellings)
            best_left, best_right = _best(scores, 0, keys), _best(scores, 1, keys)
            for best in (best_left, best_right):
                for item, (_, score, runner_up, vague_rival) in best.items():
                    top[item] = max(top[item], score)
                    if runner_up > score - AMBIGUITY_MARGIN and not (
                        _colours(keys, item) and vague_rival
                    ):
                        unsure[item] = max(unsure[item], score)
            matches.extend(
                (left, right, score)
                for left, right, score in scores
                if _similarity(keys, left, right, score) >= threshold
                and best_left[left][0] == right
                and best_right[right][0] == left
            )
    # A tie far below the name's best match elsewhere does not make that match unsure.
    ambiguous = {item for item, score in unsure.items() if score > top[item] - AMBIGUITY_MARGIN}
    for left, right, score in sorted(matches, key=lambda match: -match[2]):
        if left in ambiguous or right in ambiguous:
            continue
        if not groups.conflict(left, right, by_name=True):
            groups.join(left, right, ("name", round(_similarity(keys, left, right, score), 1)))


def _similarity(keys: list[NameKey | None], left: int, right: int, score: float) -> float:
    """The names' score without what naming the same colour added to rank them."""
    colours = _colours(keys, left)
    return score - COLOUR_AGREES if colours and colours == _colours(keys, right) else score


def _name_scores(
    groups: Groups,
    keys: list[NameKey | None],
    brands: list[str | None],
    channels: list[int],
    pair: tuple[int, int],
    threshold: float,
    spellings: Spellings,
) -> list[tuple[int, int, float]]:
    """Scores of name pairs between two channels that share a block and pass the guards.

    A block is the names with the same guards (measures, model numbers, qualifiers) that share
    a word; each name is compared with the names of its smallest block (a typo'd word has no
    block, so the next word's is used), and the work grows with the catalogue, not faster.
    A name that found no candidate so is tried once more with its words that no other channel
    uses read as typos of a word they do use (one letter off, and only one such word).
    """
    channel_a, channel_b = pair
    signatures: dict[tuple[frozenset[str], ...], int] = {}
    blocks: dict[tuple[int, str], list[int]] = defaultdict(list)
    left: list[tuple[int, int]] = []
    for index, key in enumerate(keys):
        if key is None or channels[index] not in pair:
            continue
        other = channel_b if channels[index] == channel_a else channel_a
        if groups.spans(index, other):
            continue  # already linked to that channel by a stronger stage
        signature = signatures.setdefault(key.signature, len(signatures))
        if channels[index] == channel_a:
            left.append((index, signature))
        else:
            for word in set(key.blocking):
                blocks[(signature, word)].append(index)
    cutoff = threshold - AMBIGUITY_MARGIN
    scores: list[tuple[int, int, float]] = []

    def score(index: int, candidates: Iterable[int]) -> bool:
        """Score the candidates of one name; whether any came close enough."""
        key = keys[index]
        assert key is not None
        before = len(scores)
        for candidate in candidates:
            match = keys[candidate]
            assert match is not None
            value = fuzz.ratio(key.sorted_text, match.sorted_text, score_cutoff=cutoff)
            if not value or guard(key, match) or not brands_agree(brands[index], brands[candidate]):
                continue
            # Both naming the same colour beats one naming none: prefer the specific match.
            if key.colours and key.colours == match.colours:
                value += COLOUR_AGREES
            scores.append((index, candidate, value))
        return len(scores) > before

    unmatched: list[tuple[int, int]] = []
    for index, signature in left:
        key = keys[index]
        assert key is not None
        found = sorted(
            (len(block), word)
            for word in set(key.blocking)
            if (block := blocks.get((signature, word))) and len(block) <= MAX_BLOCK
        )
        if not score(index, {c for _, word in found[:1] for c in blocks[(signature, word)]}):
            unmatched.append((index, signature))
    if unmatched:
        _score_typos(unmatched, keys, channels, blocks, spellings, score)
    return scores


def _score_typos(
    unmatched: list[tuple[int, int]],
    keys: list[NameKey | None],
    channels: list[int],
    blocks: dict[tuple[int, str], list[int]],
    spellings: Spellings,
    score: Callable[[int, Iterable[int]], bool],
) -> None:
    """Score names that found no candidate against the blocks of the words their unknown words
    are one typo away from (see ``Spellings``)."""
    names = [(key, index, signature) for index, signature in unmatched if (key := keys[index])]
    fixes = spellings.fixes((key, channels[index]) for key, index, _ in names)
    for key, index, signature in names:
        candidates: set[int] = set()
        for word in set(key.words):
            fix = fixes.get((word, key.signature))
            if fix and len(block := blocks.get((signature, fix), ())) <= MAX_BLOCK:
                candidates.update(block)
        if candidates:
            score(index, candidates)


def _best(
    scores: list[tuple[int, int, float]], side: int, keys: list[NameKey | None]
) -> dict[int, tuple[int, float, float, bool]]:
    """For each item on one side: its best partner and score, the runner-up's score, and
    whether the runner-up names no colour (a vague rival does not make a specific name unsure)."""
    best: dict[int, tuple[int, float, float, bool]] = {}
    for left, right, score in scores:
        item, partner = (left, right) if side == 0 else (right, left)
        current = best.get(item)
        if current is None:
            best[item] = (partner, score, 0.0, False)
        elif score > current[1]:
            best[item] = (partner, score, current[1], not _colours(keys, current[0]))
        elif score > current[2]:
            best[item] = (current[0], current[1], score, not _colours(keys, partner))
    return best


def _colours(keys: list[NameKey | None], item: int) -> frozenset[str]:
    key = keys[item]
    return key.colours if key is not None else frozenset()


def _products(
    offers: list[dict[str, Any]],
    groups: Groups,
    keys: list[NameKey | None],
    identifiers: dict[str, list[str | None]],
) -> list[Product]:
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(offers)):
        members[groups.find(index)].append(index)
    products = [
        Product(
            key=_product_key(group, offers, keys, identifiers),
            offers=[offers[i] for i in group],
            methods={offers[i]["id"]: groups.link.get(i, ALONE) for i in group},
        )
        for group in members.values()
    ]
    products.sort(key=lambda product: product.key)
    return products


def _product_key(
    group: list[int],
    offers: list[dict[str, Any]],
    keys: list[NameKey | None],
    identifiers: dict[str, list[str | None]],
) -> str:
    """A key that stays the same across runs while the product does (fingerprints use it)."""
    for kind in IDENTIFIERS:
        values = [value for i in group if (value := identifiers[kind][i])]
        if values:
            return f"{kind}:{min(values)}"
    names = [key.text for i in group if (key := keys[i]) is not None]
    if names:
        return f"name:{min(names)}"
    return f"url:{offers[group[0]]['url']}"
