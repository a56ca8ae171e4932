"""claim_conflict — two channels state different values for the same service or product attribute.

**What it checks**: services that carry a number (days of returns, delivery time, years of
warranty, the order value for free delivery) compared across channels; and product attributes
(weight, volume, dimensions, waterproof rating, material, warranty, origin) compared per linked
product, after unit conversion. A service's numbers are compared value by value: every value one
channel states (a threshold, a number of days) must be stated by the other too, so a website
whose services page says "yli 79 €" disagrees with a webshop that says "yli 50 €" even where the
website's footer repeats the 50. A product attribute agrees when any value one channel states
agrees with any the other states. A value inside a stated range agrees with it, on either side
("paino 1,2–1,4 kg" and "1,3 kg"; "-10…-20 °C" and "-15 °C"; "1–3 arkipäivää" and "2
arkipäivää"); two ranges are compared bound by bound ("1–3" = "1-3 days"; "1–3" ≠ "2–5");
measures agree within `relative_tolerance` percent, so rounded marketing copy ("1,2 kg" vs
"1 180 g") is no finding; materials agree when one channel's list contains the other's. Values
that are not the same fact are never compared: negated claims ("ei palautusoikeutta") and claims
narrowed by a condition ("alennustuotteilla", "sale items", "noutopisteeseen") with a general
claim, money in different currencies, one side of a product with its three dimensions, and (at
extraction) a component's value ("sadesuojan paino") or another unit's ("120 g/m²").

**Why it matters**: the website promising 30-day returns and the webshop 14, or a backpack that
weighs 1,2 kg in the webshop and 1 450 g on the brand site, is a promise one channel cannot keep
and a question for customer service; each channel's team sees only its own text.

**Example**: webshop palvelut.html says "Toimitusaika on 1–3 arkipäivää.", website palvelut.html
says "Toimitamme tilaukset 2–5 arkipäivässä." → one `claim_conflict` finding for
`delivery_time` with both values (1–3 days, 2–5 days), both URLs and both sentences. Vaellusreppu
40 L: webshop spec table "Paino | 1,2 kg", website "Paino: 1 450 g" → one finding for the
product's weight (1200 g vs 1450 g); "Sadesuojan paino 120 g" is the rain cover's, not compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import Field

from checker.config.fields import Amount
from checker.findings import Finding, fingerprint
from checker.linking.linker import Product
from checker.rule_types.base import Names, RuleOptions, RuleType, RunView, product_subject, register
from crawler.extraction.attributes import default_attribute_vocabulary

MAX_SENTENCES = 3


@register
class ClaimConflict(RuleType):
    name = "claim_conflict"
    kind = "claim_conflict"

    class Options(RuleOptions):
        channels: Names = Field(None, description="only compare these channels; all when unset.")
        services: Names = Field(
            None, description="service ids to compare; all when unset, `[]` compares none."
        )
        attributes: Names = Field(
            None,
            description="product attribute ids to compare; all when unset, `[]` compares none.",
        )
        relative_tolerance: Amount = Field(
            5,
            description="difference in percent of the smaller value that still counts as equal"
            " for measured product attributes.",
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
            if not _disagree(values, _within_or_equal, every_value=True):
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


def _disagree(values: dict[str, set[Any]], agree: Any, every_value: bool = False) -> bool:
    """True when some two channels disagree: share no value that agrees, or with
    ``every_value``, one states a value the other does not. Two channels whose values are not the
    same fact (``agree`` gives None for every pair) do not disagree."""
    channels = sorted(values)
    return any(
        _pair_disagrees(values[first], values[second], agree, every_value)
        for index, first in enumerate(channels)
        for second in channels[index + 1 :]
    )


def _pair_disagrees(left: set[Any], right: set[Any], agree: Any, every_value: bool) -> bool:
    verdicts = {(a, b): agree(a, b) for a in left for b in right}
    if all(verdict is None for verdict in verdicts.values()):
        return False
    if not every_value:
        return not any(verdicts.values())
    return any(not any(verdicts[(a, b)] for b in right) for a in left) or any(
        not any(verdicts[(a, b)] for a in left) for b in right
    )


def _within_or_equal(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    """Two (low, high) claims agree when equal, or when one is a single value inside the other's
    range ("2 arkipäivää" and "1–3 arkipäivää")."""
    if a == b:
        return True
    (low_a, high_a), (low_b, high_b) = a, b
    if low_a == high_a:
        return low_b <= low_a <= high_b
    if low_b == high_b:
        return low_a <= low_b <= high_a
    return False


def _agree(kind: str, a: str, b: str, tolerance: Decimal) -> bool | None:
    """Whether two attribute values agree; None when they are not the same fact (one side of a
    product against its three dimensions)."""
    if kind == "named":
        left, right = set(a.split(",")), set(b.split(","))
        return left <= right or right <= left
    sides_a, sides_b = a.split("x"), b.split("x")
    if len(sides_a) != len(sides_b):
        return None
    return all(
        _measures_agree(_bounds(x), _bounds(y), tolerance)
        for x, y in zip(sides_a, sides_b, strict=True)
    )


def _bounds(value: str) -> tuple[Decimal, Decimal]:
    """A stored measure as (low, high): "1200" or a range "1200..1400"."""
    low, _, high = value.partition("..")
    return Decimal(low), Decimal(high or low)


def _measures_agree(
    a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal], tolerance: Decimal
) -> bool:
    """Equal within the tolerance, bound by bound; a single value inside the other's range."""
    if a[0] == a[1] and b[0] != b[1]:
        a, b = b, a
    if b[0] == b[1] and a[0] != a[1]:
        low, high = a
        return low - abs(low) * tolerance <= b[0] <= high + abs(high) * tolerance
    return _close(a[0], b[0], tolerance) and _close(a[1], b[1], tolerance)


def _close(a: Decimal, b: Decimal, tolerance: Decimal) -> bool:
    return abs(a - b) <= min(abs(a), abs(b)) * tolerance


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


def claim_value(low: Decimal, high: Decimal, unit: str | None) -> str:
    """A claimed number as findings show it: "30 days", "1–3 days", "50 EUR"."""
    return f"{low}{'–' + str(high) if high != low else ''} {unit or ''}".strip()


def _service_evidence(claims: list[dict[str, Any]], unit: str) -> dict[str, Any]:
    """A channel's values for one service, each with the first sentence that states it."""
    first: dict[tuple[Decimal, Decimal], dict[str, Any]] = {}
    for claim in claims:
        first.setdefault((claim["low"], claim["high"]), claim)
    values = [claim_value(low, high, unit) for low, high in sorted(first)]
    chosen = [first[value] for value in sorted(first)][:MAX_SENTENCES]
    return {
        "url": chosen[0]["url"],
        "value": "; ".join(values),
        "evidence": " / ".join(claim["sentence"] for claim in chosen),
        "sentences": [{"url": c["url"], "sentence": c["sentence"]} for c in chosen],
        "pages": sum(claim["pages"] for claim in claims),
    }
