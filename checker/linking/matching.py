"""Linking by name: mutual, unambiguous best matches between every two channels.

A name that fits two offers of some channel nearly equally well ("Kånken 16 L" against
"Kånken 16 L black" and "... blue") is linked to no channel at all: which variant it means is
unknown, and a wrong link is worse than none. Matches are joined best first, and a join that
would put two GTINs, two brands or two offers of one channel into one product is refused.

What each name's best match and runner-up are is kept in arrays over all offers (numbers, not
objects), so a million-product run holds no name in memory beyond its block.
"""

from __future__ import annotations

from array import array

import numpy as np

from checker.linking.blocks import AMBIGUITY_MARGIN, COLOUR_AGREES, PairScorer
from checker.linking.columns import Columns
from checker.linking.groups import Groups
from checker.linking.typos import Spellings

CHUNK = 100_000  # scores turned into Python numbers at a time


def join_names(groups: Groups, columns: Columns, threshold: float) -> None:
    """Link names between every two channels (see the module's docstring)."""
    count = columns.count
    top = np.zeros(count)  # each name's best score on any channel
    unsure = np.zeros(count)  # ... and where two candidates tie
    matches: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    spellings = Spellings(columns)
    spanned = groups.spanned()  # the joins by name are made after every pair is scored
    best = _Best(columns)
    colours = columns.colours
    for channel_a in range(len(columns.channels)):
        for channel_b in range(channel_a + 1, len(columns.channels)):
            pair = (channel_a, channel_b)
            left, right, score = PairScorer(columns, spanned, pair, threshold, spellings).score()
            best.read(left, right, score)
            best.settle(top, unsure)
            partner = best.partners()
            same_colour = (colours[left] != 0) & (colours[left] == colours[right])
            similarity = score - np.where(same_colour, COLOUR_AGREES, 0.0)
            mutual = (partner[left] == right) & (partner[right] == left)
            chosen = (similarity >= threshold) & mutual
            matches.append((left[chosen], right[chosen], score[chosen]))
            best.clear()
    if not matches:
        return
    # A tie far below the name's best match elsewhere does not make that match unsure.
    ambiguous = (unsure > 0) & (unsure > top - AMBIGUITY_MARGIN)
    left, right, score = (np.concatenate(parts) for parts in zip(*matches, strict=True))
    order = np.argsort(-score, kind="stable")
    for left_item, right_item, value in zip(
        left[order].tolist(), right[order].tolist(), score[order].tolist(), strict=True
    ):
        if ambiguous[left_item] or ambiguous[right_item]:
            continue
        if not groups.conflict(left_item, right_item, by_name=True):
            similarity_value = round(_similarity(columns, left_item, right_item, value), 1)
            groups.join(left_item, right_item, ("name", similarity_value))


def _similarity(columns: Columns, left: int, right: int, score: float) -> float:
    """The names' score without what naming the same colour added to rank them."""
    colours = columns.colour_of[left]
    return score - COLOUR_AGREES if colours and colours == columns.colour_of[right] else score


class _Best:
    """For each name scored in one pair of channels: its best partner and score, the
    runner-up's score, and whether the runner-up names no colour (a vague rival does not make
    a specific name unsure). Flat arrays over all offers, reset between pairs."""

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        count = columns.count
        self.partner = array("q", [-1]) * count
        self.score = array("d", [0.0]) * count
        self.runner_up = array("d", [0.0]) * count
        self.vague = array("b", [0]) * count
        self.touched: list[int] = []

    def read(self, left: np.ndarray, right: np.ndarray, score: np.ndarray) -> None:
        partner, best, runner_up, vague = self.partner, self.score, self.runner_up, self.vague
        colours = self.columns.colour_of
        touched = self.touched
        for start in range(0, len(left), CHUNK):
            chunk = zip(
                left[start : start + CHUNK].tolist(),
                right[start : start + CHUNK].tolist(),
                score[start : start + CHUNK].tolist(),
                strict=True,
            )
            for left_item, right_item, value in chunk:
                for item, other in ((left_item, right_item), (right_item, left_item)):
                    current = partner[item]
                    if current < 0:
                        partner[item], best[item] = other, value
                        touched.append(item)
                    elif value > best[item]:
                        runner_up[item], vague[item] = best[item], not colours[current]
                        partner[item], best[item] = other, value
                    elif value > runner_up[item]:
                        runner_up[item], vague[item] = value, not colours[other]

    def partners(self) -> np.ndarray:
        return np.frombuffer(self.partner, np.int64)

    def settle(self, top: np.ndarray, unsure: np.ndarray) -> None:
        """Raise each name's best score on any channel, and its unsure score where two
        candidates of this channel nearly tie."""
        if not self.touched:
            return
        items = np.array(self.touched, np.int64)
        score = np.frombuffer(self.score, np.float64)[items]
        runner_up = np.frombuffer(self.runner_up, np.float64)[items]
        vague = np.frombuffer(self.vague, np.int8)[items].astype(bool)
        top[items] = np.maximum(top[items], score)
        tie = (runner_up > score - AMBIGUITY_MARGIN) & ~((self.columns.colours[items] != 0) & vague)
        unsure[items[tie]] = np.maximum(unsure[items[tie]], score[tie])

    def clear(self) -> None:
        for item in self.touched:
            self.partner[item] = -1
            self.score[item] = self.runner_up[item] = 0.0
            self.vague[item] = 0
        self.touched = []
