"""Loading the YAML vocabularies in ``rules/vocab`` once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from rules import VOCAB_DIR


@cache
def load_vocabulary(name: str, directory: Path = VOCAB_DIR) -> dict[str, Any]:
    """The parsed ``<name>.yml`` vocabulary (safe YAML: data only)."""
    with (directory / f"{name}.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return data or {}
