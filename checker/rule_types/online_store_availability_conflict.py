"""online_store_availability_conflict — a product page and the stores' stock tell two stories.

**What it checks**: every linked product with stock per store (a local-inventory feed, a product
page's "availability in stores" block, schema.org `availableAtOrFrom`), against what each page
channel (by default every webshop and website) says about it:
- the page sends customers to the stores — "only in stores" (`InStoreOnly`, "Vain
  myymälöissä", "Endast i butik") or in stock there ("Saatavilla myymälöistä", "Finns i lager i
  5 butiker") — while every store with a word on the product has none;
- the page says the product is sold out and says nothing about the stores (or that they have
  none either) while a store has it on the shelf.
Stores that do not sell the product ("Ei valikoimassa", "Säljs ej i denna butik", a count of 0
where another source says the store does not carry it), stores whose sources disagree and
stores nobody states anything about are counted for neither side. A page that says "sold out
online, available in stores" tells the truth. Channels of two markets are never compared.

**Why it matters**: customers check a store's shelf online before they travel. A webshop that
calls a product sold out loses the customers two streets from a store that has it; one that
sends them to the stores when no store has it wastes their trip.

**Example**: the webshop's JSON-LD says Makuupussi Talvi -15 is `OutOfStock` and says nothing
about the stores; the Merchant Center local-inventory feed lists it in stock (3) in Helsinki →
one `online_store_availability_conflict` finding: webshop "sold out", merchant-feed "in stock in
stores" with each store's count.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from pydantic import Field

from checker.config.fields import Whole
from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.store_stock import StoreState, stock_by_channel, stores_for
from checker.rule_types.base import (
    Kinds,
    Names,
    RuleOptions,
    RuleType,
    RunView,
    product_name,
    product_subject,
    register,
)
from crawler.extraction.availability import stores_promised

# What a page says, in the words of the findings (``rules/messages`` translates them).
ONLY_IN_STORES = "only in stores"
IN_STORES = "in stock in stores"
SOLD_OUT = "sold out"
NONE_IN_STORES = "none in stores"


@register
class OnlineStoreAvailabilityConflict(RuleType):
    name = "online_store_availability_conflict"
    kind = "online_store_availability_conflict"

    class Options(RuleOptions):
        channels: Names = Field(
            None,
            description="the page channels whose word is checked. When unset, every channel"
            " whose kind is in `kinds`.",
        )
        kinds: Kinds = Field(
            ["webshop", "website"], description="channel kinds checked when `channels` is unset."
        )
        stock_channels: Names = Field(
            None, description="only these channels' stock per store counts; all when unset."
        )
        min_stores: Whole = Field(
            1,
            description='how many stores must state their stock before "every store has none"'
            " counts.",
        )

    def check(self, view: RunView) -> Iterator[Finding]:
        wanted = self.settings["channels"] or [
            name
            for name, channel in view.channels.items()
            if channel["kind"] in self.settings["kinds"]
        ]
        for product in view.products:
            if not view.stock.stores(product.key):
                continue
            for channel in wanted:
                offer = _page_offer(product, channel)
                said = _statement(offer) if offer is not None else None
                if offer is None or said is None:
                    continue
                stores = stores_for(
                    view.stock,
                    product.key,
                    self.settings["stock_channels"],
                    partial(view.same_market, channel),
                )
                known = [s for s in stores if s.status in ("in_stock", "out_of_stock")]
                stocked = [s for s in known if s.status == "in_stock"]
                if said == SOLD_OUT and stocked:
                    yield self._finding(product, channel, offer, said, stores, IN_STORES)
                elif said != SOLD_OUT and len(known) >= self.settings["min_stores"] and not stocked:
                    yield self._finding(product, channel, offer, said, stores, NONE_IN_STORES)

    def _finding(
        self,
        product: Product,
        channel: str,
        offer: dict[str, Any],
        said: str,
        stores: list[StoreState],
        shelves: str,
    ) -> Finding:
        page = {
            "url": offer["url"],
            "value": said,
            "availability": offer["availability"],
            "source": offer["sources"].get("availability"),
            "evidence": " / ".join(
                filter(
                    None,
                    [offer["evidence"].get(key) for key in ("availability", "store_availability")],
                )
            ),
            "link": product.link_of(offer),
        }
        channels = {channel: page}
        for name, seen in stock_by_channel(stores, shelves).items():
            if name == channel:  # the page's own block contradicts the page
                page["stores"], page["evidence"] = (
                    seen["stores"],
                    f"{page['evidence']} / {seen['evidence']}",
                )
            else:
                channels[name] = seen
        counted = [s for s in stores if s.status in ("in_stock", "out_of_stock")]
        having = [s.label for s in counted if s.status == "in_stock"]
        shelf = (
            f"in stock in {len(having)} of {len(counted)} stores ({', '.join(having)})"
            if shelves == IN_STORES
            else f"none in {len(counted)} of {len(counted)} stores"
        )
        return self.finding(
            subject=product_subject(product),
            channels=channels,
            message=f"{product_name(product)}: {channel} says {said}, but {shelf}",
            details={"stores": {s.label: s.status for s in stores}},
        )


def _page_offer(product: Product, channel: str) -> dict[str, Any] | None:
    """The channel's one page offer of the product (none when its pages say two things)."""
    offers = [o for o in product.offers if o["channel"] == channel and o["id"] > 0]
    said = {(o["availability"], o["evidence"].get("store_availability")) for o in offers}
    return offers[0] if len(said) == 1 else None


def _statement(offer: dict[str, Any]) -> str | None:
    """What the page tells a customer about the stores: only there, in stock there, or sold out
    (saying nothing of the stores, or that they have none either); None when neither."""
    promised = stores_promised(offer["evidence"].get("store_availability"))
    if promised:
        return ONLY_IN_STORES if offer["availability"] != "in_stock" else IN_STORES
    return SOLD_OUT if offer["availability"] == "out_of_stock" else None
