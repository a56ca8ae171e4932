"""price_mismatch — the same product has different current prices on two channels.

**What it checks**: for every product linked across channels, the current selling price each
channel shows (not the struck-through old price, not a from-price of a product with variants).
Prices in different currencies are never compared with each other.

**Why it matters**: a customer who sees 119,90 € on the brand website and pays 129,90 € in the
webshop loses trust, and in many markets the advertised price is binding.

**Example**: webshop shows "Vaellusreppu 40 L" at 129,90 EUR (JSON-LD), website at 119,90 EUR
(selector `.hinta`) → one `price_mismatch` finding naming both channels, both prices, both URLs
and the evidence; "89 €" on one channel and "89,00 €" on another is the same price and no finding.

**Options**:
- `tolerance` (number, default 0.01): absolute difference in currency units that still counts as
  equal (rounding).
- `relative_tolerance` (number, default 0): difference in percent of the lower price that still
  counts as equal.
- `channels` (list, default all): only compare these channels.
- `compare_from_prices` (true/false, default false): also compare "from" prices of products with
  variants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from checker.findings import Finding
from checker.rule_types.base import Option, RuleType, RunView, product_subject, register


@register
class PriceMismatch(RuleType):
    name = "price_mismatch"
    kind = "price_mismatch"
    options = (
        Option("tolerance", (int, float), 0.01, "absolute difference still counted as equal"),
        Option(
            "relative_tolerance", (int, float), 0, "difference in percent still counted as equal"
        ),
        Option("channels", list, None, "channels to compare (default: all)"),
        Option("compare_from_prices", bool, False, "also compare from-prices of variant products"),
    )

    def check(self, view: RunView) -> Iterator[Finding]:
        wanted = self.settings["channels"]
        tolerance = Decimal(str(self.settings["tolerance"]))
        relative = Decimal(str(self.settings["relative_tolerance"]))
        for product in view.products:
            # Prices are compared within one market (as configured) and one currency.
            groups: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
            for channel, offer in self._channel_prices(product.offers, wanted).items():
                groups[(view.market(channel) or "", offer["currency"])][channel] = offer
            for (_, currency), offers in sorted(groups.items()):
                if len(offers) < 2:
                    continue
                prices = [offer["price"] for offer in offers.values()]
                low, high = min(prices), max(prices)
                if high - low <= tolerance or high - low <= low * relative / 100:
                    continue
                yield self._finding(product, offers, currency, low, high)

    def _channel_prices(
        self, offers: list[dict[str, Any]], wanted: list[str] | None
    ) -> dict[str, dict[str, Any]]:
        """One unambiguous priced offer per channel; a channel showing two prices is skipped."""
        chosen: dict[str, dict[str, Any]] = {}
        ambiguous: set[str] = set()
        for offer in offers:
            channel = offer["channel"]
            if wanted and channel not in wanted:
                continue
            if offer["price"] is None or not offer["currency"]:
                continue
            if offer["is_from_price"] and not self.settings["compare_from_prices"]:
                continue
            if channel in chosen and chosen[channel]["price"] != offer["price"]:
                ambiguous.add(channel)
            chosen.setdefault(channel, offer)
        return {channel: offer for channel, offer in chosen.items() if channel not in ambiguous}

    def _finding(
        self,
        product: Any,
        offers: dict[str, dict[str, Any]],
        currency: str,
        low: Decimal,
        high: Decimal,
    ) -> Finding:
        subject = product_subject(product)
        channels = {
            channel: {
                "url": offer["url"],
                "value": f"{offer['price']} {currency}",
                "price": str(offer["price"]),
                "currency": currency,
                "regular_price": str(offer["regular_price"]) if offer["regular_price"] else None,
                "name": offer.get("name"),
                "source": offer["sources"].get("price"),
                "evidence": offer["evidence"].get("price"),
                "link": product.link_of(offer),
            }
            for channel, offer in sorted(offers.items())
        }
        listed = ", ".join(f"{c} {offers[c]['price']} {currency}" for c in sorted(offers))
        return self.finding(
            subject=subject,
            channels=channels,
            message=f"{subject['name']}: prices differ by {high - low} {currency} ({listed})",
            details={"difference": str(high - low), "currency": currency},
        )
