"""stale_campaign — a campaign price still shown after the campaign ended.

**What it checks**: two places a campaign outlives its end date.
- A page or feed offer whose discounted price (a current price below a struck-through regular
  price) carries a validity end (schema.org `priceValidUntil`) before the day of the run.
- A social post still within its channel's recency whose campaign window ended ("tarjous
  voimassa 20.–30.11.") and whose campaign price is no longer what the other channels ask.
  A newer current post about the same product on the same channel replaces it, and a price the
  other channels still ask is no finding: the campaign was simply extended. A newsletter is
  never stale: an e-mail is sent once, and its campaign ending after it was sent is history.

**Why it matters**: a customer who comes for the campaign price finds another one at the
checkout; in the EU a price shown as a campaign must hold for the period it is shown.

**Example**: the webshop's JSON-LD gives Retkikeitin Kompakti 89,00 EUR (was 99,90) with
`priceValidUntil` 2026-11-15, the run is on 2026-11-23 → one `stale_campaign` finding for the
webshop. Instagram's post of 20.11. "Kantokassi Mini 7 L vain 49,90 € – voimassa 18.–22.11.",
the webshop asks 59,90 € on 23.11. → one finding naming the post, its window and both prices.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from pydantic import Field

from checker.config.fields import Flag, Whole
from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.mentions import Mention, snippet
from checker.rule_types.base import (
    Names,
    RuleOptions,
    RuleType,
    RunView,
    product_name,
    product_subject,
    register,
)


@register
class StaleCampaign(RuleType):
    name = "stale_campaign"
    kind = "stale_campaign"

    class Options(RuleOptions):
        channels: Names = Field(None, description="only check these channels; all when unset.")
        grace_days: Whole = Field(
            0, description="days after a campaign's end before it counts as stale."
        )
        require_old_price: Flag = Field(
            True,
            description="for pages and feeds, only a price shown below a regular price counts"
            " as a campaign price (many shops write `priceValidUntil` on every price).",
        )

    def check(self, view: RunView) -> Iterator[Finding]:
        cutoff = view.day - timedelta(days=self.settings["grace_days"])
        for product in view.products:
            for offer in product.offers:
                if self._wanted(offer["channel"]) and self._expired_offer(offer, cutoff):
                    yield self._offer_finding(product, offer)
        for mention in view.mentions:
            if mention.state != "ended" or not self._wanted(mention.post["channel"]):
                continue
            if view.kind(mention.post["channel"]) == "newsletter":
                continue  # an e-mail is sent once: its campaign ending later is no stale price
            if _day(mention.post["valid_until"]) >= cutoff:
                continue
            finding = self._post_finding(mention, view)
            if finding is not None:
                yield finding

    def _wanted(self, channel: str) -> bool:
        wanted = self.settings["channels"]
        return not wanted or channel in wanted

    def _expired_offer(self, offer: dict[str, Any], cutoff: date) -> bool:
        if offer["id"] < 0 or not offer.get("price_valid_until") or offer["price"] is None:
            return False
        if _day(offer["price_valid_until"]) >= cutoff:
            return False
        regular = offer.get("regular_price")
        discounted = regular is not None and offer["price"] < regular
        return discounted or not self.settings["require_old_price"]

    def _offer_finding(self, product: Product, offer: dict[str, Any]) -> Finding:
        until = offer["price_valid_until"]
        price = f"{offer['price']} {offer['currency'] or ''}".strip()
        return self.finding(
            subject=product_subject(product),
            channels={
                offer["channel"]: {
                    "url": offer["url"],
                    "value": f"{price} valid until {until}",
                    "price": str(offer["price"]),
                    "regular_price": _text(offer.get("regular_price")),
                    "valid_until": until,
                    "source": offer["sources"].get("price"),
                    "evidence": offer["evidence"].get("price"),
                }
            },
            message=(
                f"{product_name(product)}: {offer['channel']} still shows the campaign price "
                f"{price}, valid until {until}"
            ),
        )

    def _post_finding(self, mention: Mention, view: RunView) -> Finding | None:
        price = mention.price("current")
        if price is None:
            return None
        channel = mention.post["channel"]
        published = mention.post["published"] or ""
        others: dict[str, dict[str, Any]] = {}
        for offer in mention.product.offers:
            if offer["channel"] == channel:
                if offer["id"] < 0 and (offer["published"] or "") > published:
                    return None  # a newer post about the product speaks for the channel
                continue
            if (
                offer["id"] > 0
                and offer["price"] is not None
                and offer["currency"] == price.currency
                and view.same_market(channel, offer["channel"])
            ):
                others.setdefault(offer["channel"], offer)
        if not others or any(o["price"] == price.amount for o in others.values()):
            return None
        until = mention.post["valid_until"]
        advertised = f"{price.amount} {price.currency or ''}".strip()
        channels = {
            channel: {
                "url": mention.post["url"],
                "value": f"{advertised} until {until}",
                "price": str(price.amount),
                "valid_until": until,
                "published": mention.post["published"],
                "evidence": mention.post["campaign"],
                "sentence": snippet(mention.post["text"], price.start),
                "link": {"method": "mention", "score": mention.score},
            }
        }
        for name, offer in sorted(others.items()):
            channels[name] = {
                "url": offer["url"],
                "value": f"{offer['price']} {offer['currency']}",
                "price": str(offer["price"]),
                "source": offer["sources"].get("price"),
                "evidence": offer["evidence"].get("price"),
                "link": mention.product.link_of(offer),
            }
        now = ", ".join(f"{n} {o['price']} {o['currency']}" for n, o in sorted(others.items()))
        return self.finding(
            subject=product_subject(mention.product),
            channels=channels,
            message=(
                f"{product_name(mention.product)}: {channel} still advertises {advertised}, "
                f"a campaign that ended on {until} (now {now})"
            ),
        )


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
