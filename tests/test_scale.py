"""Checking a stored run out of core: products read back from the store a block at a time,
rules sharing one read of them, and the same links and findings as linking a list in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import checker.linking.stored
from benchmarks.catalogue import CHANNELS, gtin_of, offers, products
from checker.engine import check_run
from checker.findings import Finding
from checker.linking.explain import explain_links
from checker.linking.linker import Product, link_offers
from checker.linking.stored import StoredProducts, link_run
from checker.reports import touchpoints
from checker.rule_types.base import RuleType, RunView
from checker.rule_types.packs import load_rules
from crawler.items import Offer
from crawler.store import Store
from rules import RULES_DIR

PRODUCTS = 400
TWIN = gtin_of(9_990_000_000_000)
FIELDS = {field.name for field in dataclasses.fields(Offer)}


def catalogue_run(path: Path) -> Store:
    """A stored run of a catalogue of look-alikes on three channels, with price and
    availability differences, an ended campaign, and two products that share a GTIN but not
    a brand (two groups with one key)."""
    items = []
    for row, number in offers(products(PRODUCTS)):
        fields = {key: value for key, value in row.items() if key in FIELDS and value is not None}
        fields.pop("variant", None)
        if number % 17 == 0 and row["channel"] == "website":
            fields["availability"] = "out_of_stock"
        if number % 23 == 0 and row["channel"] == "webshop":
            fields.update(regular_price=row["price"] + 20, price_valid_until="2026-01-31")
        items.append(Offer(**fields))
    for number, brand in enumerate(("Nortek", "Sulawear")):
        for channel in ("webshop", "website"):
            price = Decimal("10.00") + number + (channel == "website")
            url = f"https://{channel}.example.fi/twin/{number}"
            items.append(Offer(channel, url, name="Kantola", brand=brand, gtin=TWIN, price=price))
    store = Store(path)
    run_id = store.start_run("catalogue", [(name, kind) for name, kind in CHANNELS])
    store.add_items(run_id, items)
    store.update_channel_counts(run_id)
    for name, _ in CHANNELS:
        store.set_channel_completeness(run_id, name, True, "ok")
    store.finish_run(run_id, "complete")
    return store


def described(products: Any) -> list[tuple[str, list[int], dict[int, Any]]]:
    return [(p.key, [o["id"] for o in p.offers], p.methods) for p in products]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of three products, so a run of hundreds is read in many blocks."""
    monkeypatch.setattr(checker.linking.stored, "BLOCK", 3)


def test_a_stored_run_reads_back_the_products_linking_made(
    tmp_path: Path, small_blocks: None
) -> None:
    store = catalogue_run(tmp_path / "run.db")
    in_memory = link_offers(store.offers(1))
    stored = link_run(store, 1)
    assert described(stored) == described(in_memory)
    assert described(stored) == described(stored)  # a second pass reads the same
    twins = [p for p in in_memory if p.key == f"gtin:{TWIN}"]
    assert [len(p.offers) for p in twins] == [2, 2]  # one GTIN, two brands: two products
    found = stored.find(f"gtin:{TWIN}")
    assert found is not None and described([found]) == described(twins[-1:])
    assert stored.find("gtin:0") is None


def test_rules_sharing_one_read_find_what_rules_walking_a_list_find(
    tmp_path: Path, small_blocks: None
) -> None:
    store = catalogue_run(tmp_path / "run.db")
    rules = load_rules(["default"], RULES_DIR)
    result = check_run(store, 1, rules)
    shared = [f.to_dict() for f in result.findings]
    listed = link_offers(store.offers(1))
    view = RunView(
        run=store.run(1),
        channels={c["channel"]: c for c in store.channels(1)},
        products=listed,
        claims=store.claims(1),
    )
    by_key = {product.key: product for product in listed}
    walked: list[Finding] = [finding for rule in rules for finding in rule.check(view)]
    explain_links(walked, by_key.get)
    expected = [f.to_dict() | {"status": "new"} for f in walked]
    assert shared == expected
    kinds = {f["kind"] for f in shared}
    assert {"price_mismatch", "availability_mismatch", "stale_campaign"} <= kinds
    # stored as found, with the status and changed flag the history gave each
    assert store.findings(1) == result.rows
    assert [{k: v for k, v in row.items() if k != "changed"} for row in result.rows] == shared


