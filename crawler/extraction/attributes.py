"""Product attributes a page states: weight, volume, dimensions, waterproof rating, material,
warranty and origin, with their units normalised (1,2 kg = 1200 g, 40 l = 40 litraa = 40L).

Sources, most declared first: schema.org (``weight``, ``material``, ``countryOfOrigin``,
``additionalProperty``), spec tables and definition lists ("Paino | 1,2 kg"), labelled list
items ("Vikt: 1 200 g"), and sentences that name the attribute ("Repun paino on 1,2 kg"). A
value stated about a part or accessory ("sadesuojan paino 120 g") is not the product's and is
left out. Names, units, values and component words are data in ``rules/vocab/attributes.yml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from crawler.extraction.claims import plain, sentences
from crawler.extraction.page import ParsedPage, TextBlock, clean_text
from crawler.extraction.structured import first_text, product_nodes, structured_data
from crawler.extraction.vocabulary import load_vocabulary
from crawler.items import ProductAttribute

NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
# A number with its sign ("-15 °C", "−10"), and a range of two ("1,2–1,4 kg", "-10…-20 °C",
# "50–55 cm"): a range is stored as "low..high" and agrees with any value inside it.
SIGNED = rf"[-−]?(?:{NUMBER})"
RANGE = rf"(?P<low>{SIGNED})(?:\s*(?:[-–—]|…|\.\.\.?|\bto\b|\btill\b)\s*(?P<high>{SIGNED}))?"
# A unit followed by "/" or a square or cube is another unit ("120 g/m²", "5 l/min").
PER_OTHER_UNIT = r"(?!\w)(?!\s*/)(?![²³])"
TIMES = r"\s*[x×*]\s*"
REACH = 60  # characters after an attribute's name in which its value must follow
LABEL_MAX = 60
STRUCTURED = ("json-ld", "microdata")
TEXT_REGIONS = {"main"}


@dataclass(frozen=True)
class Attribute:
    id: str
    label: str
    kind: str  # measure | dimensions | named
    unit: str | None
    name: re.Pattern[str]
    schema: tuple[str, ...]
    from_description: bool
    values: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class AttributeVocabulary:
    attributes: tuple[Attribute, ...]
    components: re.Pattern[str]
    measures: dict[str, re.Pattern[str]]
    factors: dict[str, tuple[tuple[Fraction, re.Pattern[str]], ...]]

    def label(self, attribute_id: str) -> str:
        return next((a.label for a in self.attributes if a.id == attribute_id), attribute_id)


@cache
def default_attribute_vocabulary() -> AttributeVocabulary:
    return build_attribute_vocabulary(load_vocabulary("attributes"))


def build_attribute_vocabulary(data: dict[str, Any]) -> AttributeVocabulary:
    def words(table: dict[str, list[str]]) -> str:
        return "|".join(f"(?:{p})" for patterns in table.values() for p in patterns)

    attributes = tuple(
        Attribute(
            id=str(key),
            label=str(item.get("label", key)),
            kind=str(item.get("kind", "measure")),
            unit=item.get("unit"),
            name=re.compile(rf"(?<!\w)(?:{words(item.get('names', {}))})(?!\w)", re.IGNORECASE),
            schema=tuple(str(s).lower() for s in item.get("schema", [])),
            from_description=bool(item.get("from_description")),
            values=tuple(
                (str(value), re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)", re.IGNORECASE))
                for value, patterns in (item.get("values") or {}).items()
            ),
        )
        for key, item in data.get("attributes", {}).items()
    )
    factors = {
        base: tuple(
            (Fraction(str(factor)), re.compile(rf"(?:{'|'.join(spellings)})$", re.IGNORECASE))
            for factor, spellings in table.items()
        )
        for base, table in data.get("units", {}).items()
    }
    measures = {
        base: re.compile(
            rf"(?<![\w.,]){RANGE}\s*-?\s*"
            rf"(?P<unit>{'|'.join(s for spellings in table.values() for s in spellings)})"
            + PER_OTHER_UNIT,
            re.IGNORECASE,
        )
        for base, table in data.get("units", {}).items()
    }
    components = re.compile(rf"(?<!\w)(?:{words(data.get('components', {}))})(?!\w)", re.IGNORECASE)
    return AttributeVocabulary(attributes, components, measures, factors)


def extract_attributes(
    page: ParsedPage,
    channel: str,
    vocabulary: AttributeVocabulary | None = None,
    data: dict[str, list[dict[str, Any]]] | None = None,
) -> list[ProductAttribute]:
    """Every attribute the page states about its own product, each value once per attribute."""
    vocabulary = vocabulary or default_attribute_vocabulary()
    data = structured_data(page) if data is None else data
    found: dict[tuple[str, str], ProductAttribute] = {}
    readers = (
        _from_structured(data, vocabulary),
        _from_rows(page, vocabulary),
        _from_sentences(page, vocabulary),
    )
    for reader in readers:
        for attribute, value, number, source, evidence in reader:
            key = (attribute.id, value)
            if key not in found:
                found[key] = ProductAttribute(
                    channel=channel,
                    url=page.url,
                    attribute=attribute.id,
                    value=value,
                    number=number,
                    unit=attribute.unit if attribute.kind != "named" else None,
                    source=source,
                    evidence=evidence[:200],
                )
    return list(found.values())


Reading = tuple[Attribute, str, Decimal | None, str, str]


def read_value(
    attribute: Attribute, text: str, vocabulary: AttributeVocabulary
) -> tuple[str, Decimal | None] | None:
    """(canonical value, number) of an attribute in a piece of text, or None."""
    if attribute.kind == "named":
        ids = sorted({value for value, pattern in attribute.values if pattern.search(text)})
        return (",".join(ids), None) if ids else None
    base = attribute.unit or ""
    if attribute.kind == "dimensions":
        return _dimensions(text, base, vocabulary)
    match = vocabulary.measures[base].search(text)
    if match is None:
        return None
    return measured(match, base, vocabulary)


def measured(
    match: re.Match[str], base: str, vocabulary: AttributeVocabulary
) -> tuple[str, Decimal | None] | None:
    """(value, number) of a measure: "1200" and 1200, or a range "1200..1400" and no number."""
    low = _normalise(match.group("low"), match.group("unit"), base, vocabulary)
    high = match.group("high")
    if low is None:
        return None
    if high is None:
        return str(low), low
    other = _normalise(high, match.group("unit"), base, vocabulary)
    if other is None:
        return None
    low, other = sorted((low, other))
    return (f"{low}..{other}", None) if low != other else (str(low), low)


def _normalise(
    amount: str, unit: str, base: str, vocabulary: AttributeVocabulary
) -> Decimal | None:
    for factor, pattern in vocabulary.factors[base]:
        if pattern.match(unit):
            digits = re.sub(r"[\s\u00a0\u202f]", "", amount).replace(",", ".").replace("−", "-")
            value = Fraction(digits) * factor
            return plain(Decimal(value.numerator) / Decimal(value.denominator))
    return None


def _dimensions(
    text: str, base: str, vocabulary: AttributeVocabulary
) -> tuple[str, Decimal | None] | None:
    """Sides in mm, largest first ("600x300x200"); a side may be a range ("500..550"). One
    measure alone after a dimensions label is one side ("Mitat: 50–55 cm"): it is compared only
    with another channel's one side."""
    pattern = re.compile(rf"({NUMBER}){TIMES}({NUMBER})(?:{TIMES}({NUMBER}))?\s*([^\W\d]+)")
    match = pattern.search(text)
    if match is None:
        single = vocabulary.measures[base].search(text)
        return measured(single, base, vocabulary) if single else None
    sides = [
        _normalise(side, match.group(4), base, vocabulary)
        for side in match.groups()[:3]
        if side is not None
    ]
    if any(side is None for side in sides):
        return None
    ordered = sorted((side for side in sides if side is not None), reverse=True)
    return "x".join(str(side) for side in ordered), None


