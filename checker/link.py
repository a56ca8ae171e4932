"""Which offers on different channels are the same product (see ``checker.linking``).

The engine and the rule types import ``link_offers`` and ``Product`` from here.
"""

from checker.linking.linker import DEFAULT_THRESHOLD, Product, link_offers

__all__ = ["DEFAULT_THRESHOLD", "Product", "link_offers"]
