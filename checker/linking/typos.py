"""Words one typo apart: "Himr" in a post for "Himyr" in the webshop.

A name whose words found no candidate on another channel may carry a typo: a letter lost, added,
changed, or two letters swapped. The linker asks here which words of the other channel such a
word could be a typo of, and only for words that channel never uses (a word it knows is not a
typo there). Short words are left alone: one letter is too much of a word of four, and "Kant"
and "Kanto" may well be two products.

Two words are at most one edit apart only when they, or the words they become with one letter
left out, meet (the symmetric deletion of SymSpell), so the work grows with the number of words,
not with their pairs; each meeting is then checked with rapidfuzz's optimal string alignment.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from rapidfuzz.distance import OSA

from checker.linking.columns import Columns

# The longer of two words one typo apart has at least this many letters.
MIN_LENGTH = 5


def corrections(unknown: Iterable[str], known: Iterable[str]) -> dict[str, set[str]]:
    """For each unknown word, the known words one typo away from it (none: not in the dict)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for word in unknown:
        if len(word) >= MIN_LENGTH - 1 and word.isalpha():
            for variant in _variants(word):
                wanted[variant].append(word)
    found: dict[str, set[str]] = defaultdict(set)
    if not wanted:
        return found
    lengths = {len(word) for words in wanted.values() for word in words}
    reachable = {n + step for n in lengths for step in (-1, 0, 1)}
    for word in known:
        if len(word) not in reachable:
            continue
        for variant in _variants(word):
            for typo in wanted.get(variant, ()):
                if (
                    typo != word
                    and max(len(typo), len(word)) >= MIN_LENGTH
                    and OSA.distance(typo, word, score_cutoff=1) <= 1
                ):
                    found[typo].add(word)
    return found


def _variants(word: str) -> set[str]:
    """The word and every word it becomes with one letter left out."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class Spellings:
    """The words every channel uses, by the guards of the names they stand in: what tells a
    typo from a word. A word is read as a typo only when no other channel uses it, and only as
    the one word one typo away that some other channel uses in a name with the same guards
    (counting every channel, so a typo that fits one product on the website and another in the
    webshop is read as neither). Words are numbers of ``Columns.words``."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        words = columns.is_word
        items, ranks = columns.word_item[words], columns.word[words].astype(np.int64)
        bits = np.left_shift(1, columns.channel[items].astype(np.int64))
        self.channels = np.zeros(len(columns.words), np.int64)  # word → bit mask of channels
        np.bitwise_or.at(self.channels, ranks, bits)
        self.width = max(len(columns.words), 1)
        keys = columns.signature[items].astype(np.int64) * self.width + ranks
        order = np.argsort(keys, kind="stable")
        keys, bits = keys[order], bits[order]
        self.keys, starts = np.unique(keys, return_index=True)
        self.masks = np.bitwise_or.reduceat(bits, starts) if len(starts) else bits
        # Where each item's words start among the word entries (which are in item order).
        self.starts = np.searchsorted(columns.word_item, np.arange(columns.count + 1))

    def words_of(self, item: int) -> list[int]:
        """The words (not model numbers) of an item's name."""
        columns = self.columns
        start, end = self.starts[item], self.starts[item + 1]
        return [
            w
            for w, is_word in zip(
                columns.word[start:end].tolist(), columns.is_word[start:end].tolist(), strict=True
            )
            if is_word
        ]

    def _used(self, signature: int, word: int) -> int:
        """The channels that use ``word`` in a name with this signature (bits)."""
        key = signature * self.width + word
        position = int(np.searchsorted(self.keys, key))
        found = position < len(self.keys) and self.keys[position] == key
        return int(self.masks[position]) if found else 0

    def fixes(self, items: Iterable[int]) -> dict[tuple[int, int], int]:
        """(word, signature) → the one word that word is a typo of, for the words of these
        items' names that no other channel uses."""
        columns = self.columns
        wanted = {
            (word, int(columns.signature[item]), int(columns.channel[item]))
            for item in items
            for word in self.words_of(item)
            if not self.channels[word] & ~(1 << int(columns.channel[item]))
        }
        known = [columns.words[rank] for rank in np.flatnonzero(self.channels).tolist()]
        found = corrections({columns.words[word] for word, _, _ in wanted}, known)
        fixes: dict[tuple[int, int], int] = {}
        for word, signature, channel in wanted:
            options = [
                rank
                for fix in found.get(columns.words[word], ())
                if self._used(signature, rank := bisect_left(columns.words, fix)) & ~(1 << channel)
            ]
            if len(options) == 1:
                fixes[(word, signature)] = options[0]
        return fixes