# -- schema.org ---------------------------------------------------------------------------


def _from_structured(
    data: dict[str, list[dict[str, Any]]], vocabulary: AttributeVocabulary
) -> Iterator[Reading]:
    for syntax in STRUCTURED:
        for node in product_nodes(data.get(syntax, [])):
            for attribute in vocabulary.attributes:
                for key in attribute.schema:
                    for text in _property_texts(node, key):
                        yield from _reading(attribute, text, f"{key} = {text}", syntax, vocabulary)
            for prop in _as_list(node.get("additionalProperty")):
                if not isinstance(prop, dict):
                    continue
                name = first_text(prop.get("name")) or ""
                text = " ".join(_quantity_texts(prop))
                yield from _labelled(name, text, f"{name} = {text}", syntax, vocabulary)
            description = first_text(node.get("description"))
            if description:
                yield from _from_description(description, syntax, vocabulary)


def _property_texts(node: dict[str, Any], key: str) -> Iterator[str]:
    for name, value in node.items():
        if name.lower() == key:
            for item in _as_list(value):
                text = " ".join(_quantity_texts(item)) if isinstance(item, dict) else str(item)
                if text.strip():
                    yield text.strip()


def _quantity_texts(item: Any) -> list[str]:
    """A QuantitativeValue or PropertyValue as text: "1.2 KGM", "40 l", "Polyester"."""
    if not isinstance(item, dict):
        return [str(item)]
    value = item.get("value", item.get("@value", item.get("name")))
    texts = [str(v) for v in _as_list(value) if v is not None]
    unit = item.get("unitCode") or item.get("unitText")
    return texts + ([str(unit)] if unit and texts else [])


