"""A synthetic catalogue across three channels, with the truth of which offers are one product.

Products come in families that are each other's look-alikes: one line of one brand in several
sizes, qualifiers (Pro, Mini, Junior...), colours and model generations, as a Nordic outdoor and
electronics retailer sells them. Each channel writes names its own way: the webshop carries
SKU, GTIN and a clean Finnish name; the brand website a marketing name (brand in front or not,
units spelled "40L" / "40 l" / "40 litraa", colours in English, words swapped) and a SKU on some
pages; social posts only a name, with campaign words, lower case, lost diacritics, hyphens and
now and then a typo. Rows are shaped like ``Store.offers()`` returns them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from checker.linking.names import fold
from crawler.extraction.vocabulary import load_vocabulary

SYLLABLES = [
    "ka",
    "ko",
    "ku",
    "ke",
    "ki",
    "ta",
    "to",
    "tu",
    "te",
    "ti",
    "sa",
    "so",
    "su",
    "se",
    "si",
    "la",
    "lo",
    "lu",
    "le",
    "li",
    "ma",
    "mo",
    "mu",
    "me",
    "mi",
    "na",
    "no",
    "nu",
    "ne",
    "ni",
    "va",
    "vo",
    "vu",
    "ve",
    "vi",
    "ra",
    "ro",
    "ru",
    "re",
    "ri",
    "pa",
    "po",
    "pu",
    "pe",
    "pi",
    "ha",
    "ho",
    "hu",
    "he",
    "hi",
    "ja",
    "jo",
    "ju",
    "kå",
    "kä",
    "ty",
    "sy",
    "ny",
    "ly",
    "rin",
    "len",
    "kan",
    "tan",
    "ver",
    "ber",
    "sten",
    "fjäll",
    "berg",
    "dal",
    "skog",
    "vik",
    "holm",
    "lund",
    "aur",
    "tun",
    "sol",
    "myr",
]
# Product type in Finnish, the unit its sizes are in (with Finnish spellings) and typical sizes.
TYPES = (
    ("reppu", ("L", "l", "litraa", "ltr"), (16, 20, 25, 30, 40, 50, 65)),
    ("vaellusreppu", ("L", "l", "litraa"), (30, 40, 50, 65, 75)),
    ("juomapullo", ("l", "L", "litraa"), ("0,5", "0,75", "1", "1,5")),
    ("termospullo", ("l", "L"), ("0,35", "0,5", "0,75", "1")),
    ("makuualusta", ("cm", "cm"), (183, 196)),
    ("kahvi", ("g", "grammaa"), (250, 400, 500, 1000)),
    ("otsalamppu", (), ()),
    ("varavirtalähde", ("mAh", "mah"), (5000, 10000, 20000)),
    ("muistikortti", ("GB", "gb"), (32, 64, 128, 256)),
    ("kaapeli", ("m", "metriä", "m"), (1, 2, 3, 5)),
    ("takki", (), ()),
    ("kengät", (), ()),
    ("teltta", (), ()),
    ("retkikeitin", (), ()),
    ("kuulokkeet", (), ()),
)
QUALIFIERS = (
    (None, None),
    ("Pro", "Pro"),
    ("Mini", "Mini"),
    ("Lite", "Light"),
    ("Junior", "lasten"),
    ("Plus", "Plus"),
    ("Max", "Maxi"),
)
COLOURS = (
    ("musta", "black"),
    ("sininen", "blue"),
    ("punainen", "red"),
    ("vihreä", "green"),
    ("harmaa", "grey"),
    ("valkoinen", "white"),
    ("keltainen", "yellow"),
)
NOISE = ("Uutuus!", "Nyt kaupoissa:", "Tarjous:", "Uusi", "Nyt myös", "🔥 Uutuus:")
BRAND_ENDINGS = ("tek", "wear", "gear", "lab", "sport", "line", "craft", "works", " Outdoor", "ia")
CHANNELS = (("webshop", "webshop"), ("website", "website"), ("instagram", "social"))


@dataclass(frozen=True)
class Product:
    number: int
    brand: str
    line: str
    kind: str
    size: str | None
    units: tuple[str, ...]
    qualifier: tuple[str | None, str | None]
    colour: tuple[str, str] | None
    generation: str | None
    price: Decimal


def products(count: int, seed: int = 7) -> list[Product]:
    """``count`` products in families of look-alikes."""
    rng = random.Random(seed)
    brands = sorted({_brand(rng) for _ in range(400)})
    # Real product lines are not called "Mini", "Sale" or "Lila": skip words the linker's
    # vocabulary gives a meaning; and one shop does not sell two "Kanto" backpacks.
    vocabulary = linking_words()
    used: set[tuple[str, str]] = set()
    made: list[Product] = []
    while len(made) < count:
        kind, units, sizes = rng.choice(TYPES)
        brand, line = rng.choice(brands), _word(rng, rng.choice((2, 3))).capitalize()
        if line.lower() in vocabulary or (fold(line), kind) in used:
            continue
        used.add((fold(line), kind))
        size_choices = rng.sample(sizes, min(len(sizes), rng.randint(1, 3))) if sizes else [None]
        qualifiers = rng.sample(QUALIFIERS, rng.randint(1, 3))
        colours = rng.sample(COLOURS, rng.randint(2, 3)) if rng.random() < 0.3 else [None]
        generations = [None, "X2"] if rng.random() < 0.1 else [None]
        base = Decimal(rng.randint(5, 400)) - Decimal("0.10")
        for size in size_choices:
            for qualifier in qualifiers:
                for colour in colours:
                    for generation in generations:
                        if len(made) == count:
                            return made
                        price = base + Decimal(rng.randint(0, 3) * 10)
                        made.append(
                            Product(
                                len(made),
                                brand,
                                line,
                                kind,
                                size and str(size),
                                units,
                                qualifier,
                                colour,
                                generation,
                                price,
                            )
                        )
    return made


def linking_words() -> set[str]:
    data = load_vocabulary("linking")
    words = {
        str(w)
        for section in ("qualifiers", "colours", "units")
        for ws in data[section].values()
        for w in ws
    }
    return words | {str(w) for w in data["noise"]}


def _brand(rng: random.Random) -> str:
    """Brand names are not product-line words: "Nortek", "Sulawear", "Fjellgear"."""
    return (_word(rng, rng.choice((1, 2))) + rng.choice(BRAND_ENDINGS)).capitalize()


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables))


def offers(catalogue: list[Product], seed: int = 11) -> Iterator[tuple[dict[str, Any], int]]:
    """(offer row, true product number) for every channel that sells each product."""
    rng = random.Random(seed)
    offer_id = 0
    for product in catalogue:
        gtin = gtin_of(6430000000000 + product.number * 7)
        sku = f"{product.brand[:2].upper()}-{product.number:06d}"
        for channel, _kind in CHANNELS:
            if channel == "website" and rng.random() > 0.85:
                continue
            if channel == "instagram" and rng.random() > 0.6:
                continue
            offer_id += 1
            row = _row(offer_id, channel, product, rng)
            if channel == "webshop":
                row.update(sku=sku, gtin=gtin, brand=product.brand, name=shop_name(product))
            elif channel == "website":
                row.update(brand=product.brand, name=site_name(product, rng))
                if rng.random() < 0.4:
                    row["sku"] = sku.replace("-", " ").lower() if rng.random() < 0.5 else sku
            else:
                row["name"] = _post_name(product, rng)
            yield row, product.number


def _row(offer_id: int, channel: str, product: Product, rng: random.Random) -> dict[str, Any]:
    price = product.price if rng.random() > 0.03 else product.price + Decimal("10.00")
    return {
        "id": offer_id,
        "run_id": 1,
        "channel": channel,
        "url": f"https://{channel}.example.fi/p/{product.number}-{offer_id}",
        "name": None,
        "brand": None,
        "sku": None,
        "gtin": None,
        "mpn": None,
        "price": price,
        "currency": "EUR",
        "regular_price": None,
        "price_valid_from": None,
        "price_valid_until": None,
        "is_from_price": False,
        "availability": "in_stock",
        "canonical_url": None,
        "variant": {},
        "sources": {"price": "json-ld"},
        "evidence": {"price": f"{price} €"},
        "published": None,
    }


def gtin_of(body: int) -> str:
    digits = f"{body:012d}"[-12:]
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def _size(product: Product, rng: random.Random, spelling: int | None = None) -> list[str]:
    if product.size is None:
        return []
    unit = product.units[spelling if spelling is not None else rng.randrange(len(product.units))]
    joined = rng.random() < 0.3 and unit.isalpha() and len(unit) <= 3
    return [f"{product.size}{unit}"] if joined else [product.size, unit]


def shop_name(product: Product) -> str:
    parts = [product.line, product.kind]
    if product.generation:
        parts.append(product.generation)
    parts += _size(product, random.Random(product.number), 0)
    if product.qualifier[0]:
        parts.append(product.qualifier[0])
    if product.colour:
        parts.append(product.colour[0])
    return " ".join(parts)


def site_name(product: Product, rng: random.Random) -> str:
    head = [product.line, product.kind]
    if rng.random() < 0.2:
        head = [product.kind.capitalize(), product.line]
    parts = ([product.brand] if rng.random() < 0.5 else []) + head
    if product.generation:
        parts.append(product.generation)
    qualifier = product.qualifier[1] if rng.random() < 0.3 else product.qualifier[0]
    if qualifier:
        parts.append(qualifier)
    parts += _size(product, rng)
    if product.colour and rng.random() < 0.95:
        parts.append(product.colour[1] if rng.random() < 0.3 else product.colour[0])
    name = " ".join(parts)
    return name.upper() if rng.random() < 0.1 else name


def _post_name(product: Product, rng: random.Random) -> str:
    line = product.line
    if rng.random() < 0.08 and len(line) > 4:
        position = rng.randrange(1, len(line) - 1)
        line = line[:position] + line[position + 1 :]  # a typo: one letter lost
    separator = "-" if rng.random() < 0.2 else " "
    parts = [f"{line}{separator}{product.kind}"]
    if rng.random() < 0.4:
        parts.insert(0, product.brand)
    if product.generation:
        parts.append(product.generation)
    parts += _size(product, rng)
    if product.qualifier[0]:
        parts.append(product.qualifier[0])
    if product.colour and rng.random() < 0.9:
        parts.append(product.colour[0])
    if rng.random() < 0.5:
        parts.insert(0, rng.choice(NOISE))
    name = " ".join(parts)
    if rng.random() < 0.5:
        name = name.lower()
    if rng.random() < 0.3:
        name = name.translate(str.maketrans("äöåÄÖÅ", "aoaAOA"))
    return name
