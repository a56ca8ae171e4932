"""Which offers on different channels are the same product (see ``checker.linking``).

The engine, the rule types and ``checker.mentions`` import from here.
"""

from checker.linking.linker import DEFAULT_THRESHOLD, Product, link_offers
from checker.linking.names import NameKey, name_key, vocabulary

__all__ = ["DEFAULT_THRESHOLD", "NameKey", "Product", "link_offers", "name_key", "vocabulary"]
