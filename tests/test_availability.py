"""Availability words and schema.org values, normalised (rules/vocab/availability.yml)."""

from __future__ import annotations

import pytest

from crawler.extraction.availability import from_schema, from_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", "in_stock"),
        ("http://schema.org/OutOfStock", "out_of_stock"),
        ("schema:PreOrder", "preorder"),
        ("https://schema.org/BackOrder/", "backorder"),
        ("http://schema.org/Discontinued", "discontinued"),
        ("LimitedAvailability", "in_stock"),
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
        pytest.param(
            "Ei saatavilla verkkokaupasta, mutta myymälässä varastossa",
            "in_stock",
            marks=pytest.mark.xfail(
                strict=True, reason="two clauses: the longest phrase (the online one) wins"
            ),
        ),
    ],
)
def test_words_in_three_languages(text: str, expected: str) -> None:
    assert from_text(text) == expected
