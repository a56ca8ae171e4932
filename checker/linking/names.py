"""Product names read for linking: folded, with measures, model numbers, qualifiers and colours.

"Vaellusreppu 40L", "vaellusreppu 40 litraa" and "VAELLUSREPPU 40 l" read the same; "500 g" and
"0,5 kg" compare the same, and so do "WH-1000XM4" and "WH1000XM4". The parts that tell
look-alikes apart (40 l vs 50 l, Pro vs Mini, X200 vs X300, black vs blue) are kept aside as the
hard guards that must agree before two names can be one product. The words come from
``rules/vocab/linking.yml``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache

from rapidfuzz import fuzz

from crawler.extraction.vocabulary import load_vocabulary

# Letters that NFKD does not decompose but that readers treat as a plain letter.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe"})
_COMBINING = re.compile(r"[\u0300-\u036f]")
_SEPARATORS = re.compile(r"[\W_]+")
_DIGIT = re.compile(r"\d")
# "S9+", "Galaxy S24+": a plus sign right after a word and before none is the "Plus" model; a "+"
# between words ("Kamera Z5 + laukku") joins two products and stays a separator.
# "Men's" is "Mens", not the words men and s (which would read as size S)
_POSSESSIVE = re.compile(r"(?<=[^\W\d_])['’]s\b")
_PLUS = re.compile(r"(?<=[^\W_])\+(?![^\W_])")
_NONE: frozenset[str] = frozenset()


# A letters-only word this short just before a model number is its first part: "WH-1000XM4",
# "WH1000XM4" and "wh 1000xm4" all read as the model number "wh1000xm4" (and "WF-1000XM4" as
# another one), "PS-LX350H" as "pslx350h". A short word after one ("CS3 Mac", "2007 PC") is
# more often a word of its own, so it stays one.
CODE_PREFIX = 3


@dataclass(frozen=True)
class Vocabulary:
    qualifiers: dict[str, str]
    generations: frozenset[str]
    colours: dict[str, str]
    units: dict[str, str]
    conversions: dict[str, tuple[str, Decimal]]
    noise: frozenset[str]
    measure: re.Pattern[str]


@dataclass(frozen=True)
class NameKey:
    """A name as the linker compares it: ``text`` for people, ``sorted_text`` for the fuzzy
    score (rapidfuzz's token sort ratio, sorted once, with measures in their base unit and model
    numbers joined), ``words`` for blocking, the rest for the guards."""

    text: str
    sorted_text: str
    tokens: tuple[str, ...]
    words: tuple[str, ...]
    measures: frozenset[str]
    numbers: frozenset[str]
    qualifiers: frozenset[str]
    colours: frozenset[str]
    # Each measure token as written ("05kg") and its amount in the base unit ("500g").
    spelled: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def blocking(self) -> tuple[str, ...]:
        """Words to find candidates by: the words, or the model numbers of a name without any."""
        return self.words or tuple(self.numbers)

    @property
    def signature(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """What must be equal for two names to be one product (colours are checked apart)."""
        return self.measures, self.numbers, self.qualifiers

    def without_brand(self, brand: tuple[str, ...]) -> NameKey:
        """The key without a leading brand ("Fjällräven Kånken 16 L" reads as "Kånken 16 L")."""
        tokens = _without(self.tokens, brand)
        return self if tokens is self.tokens else _key(tokens, dict(self.spelled))


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
    conversions = {
        unit: (str(base), Decimal(str(factor)))
        for base, table in (data.get("conversions") or {}).items()
        for unit, factor in table.items()
    }
    alternatives = "|".join(re.escape(s) for s in sorted(units, key=len, reverse=True))
    measure = re.compile(r"(\d+(?:[.,]\d+)?)\s*(" + alternatives + r")(?![^\W_])")
    return Vocabulary(
        qualifiers=spellings("qualifiers"),
        generations=frozenset(fold(str(word)) for word in data.get("generations") or []),
        colours=spellings("colours"),
        units=units,
        conversions=conversions,
        noise=frozenset(fold(str(word)) for word in data.get("noise") or []),
        measure=measure,
    )


def name_key(name: str, brand: str | None = None) -> NameKey:
    """Read a name for linking; a leading brand is dropped (pages write it or not)."""
    text = fold(name)
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("s", text)
    if "+" in text:
        text = _PLUS.sub(" plus ", text)
    measures: dict[str, str] = {}

    def unify(match: re.Match[str]) -> str:
        written, token, amount = _measure(match.group(1), match.group(2))
        measures[token] = amount
        return written

    if _DIGIT.search(text):
        text = vocabulary().measure.sub(unify, text)
    tokens = tuple(word_tokens(text))
    if brand:
        tokens = _without(tokens, _brand_tokens(brand))
    return _key(tokens, measures)


@lru_cache(maxsize=65_536)
def _measure(number: str, unit_written: str) -> tuple[str, str, str]:
    """A measure as the name is rewritten with it (" 0.5kg "), its token as word_tokens will
    leave it ("05kg") and its amount in the base unit ("500g")."""
    words = vocabulary()
    raw = number.replace(",", ".")
    amount = raw.rstrip("0").rstrip(".") if "." in raw else raw
    unit = words.units[unit_written]
    base, factor = words.conversions.get(unit, (unit, Decimal(1)))
    token = f"{amount}{unit}".replace(".", "")
    return f" {amount}{unit} ", token, _amount(Decimal(raw) * factor) + base


@lru_cache(maxsize=4096)
def _brand_tokens(brand: str) -> tuple[str, ...]:
    return tuple(word_tokens(fold(brand)))


def _without(tokens: tuple[str, ...], brand: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens without a leading brand, unless the brand is all there is."""
    if not brand or len(tokens) <= len(brand) or tokens[: len(brand)] != brand:
        return tokens
    return tokens[len(brand) :]


