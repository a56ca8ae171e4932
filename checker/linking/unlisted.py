"""Products a current post promotes by name that no channel lists.

``checker.linking.mentions`` finds the run's known products in a post. A post can also promote a
product no channel lists at all ("Uutuus: Retkituoli Kevyt 39,90 €" while neither the webshop
nor a feed has the chair), and then there is no catalogue to find the name by. It is read from
the post's shape instead: the capitalised words, sizes and model numbers just before a current
price or an in-stock phrase ("Campingstol Fjäll finns nu i butik"), or just after a new-product
word and a colon ("Nyhet: Campingstol Fjäll"). A name read so counts only when it is specific:
two words at least, no word that names a category, a collection, a sale or a shop
(``not_products`` in ``rules/vocab/posts.yml``: "Fjällräven Outlet", "Höstens Kollektion"), not
an accessory for something ("Spare Straps"), not a brand alone.

A channel lists the name when one of its offers' names holds every word of it and every size,
model number and qualifier it gives (words compared up to an inflected ending or a plural:
"Retkituolin" is "Retkituoli", "Sleeping Bags" a "Sleeping Bag"; colours ignored), or holds all
its own words among the post's with the same sizes and qualifiers, or is as close as linking
asks (``name_score``, whose guards keep 40 l from 50 l and Pro from Mini), or differs by a typo
with the same sizes and model numbers. So a post that
leaves out the shop's size ("Kånken" for "Kånken 16 L") names a product the shop lists; one
that adds a qualifier the shop's names lack ("Vaellusreppu 40 L Pro") names another product.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from rapidfuzz import fuzz

from checker.linking.linker import DEFAULT_THRESHOLD, Product
from checker.linking.mentions import post_state_on, same_word
from checker.linking.names import NameKey, fold, name_key, name_score, vocabulary
from crawler.extraction.posts import (
    availability_mentions,
    for_another_product,
    price_mentions,
    sentence_spans,
)
from crawler.extraction.vocabulary import load_vocabulary

CHUNK = re.compile(r"\S+")
# Letters, digits and the marks inside names ("X-200", "S9+", "O'Neill"); a point or comma only
# inside a number ("2.0", "1,2"), so "Teltta," ends a name.
NAME_WORD = re.compile(r"[-+]?[^\W_](?:[\w'’+-]|[.,](?=\w))*")
# A name word may end with the colon or comma that sets it off from the price after it.
SEPARATORS = ":,–—"
PREFIX = 4
# How close the words of two names must be to read one as a typo of the other: the post's
# "Retkikeitin Kompaktti" is the shop's "Retkikeitin Kompakti" (97), "Vaellusreppu 40 L Pro" is
# not "Vaellusreppu 40 L" (89).
TYPO = 92


@dataclass
class Unlisted:
    """A product name a current post gives that no channel's offers list."""

    post: dict[str, Any]
    name: str
    start: int
    key: NameKey


@dataclass(frozen=True)
class _Words:
    between: frozenset[str]
    markers: re.Pattern[str]
    marker_words: frozenset[str]
    not_products: frozenset[str]
    endings: frozenset[str]


@cache
def _words() -> _Words:
    posts = load_vocabulary("posts")
    named = posts.get("named_products") or {}
    current = posts["price_roles"]["current"]["before"]
    markers = "|".join(re.escape(str(word)) for word in named.get("markers") or [])
    return _Words(
        between=frozenset(fold(str(word)) for word in [*current, *named.get("between", [])]),
        markers=re.compile(rf"(?<!\w)(?:{markers or '(?!)'})\s*[:!]\s*", re.IGNORECASE),
        marker_words=frozenset(fold(str(word)) for word in named.get("markers") or []),
        not_products=frozenset(fold(str(word)) for word in named.get("not_products") or []),
        endings=frozenset(str(e) for e in posts.get("for_another", {}).get("endings") or []),
    )


