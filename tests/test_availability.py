"""Availability words and schema.org values, normalised (rules/vocab/availability.yml)."""

from __future__ import annotations

import pytest

from crawler.extraction.availability import from_schema, from_text, is_buy_label, read_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", "in_stock"),
        ("http://schema.org/OutOfStock", "out_of_stock"),
        ("schema:PreOrder", "preorder"),
        ("https://schema.org/BackOrder/", "backorder"),
        ("http://schema.org/Discontinued", "discontinued"),
        ("LimitedAvailability", "in_stock"),
        ("InStoreOnly", "out_of_stock"),
        ("http://schema.org/SoldOut", "out_of_stock"),
        ("NOT SOLD", "unknown"),
        ("SoldOut", "out_of_stock"),
        ("in stock", "in_stock"),
        ("out_of_stock", "out_of_stock"),
        ("OutOfStock", "out_of_stock"),
        ("", "unknown"),
        (None, "unknown"),
        ("https://schema.org/NewCondition", "unknown"),
    ],
)
def test_schema_values(value: object, expected: str) -> None:
    assert from_schema(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Finnish
        ("Varastossa", "in_stock"),
        ("Verkkokaupassa varastossa 5 kpl", "in_stock"),
        ("Ei varastossa", "out_of_stock"),
        ("Tuote on loppuunmyyty", "out_of_stock"),
        ("Loppu varastosta", "out_of_stock"),
        ("Tilapäisesti loppu", "out_of_stock"),
        ("Tilattavissa, toimitus 2–3 viikkoa", "backorder"),
        # a count of zero says the opposite of the phrase beside it
        ("Verkkokaupan varastossa: 0 kpl", "out_of_stock"),
        ("Varastossa 0 kpl", "out_of_stock"),
        ("Varastossa 10 kpl", "in_stock"),
        ("Varastossa 0–2 päivässä", "in_stock"),
        # a zero that counts something else, or another place's stock, is no count of stock
        ("Varastossa 0 €:n toimituksella", "in_stock"),
        ("Saatavilla 0 % korolla", "in_stock"),
        ("I lager: 0 kr frakt", "in_stock"),
        ("Webblager: I lager 0 st i butik Göteborg", "in_stock"),
        ("In stock: 0 days delivery", "in_stock"),
        ("I lager: 0", "out_of_stock"),
        # expected back: not in stock now
        ("Tulossa varastoon 12.12.", "backorder"),
        ("Ennakkotilattavissa", "preorder"),
        ("Poistunut valikoimasta", "discontinued"),
        # Swedish
        ("I lager", "in_stock"),
        ("Finns i lager", "in_stock"),
        ("Slutsåld", "out_of_stock"),
        ("Tillfälligt slut", "out_of_stock"),
        ("Ej i lager", "out_of_stock"),
        ("Beställningsvara", "backorder"),
        ("I lager: 0 st", "out_of_stock"),
        ("Åter i lager v. 50", "backorder"),
        ("Beräknas åter i lager vecka 50", "backorder"),
        ("Åter i lager!", "in_stock"),
        ("Kommer snart", "preorder"),
        ("Utgått", "discontinued"),
        # English
        ("In stock", "in_stock"),
        ("Only 2 left in stock", "in_stock"),
        ("0 in stock", "out_of_stock"),
        ("Expected back in stock 12 December", "backorder"),
        ("Currently unavailable.", "out_of_stock"),
        ("Currently unavailable onlineCheck in-store stock", "out_of_stock"),
        ("Sold out", "out_of_stock"),
        ("Pre-order now", "preorder"),
        ("Discontinued", "discontinued"),
        # Marketplace languages Nordic customers meet
        ("Derzeit nicht verfügbar.", "out_of_stock"),
        ("Auf Lager", "in_stock"),
        ("Actuellement indisponible.", "out_of_stock"),
        ("Non disponibile.", "out_of_stock"),
        ("Agotado", "out_of_stock"),
        # Nothing about stock
        ("Check in-store stock", "unknown"),
        ("Ilmainen toimitus yli 50 €", "unknown"),
        ("", "unknown"),
        # online and in-store are different facts: the online clause decides
        ("Ei saatavilla verkkokaupasta, mutta myymälässä varastossa", "out_of_stock"),
    ],
)
def test_words_in_three_languages(text: str, expected: str) -> None:
    assert from_text(text) == expected


