"""Rule packs and vocabularies shipped with omnicheck (YAML data, no code).

``default.yml`` is the default rule pack; ``vocab/`` holds the words omnicheck reads pages with
(availability, prices, services, product attributes, linking) in Finnish, Swedish and English.
A user's own packs sit beside their ``omnicheck.yml`` and load the same way.
"""

import re
from pathlib import Path

RULES_DIR = Path(__file__).parent
VOCAB_DIR = RULES_DIR / "vocab"
SHIPPED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def shipped_packs() -> list[str]:
    return sorted(path.stem for path in RULES_DIR.glob("*.yml"))


def pack_path(name: str, base_dir: Path) -> Path | None:
    """Where the rule pack ``name`` would be: a shipped pack by its name, or a path ending in
    .yml or .yaml relative to the configuration's folder; None for a name that is neither. A
    path out of that folder is refused (ValueError) before any file is looked at."""
    if name.endswith((".yml", ".yaml")):
        path = base_dir / name
        if not path.resolve().is_relative_to(base_dir.resolve()):
            raise ValueError(
                f"{name!r} is outside the configuration's folder; a rule pack of your own"
                " sits in that folder or below it"
            )
        return path
    return RULES_DIR / f"{name}.yml" if SHIPPED_NAME.match(name) else None
