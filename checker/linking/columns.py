"""Offers read once for linking, into compact columns and an indexed scratch database.

One pass over the offers (streamed from the store in blocks, or a list) reads each name for
linking (``names.name_key``) and normalises each identifier. What every later stage needs for
every offer stays in memory as flat numeric arrays: channel, brand, GTIN, the guards of its name
(the signature: measures, model numbers, qualifiers), its colours, its blocking words and the
text the fuzzy score compares. That is about a hundred bytes an offer, whatever the offers carry
besides. Identifiers and what a product's key is made of go to a scratch SQLite database, where
identifier joins and product keys are indexed SQL (``Scratch``). No offer row is kept.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from checker.linking.groups import MAX_CHANNELS, gtin_number
from checker.linking.identifiers import (
    IDENTIFIERS,
    normalise_brand,
    normalise_identifier,
    normalise_url,
)
from checker.linking.names import NameKey, fold, name_key, word_tokens
from checker.linking.overrides import OverrideMatcher

# Identifier kinds in the order their joins run; "url" is the canonical URL.
JOINED = (*IDENTIFIERS, "url")
SCRATCH_TABLES = """
CREATE TABLE identifiers (kind INTEGER NOT NULL, value TEXT NOT NULL, item INTEGER NOT NULL);
CREATE TABLE items (
    item INTEGER PRIMARY KEY, gtin TEXT, sku TEXT, mpn TEXT, name TEXT, url TEXT
);
"""


class Texts:
    """Many short texts in one buffer: the i-th is ``texts[i]`` (about its length in bytes)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._ends = array("q")

    def append(self, text: str) -> None:
        self._buffer += text.encode()
        self._ends.append(len(self._buffer))

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._buffer[start : self._ends[index]].decode()

    def __len__(self) -> int:
        return len(self._ends)


@dataclass
class Columns:
    """What linking keeps of every offer, by its position in the offers (its "item")."""

    channels: list[str]  # channel names, sorted; an offer's channel is an index of this
    channel: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    offer_id: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    gtin: array = field(default_factory=lambda: array("q"))  # groups.gtin_number
    brand: array = field(default_factory=lambda: array("q"))  # index of brands, -1: none
    brands: list[str] = field(default_factory=list)
    # The name's guards as a number (-1: no name); see signatures.
    signature: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    signatures: list[Hashable] = field(default_factory=list)
    colours: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # 0: none
    colour_of: array = field(default_factory=lambda: array("i"))  # the same, quicker one by one
    colour_sets: list[frozenset[str]] = field(default_factory=lambda: [frozenset()])
    compared: Texts = field(default_factory=Texts)  # the fuzzy score's text (NameKey.sorted_text)
    # Blocking words: item, word (its rank in sorted order), whether it is a word (not a
    # model number standing in for one); one entry per distinct word of a name.
    word_item: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    word: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    is_word: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    words: list[str] = field(default_factory=list)  # sorted

    @property
    def count(self) -> int:
        return len(self.offer_id)


class Scratch:
    """A temporary SQLite database of identifiers and product-key parts, deleted on close."""

    def __init__(self, folder: Path | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="omnicheck-linking-", suffix=".db", dir=folder)
        os.close(handle)  # SQLite opens the empty file as a new database
        self.path = Path(name)
        self.db = sqlite3.connect(self.path)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(SCRATCH_TABLES)

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)


class _Reader:
    """Names read for linking, and brands: an offer's own, or for offers without one (posts)
    a known brand its name starts with, which is then left out of the name."""

    def __init__(self, brands: Iterable[str]) -> None:
        self.by_first_word: dict[str, set[tuple[str, ...]]] = defaultdict(set)
        for brand in brands:
            words = tuple(word_tokens(fold(str(brand))))
            if words:
                self.by_first_word[words[0]].add(words)

    def read(self, offer: dict[str, Any]) -> tuple[NameKey | None, str | None]:
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


