"""campaign_not_on_shelves — a product in a current campaign that the stores do not have.

**What it checks**: every product in a campaign that runs on the day of the run — named in a
current social post or newsletter that states a campaign window ("voimassa 20.–30.11.", "till
söndag") or a campaign price (a price with the old one beside it), or on sale in a product feed
(a `sale_price` in effect) — against its stock per store. A finding when the product is out of
stock in a store the rule's `stores` lists, or in more than `max_out_share` percent of the
stores that sell it. Stores that do not sell the product, whose sources disagree or about which
nothing is stated are not counted: a count of 0 for a product another source says the store
does not carry ("Ei valikoimassa") is not an empty shelf. A campaign that has ended (a
last-chance e-mail of last week), an upcoming one and posts older than their channel's recency
are not current; nor is a post of another market than the stock's.

**Why it matters**: customers who come to a store for the advertised product find an empty
shelf; the campaign pays for their disappointment, and for the next campaign's doubt.

**Example**: instagram's current post "Kantokassi 16 L nyt vain 69,90 € (norm. 79,90 €) –
tarjous voimassa 1.–7.12.", the local-inventory feed has it out of stock in Helsinki and in
Tampere → one `campaign_not_on_shelves` finding: instagram "campaign", merchant-feed "out of
stock in stores" with each store's count.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from pydantic import Field

from checker.config.fields import Amount
from checker.config.model import POST_KINDS
from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.mentions import snippet
from checker.linking.store_stock import StoreState, stock_by_channel, store_words, stores_for
from checker.rule_types.base import (
    Names,
    RuleOptions,
    RuleType,
    RunView,
    product_name,
    product_subject,
    register,
)

CAMPAIGN = "campaign"
OUT_IN_STORES = "out of stock in stores"


@register
class CampaignNotOnShelves(RuleType):
    name = "campaign_not_on_shelves"
    kind = "campaign_not_on_shelves"

    class Options(RuleOptions):
        channels: Names = Field(
            None,
            description="the channels whose campaigns count (social, newsletter, feed); all"
            " such channels when unset.",
        )
        stores: Names = Field(
            None,
            description="stores (codes, names or cities) that must have every campaign product:"
            " out of stock in any of them is a finding.",
        )
        max_out_share: Amount = Field(
            50,
            description="percent of the stores that sell a campaign product which may be out of"
            " stock before it is a finding.",
        )
        stock_channels: Names = Field(
            None, description="only these channels' stock per store counts; all when unset."
        )

    def check(self, view: RunView) -> Iterator[Finding]:
        for product in view.products:
            if not view.stock.stores(product.key):
                continue
            campaigns = self._campaigns(product, view)
            if not campaigns:
                continue
            first = next(iter(campaigns))
            stores = stores_for(
                view.stock,
                product.key,
                self.settings["stock_channels"],
                partial(view.same_market, first),
            )
            selling = [s for s in stores if s.status in ("in_stock", "out_of_stock")]
            empty = [s for s in selling if s.status == "out_of_stock"]
            required = [s for s in empty if self._required(s)]
            share = Decimal(len(empty) * 100) / len(selling) if selling else Decimal(0)
            if required or share > Decimal(str(self.settings["max_out_share"])):
                yield self._finding(product, campaigns, stores, empty, required)

    def _campaigns(self, product: Product, view: RunView) -> dict[str, dict[str, Any]]:
        """Each channel's current campaign for the product, as a finding's channel entry."""
        wanted = self.settings["channels"]
        found: dict[str, dict[str, Any]] = {}
        for mention in view.mentions:
            channel = mention.post["channel"]
            if mention.product is not product or mention.state != "current":
                continue
            if (wanted and channel not in wanted) or view.kind(channel) not in POST_KINDS:
                continue
            post, price, old = mention.post, mention.price("current"), mention.price("old")
            windowed = bool(post["valid_until"] or post["valid_from"])
            if not windowed and not (price and old and old.amount > price.amount):
                continue  # a product named, not a campaign
            found.setdefault(
                channel,
                {
                    "url": post["url"],
                    "value": CAMPAIGN,
                    "price": str(price.amount) if price else None,
                    "currency": price.currency if price else None,
                    "valid_until": post["valid_until"],
                    "published": post["published"],
                    "evidence": snippet(post["text"], (price or mention).start),
                    "link": {"method": "mention", "score": mention.score},
                },
            )
        for offer in product.offers:
            channel = offer["channel"]
            if offer["id"] < 0 or view.kind(channel) != "feed" or channel in found:
                continue
            if (wanted and channel not in wanted) or not _on_sale(offer, view.day):
                continue
            found[channel] = {
                "url": offer["url"],
                "value": CAMPAIGN,
                "price": str(offer["price"]),
                "currency": offer["currency"],
                "valid_until": offer.get("price_valid_until"),
                "evidence": offer["evidence"].get("price"),
                "link": product.link_of(offer),
            }
        return found

    def _required(self, state: StoreState) -> bool:
        """Whether the rule's `stores` names this store (its code, name or city)."""
        named = [store_words(name) for name in self.settings["stores"] or []]
        return any(words and set(words) <= state.words for words in named)

    def _finding(
        self,
        product: Product,
        campaigns: dict[str, dict[str, Any]],
        stores: list[StoreState],
        empty: list[StoreState],
        required: list[StoreState],
    ) -> Finding:
        channels = dict(campaigns)
        for name, seen in stock_by_channel(stores, OUT_IN_STORES).items():
            channels.setdefault(name, seen)
        selling = [s for s in stores if s.status in ("in_stock", "out_of_stock")]
        where = ", ".join(s.label for s in empty)
        return self.finding(
            subject=product_subject(product),
            channels=channels,
            message=(
                f"{product_name(product)} is in a current campaign on {', '.join(campaigns)}"
                f" but out of stock in {len(empty)} of {len(selling)} stores ({where})"
            ),
            details={
                "stores": {s.label: s.status for s in stores},
                "required": [s.label for s in required],
            },
        )


def _on_sale(offer: dict[str, Any], day: date) -> bool:
    """A feed's sale in effect on ``day``: a price below its regular price, within its dates."""
    regular, price = offer.get("regular_price"), offer.get("price")
    if regular is None or price is None or price >= regular:
        return False
    start, end = offer.get("price_valid_from"), offer.get("price_valid_until")
    return (not start or start[:10] <= day.isoformat()) and (not end or end[:10] >= day.isoformat())
