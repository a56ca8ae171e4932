"""promoted_product_missing — a product promoted on social that a selling channel does not sell.

**What it checks**: every product named in a current social post (see "current" in
docs/channels.md) that another channel knows — the brand website, a product feed — but that
is not among the products of the channels that must sell it (by default every webshop). Only
channels whose crawl was complete are reported: not having seen a page is not evidence that the
product is missing; nor is a name in the post that a product of that channel also fits. Only
channels of the post's market must sell it: a post of a SEK channel promotes to the SEK shop, not
to the EUR one (a channel's market is its `market:` in the configuration, else the
currencies of its prices and of its posts).

**Why it matters**: a campaign that sends customers to a product they cannot buy wastes the
campaign and the customer's patience; often the feed or the post is out of date.

**Example**: instagram posts "Uutuus: Retkituoli Kevyt 39,90 €!", the Merchant Center feed
lists Retkituoli Kevyt, the webshop's complete crawl has no such product → one
`missing_in_channel` finding with the post's sentence as evidence and the webshop as missing.

**Options**:
- `channels` (list, default none): the channels that must sell a promoted product. When not set,
  every channel whose kind is in `kinds`.
- `kinds` (list, default [webshop]): channel kinds required when `channels` is not set.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.findings import Finding
from checker.linking.mentions import Mention, snippet
from checker.rule_types.base import (
    Option,
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
    options = (
        Option("channels", list, None, "channels that must sell every promoted product"),
        Option("kinds", list, ["webshop"], "channel kinds required when channels is unset"),
    )

    def check(self, view: RunView) -> Iterator[Finding]:
        required = self.settings["channels"] or [
            name
            for name, channel in view.channels.items()
            if channel["kind"] in self.settings["kinds"]
        ]
        required = [name for name in required if view.complete(name)]
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

    def _finding(self, mention: Mention, missing: list[str], view: RunView) -> Finding:
        post = mention.post
        sellers = sorted(
            c for c in mention.product.channels if c not in missing and c != post["channel"]
        )
        channels = {
            post["channel"]: {
                "url": post["url"],
                "value": "promoted",
                "published": post["published"],
                "evidence": snippet(post["text"], mention.start),
                "link": {"method": "mention", "score": mention.score},
            }
        }
        for name in sellers:
            offer = next(o for o in mention.product.offers if o["channel"] == name)
            channels[name] = {"url": offer["url"], "value": "listed", "evidence": offer["name"]}
        for name in missing:
            count = view.channels[name].get("offers", 0)
            channels[name] = {
                "url": None,
                "value": "missing",
                "evidence": f"not among the {count} products read from {name}",
            }
        return self.finding(
            subject=product_subject(mention.product),
            channels=channels,
            message=(
                f"{product_name(mention.product)} is promoted on {post['channel']} "
                f"but not sold on {', '.join(missing)}"
            ),
        )
