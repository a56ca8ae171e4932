"""Social posts joined to the products the other channels sell.

A post names a product in its own words ("Uusi Vaellusreppu 40 L Pro!", "Kånkenin hinta..."), so
after the offers are linked, each post that counts on the run's day (see
``crawler.extraction.campaigns.post_state``) is searched for the names of linked products: each
word of a name must be in the post in order, exactly for numbers, sizes and model words, and up
to an inflected ending for the rest ("Vaellusrepun" = "Vaellusreppu"). A qualifier next to the
name that the name lacks ("Pro", "Mini") means another product, and so does a size after a name
that has none. The longest name wins; a span that two products' names fit equally well is
nobody's.

Prices and availability phrases go to the product named nearest before them (or, in a post
about one product, to that product). A current post becomes an offer of its channel on the
product, with the method ``mention``; the latest post about a product speaks for its channel.
Posts whose campaign has ended are kept aside for ``stale_campaign``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from rapidfuzz import fuzz

from checker.linking.linker import Product
from checker.linking.names import NameKey, name_key, vocabulary
from crawler.extraction.campaigns import post_state
from crawler.extraction.posts import (
    AvailabilityMention,
    PriceMention,
    availability_mentions,
    for_another_product,
    price_mentions,
    sentence_spans,
)

# A word, with its decimals ("0,5") or a "+" written onto it ("S9+": the Plus model).
WORD = re.compile(r"[^\W_]+(?:[.,]\d+)?(?:\+(?![^\W_]))?")
PREFIX = 4
COUNTED_STATES = ("current", "ended")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    measure: bool


@dataclass
class Mention:
    """A product named in a post, with what the post says about it."""

    post: dict[str, Any]
    product: Product
    state: str
    name: str
    score: float
    start: int
    alternatives: list[Product] = field(default_factory=list)
    prices: list[PriceMention] = field(default_factory=list)
    availability: list[AvailabilityMention] = field(default_factory=list)

    def price(self, role: str) -> PriceMention | None:
        """The one amount of a role the post gives this product; None when none or several."""
        found = {(p.amount, p.currency) for p in self.prices if p.role == role}
        return next(p for p in self.prices if p.role == role) if len(found) == 1 else None

    def stock(self) -> AvailabilityMention | None:
        found = {a.availability for a in self.availability}
        return self.availability[0] if len(found) == 1 else None


def _qualifiers() -> dict[str, str]:
    """Qualifier spellings and their meaning ("lasten" → "junior"), as the linker reads them."""
    return vocabulary().qualifiers


def run_day(run: dict[str, Any]) -> date:
    """The day a run was crawled: what "current" is measured against."""
    return datetime.fromisoformat(run["started"]).date()


def tokens(text: str) -> list[Token]:
    """The text as name tokens with positions; "40 L" is one size token like "40L"."""
    words = list(WORD.finditer(text))
    found: list[Token] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word.group()[0].isdigit() and index + 1 < len(words):
            pair = name_key(text[word.start() : words[index + 1].end()])
            if len(pair.tokens) == 1 and pair.measures:
                found.append(Token(pair.tokens[0], word.start(), words[index + 1].end(), True))
                index += 2
                continue
        key = name_key(word.group())
        found.extend(Token(t, word.start(), word.end(), bool(key.measures)) for t in key.tokens)
        index += 1
    return found


def same_word(written: str, name: str) -> bool:
    """A post's word is a name's word: equal, or (for longer words without digits) the same word
    with another ending, as Finnish and Swedish inflect names ("repun", "ryggsäcken")."""
    if written == name:
        return True
    if len(name) < 5 or any(c.isdigit() for c in written + name):
        return False
    prefix = next((i for i, (a, b) in enumerate(zip(written, name, strict=False)) if a != b), None)
    common = min(len(written), len(name)) if prefix is None else prefix
    return common >= max(PREFIX, len(name) - 2) and -2 <= len(written) - len(name) <= 5


class Catalogue:
    """Names of linked products that a channel other than social sells, indexed for search;
    given the texts to search, only the names that could be found in them are kept."""

    def __init__(
        self, products: Iterable[Product], social: set[str], texts: Iterable[str] | None = None
    ) -> None:
        self.index: dict[str, list[tuple[NameKey, Product]]] = defaultdict(list)
        wanted = None if texts is None else {t.text[:PREFIX] for x in texts for t in tokens(x)}
        for product in products:
            keys = {
                name_key(offer["name"], offer.get("brand"))
                for offer in product.offers
                if offer.get("name") and offer["channel"] not in social
            }
            for key in keys:
                if not key.tokens or (len(key.tokens) == 1 and len(key.tokens[0]) < PREFIX):
                    continue
                if wanted is None or key.tokens[0][:PREFIX] in wanted:
                    self.index[key.tokens[0][:PREFIX]].append((key, product))

    def find(self, text: str) -> list[tuple[int, int, Product, float, list[Product]]]:
        """(start, end, product, score, alternatives) of every product named in ``text``, in
        order; the alternatives are the other products whose names fit part of the same words."""
        words = tokens(text)
        candidates = []
        for position, token in enumerate(words):
            for key, product in self.index.get(token.text[:PREFIX], []):
                score = _fit(words, position, key)
                if score is not None:
                    candidates.append((len(key.tokens), score, position, product))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
        taken: set[int] = set()
        found = []
        for size, score, position, product in candidates:
            span = set(range(position, position + size))
            rivals = {
                id(other)
                for s, sc, p, other in candidates
                if (s, sc, p) == (size, score, position) and other is not product
            }
            if span & taken or rivals:
                taken |= span
                continue
            taken |= span
            alternatives = [
                other
                for s, _, p, other in candidates
                if other is not product and span & set(range(p, p + s))
            ]
            start, end = words[position].start, words[position + size - 1].end
            found.append((start, end, product, score, alternatives))
        return sorted(found, key=lambda f: f[0])


def _fit(words: list[Token], position: int, key: NameKey) -> float | None:
    """How well the name fits the words from ``position`` (0-100), or None if it does not."""
    window = words[position : position + len(key.tokens)]
    if len(window) < len(key.tokens):
        return None
    if not all(same_word(w.text, n) for w, n in zip(window, key.tokens, strict=True)):
        return None
    neighbours = [words[position - 1]] if position > 0 else []
    after = position + len(key.tokens)
    if after < len(words):
        neighbours.append(words[after])
        if words[after].measure and not key.measures:
            return None
    for neighbour in neighbours:
        meaning = _qualifiers().get(neighbour.text)
        if meaning is not None and meaning not in key.qualifiers:
            return None
    written = " ".join(w.text for w in window)
    return round(float(fuzz.ratio(written, key.text)), 1)


def read_mentions(
    products: Iterable[Product],
    posts: list[dict[str, Any]],
    day: date,
    social: set[str],
) -> list[Mention]:
    """Every product named in a post that is current or recently ended on ``day``."""
    counted = []
    for post in posts:
        state = post_state_on(post, day)
        if state in COUNTED_STATES:
            counted.append((post, state))
    if not counted:
        return []
    names = Catalogue(products, social, [post["text"] for post, _ in counted])
    mentions: list[Mention] = []
    for post, state in counted:
        text = post["text"]
        named = [
            Mention(post, product, state, text[start:end], score, start, alternatives)
            for start, end, product, score, alternatives in names.find(text)
        ]
        if not named:
            continue
        spans = sentence_spans(text)
        for price in price_mentions(text, post.get("currency"), post.get("locale")):
            owner = _owner(named, price.start, spans)
            if owner is not None and not _for_another(owner, price.start, spans):
                owner.prices.append(price)
        for phrase in availability_mentions(text):
            owner = _owner(named, phrase.start, spans)
            if owner is not None and not _for_another(owner, phrase.start, spans):
                owner.availability.append(phrase)
        mentions.extend(_one_per_product(named))
    return mentions


def post_state_on(post: dict[str, Any], day: date) -> str:
    """What a stored post counts as on ``day``: current, ended... (``post_state``)."""
    return post_state(
        _day(post["published"]),
        _day(post["valid_from"]),
        _day(post["valid_until"]),
        day,
        post["recency_days"],
    )


def _owner(named: list[Mention], position: int, spans: list[tuple[int, int]]) -> Mention | None:
    """The mention a price or phrase at ``position`` belongs to."""
    if len({id(m.product) for m in named}) == 1:
        return named[0]
    before = [m for m in named if m.start < position]
    if before:
        return before[-1]
    sentence = next(((s, e) for s, e in spans if s <= position < e), None)
    after = [m for m in named if sentence and sentence[0] <= m.start < sentence[1]]
    return after[0] if after else None


def _for_another(owner: Mention, position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the post's words from the name to ``position`` (in the sentence of the amount)
    say it is for another thing made for the product: "Vaellusreppuun sopiva sadesuoja 19,90 €"."""
    end = owner.start + len(owner.name)
    if position < end:
        return False
    sentence = next((s for s, e in spans if s <= position < e), end)
    return for_another_product(owner.post["text"][max(end, sentence) : position])