def named_products(text: str) -> list[tuple[int, int]]:
    """(start, end) of each product name the post's shape gives, in order."""
    spans = sentence_spans(text)
    found: set[tuple[int, int]] = set()

    def sentence_start(position: int) -> int:
        return next((s for s, e in spans if s <= position < e), 0)

    anchors = [p.start for p in price_mentions(text) if p.role == "current"]
    anchors += [a.start for a in availability_mentions(text) if a.availability == "in_stock"]
    for anchor in anchors:
        span = _name_before(text, sentence_start(anchor), anchor)
        if span:
            found.add(span)
    for marker in _words().markers.finditer(text):
        following = [a for a in anchors if a >= marker.end()]
        span = _name_after(text, marker.end(), min(following, default=len(text)))
        if span:
            found.add(span)
    return sorted(found)


def _name_before(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name written just before ``end`` (a price, a stock phrase), within the sentence."""
    chunks = list(CHUNK.finditer(text, start, end))
    index = len(chunks) - 1
    while index >= 0 and fold(chunks[index].group().strip(SEPARATORS)) in _words().between | {""}:
        index -= 1  # "nyt", "on", a dash
    name: list[tuple[int, int]] = []
    while index >= 0:
        raw = chunks[index].group()
        word = raw.rstrip(SEPARATORS) if not name else raw
        if ":" in word.rstrip(":"):  # "Kevyt:n hinta": a case ending; ":lle" is for another thing
            word, ending = word.split(":", 1)
            if ending in _words().endings:
                return None
        left = chunks[index - 1].group() if index else ""
        if not word or not _name_word(word, left):
            break
        name.insert(0, (chunks[index].start(), chunks[index].start() + len(word)))
        index -= 1
    return _specific(text, name)


def _name_after(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name written just after a new-product word and its colon ("Nyhet: ..."), before
    ``end`` (a price, a stock phrase)."""
    name: list[tuple[int, int]] = []
    for chunk in CHUNK.finditer(text, start, end):
        word = chunk.group().rstrip(SEPARATORS + ".!?")
        left = text[name[-1][0] : name[-1][1]] if name else ""
        if not word or not _name_word(word, left):
            break
        name.append((chunk.start(), chunk.start() + len(word)))
        if word != chunk.group():  # punctuation ends the name
            break
    return _specific(text, name)


def _name_word(word: str, left: str) -> bool:
    """A word of a product's name: capitalised, a number or model ("16", "-15", "X200"), or a
    unit after a number ("16 l")."""
    if not NAME_WORD.fullmatch(word):
        return False
    if word[0].isupper() or any(c.isdigit() for c in word):
        return True
    return fold(word) in vocabulary().units and any(c.isdigit() for c in left)


def _specific(text: str, name: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The name without leading campaign words, when it names one product."""
    noise = vocabulary().noise | _words().between | _words().marker_words
    while name and fold(text[name[0][0] : name[0][1]]) in noise:
        name.pop(0)
    if len(name) < 2 or not text[name[0][0]].isupper() or not text[name[0][0]].isalpha():
        return None
    start, end = name[0][0], name[-1][1]
    key = name_key(text[start:end])
    if not _specific_key(key) or set(key.tokens) & _words().not_products:
        return None
    if for_another_product(text[start:end]):
        return None
    return start, end


def _specific_key(key: NameKey) -> bool:
    """Two words, or a word and a size, model number or qualifier: not a brand or a category
    alone ("Fjällräven", "Makuupussit")."""
    return len(key.tokens) >= 2 and bool(key.words)


class Listed:
    """The names of every offer of some channels, for asking whether any lists a post's name."""

    def __init__(self, offers: Iterable[dict[str, Any]], wanted: set[str]) -> None:
        """Only names sharing a blocking word (its first ``PREFIX`` letters) with ``wanted`` are
        kept: a run's offers pass once, and a million of them are not held for a few posts."""
        self.index: dict[str, list[NameKey]] = defaultdict(list)
        self.brands: set[tuple[str, ...]] = set()
        for offer in offers:
            if not offer.get("name"):
                continue
            key = name_key(offer["name"], offer.get("brand"))
            for word in {word[:PREFIX] for word in _blocking(key)} & wanted:
                self.index[word].append(key)
            if offer.get("brand"):
                self.brands.add(name_key(offer["brand"]).tokens)

    def key(self, name: str) -> NameKey:
        """A post's name read as the offers' names are: without a leading brand they carry."""
        key = name_key(name)
        for brand in self.brands:
            shorter = key.without_brand(brand)
            if shorter is not key:
                return shorter
        return key

    def lists(self, key: NameKey) -> bool:
        candidates = {id(k): k for w in _blocking(key) for k in self.index[w[:PREFIX]]}
        return any(_same_product(key, offer) for offer in candidates.values())


def _blocking(key: NameKey) -> set[str]:
    """Words to find the offers a name may be by: two names of one product share one."""
    return {*_plain(key), *key.words, *key.numbers}


def _same_product(post: NameKey, offer: NameKey) -> bool:
    """Whether an offer's name is the post's name, written more fully or a little otherwise."""
    if name_score(post, offer) >= DEFAULT_THRESHOLD:
        return True
    guards = (post.measures, post.numbers, post.qualifiers)
    mine, theirs = _plain(post), _plain(offer)
    if (
        _contains(theirs, mine)
        and post.measures <= offer.measures
        and post.qualifiers <= offer.qualifiers
        and all(any(n.startswith(own) for n in offer.numbers) for own in post.numbers)
    ):
        # The shop's name says more: a size, a word the post left out, a model number's
        # variant ("DSC-W120" of "DSCW120P", the pink one).
        return True
    if _contains(mine, theirs) and guards == offer.signature:
        return True  # the post's name says more: "Tänään Retkituoli Kevyt"
    # A typo, in a qualifier too ("Kompaktti"), with the same sizes and model numbers.
    same_numbers = (post.measures, post.numbers) == (offer.measures, offer.numbers)
    return same_numbers and fuzz.ratio(" ".join(post.tokens), " ".join(offer.tokens)) >= TYPO


def _plain(key: NameKey) -> tuple[str, ...]:
    """The name's words of letters, but qualifiers and colours: "Down Sleeping Bag -10" has
    down, sleeping and bag (which linking reads into the model number "bag10")."""
    guarded = vocabulary().qualifiers.keys() | vocabulary().colours.keys()
    return tuple(token for token in key.tokens if token.isalpha() and token not in guarded)


def _contains(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    return bool(wanted) and all(any(_alike(w, have) for have in words) for w in wanted)


def _alike(written: str, name: str) -> bool:
    """One word, up to an inflected ending (``same_word``) or a plural "s"."""
    return (
        same_word(written, name)
        or same_word(name, written)
        or written.rstrip("s") == name.rstrip("s")
    )


def unlisted_products(
    posts: list[dict[str, Any]], products: Iterable[Product], day: date, social: set[str]
) -> list[Unlisted]:
    """Names current posts of ``social`` channels give that no offer of another channel lists,
    each name once (its latest post)."""
    latest_first = sorted(posts, key=lambda p: (p["published"] or "", p["id"]), reverse=True)
    named = [
        (post, start, end)
        for post in latest_first
        if post["channel"] in social and post_state_on(post, day) == "current"
        for start, end in named_products(post["text"])
    ]
    if not named:
        return []
    # A name without its leading brand has fewer words, never others: these words find its offers.
    wanted = {
        word[:PREFIX]
        for post, start, end in named
        for word in _blocking(name_key(post["text"][start:end]))
    }
    offers = (o for p in products for o in p.offers if o["channel"] not in social)
    listed = Listed(offers, wanted)
    found: dict[str, Unlisted] = {}
    for post, start, end in named:
        key = listed.key(post["text"][start:end])
        if not _specific_key(key) or key.sorted_text in found or listed.lists(key):
            continue
        found[key.sorted_text] = Unlisted(post, post["text"][start:end], start, key)
    return list(found.values())