def word_tokens(folded: str) -> list[str]:
    """The words of a folded text that say which product it is (campaign words left out)."""
    noise = vocabulary().noise
    return [t for t in _SEPARATORS.sub(" ", folded.replace(".", "")).split() if t not in noise]


def _amount(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 500, 0.75, 1200."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _key(tokens: tuple[str, ...], spelled: dict[str, str]) -> NameKey:
    vocabulary_ = vocabulary()
    qualifier_words, colour_words = vocabulary_.qualifiers, vocabulary_.colours
    # Qualifiers are compared by meaning ("lasten" reads as "junior"); colours are guarded on
    # their own, so a name without one can still match a name with one.
    text: list[str] = []
    compared: list[str] = []
    words: list[str] = []
    numbers: list[str] = []
    qualifiers: list[str] = []
    colours: list[str] = []
    prefix = ""  # the letters a model number starts with, written apart ("WH-1000XM4")
    for position, token in enumerate(tokens):
        if token in colour_words:
            colours.append(colour_words[token])
            continue
        meaning = qualifier_words.get(token)
        if meaning is not None and len(token) == 1 and _model_number(tokens, position + 1, spelled):
            meaning = None  # "Galaxy S 24" is the model S24, not size S
        if meaning is not None:
            qualifiers.append(meaning)
            compared.append(meaning)
        elif token in spelled:
            compared.append(spelled[token])
        elif token in vocabulary_.generations and position and tokens[position - 1] in numbers:
            # "RX100 VII" is one model number, another than "RX100 VI"
            numbers[-1] += token
            compared[-1] = numbers[-1]
        elif not token.isalpha():
            numbers.append(prefix + token)
            compared.append(numbers[-1])
            prefix = ""
        elif len(token) <= CODE_PREFIX and _model_number(tokens, position + 1, spelled):
            prefix = token
        else:
            words.append(token)
            compared.append(token)
        text.append(meaning or token)
    measures = frozenset(spelled[t] for t in tokens if t in spelled) if spelled else _NONE
    return NameKey(
        text=" ".join(text),
        sorted_text=" ".join(sorted(compared)),
        tokens=tokens,
        words=tuple(words),
        measures=measures,
        numbers=frozenset(numbers) if numbers else _NONE,
        qualifiers=frozenset(qualifiers) if qualifiers else _NONE,
        colours=frozenset(colours) if colours else _NONE,
        spelled=tuple(sorted(spelled.items())),
    )


def _model_number(tokens: tuple[str, ...], position: int, spelled: dict[str, str]) -> bool:
    """The token at ``position`` is a model number: it has a digit and is no size or qualifier."""
    if position >= len(tokens):
        return False
    token = tokens[position]
    return not token.isalpha() and token not in spelled and token not in vocabulary().qualifiers


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
