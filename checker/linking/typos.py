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

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

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
