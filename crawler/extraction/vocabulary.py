"""Loading the YAML vocabularies in ``rules/vocab`` once per process."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules import VOCAB_DIR

# Chinese, Japanese and Korean characters: scripts whose words stand without spaces between.
CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@cache
def load_vocabulary(name: str, directory: Path = VOCAB_DIR) -> dict[str, Any]:
    """The parsed ``<name>.yml`` vocabulary (safe YAML: data only)."""
    with (directory / f"{name}.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return data or {}


def alternation(words: Iterable[object]) -> str:
    """Vocabulary words as one regular-expression alternation: escaped, lowercased (match them
    case-insensitively), longest first so "ord. pris" wins over "ord."; one that never matches
    when there are no words."""
    ordered = sorted({str(word).lower() for word in words}, key=len, reverse=True)
    return "|".join(re.escape(word) for word in ordered) or r"(?!)"


def whole_words(words: Iterable[object]) -> re.Pattern[str]:
    """Vocabulary words found as whole words, case-insensitively ("ord. pris", not "pris" in
    "prisvärd"). Words of scripts written without spaces (Chinese, Japanese: "元起", "運費") are
    found anywhere: nothing marks where their words end."""
    listed = {str(word) for word in words}
    unspaced = {word for word in listed if CJK.search(word)}
    pattern = rf"(?<!\w)(?:{alternation(listed - unspaced)})(?!\w)"
    if unspaced:
        pattern += f"|{alternation(unspaced)}"
    return re.compile(pattern, re.IGNORECASE)
