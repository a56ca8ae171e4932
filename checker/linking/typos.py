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
from collections.abc import Hashable, Iterable, Sequence

from rapidfuzz.distance import OSA

from checker.linking.names import NameKey

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
    webshop is read as neither)."""

    def __init__(self, keys: Sequence[NameKey | None], channels: Sequence[int]) -> None:
        self.channels: dict[str, int] = defaultdict(int)  # word → bit mask of channels
        self.by_signature: dict[Hashable, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, channel in zip(keys, channels, strict=True):
            if key is None:
                continue
            words = self.by_signature[key.signature]
            for word in key.words:
                self.channels[word] |= 1 << channel
                words[word] |= 1 << channel

    def fixes(self, names: Iterable[tuple[NameKey, int]]) -> dict[tuple[str, Hashable], str]:
        """(word, signature) → the one word that word is a typo of, for the words of these
        names (with their channels) that no other channel uses."""
        wanted = {
            (word, key.signature, channel)
            for key, channel in names
            for word in key.words
            if not self.channels[word] & ~(1 << channel)
        }
        found = corrections({word for word, _, _ in wanted}, self.channels)
        fixes: dict[tuple[str, Hashable], str] = {}
        for word, signature, channel in wanted:
            words = self.by_signature[signature]
            options = [fix for fix in found.get(word, ()) if words.get(fix, 0) & ~(1 << channel)]
            if len(options) == 1:
                fixes[(word, signature)] = options[0]
        return fixes
