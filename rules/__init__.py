"""Rule packs and vocabularies shipped with omnicheck (YAML data, no code).

``default.yml`` is the default rule pack; ``vocab/`` holds the words omnicheck reads pages with
(availability, prices, services, product attributes, linking) in Finnish, Swedish and English.
A user's own packs sit beside their ``omnicheck.yml`` and load the same way.
"""

from pathlib import Path

RULES_DIR = Path(__file__).parent
VOCAB_DIR = RULES_DIR / "vocab"
