"""Product names read for linking: folded, with measures, model numbers, qualifiers and colours.

"Vaellusreppu 40L", "vaellusreppu 40 litraa" and "VAELLUSREPPU 40 l" read the same; the parts
that tell look-alikes apart (40 l vs 50 l, Pro vs Mini, X200 vs X300, black vs blue) are kept
aside as the hard guards that must agree before two names can be one product. The words come
from ``rules/vocab/linking.yml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from crawler.extraction.vocabulary import load_vocabulary

# Letters that NFKD does not decompose but that readers treat as a plain letter.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SEPARATORS = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")
_NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Vocabulary:
    qualifiers: dict[str, str]
    colours: dict[str, str]
    units: dict[str, str]
    noise: frozenset[str]
    measure: re.Pattern[str]


@dataclass(frozen=True)
class NameKey:
    """A name as the linker compares it: ``text`` for people, ``sorted_text`` for the fuzzy
    score (rapidfuzz's token sort ratio, sorted once), ``words`` for blocking, the rest for
    the guards."""

    text: str
    sorted_text: str
    tokens: tuple[str, ...]
    words: tuple[str, ...]
    measures: frozenset[str]
    numbers: frozenset[str]
    qualifiers: frozenset[str]
    colours: frozenset[str]

    @property
    def signature(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """What must be equal for two names to be one product (colours are checked apart)."""
        return self.measures, self.numbers, self.qualifiers

    def without_brand(self, brand: tuple[str, ...]) -> NameKey:
        """The key without a leading brand ("Fjällräven Kånken 16 L" reads as "Kånken 16 L")."""
        if not brand or len(self.tokens) <= len(brand) or self.tokens[: len(brand)] != brand:
            return self
        return _key(self.tokens[len(brand) :], self.measures)


def fold(text: str) -> str:
    """Lower case without diacritics: "Kånken" and "kanken" compare equal."""
    text = text.lower()
    if text.isascii():
        return text
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_LETTERS)))


@cache
def vocabulary() -> Vocabulary:
    data = load_vocabulary("linking")

    def spellings(section: str) -> dict[str, str]:
        return {
            fold(str(spelling)): str(meaning)
            for meaning, words in (data.get(section) or {}).items()
            for spelling in words
        }

    units = spellings("units")
    alternatives = "|".join(re.escape(s) for s in sorted(units, key=len, reverse=True))
    measure = re.compile(r"(\d+(?:[.,]\d+)?)\s*(" + alternatives + r")(?![^\W_])")
    return Vocabulary(
        qualifiers=spellings("qualifiers"),
        colours=spellings("colours"),
        units=units,
        noise=frozenset(fold(str(word)) for word in data.get("noise") or []),
        measure=measure,
    )


def name_key(name: str, brand: str | None = None) -> NameKey:
    """Read a name for linking; a leading brand is dropped (pages write it or not)."""
    words = vocabulary()
    text = fold(name)
    measures = set()

    def unify(match: re.Match[str]) -> str:
        raw = match.group(1).replace(",", ".")
        amount = raw.rstrip("0").rstrip(".") if "." in raw else raw
        measure = f"{amount}{words.units[match.group(2)]}"
        measures.add(measure)
        return f" {measure} "

    if _DIGIT.search(text):
        text = words.measure.sub(unify, text)
    key = _key(tuple(word_tokens(text)), frozenset(measures) if measures else _NONE)
    return key.without_brand(tuple(word_tokens(fold(brand)))) if brand else key


def word_tokens(folded: str) -> list[str]:
    """The words of a folded text that say which product it is (campaign words left out)."""
    noise = vocabulary().noise
    return [t for t in _SEPARATORS.sub(" ", folded.replace(".", "")).split() if t not in noise]


def _key(tokens: tuple[str, ...], measures: frozenset[str]) -> NameKey:
    vocabulary_ = vocabulary()
    qualifier_words, colour_words = vocabulary_.qualifiers, vocabulary_.colours
    measure_tokens = {m.replace(".", "") for m in measures} if measures else _NONE
    # Qualifiers are compared by meaning ("lasten" reads as "junior"); colours are guarded on
    # their own, so a name without one can still match a name with one.
    text: list[str] = []
    words: list[str] = []
    numbers: list[str] = []
    qualifiers: list[str] = []
    colours: list[str] = []
    for token in tokens:
        if token in colour_words:
            colours.append(colour_words[token])
        elif token in qualifier_words:
            qualifiers.append(qualifier_words[token])
            text.append(qualifier_words[token])
        else:
            text.append(token)
            if token in measure_tokens:
                continue
            if _DIGIT.search(token):
                numbers.append(token)
            else:
                words.append(token)
    return NameKey(
        text=" ".join(text),
        sorted_text=" ".join(sorted(text)),
        tokens=tokens,
        words=tuple(words),
        measures=measures,
        numbers=frozenset(numbers) if numbers else _NONE,
        qualifiers=frozenset(qualifiers) if qualifiers else _NONE,
        colours=frozenset(colours) if colours else _NONE,
    )


def guard(a: NameKey, b: NameKey) -> str | None:
    """Why two names cannot be one product, or None when the guards pass."""
    if a.measures != b.measures:
        return "measures differ"
    if a.numbers != b.numbers:
        return "model numbers differ"
    if a.qualifiers != b.qualifiers:
        return "qualifiers differ"
    if a.colours and b.colours and a.colours != b.colours:
        return "colours differ"
    return None


def name_score(a: NameKey, b: NameKey) -> float:
    """Similarity 0–100 of two names, 0 when a guard says they are different products."""
    if guard(a, b):
        return 0.0
    return float(fuzz.ratio(a.sorted_text, b.sorted_text))
