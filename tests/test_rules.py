"""Rule types on real stored runs: the findings a user would see, and none on look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.engine import check_run
from checker.rule_types import OptionError, load_rule_types
from checker.rule_types.missing_in_channel import MissingInChannel
from checker.rule_types.price_mismatch import PriceMismatch
from rules import RULES_DIR
from tests.factories import claim, offer, stored_run

SHOP = {"webshop": "webshop", "website": "website"}


def findings(
    tmp_path: Path, items: list, rules: list, channels=SHOP, pages=None, db: str = "run.db"
) -> list:
    store, run_id = stored_run(tmp_path / db, channels, items, pages)
    return [f.to_dict() for f in check_run(store, run_id, rules).findings]


def test_price_mismatch_reports_both_prices_urls_and_evidence(tmp_path: Path) -> None:
    items = [
        offer("webshop", "Vaellusreppu 40 L", "129.90", sku="RA-VR40", gtin="6434012300102"),
        offer("website", "Vaellusreppu 40 L", "119.90"),
    ]
    [finding] = findings(tmp_path, items, [PriceMismatch("price-parity", "high")])
    assert finding["kind"] == "price_mismatch"
    assert finding["rule"] == "price-parity"
    assert finding["severity"] == "high"
    assert finding["subject"]["name"] == "Vaellusreppu 40 L"
    assert finding["subject"]["gtin"] == "6434012300102"
    assert finding["channels"]["webshop"]["value"] == "129.90 EUR"
    assert finding["channels"]["website"]["value"] == "119.90 EUR"
    assert finding["channels"]["website"]["url"] == "https://website.example.fi/vaellusreppu-40-l"
    assert finding["channels"]["webshop"]["evidence"] == "129.90 EUR"
    assert finding["channels"]["website"]["link"] == {"method": "name", "score": 100.0}
    assert finding["details"]["difference"] == "10.00"
    assert finding["status"] == "new"
    assert len(finding["fingerprint"]) == 16


@pytest.mark.parametrize(
    ("webshop", "website", "options"),
    [
        (("Retkikeitin Kompakti", "89.00"), ("Retkikeitin Kompakti", "89"), {}),
        (("Retkikeitin", "89.00"), ("Retkikeitin", "89.01"), {"tolerance": 0.01}),
        (("Retkikeitin", "100.00"), ("Retkikeitin", "102.00"), {"relative_tolerance": 2.5}),
        (("Vaellusreppu 40 L", "129.90"), ("Vaellusreppu 40 L Pro", "159.90"), {}),
        (("Kantokassi 16 L", "79.90"), ("Kantokassi Mini 7 L", "59.90"), {}),
        (("Kantokassi 16 L", "79.90"), ("Kantokassi 20 L", "89.90"), {}),
    ],
)
def test_price_mismatch_stays_quiet_on_equal_prices_and_different_products(
    tmp_path: Path, webshop: tuple, website: tuple, options: dict
) -> None:
    items = [offer("webshop", *webshop), offer("website", *website)]
    assert findings(tmp_path, items, [PriceMismatch("p", "high", **options)]) == []


def test_price_mismatch_never_compares_currencies_or_from_prices(tmp_path: Path) -> None:
    items = [
        offer("webshop", "Retkikeitin", "89.00", currency="EUR"),
        offer("website", "Retkikeitin", "999.00", currency="SEK"),
        offer("webshop", "Teltta 2", "199.00"),
        offer("website", "Teltta 2", "149.00", is_from_price=True),
    ]
    assert findings(tmp_path, items, [PriceMismatch("p", "high")]) == []
    compare = PriceMismatch("p", "high", compare_from_prices=True)
    [finding] = findings(tmp_path, items, [compare], db="second.db")
    assert finding["subject"]["name"] == "Teltta 2"


def test_price_mismatch_skips_a_channel_that_shows_two_prices(tmp_path: Path) -> None:
    items = [
        offer("webshop", "Retkikeitin", "89.00", sku="K1", url="https://webshop.example.fi/a"),
        offer("webshop", "Retkikeitin", "99.00", sku="K1", url="https://webshop.example.fi/b"),
        offer("website", "Retkikeitin", "79.00", sku="K1"),
    ]
    assert findings(tmp_path, items, [PriceMismatch("p", "high")]) == []


def test_missing_in_channel_names_where_the_service_is_and_is_not(tmp_path: Path) -> None:
    sentence = "Click & collect: tilaa verkosta ja nouda myymälästä jo samana päivänä."
    items = [
        claim("website", "click_and_collect", sentence),
        claim("website", "returns", "30 päivän palautusoikeus."),
        claim("webshop", "returns", "Palautusoikeus 30 päivää."),
    ]
    [finding] = findings(tmp_path, items, [MissingInChannel("service-presence", "medium")])
    assert finding["kind"] == "missing_in_channel"
    assert finding["subject"] == {
        "service": "click_and_collect",
        "label": "Click & collect",
        "link": {"website": {"method": "service_vocabulary", "score": None}},
    }
    assert finding["channels"]["website"]["evidence"] == sentence
    assert finding["channels"]["website"]["url"] == "https://website.example.fi/palvelut"
    assert finding["channels"]["webshop"] == {
        "url": None,
        "value": "missing",
        "evidence": "not found on any of 3 crawled pages",
    }
    assert finding["message"] == "Click & collect is described on website but not on webshop"


def test_missing_in_channel_is_silent_about_an_incomplete_channel(tmp_path: Path) -> None:
    items = [claim("website", "click_and_collect", "Nouda myymälästä.")]
    rule = MissingInChannel("m", "medium")
    assert findings(tmp_path, items, [rule], pages={"webshop": (2, 8)}) == []


def test_missing_in_channel_does_not_require_social_by_default(tmp_path: Path) -> None:
    channels = {**SHOP, "instagram": "social"}
    items = [
        claim("website", "returns", "30 päivän palautusoikeus."),
        claim("webshop", "returns", "Palautusoikeus 30 päivää."),
    ]
    assert findings(tmp_path, items, [MissingInChannel("m", "medium")], channels) == []
    required = MissingInChannel("m", "medium", channels=["website", "webshop", "instagram"])
    [finding] = findings(tmp_path, items, [required], channels, db="second.db")
    assert list(finding["channels"]) == ["webshop", "website", "instagram"]


def test_a_negated_claim_is_not_a_missing_service(tmp_path: Path) -> None:
    items = [
        claim("website", "installation", "Asennuspalvelu kotiisi."),
        claim("webshop", "installation", "Emme tarjoa asennuspalvelua.", negated=True),
    ]
    assert findings(tmp_path, items, [MissingInChannel("m", "medium")]) == []


def test_fingerprint_ignores_values_so_a_changed_price_persists(tmp_path: Path) -> None:
    rule = PriceMismatch("p", "high")
    first = findings(
        tmp_path, [offer("webshop", "A 1", "10"), offer("website", "A 1", "12")], [rule]
    )
    second = findings(
        tmp_path, [offer("webshop", "A 1", "10"), offer("website", "A 1", "13")], [rule], db="2.db"
    )
    assert first[0]["fingerprint"] == second[0]["fingerprint"]


def test_second_check_marks_known_findings_persisting(tmp_path: Path) -> None:
    from crawler.items import PageVisit

    items = [offer("webshop", "A 1", "10"), offer("website", "A 1", "12")]
    store, first = stored_run(tmp_path / "run.db", SHOP, items)
    rule = PriceMismatch("p", "high")
    assert [f.status for f in check_run(store, first, [rule]).findings] == ["new"]
    second = store.start_run("test", list(SHOP.items()))
    store.add_items(second, [PageVisit("webshop", "u"), PageVisit("website", "v"), *items])
    store.finish_run(second, "complete")
    store.set_channel_completeness(second, "webshop", True, "")
    store.set_channel_completeness(second, "website", True, "")
    assert [f.status for f in check_run(store, second, [rule]).findings] == ["persisting"]


def test_options_are_validated_with_the_key_named() -> None:
    with pytest.raises(OptionError, match="expected a number") as error:
        PriceMismatch("p", "high", tolerance="lots")
    assert error.value.key == "tolerance"
    with pytest.raises(OptionError, match="unknown option for price_mismatch"):
        PriceMismatch("p", "high", tolerence=1)


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), True])
def test_a_tolerance_must_be_a_number_of_zero_or_more(value: object) -> None:
    """A negative tolerance reported every price as a mismatch; .nan crashed the check."""
    with pytest.raises(OptionError, match="expected a number of 0 or more") as error:
        PriceMismatch("p", "high", tolerance=value)
    assert error.value.key == "tolerance"
    assert PriceMismatch("p", "high", tolerance=0).settings["tolerance"] == 0


@pytest.mark.parametrize(
    ("rule", "error"),
    [
        (
            "{type: price_mismatch, enabled: maybe}",
            "rules[0].enabled: expected true or false, got 'maybe'",
        ),
        (
            "{type: price_mismatch, id: [1]}",
            "rules[0].id: expected text such as price-parity, got [1]",
        ),
        (
            "{type: price_mismatch, options: {tolerance: .nan}}",
            "rules[0].options.tolerance: expected a number of 0 or more, got nan",
        ),
    ],
)
def test_a_rule_pack_entry_of_the_wrong_type_names_its_key(
    tmp_path: Path, rule: str, error: str
) -> None:
    from checker.config import ConfigError
    from checker.rule_types.packs import load_pack

    path = tmp_path / "my-rules.yml"
    path.write_text(f"rules:\n  - {rule}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_pack(path)
    assert str(raised.value) == f"{path}:2: {error}"


def test_every_rule_type_documents_what_why_example_and_options() -> None:
    import sys

    for name, rule_type in load_rule_types().items():
        doc = sys.modules[rule_type.__module__].__doc__ or ""
        assert doc.startswith(name), name
        for part in ("**What it checks**", "**Why it matters**", "**Example**", "**Options**"):
            assert part in doc, (name, part)


def test_docs_rules_page_has_a_section_per_rule_type() -> None:
    rules_page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text("utf-8")
    for name in load_rule_types():
        assert f"\n## {name} — " in rules_page, name


def test_a_rule_naming_a_channel_or_service_that_does_not_exist_is_said(tmp_path: Path) -> None:
    from checker.rule_types.packs import load_pack, unknown_references

    path = tmp_path / "pack.yml"
    path.write_text(
        "rules:\n"
        "  - id: shop-prices\n"
        "    type: price_mismatch\n"
        "    options:\n"
        "      channels: [webshop, verkkokauppa]\n"
        "  - id: returns\n"
        "    type: missing_in_channel\n"
        "    options:\n"
        "      services: [returns, click_and_colect]\n",
        encoding="utf-8",
    )
    known = {"channels": {"webshop", "website"}, "services": {"returns", "click_and_collect"}}
    assert unknown_references(load_pack(path), known) == [
        f"{path}:5: rules[0].options.channels: 'verkkokauppa' is no channel of this"
        " configuration (expected one of webshop, website); rule shop-prices skips it",
        f"{path}:9: rules[1].options.services: 'click_and_colect' is no service of this"
        " configuration (expected one of click_and_collect, returns); rule returns skips it",
    ]
    # The shipped pack names nothing it could get wrong.
    assert unknown_references(load_pack(RULES_DIR / "default.yml"), known) == []
