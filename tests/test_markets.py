"""Channels of two markets in one configuration (`market: fi`, `market: ee`): each market is
compared with itself only, even when both sell in euros."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from checker.config import ConfigError, parse_config
from checker.engine import check_run
from checker.rule_types.availability_mismatch import AvailabilityMismatch
from checker.rule_types.claim_conflict import ClaimConflict
from checker.rule_types.missing_in_channel import MissingInChannel
from checker.rule_types.price_mismatch import PriceMismatch
from crawler.items import ServiceClaim
from crawler.store import Store
from tests.factories import offer, stored_run

CHANNELS = {
    "shop-fi": "webshop",
    "site-fi": "website",
    "shop-ee": "webshop",
    "site-ee": "website",
}
MARKETS = {"shop-fi": "fi", "site-fi": "fi", "shop-ee": "ee", "site-ee": "ee"}
RULES = [
    PriceMismatch("price-parity", "high"),
    ClaimConflict("claims"),
    MissingInChannel("presence"),
    AvailabilityMismatch("availability"),
]


def returns(channel: str, days: str) -> ServiceClaim:
    return ServiceClaim(
        channel,
        f"https://{channel}.example/palvelut",
        "returns",
        f"{days} päivän palautusoikeus.",
        low=Decimal(days),
        high=Decimal(days),
        unit="days",
    )


def pickup(channel: str) -> ServiceClaim:
    url = f"https://{channel}.example/palvelut"
    return ServiceClaim(channel, url, "click_and_collect", "Nouda myymälästä.")


def items(fi_site_price: str = "89.00") -> list[Any]:
    """Each market consistent with itself: its own price, returns and services."""
    return [
        offer("shop-fi", "Retkikeitin Kompakti", "89.00", availability="in_stock"),
        offer("site-fi", "Retkikeitin Kompakti", fi_site_price, availability="in_stock"),
        offer("shop-ee", "Retkikeitin Kompakti", "79.00", availability="out_of_stock"),
        offer("site-ee", "Retkikeitin Kompakti", "79.00", availability="out_of_stock"),
        returns("shop-fi", "30"),
        returns("site-fi", "30"),
        returns("shop-ee", "14"),
        returns("site-ee", "14"),
        pickup("shop-fi"),
        pickup("site-fi"),
    ]


def check(tmp_path: Path, markets: dict[str, str] | None, stored: list[Any]) -> list[dict]:
    store, run_id = stored_run(tmp_path / "run.db", CHANNELS, stored, markets=markets)
    return [f.to_dict() for f in check_run(store, run_id, RULES).findings]


def test_two_markets_each_consistent_give_no_finding(tmp_path: Path) -> None:
    assert check(tmp_path, MARKETS, items()) == []


def test_without_markets_the_same_channels_are_all_compared(tmp_path: Path) -> None:
    """What `market:` prevents: one euro market, so every difference is a finding."""
    kinds = sorted(f["kind"] for f in check(tmp_path, None, items()))
    assert kinds == [
        "availability_mismatch",
        "claim_conflict",
        "missing_in_channel",
        "price_mismatch",
    ]


def test_a_difference_inside_one_market_is_still_found(tmp_path: Path) -> None:
    [finding] = check(tmp_path, MARKETS, items(fi_site_price="99.00"))
    assert finding["kind"] == "price_mismatch"
    assert sorted(finding["channels"]) == ["shop-fi", "site-fi"]
    assert finding["message"].startswith("Retkikeitin Kompakti: prices differ by 10.00 EUR")


def test_the_market_is_stored_with_the_run_and_added_to_older_databases(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = Store(path)
    # a database made before the column, and before migrations were recorded
    store.db.conn.execute("ALTER TABLE channels DROP COLUMN market")
    store.db.conn.execute("DROP TABLE _sqlite_migrations")
    store.close()
    store = Store(path)  # an older database gets the column on open
    run_id = store.start_run("t", [("shop-fi", "webshop", "fi"), ("feed", "feed")])
    assert [(c["channel"], c["market"]) for c in store.channels(run_id)] == [
        ("shop-fi", "fi"),
        ("feed", None),
    ]


CONFIG = "channels:\n  - {name: shop-fi, kind: webshop, start_urls: [https://k.fi/]%s}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            CONFIG % ", market: fi"
            + "  - {name: shop-ee, kind: webshop, start_urls: [https://k.ee/]}\n",
            "omnicheck.yml:3: channels[1].market: missing: when one channel names its market,"
            " every channel must (channels are compared only with channels of the same market)",
        ),
        (
            CONFIG % ", market: no",
            "omnicheck.yml:2: channels[0].market: got False; quote a market named like a flag:"
            " market: 'no'",
        ),
        (
            CONFIG % ", market: [fi]",
            "omnicheck.yml:2: channels[0].market: expected a short name such as fi or se,"
            " got ['fi']",
        ),
    ],
)
def test_markets_are_named_on_every_channel_or_none(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "omnicheck.yml")
    assert str(raised.value) == expected


def test_a_market_is_read_and_folded_to_lower_case() -> None:
    config = parse_config(CONFIG % ", market: FI", "omnicheck.yml")
    assert config.channels[0].market == "fi"


def test_an_ended_campaign_post_is_judged_by_its_own_markets_prices(tmp_path: Path) -> None:
    """An Estonian post's ended campaign is not stale because the Finnish shop's price differs."""
    from datetime import date, timedelta

    from checker.rule_types.stale_campaign import StaleCampaign
    from crawler.items import Post

    today = date.today()
    ended = Post(
        "insta-ee",
        "https://instagram.example/p/1",
        "Kantokassi Mini 7 L vain 49,90 €! Pakkumine kehtib 14.–21.11.",
        f"{(today - timedelta(days=9)).isoformat()}T10:00:00+02:00",
        valid_from=(today - timedelta(days=9)).isoformat(),
        valid_until=(today - timedelta(days=2)).isoformat(),
        campaign="14.–21.11.",
    )  # type: ignore[call-arg]
    stored = [offer("shop-fi", "Kantokassi Mini 7 L", "59.90"), ended]
    channels = {"shop-fi": "webshop", "insta-ee": "social"}

    def kinds(folder: str, markets: dict[str, str] | None) -> list[str]:
        store, run_id = stored_run(tmp_path / f"{folder}.db", channels, stored, markets=markets)
        findings = check_run(store, run_id, [StaleCampaign("stale")]).findings
        return [finding.kind for finding in findings]

    assert kinds("one-market", None) == ["stale_campaign"]
    assert kinds("two-markets", {"shop-fi": "fi", "insta-ee": "ee"}) == []


def test_a_crawl_records_each_channels_configured_market(tmp_path: Path) -> None:
    from crawler.run.process import start_run

    text = (
        "channels:\n"
        "  - {name: shop-fi, kind: webshop, start_urls: [https://k.fi/], market: fi}\n"
        "  - {name: shop-se, kind: webshop, start_urls: [https://k.se/], market: se}\n"
    )
    store = Store(tmp_path / "run.db")
    run_id, _ = start_run(parse_config(text, tmp_path / "omnicheck.yml").crawl_plan(), store)
    assert {c["channel"]: c["market"] for c in store.channels(run_id)} == {
        "shop-fi": "fi",
        "shop-se": "se",
    }
