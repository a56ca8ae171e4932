"""Availability as one of in_stock, out_of_stock, preorder, backorder, discontinued, unknown.

The words come from ``rules/vocab/availability.yml``: schema.org values (any URL form such as
``https://schema.org/InStock`` or ``http://schema.org/OutOfStock``), Merchant Center values, the
phrase classes shops write (in stock, limited stock, out of stock, notify me, back order,
pre-order, coming soon, only in stores, discontinued) and the labels of buy buttons.

A phrase is read in its clause: an in-stock phrase denied a few words before ("not in stock",
"ei ole tällä hetkellä saatavilla", "nicht auf Lager") or answered "no" after ("I lager: nej") is
out of stock, and one with a count of zero beside it ("Varastossa: 0 kpl") too. A clause about
the shops ("Finns i lager i 5 butiker") does not decide whether the product can be bought online:
it becomes a note beside the online status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from crawler.extraction.vocabulary import alternation, load_vocabulary, whole_words

UNKNOWN = "unknown"
IN_STOCK = "in_stock"
# Hyphens, underscores and dashes inside a phrase are spaces: "out-of-stock", "sold_out".
JOINERS = re.compile(r"(?<=[^\W\d])[-_\u2010\u2011\u2012\u2013](?=[^\W\d])")
SPACES = re.compile(r"\s+")
# Two items glued by minified markup ("onlineCheck in-store stock") are two clauses.
GLUED = re.compile(r"(?<=[a-zäöåü])(?=[A-ZÄÖÅÜ][a-zäöåü])")
CLAUSE_END = re.compile(
    r"[.;!?|•\n]|,\s|\s[-–—]\s|\s(?:but|mutta|men|aber|og|und)\s", re.IGNORECASE
)


@dataclass(frozen=True)
class Reading:
    """What a text says about stock: the online status, the words that said it, and what it
    says about the shops (``note``), kept for per-store work."""

    status: str = UNKNOWN
    phrase: str = ""
    note: str | None = None


@dataclass(frozen=True)
class _Vocabulary:
    schema: dict[str, str]
    phrases: dict[str, tuple[str, str | None]]  # phrase -> (status, note of its class)
    pattern: re.Pattern[str]
    negation: re.Pattern[str]
    answered_no: re.Pattern[str]
    stores: re.Pattern[str]
    online: re.Pattern[str]
    zero_after: re.Pattern[str]
    zero_before: re.Pattern[str]
    buy: re.Pattern[str]
    not_buy: re.Pattern[str]
    buy_length: int


def normalise(text: str) -> str:
    """The text as phrases are matched: one space for any run of spaces, hyphens and underscores
    inside words read as spaces, typographic apostrophes as plain ones."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    return SPACES.sub(" ", JOINERS.sub(" ", text)).strip()


def _words(values: Any) -> list[str]:
    if isinstance(values, dict):
        return [normalise(str(word)) for words in values.values() for word in words]
    return [normalise(str(word)) for word in values or []]


@cache
def _vocabulary() -> _Vocabulary:
    data = load_vocabulary("availability")
    schema = {key.lower(): value for key, value in data.get("schema_org", {}).items()}
    phrases: dict[str, tuple[str, str | None]] = {}
    for spec in data.get("classes", {}).values():
        for phrase in _words(spec.get("phrases", {})):
            phrases[phrase.lower()] = (spec["status"], spec.get("note"))
    reach = int(data.get("negation_reach", 3))
    negations = alternation(_words(data.get("negations", {})))
    counts = alternation(data.get("zero_counts", []))
    elsewhere = alternation(data.get("zero_counts_elsewhere", []))
    counted = rf"\s*(?:{counts})(?!\w)(?!\s*(?:{elsewhere})(?!\w))"
    buy = alternation(_words(data.get("buy_buttons", {})))
    return _Vocabulary(
        schema=schema,
        phrases=phrases,
        pattern=whole_words(phrases),
        negation=re.compile(
            rf"(?<!\w)(?:{negations})(?!\w)(?:\s+[^\s]+){{0,{reach}}}\s*$", re.IGNORECASE
        ),
        answered_no=re.compile(
            rf"^\s*[:=]?\s*(?:{alternation(data.get('answered_no', []))})(?!\w)", re.IGNORECASE
        ),
        stores=whole_words(_words(data.get("places", {}).get("stores", []))),
        online=whole_words(_words(data.get("places", {}).get("online", []))),
        zero_after=re.compile(rf"^[\s:=]*0(?:{counted}|\s*[.!]?\s*$)", re.IGNORECASE),
        zero_before=re.compile(rf"(?:^|(?<=[\s:(]))0(?:\s*(?:{counts}))?\s*$", re.IGNORECASE),
        buy=re.compile(rf"^(?:{buy})(?!\w)", re.IGNORECASE),
        not_buy=whole_words(_words(data.get("not_buy_buttons", []))),
        buy_length=int(data.get("buy_button_length", 40)),
    )


