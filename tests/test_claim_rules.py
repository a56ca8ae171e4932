"""claim_conflict and missing_in_channel on real runs: items stored in SQLite, checked by the
engine with the default rule pack, and the bundled demo crawled end to end."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from checker.rule_types.claim_conflict import ClaimConflict
from checker.rule_types.missing_in_channel import MissingInChannel
from crawler.extraction.claims import extract_claims
from crawler.extraction.page import TextBlock
from crawler.items import Offer, ProductAttribute, ServiceClaim
from tests.conftest import run_omnicheck
from tests.factories import findings_of

SHOP = "https://kauppa.example/"
SITE = "https://www.example/"


def claim(channel: str, service: str, sentence: str, low: str | None = None, **extra: Any) -> Any:
    base = SHOP if channel == "webshop" else SITE
    value = Decimal(low) if low is not None else None
    high = Decimal(extra.pop("high")) if "high" in extra else value
    return ServiceClaim(
        channel, base + "palvelut", service, sentence, low=value, high=high, **extra
    )


def run_with(tmp_path: Path, items: list[Any], rules: list[Any]) -> list[dict[str, Any]]:
    channels = {"webshop": "webshop", "website": "website"}
    return findings_of(tmp_path / "run.db", channels, items, rules)


def test_different_return_periods_are_one_finding_with_both_sentences(tmp_path: Path) -> None:
    findings = run_with(
        tmp_path,
        [
            claim("webshop", "returns", "Palautusaika on 14 päivää.", "14", unit="days"),
            claim("website", "returns", "30 päivän palautusoikeus.", "30", unit="days"),
        ],
        [ClaimConflict("claims")],
    )
    assert [(f["kind"], f["subject"]["service"]) for f in findings] == [
        ("claim_conflict", "returns")
    ]
    channels = findings[0]["channels"]
    assert channels["webshop"]["value"] == "14 days"
    assert channels["webshop"]["evidence"] == "Palautusaika on 14 päivää."
    assert channels["website"]["evidence"] == "30 päivän palautusoikeus."
    assert findings[0]["message"] == (
        "Returns: channels state different values (webshop 14 days, website 30 days)"
    )


@pytest.mark.parametrize(
    ("webshop", "website", "conflict"),
    [
        (("1", "3"), ("1", "3"), False),  # "1–3 arkipäivää" and "1-3 days"
        (("1", "3"), ("2", "5"), True),
        # a value inside a stated range is consistent with it, on either side
        (("2", "2"), ("1", "3"), False),
        (("1", "3"), ("3", "3"), False),
        (("4", "4"), ("1", "3"), True),
        (("1", "3"), ("1", "4"), True),
    ],
)
def test_ranges_are_compared_bound_by_bound(
    tmp_path: Path, webshop: tuple[str, str], website: tuple[str, str], conflict: bool
) -> None:
    findings = run_with(
        tmp_path,
        [
            claim("webshop", "delivery_time", "a", webshop[0], high=webshop[1], unit="days"),
            claim("website", "delivery_time", "b", website[0], high=website[1], unit="days"),
        ],
        [ClaimConflict("claims")],
    )
    assert bool(findings) is conflict


def test_negated_conditional_and_other_currency_claims_are_not_compared(tmp_path: Path) -> None:
    findings = run_with(
        tmp_path,
        [
            claim("webshop", "returns", "30 päivän palautusoikeus.", "30", unit="days"),
            claim("website", "returns", "30 days to return.", "30", unit="days"),
            claim(
                "website",
                "returns",
                "Alennustuotteilla 14 päivää.",
                "14",
                unit="days",
                condition="alennustuotteilla",
            ),
            claim("webshop", "returns", "Ei palautusoikeutta 7 päivän jälkeen", "7", negated=True),
            claim("webshop", "free_delivery", "Fri frakt över 499 kr", "499", unit="SEK"),
            claim("website", "free_delivery", "Ilmainen toimitus yli 50 €", "50", unit="EUR"),
        ],
        [ClaimConflict("claims")],
    )
    assert findings == []


def test_a_value_stated_twice_in_other_words_is_one_value(tmp_path: Path) -> None:
    findings = run_with(
        tmp_path,
        [
            claim("webshop", "warranty", "2 vuoden takuu", "2", unit="years"),
            claim("webshop", "warranty", "Takuu 24 kk", "2", unit="years"),
            claim("website", "warranty", "2 års garanti", "2", unit="years"),
        ],
        [ClaimConflict("claims")],
    )
    assert findings == []


def test_a_components_claim_is_never_compared_with_the_products(tmp_path: Path) -> None:
    (frame,) = extract_claims(
        [TextBlock("5 års garanti på ramen.", "main")], "website", SITE + "palvelut"
    )
    assert (frame.service, frame.low, frame.condition) == ("warranty", Decimal("5"), "ramen")
    findings = run_with(
        tmp_path,
        [
            claim("webshop", "warranty", "2 vuoden takuu", "2", unit="years"),
            claim("website", "warranty", "2 års garanti", "2", unit="years"),
            frame,
        ],
        [ClaimConflict("claims")],
    )
    assert findings == []


@pytest.mark.parametrize(
    ("webshop", "website"),
    [
        # the website's services page says 79 € while its footer still repeats the 50 €
        (
            ["Ilmainen toimitus yli 50 € tilauksiin."],
            ["Ilmainen toimitus yli 50 € tilauksiin.", "Toimitus on ilmainen yli 79 € tilauksiin."],
        ),
        (
            ["Ilmainen toimitus yli 50 € tilauksiin."],
            ["Ilmainen toimitus yli 79 euron tilauksille."],
        ),
        (["Fri frakt över 499 kr."], ["Fri frakt när du handlar för minst 599 kr."]),
        (["Free delivery on orders over £50."], ["Free UK delivery on orders over £79."]),
        (["Palautusoikeus 30 päivää."], ["Returns within 14 days."]),
    ],
)
def test_thresholds_are_compared_by_their_number(
    tmp_path: Path, webshop: list[str], website: list[str]
) -> None:
    items = [
        found
        for channel, texts in (("webshop", webshop), ("website", website))
        for text in texts
        for found in extract_claims(
            [TextBlock(text, "main")],
            channel,
            (SHOP if channel == "webshop" else SITE) + "palvelut",
            currency="EUR",
            locale="fi_FI",
        )
    ]
    findings = run_with(tmp_path, items, [ClaimConflict("claims")])
    assert len(findings) == 1
    assert set(findings[0]["channels"]) == {"webshop", "website"}


def test_a_threshold_for_one_delivery_method_is_not_the_general_one(tmp_path: Path) -> None:
    texts = {
        "webshop": ["Ilmainen toimitus yli 50 € tilauksiin."],
        "website": [
            "Ilmainen toimitus yli 50 € tilauksiin.",
            "Ilmainen toimitus noutopisteeseen yli 30 €.",
        ],
    }
    items = [
        found
        for channel, sentences in texts.items()
        for text in sentences
        for found in extract_claims(
            [TextBlock(text, "main")], channel, (SHOP if channel == "webshop" else SITE) + "p"
        )
    ]
    assert run_with(tmp_path, items, [ClaimConflict("claims")]) == []


def product_page(channel: str, name: str, path: str) -> Offer:
    base = SHOP if channel == "webshop" else SITE
    return Offer(channel, base + path, name=name, price=Decimal("129.90"), currency="EUR")


def attribute(channel: str, path: str, name: str, value: str, unit: str | None = "g") -> Any:
    base = SHOP if channel == "webshop" else SITE
    number = Decimal(value) if unit and "x" not in value else None
    return ProductAttribute(
        channel, base + path, name, value, "table", f"{name}: {value}", number, unit
    )


def test_product_attributes_are_compared_per_linked_product_within_tolerance(
    tmp_path: Path,
) -> None:
    items = [
        product_page("webshop", "Vaellusreppu 40 L", "reppu-40"),
        product_page("website", "Vaellusreppu 40 L", "tuotteet/reppu-40"),
        product_page("webshop", "Kantokassi 16 L", "kassi-16"),
        product_page("website", "Kantokassi 16 L", "tuotteet/kassi-16"),
        attribute("webshop", "reppu-40", "weight", "1200"),
        attribute("website", "tuotteet/reppu-40", "weight", "1450"),
        attribute("webshop", "reppu-40", "volume", "40", "l"),
        attribute("website", "tuotteet/reppu-40", "volume", "40", "l"),
        attribute("webshop", "reppu-40", "material", "polyester", None),
        attribute("website", "tuotteet/reppu-40", "material", "elastane,polyester", None),
        attribute("webshop", "kassi-16", "weight", "500"),
        attribute("website", "tuotteet/kassi-16", "weight", "490"),
        attribute("webshop", "kassi-16", "dimensions", "450x300x150", "mm"),
        attribute("website", "tuotteet/kassi-16", "dimensions", "450x300x200", "mm"),
        attribute("webshop", "kassi-16", "origin", "FI", None),
        attribute("website", "tuotteet/kassi-16", "origin", "EE", None),
    ]
    findings = run_with(tmp_path, items, [ClaimConflict("claims")])
    found = sorted(
        (f["subject"]["name"], f["subject"]["attribute"], f["channels"]["website"]["value"])
        for f in findings
    )
    assert found == [
        ("Kantokassi 16 L", "dimensions", "450x300x200 mm"),
        ("Kantokassi 16 L", "origin", "EE"),
        ("Vaellusreppu 40 L", "weight", "1450 g"),
    ]
    assert len({f["fingerprint"] for f in findings}) == 3


def test_a_tighter_tolerance_reports_rounded_values(tmp_path: Path) -> None:
    items = [
        product_page("webshop", "Kantokassi 16 L", "kassi-16"),
        product_page("website", "Kantokassi 16 L", "tuotteet/kassi-16"),
        attribute("webshop", "kassi-16", "weight", "500"),
        attribute("website", "tuotteet/kassi-16", "weight", "490"),
    ]
    assert run_with(tmp_path, items, [ClaimConflict("claims", relative_tolerance=1)])


def test_a_service_on_one_required_channel_only_is_missing_on_the_other(tmp_path: Path) -> None:
    items = [
        claim("website", "click_and_collect", "Tilaa verkosta, nouda myymälästä."),
        claim("website", "installation", "Asennuspalvelu saatavilla."),
        claim("webshop", "installation", "Emme tarjoa asennuspalvelua.", negated=True),
    ]
    findings = run_with(tmp_path, items, [MissingInChannel("presence")])
    assert [(f["subject"]["service"], f["channels"]["webshop"]["value"]) for f in findings] == [
        ("click_and_collect", "missing")
    ]
    assert findings[0]["message"] == "Click & collect is described on website but not on webshop"


@pytest.mark.slow
def test_demo_reports_every_planted_claim_finding_and_no_trap(tmp_path: Path) -> None:
    result = run_omnicheck("demo", "--format", "json", "--db", str(tmp_path / "demo.db"))
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)["findings"]
    summary = sorted(
        (
            f["kind"],
            f["subject"].get("service") or f["subject"].get("name"),
            f["subject"].get("attribute"),
            tuple((c, seen["value"], seen.get("evidence")) for c, seen in f["channels"].items()),
        )
        for f in findings
        if f["kind"] == "claim_conflict" or "service" in f["subject"]
    )
    assert summary == [
        (
            "claim_conflict",
            "Vaellusreppu 40 L",
            "weight",
            (("webshop", "1200 g", "Paino: 1,2 kg"), ("website", "1450 g", "Paino: 1 450 g")),
        ),
        (
            "claim_conflict",
            "delivery_time",
            None,
            (
                ("webshop", "1–3 days", "Toimitusaika on 1–3 arkipäivää."),
                ("website", "2–5 days", "Toimitamme tilaukset 2–5 arkipäivässä."),
            ),
        ),
        (
            "missing_in_channel",
            "click_and_collect",
            None,
            (
                (
                    "website",
                    "described",
                    "Click & collect: tilaa verkosta ja nouda myymälästä jo samana päivänä.",
                ),
                ("webshop", "missing", "not found on any of 9 crawled pages"),
            ),
        ),
    ]
    assert sorted(f["kind"] for f in findings) == [
        "availability_mismatch",  # the other plants: see tests/test_end_to_end.py
        "campaign_not_on_shelves",
        "claim_conflict",
        "claim_conflict",
        "missing_in_channel",
        "missing_in_channel",
        "online_store_availability_conflict",
        "online_store_availability_conflict",
        "price_mismatch",
        "price_mismatch",
        "price_mismatch",
        "stale_campaign",
    ]
