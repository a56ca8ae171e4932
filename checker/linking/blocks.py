"""Candidate blocks for linking by name between two channels, and their scores.

A block is the names of one channel with the same guards (measures, model numbers, qualifiers:
the signature) that share a word. Each name of the other channel is compared with the names of
its smallest block of at most ``MAX_BLOCK`` (a typo'd word has no block, so the next word's is
used), so the work grows with the catalogue, not faster. Blocks are found with sorted arrays of
(signature, word) keys, and each block's names are scored at once with rapidfuzz's
``process.cdist``. A name that found no candidate is tried once more with its words that no
other channel uses read as typos of a word they do use (``typos``).

Scores come out in the order the names are on their channel (then the typo'd ones), each name's
candidates in the order the linker has always tried them, so that ties between equal scores are
decided as before.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from checker.linking.columns import Columns
from checker.linking.identifiers import brands_agree
from checker.linking.typos import Spellings

# A word shared by more names than this (in one block) does not identify anything.
MAX_BLOCK = 64
# Pairs of words are taken among a name's first this many words.
MAX_WORDS = 8
# A best name match must beat the runner-up by this much, or the name is ambiguous.
AMBIGUITY_MARGIN = 3.0
# Added to the score of two names that name the same colour: a near tie (within the ambiguity
# margin) between a name with the colour and one without is decided by the colour.
COLOUR_AGREES = AMBIGUITY_MARGIN


@dataclass
class Scores:
    """Scores of name pairs (left on the first channel, right on the second), in order."""

    left: array = field(default_factory=lambda: array("q"))
    right: array = field(default_factory=lambda: array("q"))
    value: array = field(default_factory=lambda: array("d"))
    # The order to read them in: phase (0 blocks, 1 typos), the left name, the candidate's
    # place among that name's candidates.
    phase: array = field(default_factory=lambda: array("b"))
    rank: array = field(default_factory=lambda: array("q"))

    def ordered(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Left, right and score of every pair, in the order the linker reads them."""
        left = np.frombuffer(self.left, np.int64)
        order = np.lexsort(
            (np.frombuffer(self.rank, np.int64), left, np.frombuffer(self.phase, np.int8))
        )
        return left[order], np.frombuffer(self.right, np.int64)[order], self.values()[order]

    def values(self) -> np.ndarray:
        return np.frombuffer(self.value, np.float64)


class _Blocks:
    """Names of the second channel by key: sorted keys, and for each key where its names start
    in ``items`` and how many there are. Keys are (signature, word) numbers, or for crowded
    words (signature, word, word) (see ``word_pairs``)."""

    def __init__(self, items: np.ndarray, keys: np.ndarray) -> None:
        order = np.lexsort((items, keys))
        self.items = items[order]
        self.keys, self.starts, self.sizes = np.unique(
            keys[order], return_index=True, return_counts=True
        )

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key, its block's number and size (size 0: no such block)."""
        if not len(self.keys):
            return np.zeros(len(keys), np.int64), np.zeros(len(keys), np.int64)
        position = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        sizes = np.where(self.keys[position] == keys, self.sizes[position], 0)
        return position, sizes

    def members(self, block: int) -> list[int]:
        start = self.starts[block]
        return self.items[start : start + self.sizes[block]].tolist()