def read_offers(
    offers: Iterable[dict[str, Any]],
    channels: list[str],
    brands: Iterable[str],
    scratch: Scratch,
    overrides: OverrideMatcher | None = None,
    block: int = 20_000,
) -> Columns:
    """Read the offers (in the order of their ids) into columns and the scratch database.

    ``channels`` are every channel the offers are on and ``brands`` every brand they name
    (a post's brand is recognised by them), both known before the pass.
    """
    if len(channels) > MAX_CHANNELS:
        raise ValueError(f"linking compares at most {MAX_CHANNELS} channels, not {len(channels)}")
    reader = _Reader(brands)
    columns = Columns(sorted(channels))
    channel_index = {name: index for index, name in enumerate(columns.channels)}
    brand_index: dict[str, int] = {}
    signature_index: dict[Hashable, int] = {}
    colour_index: dict[frozenset[str], int] = {frozenset(): 0}
    word_index: dict[str, int] = {}
    channel, offer_id, signature, colours = array("i"), array("q"), array("i"), array("i")
    word_item, word, is_word = array("i"), array("i"), array("b")
    identifiers: list[tuple[int, str, int]] = []
    items: list[tuple[Any, ...]] = []

    def flush() -> None:
        scratch.db.executemany("INSERT INTO identifiers VALUES (?, ?, ?)", identifiers)
        scratch.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)", items)
        identifiers.clear()
        items.clear()

    for item, offer in enumerate(offers):
        key, brand = reader.read(offer)
        channel.append(channel_index[offer["channel"]])
        offer_id.append(offer["id"])
        number = -1 if brand is None else brand_index.setdefault(brand, len(brand_index))
        columns.brand.append(number)
        values = [normalise_identifier(kind, offer.get(kind)) for kind in IDENTIFIERS]
        values.append(normalise_url(offer.get("canonical_url")))
        columns.gtin.append(gtin_number(values[0]))
        for kind, value in enumerate(values):
            if value is not None:
                identifiers.append((kind, value, item))
        if overrides is not None:
            overrides.see(item, offer)
        url = offer.get("url")
        if key is None:
            signature.append(-1)
            colours.append(0)
            columns.compared.append("")
            items.append((item, values[0] or None, values[1], values[2], None, url))
        else:
            signature.append(signature_index.setdefault(key.signature, len(signature_index)))
            colours.append(colour_index.setdefault(key.colours, len(colour_index)))
            columns.compared.append(key.sorted_text)
            for token in dict.fromkeys(key.blocking):
                word_item.append(item)
                word.append(word_index.setdefault(token, len(word_index)))
                is_word.append(bool(key.words))
            items.append((item, values[0] or None, values[1], values[2], key.text, url))
        if len(items) >= block:
            flush()
    flush()
    columns.channel = np.frombuffer(channel, dtype=np.int32)
    columns.offer_id = np.frombuffer(offer_id, dtype=np.int64)
    columns.signature = np.frombuffer(signature, dtype=np.int32)
    columns.colours = np.frombuffer(colours, dtype=np.int32)
    columns.colour_of = colours
    columns.brands = list(brand_index)
    columns.signatures = list(signature_index)
    columns.colour_sets = list(colour_index)
    # Words are numbered in their sorted order, which ranks blocks of equal size as the
    # words' text would.
    spelled = list(word_index)
    order = sorted(range(len(spelled)), key=spelled.__getitem__)
    rank = np.empty(len(spelled), np.int32)
    rank[order] = np.arange(len(spelled), dtype=np.int32)
    columns.words = [spelled[index] for index in order]
    columns.word_item = np.frombuffer(word_item, dtype=np.int32)
    columns.word = rank[np.frombuffer(word, dtype=np.int32)] if spelled else np.zeros(0, np.int32)
    columns.is_word = np.frombuffer(is_word, dtype=np.int8).astype(bool)
    scratch.db.execute("CREATE INDEX identifiers_value ON identifiers (kind, value, item)")
    return columns