def from_schema(value: object) -> str:
    """Normalise a structured-data availability value (schema.org URL or feed word)."""
    if not isinstance(value, str) or not value.strip():
        return UNKNOWN
    schema = _vocabulary().schema
    key = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower()
    return schema.get(key) or schema.get(value.strip().lower()) or from_text(value)


def from_text(text: str | None) -> str:
    """The online status free text states ("Loppuunmyyty", "I lager", "Only 2 left in stock")."""
    return read_text(text).status


def read_text(text: str | None) -> Reading:
    """What a stock message says, online and in the shops.

    Of the phrases said about buying online (or about no place), the longest decides; a phrase
    in a clause that names a store only adds to the note.
    """
    if not text:
        return Reading()
    vocabulary = _vocabulary()
    normal = normalise(GLUED.sub(". ", text))
    online: list[Phrase] = []
    stores: list[str] = []
    for phrase in phrases(normal):
        clause = _clause(normal, phrase.start, phrase.end)
        if phrase.note is None and _about_stores(clause, phrase.text, vocabulary):
            stores.append(f"{phrase.status}: {clause}")
            continue
        online.append(phrase)
    note = STORES_NOTE + "; ".join(stores) if stores else None
    if not online:
        return Reading(UNKNOWN, "", note)
    found = max(online, key=lambda phrase: len(phrase.text))
    return Reading(found.status, found.text, note or found.note)


@dataclass(frozen=True)
class Phrase:
    """A stock phrase where it stands in a normalised text, with the status it states."""

    start: int
    end: int
    status: str
    text: str
    note: str | None


def phrases(normal: str) -> list[Phrase]:
    """Every stock phrase of a text ``normalise`` gave; an in-stock phrase denied in its clause
    (or next to a count of zero) states out of stock."""
    vocabulary = _vocabulary()
    found = []
    for match in vocabulary.pattern.finditer(normal):
        status, note = vocabulary.phrases[match.group(0).lower()]
        if status == IN_STOCK and _denied(normal, match, vocabulary):
            status = "out_of_stock"
        found.append(Phrase(match.start(), match.end(), status, match.group(0), note))
    return found


# How a page's words about the shops are kept beside its online status: "in stores: " and, for
# each clause, its status and words ("in_stock: Finns i lager i 5 butiker").
STORES_NOTE = "in stores: "
ONLY_IN_STORES = "only in stores"


def stores_promised(note: str | None) -> bool | None:
    """What a page's note about the shops says: True when it sends customers to the shops (the
    product is only in stores, or in stock in them), False when it says the shops have none
    either, None when it says nothing about them."""
    if not note:
        return None
    if note == ONLY_IN_STORES:
        return True
    if not note.startswith(STORES_NOTE):
        return None
    statuses = {part.split(":", 1)[0].strip() for part in note[len(STORES_NOTE) :].split("; ")}
    if statuses == {IN_STOCK}:
        return True
    return False if IN_STOCK not in statuses else None


def _denied(text: str, match: re.Match[str], vocabulary: _Vocabulary) -> bool:
    """An in-stock phrase denied before it in its clause, answered "no" after it, or beside a
    count of zero."""
    start = _clause_start(text, match.start())
    before, after = text[start : match.start()], text[match.end() :]
    if vocabulary.negation.search(before) or vocabulary.answered_no.search(after):
        return True
    return bool(vocabulary.zero_after.search(after) or vocabulary.zero_before.search(before))


def _clause_start(text: str, position: int) -> int:
    ends = [found.end() for found in CLAUSE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def _clause(text: str, start: int, end: int) -> str:
    following = CLAUSE_END.search(text, end)
    return text[_clause_start(text, start) : following.start() if following else len(text)].strip()


def _about_stores(clause: str, phrase: str, vocabulary: _Vocabulary) -> bool:
    """A clause naming a store and not the web shop ("Finns i lager i 5 butiker")."""
    rest = clause.replace(phrase, " ", 1)
    return bool(vocabulary.stores.search(rest)) and not vocabulary.online.search(rest)


@cache
def _store_block_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = load_vocabulary("availability")["store_stock"]
    return (
        re.compile("|".join(map(re.escape, words["block_places"])), re.IGNORECASE),
        re.compile("|".join(map(re.escape, words["block_stock"])), re.IGNORECASE),
    )


def names_store_block(names: str) -> bool:
    """Whether class or id words name a block of stock per store ("store-availability",
    "butikslager", "myymalasaatavuus"): a word for a place and one for stock."""
    places, stock = _store_block_words()
    return bool(places.search(names) and stock.search(names))


def is_buy_label(label: str | None) -> bool:
    """A buy button's label: "Lisää ostoskoriin", "Lägg i varukorgen", "Add to cart", "Osta",
    "In den Warenkorb", "Buy MP3 Album $9.49"; not "Add to wish list" or "Buy in store"."""
    if not label:
        return False
    vocabulary = _vocabulary()
    text = normalise(label)
    if not text or len(text) > vocabulary.buy_length:
        return False
    return bool(vocabulary.buy.search(text)) and not vocabulary.not_buy.search(text)
