"""promoted_product_missing — a product promoted on social that a selling channel does not sell.

**What it checks**: every product named in a current social post (see "current" in
docs/channels.md) that is not among the products of the channels that must sell it (by default
every webshop): a product another channel knows — the brand website, a product feed — found by
its name in the post, and a product no channel lists, whose name the post gives only in its
words (capitalised words and sizes just before a current price or an in-stock phrase, or after
"Uutuus:"; see docs/linking.md, "Products no channel lists"). Only channels whose crawl was
complete, and that gave products, are reported: not having seen a page is not evidence that the
product is missing; nor is a name in the post that a product of that channel also fits — the
shop's name may say more (a size the post leaves out) or put the words in another order. A name
that is a category, a collection, a sale or a brand alone is no product. Only channels of the
post's market must sell it: a post of a SEK channel promotes to the SEK shop, not to the EUR
one (a channel's market is its `market:` in the configuration, else the currencies of its
prices and of its posts).

**Why it matters**: a campaign that sends customers to a product they cannot buy wastes the
campaign and the customer's patience; often the feed or the post is out of date.

**Example**: instagram posts "Uutuus: Retkituoli Kevyt 39,90 €!", the Merchant Center feed
lists Retkituoli Kevyt, the webshop's complete crawl has no such product → one
`missing_in_channel` finding with the post's sentence as evidence and the webshop as missing.
Without the feed, the same post gives the same finding, its subject the name the post wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field

from checker.findings import Finding
from checker.linking.mentions import Mention, snippet
from checker.linking.unlisted import Unlisted, unlisted_products
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


@register
class PromotedProductMissing(RuleType):
    name = "promoted_product_missing"
    kind = "missing_in_channel"

    class Options(RuleOptions):
        channels: Names = Field(
            None,
            description="the channels that must sell a promoted product. When unset, every"
            " channel whose kind is in `kinds`.",
        )
        kinds: Kinds = Field(
            ["webshop"], description="channel kinds required when `channels` is unset."
        )

    def check(self, view: RunView) -> Iterator[Finding]:
        required = self.settings["channels"] or [
            name
            for name, channel in view.channels.items()
            if channel["kind"] in self.settings["kinds"]
        ]
        # A channel that gave no product at all was not read, whatever its pages: no evidence.
        required = [n for n in required if view.complete(n) and view.channels[n].get("offers")]
        reported: set[int] = set()
        for mention in view.mentions:
            if mention.state != "current" or id(mention.product) in reported:
                continue
            missing = [
                name
                for name in required
                if view.same_market(name, mention.post["channel"])
                and not any(name in p.channels for p in [mention.product, *mention.alternatives])
            ]
            if missing:
                reported.add(id(mention.product))
                yield self._finding(mention, missing, view)
        social = {name for name, channel in view.channels.items() if channel["kind"] == "social"}
        for named in unlisted_products(view.posts, view.products, view.day, social):
            missing = [name for name in required if view.same_market(name, named.post["channel"])]
            if missing:
                yield self._unlisted_finding(named, missing, view)

    def _finding(self, mention: Mention, missing: list[str], view: RunView) -> Finding:
        post = mention.post
        sellers = sorted(
            c for c in mention.product.channels if c not in missing and c != post["channel"]
        )
        channels = {
            post["channel"]: {
                **_promoted(post, mention.start),
                "link": {"method": "mention", "score": mention.score},
            }
        }
        for name in sellers:
            offer = next(o for o in mention.product.offers if o["channel"] == name)
            channels[name] = {"url": offer["url"], "value": "listed", "evidence": offer["name"]}
        channels.update(_missing(missing, view))
        return self.finding(
            subject=product_subject(mention.product),
            channels=channels,
            message=(
                f"{product_name(mention.product)} is promoted on {post['channel']} "
                f"but not sold on {', '.join(missing)}"
            ),
        )

    def _unlisted_finding(self, named: Unlisted, missing: list[str], view: RunView) -> Finding:
        post = named.post
        channels = {post["channel"]: _promoted(post, named.start), **_missing(missing, view)}
        return self.finding(
            subject={"name": named.name, "sku": None, "gtin": None},
            channels=channels,
            message=(
                f"{named.name} is promoted on {post['channel']} but not sold on "
                f"{', '.join(missing)}; no channel lists it"
            ),
        )


def _promoted(post: dict[str, Any], start: int) -> dict[str, Any]:
    """The post that promotes the product, with its text around the name as evidence."""
    return {
        "url": post["url"],
        "value": "promoted",
        "published": post["published"],
        "evidence": snippet(post["text"], start),
    }


def _missing(channels: list[str], view: RunView) -> dict[str, dict[str, Any]]:
    """The channels that lack the product, each with how many products it was searched among."""
    return {
        name: {
            "url": None,
            "value": "missing",
            "evidence": f"not among the {view.channels[name].get('offers', 0)} products read"
            f" from {name}",
        }
        for name in channels
    }
