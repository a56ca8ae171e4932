"""claim_conflict — two channels state different values for the same service or product attribute.

**What it checks**: services that carry a number (days of returns, delivery time, years of
warranty, the order value for free delivery) compared across channels; and product attributes
(weight, volume, dimensions, waterproof rating, material, warranty, origin) compared per linked
product, after unit conversion. Two channels agree when any value one states agrees with any
value the other states, so a page that says "30 päivää" twice in different words is one value.
Ranges are compared bound by bound ("1–3 arkipäivää" = "1-3 days"; "1–3" ≠ "2–5"); measures
agree within `relative_tolerance` percent, so rounded marketing copy ("1,2 kg" vs "1 180 g") is no
finding; materials agree when one channel's list contains the other's. Negated claims ("ei
palautusoikeutta") and claims narrowed by a condition ("alennustuotteilla", "sale items") are
never compared with a general claim, and money in different currencies is never compared.

**Why it matters**: the website promising 30-day returns and the webshop 14, or a backpack that
weighs 1,2 kg in the webshop and 1 450 g on the brand site, is a promise one channel cannot keep
and a question for customer service; each channel's team sees only its own text.

**Example**: webshop palvelut.html says "Toimitusaika on 1–3 arkipäivää.", website palvelut.html
says "Toimitamme tilaukset 2–5 arkipäivässä." → one `claim_conflict` finding for
`delivery_time` with both values (1–3 days, 2–5 days), both URLs and both sentences. Vaellusreppu
40 L: webshop spec table "Paino | 1,2 kg", website "Paino: 1 450 g" → one finding for the
product's weight (1200 g vs 1450 g); "Sadesuojan paino 120 g" is the rain cover's, not compared.

**Options**:
- `channels` (list, default all): only compare these channels.
- `services` (list, default all): service ids to compare; `[]` compares none.
- `attributes` (list, default all): product attribute ids to compare; `[]` compares none.
- `relative_tolerance` (number, default 5): difference in percent of the smaller value that still
  counts as equal for measured product attributes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from checker.findings import Finding, fingerprint
from checker.linking.linker import Product
from checker.rule_types.base import Option, RuleType, RunView, product_subject, register
from crawler.extraction.attributes import default_attribute_vocabulary

MAX_SENTENCES = 3


@register
class ClaimConflict(RuleType):
    name = "claim_conflict"
    kind = "claim_conflict"
    options = (
        Option("channels", list, None, "channels to compare (default: all)"),
        Option("services", list, None, "service ids to compare (default: all)"),
        Option("attributes", list, None, "product attribute ids to compare (default: all)"),
        Option(
            "relative_tolerance",
            (int, float),
            5,
            "difference in percent still counted as equal for product attributes",
        ),
    )

    def check(self, view: RunView) -> Iterator[Finding]:
        yield from self._service_conflicts(view)
        yield from self._attribute_conflicts(view)

    # -- services -------------------------------------------------------------------------

    def _service_conflicts(self, view: RunView) -> Iterator[Finding]:
        wanted = self.settings["services"]
        # Services are compared within one market (as configured): returns may differ by country.
        groups: dict[tuple[str, str, str], dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for claim in view.claims:
            if claim["low"] is None or claim["negated"] or claim.get("condition"):
                continue
            if wanted is not None and claim["service"] not in wanted:
                continue
            if not self._wanted_channel(claim["channel"]):
                continue
            market = view.market(claim["channel"]) or ""
            groups[(market, claim["service"], claim["unit"] or "")][claim["channel"]].append(claim)
        for (_, service, unit), by_channel in sorted(groups.items()):
            values = {
                channel: {(c["low"], c["high"]) for c in claims}
                for channel, claims in by_channel.items()
            }
            if not _disagree(values, lambda a, b: a == b):
                continue
            label = view.label(service)
            channels = {
                channel: _service_evidence(by_channel[channel], unit)
                for channel in sorted(by_channel)
            }
            listed = ", ".join(f"{c} {seen['value']}" for c, seen in channels.items())
            yield self.finding(
                subject={"service": service, "label": label},
                channels=channels,
                message=f"{label}: channels state different values ({listed})",
                details={"unit": unit},
            )

    # -- product attributes ---------------------------------------------------------------

    def _attribute_conflicts(self, view: RunView) -> Iterator[Finding]:
        wanted = self.settings["attributes"]
        tolerance = Decimal(str(self.settings["relative_tolerance"])) / 100
        vocabulary = default_attribute_vocabulary()
        kinds = {attribute.id: attribute.kind for attribute in vocabulary.attributes}
        pages = {(row["channel"], row["url"]) for row in view.attributes}
        by_page = _product_of_page(view.products, pages)
        grouped: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for row in view.attributes:
            product = by_page.get((row["channel"], row["url"]))
            if product is None or not self._wanted_channel(row["channel"]):
                continue
            if wanted is not None and row["attribute"] not in wanted:
                continue
            grouped[(product.key, row["attribute"])][row["channel"]].append(row)
        products = {product.key: product for product in by_page.values()}
        for (key, attribute), by_channel in sorted(grouped.items()):
            kind = kinds.get(attribute, "named")
            values = {c: {row["value"] for row in rows} for c, rows in by_channel.items()}
            if not _disagree(values, lambda a, b, k=kind: _agree(k, a, b, tolerance)):
                continue
            yield self._attribute_finding(
                products[key], attribute, vocabulary.label(attribute), by_channel
            )

    def _attribute_finding(
        self,
        product: Product,
        attribute: str,
        label: str,
        by_channel: dict[str, list[dict[str, Any]]],
    ) -> Finding:
        subject = product_subject(product) | {"attribute": attribute, "label": label}
        channels = {}
        for channel in sorted(by_channel):
            rows = by_channel[channel]
            unit = f" {rows[0]['unit']}" if rows[0]["unit"] else ""
            offer = next(o for o in product.offers if o["url"] == rows[0]["url"])
            channels[channel] = {
                "url": rows[0]["url"],
                "value": "; ".join(sorted({row["value"] for row in rows})) + unit,
                "evidence": " / ".join(dict.fromkeys(r["evidence"] for r in rows[:MAX_SENTENCES])),
                "source": rows[0]["source"],
                "link": product.link_of(offer),
            }
        listed = ", ".join(f"{c} {seen['value']}" for c, seen in channels.items())
        subject_key = f"product:{product.key}:{attribute}"
        return self.finding(
            subject=subject,
            channels=channels,
            message=f"{subject['name']}: {label.lower()} differs ({listed})",
            fingerprint=fingerprint(self.rule_id, self.kind, subject_key, sorted(channels)),
        )

    def _wanted_channel(self, channel: str) -> bool:
        return not self.settings["channels"] or channel in self.settings["channels"]


def _disagree(values: dict[str, set[Any]], agree: Any) -> bool:
    """True when some two channels share no value that agrees."""
    channels = sorted(values)
    return any(
        not any(agree(a, b) for a in values[first] for b in values[second])
        for index, first in enumerate(channels)
        for second in channels[index + 1 :]
    )


def _agree(kind: str, a: str, b: str, tolerance: Decimal) -> bool:
    if kind == "named":
        left, right = set(a.split(",")), set(b.split(","))
        return left <= right or right <= left
    sides_a, sides_b = a.split("x"), b.split("x")
    if len(sides_a) != len(sides_b):
        return False
    return all(
        _close(Decimal(x), Decimal(y), tolerance) for x, y in zip(sides_a, sides_b, strict=True)
    )


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= min(a, b) * tolerance


def _product_of_page(
    products: Iterable[Product], pages: set[tuple[str, str]]
) -> dict[tuple[str, str], Product]:
    """The one product each of these (channel, url) offers; pages offering several products are
    left out, since their attributes could belong to any of them."""
    found: dict[tuple[str, str], Product] = {}
    ambiguous: set[tuple[str, str]] = set()
    if not pages:
        return found
    for product in products:
        for offer in product.offers:
            page = (offer["channel"], offer["url"])
            if page not in pages:
                continue
            if page in found and found[page] is not product:
                ambiguous.add(page)
            found[page] = product
    return {page: product for page, product in found.items() if page not in ambiguous}


def _service_evidence(claims: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """A channel's values for one service, each with the first sentence that states it."""
    first: dict[tuple[Decimal, Decimal], dict[str, Any]] = {}
    for claim in claims:
        first.setdefault((claim["low"], claim["high"]), claim)
    values = [
        f"{low}{'–' + str(high) if high != low else ''} {unit}".strip()
        for low, high in sorted(first)
    ]
    chosen = [first[value] for value in sorted(first)][:MAX_SENTENCES]
    return {
        "url": chosen[0]["url"],
        "value": "; ".join(values),
        "evidence": " / ".join(claim["sentence"] for claim in chosen),
        "sentences": [{"url": c["url"], "sentence": c["sentence"]} for c in chosen],
        "pages": sum(claim["pages"] for claim in claims),
    }