def test_the_touchpoint_matrix_reads_only_the_products_with_findings(
    tmp_path: Path, small_blocks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With more products with findings than the matrix shows, its rows are read by key and
    are the rows a walk of every product gives."""
    store = catalogue_run(tmp_path / "run.db")
    result = check_run(store, 1, load_rules(["default"], RULES_DIR))
    with_findings = {row["subject"].get("product") for row in result.rows} - {None}
    assert len(with_findings) > touchpoints.PRODUCTS
    by_keys = store.touchpoints(1)
    shown = {row["subject"] for row in by_keys if row["subject_kind"] == "product"}
    assert len(shown) == touchpoints.PRODUCTS and shown <= with_findings
    walked: list[Product] = []
    # the same check again, its matrix chosen from a walk of every product
    monkeypatch.setattr(
        StoredProducts, "with_keys", lambda self, keys: walked.extend(self) or walked
    )
    check_run(store, 1, load_rules(["default"], RULES_DIR))
    assert len({p.key for p in walked}) > len(with_findings)
    assert store.touchpoints(1) == by_keys


class Failing(RuleType):
    name = "failing"
    kind = "price_mismatch"

    def check(self, view: RunView) -> Iterator[Finding]:
        for number, _ in enumerate(view.products):
            if number == 50:
                raise ValueError("rule broke on the 50th product")
        yield from ()


class WalksTwice(RuleType):
    name = "walks_twice"
    kind = "price_mismatch"

    def check(self, view: RunView) -> Iterator[Finding]:
        list(view.products)
        list(view.products)
        yield from ()


def test_a_rule_that_fails_stops_the_check_with_its_error(
    tmp_path: Path, small_blocks: None
) -> None:
    store = catalogue_run(tmp_path / "run.db")
    rules = [*load_rules(["default"], RULES_DIR), Failing("failing")]
    with pytest.raises(ValueError, match="50th product"):
        check_run(store, 1, rules)
    with pytest.raises(RuntimeError, match="walked the products twice"):
        check_run(store, 1, [WalksTwice("twice")])


def test_products_are_read_in_blocks_that_keep_one_key_together(tmp_path: Path) -> None:
    store = catalogue_run(tmp_path / "run.db")
    link_run(store, 1)
    blocks = list(StoredProducts(store, 1, block=3).blocks())
    assert all(len(block) >= 3 for block in blocks[:-1])
    keys = [[p.key for p in block] for block in blocks]
    assert all(left[-1] != right[0] for left, right in zip(keys, keys[1:], strict=False))
    assert sum(len(block) for block in blocks) == len(link_offers(store.offers(1)))


@pytest.mark.slow
def test_checking_ten_times_the_products_takes_little_more_memory(tmp_path: Path) -> None:
    """Linking keeps a few numbers an offer and rules read products a block at a time, so the
    check's peak memory grows far slower than the run (it held every offer before: 119 MB at
    2 000 products per feed, 308 MB at 20 000)."""
    from benchmarks.feeds import ROOT, check_stage, crawl_stage, price_quality

    measured = []
    for count in (2_000, 20_000):
        folder = tmp_path / str(count)
        config, database, *_, truth = crawl_stage(folder, count)
        _, megabytes, findings = check_stage(folder, config, database, ROOT)
        precision, recall, *_ = price_quality(findings, truth)
        assert precision == 1.0 and recall >= 0.99
        measured.append(megabytes)
    small, large = measured
    assert large <= small * 1.5, f"{small} MB at 2 000 products per feed, {large} MB at 20 000"
