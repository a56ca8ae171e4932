"""What reports say: titles in Finnish, Swedish and English with the locale's amounts, the odd
channel, the headline that never calls too little an all-clear, and the `changed` flag."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from checker.findings import Finding, fails
from checker.findings.history import compare_runs
from checker.reports import build_report, render
from checker.reports.diff_report import render_diff
from checker.reports.wording import Wording
from crawler.store import Store
from tests.factories import checked_run, claim, missing_finding, offer, price_finding, stored_run

NBSP = "\xa0"


def prices(*channels: tuple[str, str], currency: str = "SEK") -> dict[str, Any]:
    return {
        "kind": "price_mismatch",
        "subject": {"name": "Termos"},
        "channels": {
            name: {"value": f"{price} {currency}", "price": price, "currency": currency}
            for name, price in channels
        },
        "details": {"currency": currency},
    }


def values(kind: str, subject: dict[str, Any], **channels: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject": subject,
        "channels": {name: {"value": value} for name, value in channels.items()},
    }


TWO = prices(("webshop", "1299.00"), ("website", "1199.00"))
ODD = prices(("feed", "149.90"), ("webshop", "159.90"), ("website", "159.90"), currency="EUR")
AVAILABILITY = values(
    "availability_mismatch",
    {"name": "Makuupussi"},
    instagram="in stock",
    feed="out of stock",
    webshop="out of stock",
)
DELIVERY = values(
    "claim_conflict",
    {"service": "delivery_time", "label": "Delivery time"},
    a="1–3 days",
    b="30 days",
)
WEIGHT = values(
    "claim_conflict", {"attribute": "weight", "label": "Weight"}, a="1200 g", b="1450 g"
)
MISSING = values(
    "missing_in_channel",
    {"service": "returns", "label": "Returns"},
    website="described",
    webshop="missing",
)
STALE = {
    "kind": "stale_campaign",
    "subject": {"name": "Kantokassi"},
    "channels": {
        "instagram": {
            "value": "49.90 EUR until 2026-12-02",
            "price": "49.90",
            "valid_until": "2026-12-02",
        },
        "webshop": {"value": "59.90 EUR", "price": "59.90"},
    },
}

TITLES = [
    (
        "sv_SE",
        TWO,
        f"Priset skiljer sig: webshop 1{NBSP}299,00{NBSP}kr, website 1{NBSP}199,00{NBSP}kr",
    ),
    ("fi_FI", TWO, f"Hinta eroaa: webshop 1{NBSP}299,00{NBSP}SEK, website 1{NBSP}199,00{NBSP}SEK"),
    ("en_GB", TWO, "Price differs: webshop SEK1,299.00, website SEK1,199.00"),
    ("fi_FI", ODD, f"Hinta eroaa – feed: 149,90{NBSP}€ (muualla 159,90{NBSP}€)"),
    ("sv_SE", ODD, f"Priset skiljer sig – feed: 149,90{NBSP}€ (annars 159,90{NBSP}€)"),
    ("en_GB", ODD, "Price differs on feed: €149.90 (elsewhere €159.90)"),
    ("en_GB", AVAILABILITY, "Availability differs on instagram: in stock (elsewhere out of stock)"),
    ("fi_FI", AVAILABILITY, "Saatavuus eroaa – instagram: saatavilla (muualla loppu)"),
    (
        "sv_SE",
        AVAILABILITY,
        "Tillgängligheten skiljer sig – instagram: i lager (annars slut i lager)",
    ),
    ("en_GB", DELIVERY, f"Delivery time differs: a 1–3{NBSP}days, b 30{NBSP}days"),
    ("fi_FI", DELIVERY, f"Toimitusaika eroaa: a 1–3{NBSP}päivää, b 30{NBSP}päivää"),
    ("sv_SE", DELIVERY, f"Leveranstid skiljer sig: a 1–3{NBSP}dagar, b 30{NBSP}dagar"),
    ("fi_FI", WEIGHT, f"Paino eroaa: a 1{NBSP}200{NBSP}g, b 1{NBSP}450{NBSP}g"),
    ("en_GB", WEIGHT, f"Weight differs: a 1,200{NBSP}g, b 1,450{NBSP}g"),
    ("en_GB", MISSING, "Missing on webshop (described: website)"),
    ("fi_FI", MISSING, "Puuttuu: webshop (kuvattu: website)"),
    ("sv_SE", MISSING, "Saknas: webshop (beskrivs: website)"),
    (
        "en_GB",
        STALE,
        "Campaign ended 2 Dec 2026: instagram still shows €49.90 (now webshop €59.90)",
    ),
    (
        "fi_FI",
        STALE,
        f"Kampanja päättyi 2.12.2026: instagram näyttää yhä 49,90{NBSP}€ (nyt webshop 59,90{NBSP}€)",
    ),
    (
        "sv_FI",
        STALE,
        f"Kampanjen upphörde 2 dec. 2026: instagram visar fortfarande 49,90{NBSP}€ (nu webshop 59,90{NBSP}€)",
    ),
    # an unknown locale or language: English texts, English formats
    ("xx_YY", TWO, "Price differs: webshop SEK1,299.00, website SEK1,199.00"),
    ("da_DK", ODD, f"Price differs on feed: 149,90{NBSP}€ (elsewhere 159,90{NBSP}€)"),
    (None, MISSING, "Missing on webshop (described: website)"),
]


@pytest.mark.parametrize(("locale", "finding", "title"), TITLES)
def test_a_title_says_what_differs_in_the_runs_language(
    locale: str | None, finding: dict[str, Any], title: str
) -> None:
    assert Wording(locale).title(finding) == title


@pytest.mark.parametrize(
    ("finding", "odd"),
    [
        (ODD, "feed"),
        (AVAILABILITY, "instagram"),
        (TWO, None),
        (MISSING, None),
        (prices(("a", "1"), ("b", "2"), ("c", "3")), None),
        (prices(("a", "1"), ("b", "1"), ("c", "2"), ("d", "2")), None),
    ],
)
def test_the_odd_channel_is_named_only_when_all_the_others_agree(
    finding: dict[str, Any], odd: str | None
) -> None:
    assert Wording("en").odd_channel(finding) == odd


# -- the headline --------------------------------------------------------------------------


def headline_of(tmp_path: Path, channels: dict[str, str], items: list[Any]) -> dict[str, Any]:
    store, run_id = stored_run(tmp_path / "h.db", channels, items)
    store.save_findings(run_id, [])
    return build_report(store, run_id).summary()


def test_no_findings_is_an_all_clear_only_when_enough_was_compared(tmp_path: Path) -> None:
    items = [
        offer("webshop", "Retkikeitin", "89.00"),
        offer("website", "Retkikeitin", "89.00"),
        claim("website", "returns", "30 päivän palautusoikeus"),
    ]
    summary = headline_of(tmp_path, {"webshop": "webshop", "website": "website"}, items)
    assert summary["headline"] == "2 channels, 0 products linked, 1 claim compared: no findings"
    assert summary["all_clear"] is True


@pytest.mark.parametrize(
    ("channels", "items", "shortfall"),
    [
        (
            {"webshop": "webshop"},
            [offer("webshop", "Retkikeitin", "89.00")],
            "fewer than two complete channels were compared",
        ),
        (
            {"webshop": "webshop", "website": "website"},
            [offer("webshop", "Retkikeitin", "89.00")],
            "website yielded no offers",
        ),
        (
            {"webshop": "webshop", "instagram": "social"},
            [offer("webshop", "Retkikeitin", "89.00")],
            "instagram yielded no posts",
        ),
    ],
)
def test_no_findings_is_never_called_agreement_when_too_little_was_compared(
    tmp_path: Path, channels: dict[str, str], items: list[Any], shortfall: str
) -> None:
    summary = headline_of(tmp_path, channels, items)
    assert summary["headline"].endswith(f": no findings — Not an all-clear: {shortfall}")
    assert summary["all_clear"] is False


def test_a_channel_that_read_nothing_is_said_in_every_format(tmp_path: Path) -> None:
    store, run_id = stored_run(
        tmp_path / "h.db",
        {"webshop": "webshop", "website": "website"},
        [offer("webshop", "Retkikeitin", "89.00")],
    )
    store.save_findings(run_id, [])
    report = build_report(store, run_id)
    expected = "website yielded no offers"
    assert expected in str(render(report, "table"))
    assert expected in str(render(report, "html"))
    assert expected in json.loads(str(render(report, "json")))["summary"]["headline"]
    from checker.reports.notify import summary

    message = summary(report)
    assert message is not None and expected in message[1]  # worth an alert, though nothing is new


# -- changed -------------------------------------------------------------------------------


def two_runs(tmp_path: Path, second: str) -> Store:
    store = Store(tmp_path / "c.db")
    checked_run(
        store, [price_finding("Otsalamppu 300", "34.90", "29.90"), missing_finding("returns")]
    )
    checked_run(
        store, [price_finding("Otsalamppu 300", "34.90", second), missing_finding("returns")]
    )
    return store


def test_a_persisting_finding_whose_gap_grew_is_changed(tmp_path: Path) -> None:
    store = two_runs(tmp_path, "24.90")
    report = build_report(store, 2)
    lamp = next(f for f in report.findings if f["kind"] == "price_mismatch")
    returns = next(f for f in report.findings if f["kind"] == "missing_in_channel")
    assert (lamp["status"], lamp["changed"]) == ("persisting", True)
    assert lamp["changes"] == {"website": {"before": "29.90 EUR", "after": "24.90 EUR"}}
    assert (returns["status"], returns["changed"]) == ("persisting", False)
    assert fails(report.findings, "changed") and not fails(report.findings, "new")
    assert report.summary()["changed"] == 1

    data = json.loads(str(render(report, "json")))
    assert [f["changed"] for f in data["findings"]] == [True, False]
    rows = list(csv.DictReader(io.StringIO(str(render(report, "csv")))))
    assert {
        (r["channel"], r["changed"], r["before"]) for r in rows if r["kind"] == "price_mismatch"
    } == {
        ("webshop", "yes", ""),
        ("website", "yes", "29.90 EUR"),
    }
    table = str(render(report, "table"))
    assert "PERSISTING  " in table and "  CHANGED\n" in table
    assert "  ~ website: 29.90 EUR → 24.90 EUR" in table
    html = str(render(report, "html"))
    assert '<span class="status status-changed">changed</span>' in html
    assert "(was €29.90)" in html
    assert "(changed since the baseline)" in str(render(report, "junit"))

    result = compare_runs(store)
    assert result.counts()["changed"] == 1
    assert render_diff(result).splitlines()[0] == (
        "run 2 compared with run 1: 0 new, 2 persisting (1 changed), 0 waived, 0 resolved"
    )


@pytest.mark.parametrize("same", ["29.90", "29.9"])
def test_nothing_is_changed_when_nothing_changed(tmp_path: Path, same: str) -> None:
    report = build_report(two_runs(tmp_path, same), 2)
    assert [f["changed"] for f in report.findings] == [False, False]
    assert not fails(report.findings, "changed")
    assert "CHANGED" not in str(render(report, "table"))


# -- spreadsheets --------------------------------------------------------------------------


def test_excel_keeps_identifiers_as_text_and_no_csv_runs_a_formula(tmp_path: Path) -> None:
    store = Store(tmp_path / "x.db")
    hostile = price_finding("-1+1", "5.00", "6.00", sku="0012", gtin="7350012345678")
    hostile.channels["website"]["evidence"] = '=HYPERLINK("http://evil","x")'
    checked_run(store, [hostile])
    report = build_report(store, 1)
    excel = list(csv.DictReader(io.StringIO(str(render(report, "csv-excel"))[1:]), delimiter=";"))
    assert {(r["gtin"], r["sku"]) for r in excel} == {('="7350012345678"', '="0012"')}
    assert excel[0]["fingerprint"] == f'="{hostile.fingerprint}"'
    plain = list(csv.DictReader(io.StringIO(str(render(report, "csv")))))
    assert {r["subject"] for r in plain} == {"'-1+1"}
    assert {r["evidence"] for r in plain if r["channel"] == "website"} == {
        '\'=HYPERLINK("http://evil","x")'
    }
    assert {(r["gtin"], r["sku"], r["price"]) for r in plain} == {
        ("7350012345678", "0012", "5.00"),
        ("7350012345678", "0012", "6.00"),
    }


def test_the_findings_come_in_the_order_to_fix_them(tmp_path: Path) -> None:
    store = Store(tmp_path / "o.db")
    low = price_finding("Aa", "1.00", "2.00")
    low.severity = "low"
    wide = Finding(**{**price_finding("Zz", "1.00", "2.00").to_dict(), "fingerprint": ""})
    wide.channels["feed"] = dict(wide.channels["website"])
    wide = Finding(**{**wide.to_dict(), "fingerprint": ""})
    old = price_finding("Yy", "1.00", "2.00")
    checked_run(store, [old])
    checked_run(
        store, [low, missing_finding("returns"), price_finding("Bb", "1.00", "2.00"), old, wide]
    )
    subjects = [
        f["subject"].get("name") or f["subject"]["service"] for f in build_report(store, 2).findings
    ]
    # high first: three channels, then the oldest, then by name; medium; low
    assert subjects == ["Zz", "Yy", "Bb", "returns", "Aa"]
    assert [t["kind"] for t in build_report(store, 2).summary()["types"]] == [
        "price_mismatch",
        "missing_in_channel",
    ]


def test_a_report_can_be_read_in_another_language(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from checker.cli import cli

    store = Store(tmp_path / "l.db")
    checked_run(store, [price_finding("Otsalamppu 300", "34.90", "29.90")], locale="fi_FI")
    store.close()
    arguments = ["report", "--db", str(tmp_path / "l.db")]
    finnish = CliRunner().invoke(cli, arguments).output
    swedish = CliRunner().invoke(cli, [*arguments, "--locale", "sv_SE"]).output
    assert f"[KORKEA] Hinta eroaa: webshop 34,90{NBSP}€, website 29,90{NBSP}€" in finnish
    assert f"[HÖG] Priset skiljer sig: webshop 34,90{NBSP}€, website 29,90{NBSP}€" in swedish


@pytest.mark.parametrize(
    ("locale", "link", "said"),
    [
        ("en", {"method": "name", "score": 96.4}, "linked by its name (96 % alike)"),
        ("fi_FI", {"method": "gtin", "score": None}, "yhdistetty GTIN-koodista"),
        ("sv_SE", {"method": "mention", "score": 88.0}, "nämnd i inlägget (88 % lika)"),
        ("en", {"method": "override", "score": None}, "linked by your overrides file"),
        ("en", {"method": "alone", "score": None}, None),
        ("en", {"method": "brand_model", "score": 90.0}, "linked by brand_model 90.0"),
    ],
)
def test_how_an_offer_was_linked_is_said_in_words(
    locale: str, link: dict[str, Any], said: str | None
) -> None:
    """The table report says how each offer joined its product in the reader's language, not
    as the linker's method and score ("name 100.0"); a method without words falls back."""
    assert Wording(locale).link(link) == said
