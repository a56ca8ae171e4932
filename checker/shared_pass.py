"""Rules that walk a stored run's products share one read of them.

Each rule walks ``RunView.products`` from first to last. Reading and decoding a million-product
run takes most of a minute, so instead of a read per rule, each rule runs in its own thread over
the same read: this thread reads blocks of products from the store and hands each block to
every rule, keeping a block only until every rule still running has moved past it and reading
no more than ``AHEAD`` blocks ahead of the slowest. Rules stay plain code that walks a sequence
(no rule knows about threads), their findings come back in the order of the rules, and the
memory held is a few blocks whatever the size of the run.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.stored import StoredProducts
from checker.rule_types.base import RuleType, RunView

AHEAD = 4  # blocks read ahead of the slowest rule


class _Window:
    """The blocks of one read that the rules' threads have not all passed yet."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.blocks: dict[int, list[Product]] = {}
        self.read = 0  # blocks read so far
        self.done = False
        self.positions: dict[int, int] = {}  # rule → the block it needs next

    def block(self, rule: int, number: int) -> list[Product] | None:
        """Block ``number`` for a rule's thread (waiting for it to be read); None after the
        last."""
        with self.condition:
            self.positions[rule] = number
            self._forget()
            while number >= self.read and not self.done:
                self.condition.wait()
            return self.blocks.get(number)

    def leave(self, rule: int) -> None:
        with self.condition:
            self.positions.pop(rule, None)
            self._forget()

    def _forget(self) -> None:
        """Drop the blocks every rule has passed, and let the reader go on."""
        slowest = min(self.positions.values(), default=self.read)
        for number in [n for n in self.blocks if n < slowest]:
            del self.blocks[number]
        self.condition.notify_all()

    def fill(self, blocks: Iterator[list[Product]]) -> None:
        """Read blocks while any rule may still want them (in the calling thread)."""
        for block in blocks:
            with self.condition:
                while self.positions and self.read - min(self.positions.values()) >= AHEAD:
                    self.condition.wait()
                if not self.positions:
                    break  # every rule has finished
                self.blocks[self.read] = block
                self.read += 1
                self.condition.notify_all()
        with self.condition:
            self.done = True
            self.condition.notify_all()


class _Products:
    """``RunView.products`` for one rule's thread: the shared read, once."""

    def __init__(self, window: _Window, rule: int) -> None:
        self.window, self.rule = window, rule
        self.recent: dict[str, Product] = {}
        self.walked = False

    def __iter__(self) -> Iterator[Product]:
        if self.walked:
            raise RuntimeError("a rule walked the products twice; a shared read walks once")
        self.walked = True
        number = 0
        while (block := self.window.block(self.rule, number)) is not None:
            self.recent = {product.key: product for product in block}
            yield from block
            number += 1

    def find(self, key: str) -> Product | None:
        """The product of a key if this thread has it at hand (the last of its block with the
        key, see ``StoredProducts.find``); the calling thread looks up the others."""
        return self.recent.get(key)


def check_rules(
    rules: list[RuleType], view: RunView, products: StoredProducts, explain: Any
) -> list[list[Finding]]:
    """Each rule's findings, with the rules walking one read of ``products``; ``explain``
    (findings, find) adds each finding's links while its product is at hand."""
    window = _Window()
    found: list[list[Finding]] = [[] for _ in rules]
    failures: list[BaseException | None] = [None] * len(rules)

    def run(number: int, rule: RuleType) -> None:
        walker = _Products(window, number)
        try:
            for finding in rule.check(dataclasses.replace(view, products=walker)):
                explain([finding], walker.find)
                found[number].append(finding)
        except BaseException as error:  # handed to the calling thread
            failures[number] = error
        finally:
            window.leave(number)

    for number in range(len(rules)):
        window.positions[number] = 0
    threads = [
        threading.Thread(target=run, args=(number, rule), name=f"rule {rule.rule_id}")
        for number, rule in enumerate(rules)
    ]
    for thread in threads:
        thread.start()
    try:
        window.fill(products.blocks())
    finally:
        with window.condition:
            window.done = True
            window.condition.notify_all()
        for thread in threads:
            thread.join()
    for failure in failures:
        if failure is not None:
            raise failure
    return found
