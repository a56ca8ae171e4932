"""Union-find over offers that refuses joins which would make one product of two.

Each group remembers its GTIN, its brands, the channels it spans and the override labels that
must stay apart. A join is refused when it would put two different GTINs, two different brands
or two sides of a "keep apart" override into one product; a join by name is also refused when
both groups already hold an offer of the same channel (a name never links within a channel).
Each offer remembers how it first joined another: the method and the score shown in findings.

The state is a few flat arrays of numbers (about 40 bytes an offer), so a million-product run
fits: GTINs are kept as the integers their digits spell, brands as numbers of a brand list, the
channels a group spans as bits, and an offer's link as a method code and a score.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

import numpy as np

from checker.linking.identifiers import brands_agree

Link = tuple[str, float | None]
# Method codes of ``Groups.method``: 0 is an offer linked to nothing ("alone").
METHODS = ("alone", "override", "gtin", "sku", "mpn", "url", "name")
METHOD_CODES = {method: code for code, method in enumerate(METHODS)}
MAX_CHANNELS = 63  # a group's channels are bits of one 64-bit number


def gtin_number(gtin: str | None) -> int:
    """A normalised GTIN (digits without leading zeros) as a number; 0 for none."""
    return int(gtin) if gtin else 0


class Groups:
    def __init__(
        self, gtins: Sequence[int], brands: Sequence[int], channels: Sequence[int], names: list[str]
    ) -> None:
        """``gtins`` as ``gtin_number``s, ``brands`` as indexes of ``names`` (-1: none),
        ``channels`` as channel numbers, one of each per offer."""
        count = len(gtins)
        self.parent = array("q", range(count))
        self.gtin = array("q", gtins)
        self.brand = array("q", brands)  # the group's (its root's), not the offer's
        self.brand_names = names
        # Groups holding more than one brand ("fjallraven" and "fjallravenab" agree).
        self.more_brands: dict[int, frozenset[int]] = {}
        self.channels = array("q", (1 << channel for channel in list(channels)))
        self.apart: dict[int, frozenset[tuple[int, int]]] = {}
        self.method = array("b", bytes(count))
        self.score = array("d", [math.nan]) * count
        self._agree: dict[tuple[int, int], bool] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def roots(self) -> np.ndarray:
        """Every offer's group (its smallest offer index), all at once."""
        parent = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand

    def spanned(self) -> np.ndarray:
        """For every offer, the channels its group spans (bits)."""
        return np.frombuffer(self.channels, dtype=np.int64)[self.roots()]

    def keep_apart(self, item: int, label: tuple[int, int]) -> None:
        root = self.find(item)
        self.apart[root] = self.apart.get(root, frozenset()) | {label}

    def conflict(self, a: int, b: int, by_name: bool = False) -> str | None:
        """Why the groups of a and b must not be joined, or None."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        if self.apart and self.kept_apart(root_a, root_b):
            return "kept apart by override"
        gtin_a, gtin_b = self.gtin[root_a], self.gtin[root_b]
        if gtin_a and gtin_b and gtin_a != gtin_b:
            return "different GTINs"
        if not self._brands_agree(root_a, root_b):
            return "different brands"
        if by_name and self.channels[root_a] & self.channels[root_b]:
            return "both already have an offer on the same channel"
        return None

    def _brands(self, root: int) -> frozenset[int]:
        found = self.more_brands.get(root)
        if found is not None:
            return found
        brand = self.brand[root]
        return frozenset() if brand < 0 else frozenset((brand,))

    def _brands_agree(self, root_a: int, root_b: int) -> bool:
        brand_a, brand_b = self.brand[root_a], self.brand[root_b]
        if brand_a < 0 or brand_b < 0:
            return True  # a group without a brand agrees with any
        if root_a not in self.more_brands and root_b not in self.more_brands:
            return self._agree_pair(brand_a, brand_b)
        return all(
            self._agree_pair(x, y) for x in self._brands(root_a) for y in self._brands(root_b)
        )

    def _agree_pair(self, a: int, b: int) -> bool:
        if a == b:
            return True
        pair = (a, b) if a < b else (b, a)
        agree = self._agree.get(pair)
        if agree is None:
            agree = brands_agree(self.brand_names[a], self.brand_names[b])
            self._agree[pair] = agree
        return agree

    def kept_apart(self, a: int, b: int) -> bool:
        """An override keeps some offer of a's group apart from some offer of b's group."""
        held_a = self.apart.get(self.find(a), frozenset())
        held_b = self.apart.get(self.find(b), frozenset())
        return any(
            entry == other_entry and side != other_side
            for entry, side in held_a
            for other_entry, other_side in held_b
        )

    def join(self, a: int, b: int, link: Link) -> None:
        """Join the groups of a and b (callers check ``conflict`` first when they must)."""
        root_a, root_b = self.find(a), self.find(b)
        code = METHOD_CODES[link[0]]
        for item in (a, b):
            if not self.method[item]:
                self.method[item] = code
                self.score[item] = math.nan if link[1] is None else link[1]
        if root_a == root_b:
            return
        root, other = min(root_a, root_b), max(root_a, root_b)
        self.parent[other] = root
        self.gtin[root] = self.gtin[root] or self.gtin[other]
        self._merge_brands(root, other)
        self.channels[root] |= self.channels[other]
        if other in self.apart:
            self.apart[root] = self.apart.get(root, frozenset()) | self.apart.pop(other)

    def _merge_brands(self, root: int, other: int) -> None:
        if self.brand[other] < 0:
            return
        if self.brand[root] < 0:
            self.brand[root] = self.brand[other]
            if other in self.more_brands:
                self.more_brands[root] = self.more_brands.pop(other)
            return
        merged = self._brands(root) | self.more_brands.pop(other, self._brands(other))
        if len(merged) > 1:
            self.more_brands[root] = merged

    def spans(self, item: int, channel: int) -> bool:
        """The group of item already has an offer on this channel."""
        return bool(self.channels[self.find(item)] & (1 << channel))

    def link(self, item: int) -> Link:
        """How the offer first joined another: method and score (``alone``: it did not)."""
        score = self.score[item]
        return METHODS[self.method[item]], None if math.isnan(score) else score