def _one_per_product(named: list[Mention]) -> list[Mention]:
    merged: dict[int, Mention] = {}
    for mention in named:
        first = merged.setdefault(id(mention.product), mention)
        if first is not mention:
            first.prices.extend(mention.prices)
            first.availability.extend(mention.availability)
    return list(merged.values())


def attach_mentions(mentions: list[Mention]) -> None:
    """Current mentions join their products as offers; the latest post per channel speaks."""
    latest: dict[tuple[int, str], Mention] = {}
    for mention in mentions:
        if mention.state != "current":
            continue
        key = (id(mention.product), mention.post["channel"])
        if key not in latest or _newer(mention, latest[key]):
            latest[key] = mention
    for mention in latest.values():
        offer = mention_offer(mention)
        mention.product.offers.append(offer)
        mention.product.methods[offer["id"]] = ("mention", mention.score)


def _newer(a: Mention, b: Mention) -> bool:
    return (a.post["published"] or "", a.post["id"]) > (b.post["published"] or "", b.post["id"])


def mention_offer(mention: Mention) -> dict[str, Any]:
    """The mention as an offer row of the post's channel (ids below zero: not in ``offers``)."""
    post = mention.post
    current, start = mention.price("current"), mention.price("from")
    price = current or start
    old = mention.price("old")
    stock = mention.stock()
    offer: dict[str, Any] = {
        "id": -(post["id"] * 1000 + mention.start),
        "run_id": post["run_id"],
        "channel": post["channel"],
        "url": post["url"],
        "name": mention.name,
        "brand": None,
        "sku": None,
        "gtin": None,
        "mpn": None,
        "price": price.amount if price else None,
        "currency": price.currency if price else None,
        "regular_price": old.amount if old and price and old.amount > price.amount else None,
        "price_valid_from": post["valid_from"],
        "price_valid_until": post["valid_until"],
        "is_from_price": current is None and start is not None,
        "availability": stock.availability if stock else "unknown",
        "canonical_url": None,
        "variant": {},
        "sources": {"name": "post"},
        "evidence": {"name": snippet(post["text"], mention.start)},
        "published": post["published"],
    }
    if price:
        offer["sources"]["price"] = "post"
        offer["evidence"]["price"] = snippet(post["text"], price.start)
    if stock:
        offer["sources"]["availability"] = "post"
        offer["evidence"]["availability"] = snippet(post["text"], stock.start)
    return offer


def snippet(text: str, position: int, width: int = 80) -> str:
    start = max(0, position - width // 2)
    snippet = " ".join(text[start : start + width].split())
    return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")


def _day(value: str | None) -> date | None:
    if not value:
        return None
    return datetime.fromisoformat(value).date()
