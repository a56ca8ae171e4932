"""Product attributes compared across channels, from the pages' own words: a value inside a stated
range agrees with it, a component's or another unit's value is never the product's, one side is
never compared with three dimensions."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from checker.rule_types.claim_conflict import ClaimConflict
from crawler.extraction.attributes import extract_attributes
from crawler.extraction.page import ParsedPage
from crawler.items import Offer
from tests.test_claim_rules import SHOP, SITE, run_with


def page_items(channel: str, spec: str) -> list:
    base = SHOP if channel == "webshop" else SITE
    url = base + "tuotteet/makuupussi"
    page = ParsedPage.from_html(f"<html><body><main>{spec}</main></body></html>", url)
    offer = Offer(channel, url, name="Makuupussi Talvi", price=Decimal("149.90"), currency="EUR")
    return [offer, *extract_attributes(page, channel)]


@pytest.mark.parametrize(
    ("webshop", "website", "conflict"),
    [
        # a value inside a stated range, on either side
        ("<li>Paino: 1,2–1,4 kg</li>", "<li>Paino: 1,3 kg</li>", False),
        ("<li>Paino: 1 300 g</li>", "<p>Paino 1,2–1,4 kg.</p>", False),
        ("<li>Mukavuuslämpötila: -10…-20 °C</li>", "<li>Comfort: -15 °C</li>", False),
        ("<li>Mitat: 50–55 cm</li>", "<li>Mått: 52 cm</li>", False),
        # outside it, or two ranges that differ
        ("<li>Paino: 1,2–1,4 kg</li>", "<li>Paino: 1,6 kg</li>", True),
        ("<li>Mukavuuslämpötila: -10…-20 °C</li>", "<li>Comfort: -5 °C</li>", True),
        ("<li>Mukavuuslämpötila: -10…-20 °C</li>", "<li>Komfort: -5…-20 °C</li>", True),
        # comfort, limit and extreme temperatures are three facts
        ("<li>Mukavuuslämpötila: -5 °C</li>", "<li>Limit: -12 °C</li>", False),
        # a component's value, another unit's value, one side against three
        ("<li>Paino: 1,2 kg</li>", "<li>Sadesuojan paino: 120 g</li>", False),
        ("<li>Paino: 1,2 kg</li>", "<li>Paino: 120 g/m²</li>", False),
        ("<li>Mitat: 60 x 30 x 20 cm</li>", "<li>Mitat: 52 cm</li>", False),
        # and a real difference is still one
        ("<li>Paino: 1,2 kg</li>", "<li>Vikt: 1 450 g</li>", True),
    ],
)
def test_attribute_values_compared_as_the_same_fact(
    tmp_path: Path, webshop: str, website: str, conflict: bool
) -> None:
    items = [
        *page_items("webshop", f"<ul>{webshop}</ul>"),
        *page_items("website", f"<ul>{website}</ul>"),
    ]
    findings = run_with(tmp_path, items, [ClaimConflict("claims")])
    assert bool(findings) is conflict, findings