# Each phrase class, in Finnish, Swedish and English (and Norwegian, Danish, German samples), with
# the negations that must turn an in-stock phrase around: (text, status, store note or None).
PHRASE_CLASSES = [
    # in stock
    ("Varastossa", "in_stock", None),
    ("Heti toimitettavissa", "in_stock", None),
    ("Finns i lager", "in_stock", None),
    ("Leveransklar", "in_stock", None),
    ("In stock", "in_stock", None),
    ("In-stock", "in_stock", None),
    ("Ready to ship", "in_stock", None),
    ("På lager", "in_stock", None),
    ("Tilgængelig", "in_stock", None),
    ("Sofort lieferbar", "in_stock", None),
    # limited stock
    ("Vain muutama jäljellä", "in_stock", None),
    ("Få kvar i lager", "in_stock", None),
    ("Only 3 left in stock", "in_stock", None),
    ("Low stock", "in_stock", None),
    ("Få igjen", "in_stock", None),
    ("Nur noch wenige auf Lager", "in_stock", None),
    # negated in-stock phrases
    ("Ei varastossa", "out_of_stock", None),
    ("Tuote ei ole tällä hetkellä saatavilla", "out_of_stock", None),
    ("Ei saatavilla", "out_of_stock", None),
    ("Varastossa: ei", "out_of_stock", None),
    ("Ej i lager", "out_of_stock", None),
    ("Finns inte i lager", "out_of_stock", None),
    ("Varan är tyvärr inte tillgänglig", "out_of_stock", None),
    ("I lager: nej", "out_of_stock", None),
    ("Not in stock", "out_of_stock", None),
    ("This item isn't in stock right now", "out_of_stock", None),
    ("Not currently available", "out_of_stock", None),
    ("Not available", "out_of_stock", None),
    ("In stock: No", "out_of_stock", None),
    ("Ikke på lager", "out_of_stock", None),
    ("Ikke tilgængelig", "out_of_stock", None),
    ("Nicht auf Lager", "out_of_stock", None),
    ("Derzeit nicht verfügbar", "out_of_stock", None),
    # out of stock, hyphen and spacing variants
    ("Loppuunmyyty", "out_of_stock", None),
    ("Myyty loppuun", "out_of_stock", None),
    ("Slutsåld", "out_of_stock", None),
    ("Out-of-stock", "out_of_stock", None),
    ("Sold-out", "out_of_stock", None),
    ("SOLD  OUT", "out_of_stock", None),
    ("Soldout", "out_of_stock", None),
    ("Utsolgt", "out_of_stock", None),
    ("Udsolgt", "out_of_stock", None),
    ("Ausverkauft", "out_of_stock", None),
    # notify me: the page offers a notice because it cannot sell now
    ("Ilmoita kun saatavilla", "out_of_stock", None),
    ("Tilaa saapumisilmoitus", "out_of_stock", None),
    ("Bevaka produkt", "out_of_stock", None),
    ("Meddela mig när varan finns i lager", "out_of_stock", None),
    ("Notify me when available", "out_of_stock", None),
    ("Email me when available", "out_of_stock", None),
    ("Gi meg beskjed", "out_of_stock", None),
    ("Benachrichtigen Sie mich", "out_of_stock", None),
    # back order
    ("Tilaustuote", "backorder", None),
    ("Tulossa varastoon viikolla 50", "backorder", None),
    ("Restnoterad", "backorder", None),
    ("Beställningsvara", "backorder", None),
    ("Available for back order", "backorder", None),
    ("Backordered", "backorder", None),
    ("Back-ordered", "backorder", None),
    ("Bestillingsvare", "backorder", None),
    ("Im Zulauf", "backorder", None),
    # pre-order and coming soon
    ("Ennakkotilaa nyt", "preorder", None),
    ("Tulossa pian", "preorder", None),
    ("Förbeställ", "preorder", None),
    ("Kommer snart", "preorder", None),
    ("Pre-order", "preorder", None),
    ("Coming soon", "preorder", None),
    ("Forhåndsbestill", "preorder", None),
    ("Vorbestellen", "preorder", None),
    # only in stores: not buyable online
    ("Vain myymälöissä", "out_of_stock", "only in stores"),
    ("Endast i butik", "out_of_stock", "only in stores"),
    ("In store only", "out_of_stock", "only in stores"),
    ("Only available in stores", "out_of_stock", "only in stores"),
    ("Kun i butikken", "out_of_stock", "only in stores"),
    ("Nur im Markt", "out_of_stock", "only in stores"),
    # online and in-store are different facts
    (
        "Ej i lager online. Finns i lager i 5 butiker",
        "out_of_stock",
        "in stores: in_stock: Finns i lager i 5 butiker",
    ),
    (
        "Loppu verkkokaupasta, myymälässä varastossa",
        "out_of_stock",
        "in stores: in_stock: myymälässä varastossa",
    ),
    ("Finns i lager i 3 butiker", "unknown", "in stores: in_stock: Finns i lager i 3 butiker"),
    ("Verkkokaupassa varastossa", "in_stock", None),
    ("In stock online", "in_stock", None),
    ("Not available in stores", "unknown", "in stores: out_of_stock: Not available in stores"),
    # discontinued
    ("Poistunut valikoimasta", "discontinued", None),
    ("Utgått", "discontinued", None),
    ("No longer available", "discontinued", None),
    ("Nicht mehr erhältlich", "discontinued", None),
    # nothing about stock
    ("Toimitus 1–3 arkipäivää", "unknown", None),
    ("Fri frakt över 499 kr", "unknown", None),
    ("Free delivery on orders over £50", "unknown", None),
]


@pytest.mark.parametrize(("text", "status", "note"), PHRASE_CLASSES)
def test_phrase_classes_with_negations(text: str, status: str, note: str | None) -> None:
    reading = read_text(text)
    assert (reading.status, reading.note) == (status, note)


@pytest.mark.parametrize(
    ("label", "buys"),
    [
        ("Lisää ostoskoriin", True),
        ("Osta", True),
        ("Osta nyt", True),
        ("Lägg i varukorgen", True),
        ("Köp", True),
        ("Add to cart", True),
        ("Add to basket", True),
        ("ADD TO BAG", True),
        ("Buy MP3 Album $9.49", True),
        ("Legg i handlekurv", True),
        ("Læg i kurv", True),
        ("In den Warenkorb", True),
        ("Ajouter au panier", True),
        ("Lisää toivelistalle", False),
        ("Lägg till i önskelista", False),
        ("Add to wish list", False),
        ("Add to compare", False),
        ("Buy in store", False),
        ("Ostoskori", False),
        ("Varukorg (2)", False),
        ("Osta lahjakortti ja anna elämys joka kestää vuosia", False),
        ("", False),
    ],
)
def test_buy_button_labels(label: str, buys: bool) -> None:
    assert is_buy_label(label) is buys
