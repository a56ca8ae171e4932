"""Rule packs and vocabularies shipped with omnicheck (YAML data, no code).

``default.yml`` is the default rule pack; ``vocab/`` holds the words omnicheck reads pages with
(availability, prices, services, product attributes, linking) in Finnish, Swedish and English.
A user's own packs sit beside their ``omnicheck.yml`` and load the same way.
"""

from pathlib import Path

RULES_DIR = Path(__file__).parent
VOCAB_DIR = RULES_DIR / "vocab"


def pack_path(name: str, base_dir: Path) -> Path:
    """Where the rule pack ``name`` is: a shipped pack by its name, or a path ending in .yml or
    .yaml relative to the configuration's folder."""
    if name.endswith((".yml", ".yaml")) or "/" in name:
        return base_dir / name
    return RULES_DIR / f"{name}.yml"
