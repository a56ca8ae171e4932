"""availability_mismatch — one channel says a product can be bought now, another that it cannot.

**What it checks**: for every product linked across channels, the availability each channel
states: schema.org values and stock words on pages, Merchant Center's `availability` in feeds,
phrases such as "nyt saatavilla" / "slutsåld" / "back in stock" in current social posts. A
channel that says *in stock* disagrees with one that says *out of stock* or *discontinued*.
Pre-orders and back-orders, and channels that state nothing or two different things, are never
compared; nor are channels of two markets (a SEK shop and a EUR shop of the same retailer: sold
out in Sweden is no contradiction of in stock in Finland). An *implied* in stock — a page that
shows a price and no stock message at all — is compared only with `compare_implied`: a shop may
write its stock message with a script omnicheck did not run, so silence is no statement.

**Why it matters**: a post that says "nyt saatavilla" sends customers to a product page that says
"loppuunmyyty"; a feed that says in stock keeps paying for ads of a product nobody can buy.

**Example**: instagram posts "Makuupussi Talvi -15 on taas saatavilla!" on Monday, the webshop's
JSON-LD says `OutOfStock` → one `availability_mismatch` finding with both channels, the post's
sentence and the webshop's URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from checker.config.fields import Flag
from checker.findings import Finding
from checker.linking.linker import Product
from checker.rule_types.base import (
    Names,
    RuleOptions,
    RuleType,
    RunView,
    product_name,
    product_subject,
    register,
)
from crawler.extraction.offers import IMPLIED

AVAILABLE = {"in_stock"}
UNAVAILABLE = {"out_of_stock", "discontinued"}
LABELS = {
    "in_stock": "in stock",
    "out_of_stock": "out of stock",
    "discontinued": "discontinued",
}


@register
class AvailabilityMismatch(RuleType):
    name = "availability_mismatch"
    kind = "availability_mismatch"

    class Options(RuleOptions):
        channels: Names = Field(None, description="only compare these channels; all when unset.")
        compare_implied: Flag = Field(
            False,
            description="also compare an implied in stock (a price shown, no stock message).",
        )

    def check(self, view: RunView) -> Iterator[Finding]:
        for product in view.products:
            stated = self._channel_availability(product.offers)
            # Sold out in the Swedish shop and in stock in the Finnish one is two markets, not a
            # contradiction: only channels of one market are compared.
            conflicting = {
                channel
                for channel, offer in stated.items()
                for other, other_offer in stated.items()
                if {offer["availability"], other_offer["availability"]} & AVAILABLE
                and {offer["availability"], other_offer["availability"]} & UNAVAILABLE
                and view.same_market(channel, other)
            }
            if conflicting:
                yield self._finding(product, {c: stated[c] for c in conflicting})

    def _channel_availability(self, offers: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """One stated availability per channel; a channel stating two is left out."""
        wanted = self.settings["channels"]
        chosen: dict[str, dict[str, Any]] = {}
        ambiguous: set[str] = set()
        for offer in offers:
            channel = offer["channel"]
            if offer["availability"] not in AVAILABLE | UNAVAILABLE:
                continue
            implied = offer["sources"].get("availability") == IMPLIED
            if implied and not self.settings["compare_implied"]:
                continue
            if wanted and channel not in wanted:
                continue
            if channel in chosen and chosen[channel]["availability"] != offer["availability"]:
                ambiguous.add(channel)
            chosen.setdefault(channel, offer)
        return {c: offer for c, offer in chosen.items() if c not in ambiguous}

    def _finding(self, product: Product, stated: dict[str, dict[str, Any]]) -> Finding:
        channels = {
            channel: {
                "url": offer["url"],
                "value": LABELS[offer["availability"]],
                "availability": offer["availability"],
                "name": offer.get("name"),
                "source": offer["sources"].get("availability"),
                "evidence": offer["evidence"].get("availability"),
                "link": product.link_of(offer),
            }
            for channel, offer in sorted(stated.items())
        }
        listed = ", ".join(f"{value['value']} on {channel}" for channel, value in channels.items())
        return self.finding(
            subject=product_subject(product),
            channels=channels,
            message=f"{product_name(product)}: {listed}",
        )