def word_pairs(columns: Columns, chosen: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of two words of the chosen names, with their signature, as one number a pair:
    (item, key) arrays."""
    entries = chosen[columns.word_item]
    items, words = columns.word_item[entries], columns.word[entries].astype(np.int64)
    found_items, found_keys = [], []
    for distance in range(1, MAX_WORDS):
        same = items[distance:] == items[:-distance]
        first, second = words[:-distance][same], words[distance:][same]
        pair = np.minimum(first, second) * width + np.maximum(first, second)
        signature = columns.signature[items[:-distance][same]].astype(np.int64)
        found_items.append(items[:-distance][same])
        found_keys.append(signature * width * width + pair)
    return np.concatenate(found_items), np.concatenate(found_keys)


class PairScorer:
    """Scores the names of channel ``a`` against those of channel ``b``."""

    def __init__(
        self,
        columns: Columns,
        spanned: np.ndarray,
        pair: tuple[int, int],
        threshold: float,
        spellings: Spellings,
    ) -> None:
        self.columns, self.spellings = columns, spellings
        self.cutoff = threshold - AMBIGUITY_MARGIN
        a, b = pair
        named = columns.signature >= 0
        # A name already linked to the other channel by a stronger stage is not compared.
        self.left = named & (columns.channel == a) & ((spanned >> b) & 1 == 0)
        self.right = named & (columns.channel == b) & ((spanned >> a) & 1 == 0)
        self.width = max(len(columns.words), 1)
        entries = self.right[columns.word_item]
        items = columns.word_item[entries]
        self.blocks = _Blocks(items, self._keys(items, columns.word[entries]))
        self.scores = Scores()
        self._agree: dict[tuple[int, int], bool] = {}

    def _keys(self, items: np.ndarray, words: np.ndarray) -> np.ndarray:
        return self.columns.signature[items].astype(np.int64) * self.width + words

    def score(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Left, right and score of every pair of names that passed, in order."""
        columns = self.columns
        entries = self.left[columns.word_item]
        items = columns.word_item[entries]
        scored, crowded = self._score_blocks(
            self.blocks, items, self._keys(items, columns.word[entries])
        )
        if len(crowded):
            scored |= self._score_word_pairs(crowded)
        unmatched = [item for item in np.flatnonzero(self.left).tolist() if item not in scored]
        if unmatched:
            self._score_typos(unmatched)
        return self.scores.ordered()

    def _score_blocks(
        self, blocks: _Blocks, items: np.ndarray, keys: np.ndarray
    ) -> tuple[set[int], np.ndarray]:
        """Score each left name (``items``, with the key of one of its words or pairs of words)
        against its smallest block; the names scored, and those whose every block is crowded
        (over ``MAX_BLOCK``)."""
        position, sizes = blocks.find(keys)
        usable = (sizes > 0) & (sizes <= MAX_BLOCK)
        crowded = np.setdiff1d(items[sizes > MAX_BLOCK], items[usable])
        items, keys, position, sizes = (x[usable] for x in (items, keys, position, sizes))
        # Each name's smallest block; between blocks of one size, the first word in order (a
        # name's keys differ only in their words).
        order = np.lexsort((keys, sizes, items))
        items, position = items[order], position[order]
        first = np.ones(len(items), bool)
        first[1:] = items[1:] != items[:-1]
        items, position = items[first], position[first]
        by_block = np.argsort(position, kind="stable")
        scored: set[int] = set()
        boundaries = np.flatnonzero(np.diff(position[by_block])) + 1
        for group in np.split(by_block, boundaries) if len(by_block) else []:
            block = int(position[group[0]])
            scored.update(self._score_block(items[group].tolist(), blocks.members(block)))
        return scored, crowded

    def _score_word_pairs(self, crowded: np.ndarray) -> set[int]:
        """Score names whose every word is shared by more than ``MAX_BLOCK`` names of the other
        channel ("Kanto reppu" among a million products, where "kanto" names many lines) by
        blocks of names that share two of their words."""
        columns = self.columns
        if len(columns.signatures) * self.width * self.width >= 2**62:
            return set()  # keys would not fit in 64 bits
        signatures = np.unique(columns.signature[crowded])
        right = self.right & np.isin(columns.signature, signatures)
        right_items, right_keys = word_pairs(columns, right, self.width)
        is_crowded = np.zeros(columns.count, bool)
        is_crowded[crowded] = True
        left_items, left_keys = word_pairs(columns, is_crowded, self.width)
        scored, _ = self._score_blocks(_Blocks(right_items, right_keys), left_items, left_keys)
        return scored

    def _score_block(self, lefts: list[int], rights: list[int]) -> set[int]:
        """Score names against one block; the names that got some score."""
        compared = self.columns.compared
        matrix = process.cdist(
            [compared[item] for item in lefts],
            [compared[item] for item in rights],
            scorer=fuzz.ratio,
            score_cutoff=self.cutoff,
            dtype=np.float64,
        )
        found: set[int] = set()
        rows, cells = np.nonzero(matrix)
        # The linker tried a block's names in the order of a set of them.
        tried = {item: place for place, item in enumerate(set(rights))} if len(rows) else {}
        for row, cell in zip(rows.tolist(), cells.tolist(), strict=True):
            left = lefts[row]
            if self._add(left, rights[cell], float(matrix[row, cell]), 0, tried):
                found.add(left)
        return found

    def _add(self, left: int, right: int, value: float, phase: int, tried: dict[int, int]) -> bool:
        """Record one score that passed the cutoff, unless colours or brands differ."""
        columns = self.columns
        colours, other = columns.colour_of[left], columns.colour_of[right]
        if colours and other and colours != other:
            return False  # colours differ (the other guards are equal within a block)
        if not self._brands_agree(columns.brand[left], columns.brand[right]):
            return False
        if colours and colours == other:
            value += COLOUR_AGREES  # both naming the same colour beats one naming none
        scores = self.scores
        scores.left.append(left)
        scores.right.append(right)
        scores.value.append(value)
        scores.phase.append(phase)
        scores.rank.append(tried[right])
        return True

    def _brands_agree(self, a: int, b: int) -> bool:
        if a < 0 or b < 0 or a == b:
            return True
        pair = (a, b)
        agree = self._agree.get(pair)
        if agree is None:
            names = self.columns.brands
            agree = self._agree[pair] = brands_agree(names[a], names[b])
        return agree

    def _score_typos(self, unmatched: list[int]) -> None:
        """Score names that found no candidate against the blocks of the words their unknown
        words are one typo away from (see ``Spellings``)."""
        columns, blocks = self.columns, self.blocks
        fixes = self.spellings.fixes(unmatched)
        for item in unmatched:
            signature = int(columns.signature[item])
            candidates: set[int] = set()
            for word in set(self.spellings.words_of(item)):
                fix = fixes.get((word, signature))
                if fix is None:
                    continue
                key = np.array([signature * self.width + fix], np.int64)
                position, size = blocks.find(key)
                if 0 < size[0] <= MAX_BLOCK:
                    candidates.update(blocks.members(int(position[0])))
            if not candidates:
                continue
            text = columns.compared[item]
            tried = {candidate: place for place, candidate in enumerate(candidates)}
            for candidate in candidates:
                value = fuzz.ratio(text, columns.compared[candidate], score_cutoff=self.cutoff)
                if value:
                    self._add(item, candidate, value, 1, tried)
