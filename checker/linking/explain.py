"""What was linked and how: the ``link`` of every finding, and the listing of ``omnicheck links``.

Every finding's subject gets ``link``: for each of its channels, the method that tied that
channel's offer to the product (``gtin``, ``sku``, ``mpn``, ``url``, ``name`` with its score,
``override``, or ``alone``), or for a service, ``service_vocabulary`` on each channel that
describes it (claims are the same service when ``rules/vocab/services.yml`` reads them so).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from checker.findings import Finding
from checker.linking.linker import Product
from checker.linking.overrides import Selector

SERVICE_LINK = {"method": "service_vocabulary", "score": None}


def explain_links(findings: list[Finding], find: Callable[[str], Product | None]) -> None:
    """Add to each finding's subject how each of its channels was linked to the subject
    (``find`` gives the product of a key)."""
    for finding in findings:
        subject = finding.subject
        if "service" in subject:
            subject["link"] = {
                channel: dict(SERVICE_LINK)
                for channel, seen in finding.channels.items()
                if seen.get("value") != "missing"
            }
            continue
        product = find(subject.get("product", ""))
        if product is not None:
            links = product.links_by_channel()
            subject["link"] = {c: links[c] for c in finding.channels if c in links}


@dataclass
class LinkListing:
    """Products linked across the chosen channels, and offers that could not be linked."""

    channels: list[str]
    linked: list[dict[str, Any]] = field(default_factory=list)
    unlinked: list[dict[str, Any]] = field(default_factory=list)
    methods: Counter[str] = field(default_factory=Counter)
    unmatched_overrides: list[Selector] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "channels": self.channels,
            "summary": {
                "linked_products": len(self.linked),
                "unlinked_offers": len(self.unlinked),
                "methods": dict(sorted(self.methods.items())),
            },
            "linked": self.linked,
            "unlinked": self.unlinked,
            "unmatched_overrides": [
                {"selector": s.describe(), "line": s.line} for s in self.unmatched_overrides
            ],
        }


def list_links(products: Iterable[Product], channels: list[str] | None = None) -> LinkListing:
    """Products with offers on two or more of ``channels`` (default: all), and the offers on
    those channels whose product has no offer on any other of them."""
    wanted = set(channels) if channels else {o["channel"] for p in products for o in p.offers}
    listing = LinkListing(sorted(wanted))
    for product in products:
        offers = [offer for offer in product.offers if offer["channel"] in wanted]
        if not offers:
            continue
        rows = [_offer_row(product, offer) for offer in offers]
        if len({offer["channel"] for offer in offers}) >= 2:
            listing.linked.append({"product": product.key, "offers": rows})
            listing.methods.update(row["method"] for row in rows)
        else:
            listing.unlinked.extend({"product": product.key, **row} for row in rows)
    return listing


def _offer_row(product: Product, offer: dict[str, Any]) -> dict[str, Any]:
    return {
        "channel": offer["channel"],
        "name": offer.get("name"),
        "url": offer.get("url"),
        **product.link_of(offer),
    }


def describe_listing(listing: LinkListing, unlinked_only: bool = False) -> str:
    """The listing as text for a terminal."""
    lines: list[str] = []
    if not unlinked_only:
        for product in listing.linked:
            lines.append(product["product"])
            for row in product["offers"]:
                how = row["method"] + (f" {row['score']}" if row["score"] is not None else "")
                lines.append(f"  {row['channel']:<12} {how:<12} {row['name'] or '-'}  {row['url']}")
    if listing.unlinked:
        lines.append(f"not linked to any other of {', '.join(listing.channels)}:")
        for row in listing.unlinked:
            lines.append(f"  {row['channel']:<12} {row['name'] or '-'}  {row['url']}")
    for selector in listing.unmatched_overrides:
        lines.append(f"override matched no offer (line {selector.line}): {selector.describe()}")
    methods = ", ".join(f"{m} {n}" for m, n in sorted(listing.methods.items())) or "none"
    lines.append(
        f"{len(listing.linked)} products linked across {', '.join(listing.channels)} "
        f"(offers by method: {methods}); {len(listing.unlinked)} offers not linked"
    )
    return "\n".join(lines) + "\n"