def _from_description(
    description: str, source: str, vocabulary: AttributeVocabulary
) -> Iterator[Reading]:
    """Measures the product's declared description gives by unit alone ("40 litran reppu")."""
    for attribute in vocabulary.attributes:
        if not attribute.from_description or attribute.unit is None:
            continue
        for match in vocabulary.measures[attribute.unit].finditer(description):
            after = re.split(r"[,;.!?()]", description[match.end() :], maxsplit=1)[0]
            clause = _clause_before(description, match.start()) + match.group(0) + after
            if vocabulary.components.search(clause):
                continue
            value = measured(match, attribute.unit, vocabulary)
            if value is not None:
                evidence = _sentence_around(description, match.start())
                yield attribute, value[0], value[1], f"{source} description", evidence


# -- spec tables, definition lists and labelled lines -------------------------------------


def _from_rows(page: ParsedPage, vocabulary: AttributeVocabulary) -> Iterator[Reading]:
    for label, value, source in _label_value_pairs(page):
        yield from _labelled(label, value, f"{label}: {value}", source, vocabulary)


def _label_value_pairs(page: ParsedPage) -> Iterator[tuple[str, str, str]]:
    """(label, value, source) from two-cell table rows, dt/dd pairs and "Label: value" lines."""
    for row in page.tree.xpath("//tr[count(th|td) = 2]"):
        if _in_main(row):
            cells = row.xpath("th|td")
            label, value = (clean_text(cell.text_content()) for cell in cells)
            yield label, value, "table"
    for term in page.tree.xpath("//dl/dt"):
        definition = term.getnext()
        if definition is not None and definition.tag == "dd" and _in_main(term):
            yield clean_text(term.text_content()), clean_text(definition.text_content()), "table"
    for item in page.tree.xpath("//li[contains(., ':')] | //p[contains(., ':')]"):
        if not _in_main(item):
            continue
        label, _, value = clean_text(item.text_content()).partition(":")
        if 0 < len(label) <= LABEL_MAX:
            yield label, value.strip(), "list"


def _in_main(element: Any) -> bool:
    """Not inside navigation, header, footer or a sidebar: those describe other things."""
    return not element.xpath(
        "ancestor::*[self::nav or self::footer or self::header or self::aside]"
    )


def _labelled(
    label: str, value: str, evidence: str, source: str, vocabulary: AttributeVocabulary
) -> Iterator[Reading]:
    if not label or len(label) > LABEL_MAX or vocabulary.components.search(label):
        return
    unit_hint = " ".join(re.findall(r"\(([^)]*)\)", label))
    for attribute in vocabulary.attributes:
        if attribute.name.search(label):
            yield from _reading(
                attribute, f"{value} {unit_hint}".strip(), evidence, source, vocabulary
            )
            return


def _reading(
    attribute: Attribute, text: str, evidence: str, source: str, vocabulary: AttributeVocabulary
) -> Iterator[Reading]:
    value = read_value(attribute, text, vocabulary)
    if value is not None:
        yield attribute, value[0], value[1], source, evidence


# -- sentences ----------------------------------------------------------------------------


def _from_sentences(page: ParsedPage, vocabulary: AttributeVocabulary) -> Iterator[Reading]:
    blocks = [block for block in page.text_blocks if block.region in TEXT_REGIONS]
    for sentence, _ in sentences(blocks):
        if ":" in sentence[:LABEL_MAX]:
            continue  # a "Label: value" line, read as a row
        yield from sentence_attributes(sentence, vocabulary)


def sentence_attributes(sentence: str, vocabulary: AttributeVocabulary) -> Iterator[Reading]:
    """Attributes a sentence names with a value right after the name, outside components."""
    for attribute in vocabulary.attributes:
        for match in attribute.name.finditer(sentence):
            rest = re.split(
                r"[;.!?](?:\s|$)|,\s(?!\d)", sentence[match.end() : match.end() + REACH]
            )
            window = rest[0] if rest else ""
            clause = _clause_before(sentence, match.start()) + match.group(0) + window
            if vocabulary.components.search(clause):
                continue
            value = read_value(attribute, window, vocabulary)
            if value is not None:
                yield attribute, value[0], value[1], "text", sentence
                break


def _clause_before(text: str, position: int) -> str:
    start = max(text.rfind(mark, 0, position) for mark in (",", ";", ".", "(", ":"))
    return text[start + 1 : position]


def _sentence_around(text: str, position: int) -> str:
    for sentence, _ in sentences([TextBlock(text, "main")]):
        start = text.find(sentence)
        if start <= position < start + len(sentence):
            return sentence
    return text[:200]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
