"""Union-find over offers that refuses joins which would make one product of two.

Each group remembers its GTIN, its brands, the channels it spans and the override labels that
must stay apart. A join is refused when it would put two different GTINs, two different brands
or two sides of a "keep apart" override into one product; a join by name is also refused when
both groups already hold an offer of the same channel (a name never links within a channel).
Each offer remembers how it first joined another: the method and the score shown in findings.
"""

from __future__ import annotations

from checker.linking.identifiers import brands_agree

Link = tuple[str, float | None]


class Groups:
    def __init__(
        self, gtins: list[str | None], brands: list[str | None], channels: list[int]
    ) -> None:
        self.parent = list(range(len(gtins)))
        self.gtin = list(gtins)
        self.brands: list[frozenset[str]] = [frozenset([b]) if b else frozenset() for b in brands]
        self.channels = [1 << channel for channel in channels]
        self.apart: dict[int, frozenset[tuple[int, int]]] = {}
        self.link: dict[int, Link] = {}

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def keep_apart(self, item: int, label: tuple[int, int]) -> None:
        root = self.find(item)
        self.apart[root] = self.apart.get(root, frozenset()) | {label}

    def conflict(self, a: int, b: int, by_name: bool = False) -> str | None:
        """Why the groups of a and b must not be joined, or None."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        if self.kept_apart(root_a, root_b):
            return "kept apart by override"
        gtin_a, gtin_b = self.gtin[root_a], self.gtin[root_b]
        if gtin_a and gtin_b and gtin_a != gtin_b:
            return "different GTINs"
        if any(not brands_agree(x, y) for x in self.brands[root_a] for y in self.brands[root_b]):
            return "different brands"
        if by_name and self.channels[root_a] & self.channels[root_b]:
            return "both already have an offer on the same channel"
        return None

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
        for item in (a, b):
            self.link.setdefault(item, link)
        if root_a == root_b:
            return
        root, other = min(root_a, root_b), max(root_a, root_b)
        self.parent[other] = root
        self.gtin[root] = self.gtin[root] or self.gtin[other]
        self.brands[root] = self.brands[root] | self.brands[other]
        self.channels[root] |= self.channels[other]
        if other in self.apart:
            self.apart[root] = self.apart.get(root, frozenset()) | self.apart.pop(other)

    def spans(self, item: int, channel: int) -> bool:
        """The group of item already has an offer on this channel."""
        return bool(self.channels[self.find(item)] & (1 << channel))
