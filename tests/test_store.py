"""The results database keeps offers exactly: money as Decimal, evidence and sources as written."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.factories import offer, stored_run


def test_offers_read_back_with_money_and_evidence(tmp_path: Path) -> None:
    item = offer("webshop", "Retkikeitin", "89.00", regular_price=Decimal("99.90"))
    item.variant = {"color": "musta"}
    item.evidence["availability"] = "Varastossa"
    store, run_id = stored_run(tmp_path / "r.db", {"webshop": "webshop"}, [item])
    [row] = store.offers(run_id)
    assert row["price"] == Decimal("89.00") and row["regular_price"] == Decimal("99.90")
    assert row["is_from_price"] is False
    # JSON columns decode on first read, through [] and get() alike
    assert row.get("evidence") == {"price": "89.00 EUR", "availability": "Varastossa"}
    assert row["sources"] == {"price": "json-ld"}
    assert row["variant"]["color"] == "musta"
    assert row.get("missing", "default") == "default"
