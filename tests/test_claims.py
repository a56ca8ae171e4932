"""Service claims read from sentences: real-world phrasings in Finnish, Swedish and English.

Each example is a sentence as a page or post writes it and every claim it must yield, written
as ``service value unit`` plus ``negated`` and ``[condition]`` when they apply. An empty list
means the sentence promises nothing (a look-alike).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from checker.config import ConfigError
from checker.rule_types.packs import load_services
from crawler.extraction.claims import (
    VocabularyError,
    build_vocabulary,
    extract_claims,
    vocabulary_with,
)
from crawler.extraction.page import ParsedPage, TextBlock
from crawler.extraction.vocabulary import load_vocabulary
from crawler.items import ServiceClaim
from crawler.store import Store
from crawler.store.schema import TABLES
from tests.conftest import run_omnicheck

EXAMPLES = [
    # -- Finnish: returns, with inflected forms ------------------------------------------
    ("Kaikilla tuotteilla on 30 päivän palautusoikeus.", ["returns 30 days"]),
    ("Palautusoikeus 30 päivää kaikille tuotteille.", ["returns 30 days"]),
    ("Voit palauttaa tuotteen 14 päivän kuluessa.", ["returns 14 days"]),
    ("Tuotteen voi palauttaa 30 päivän kuluessa ostosta.", ["returns 30 days"]),
    ("Palautusaika on 60 päivää.", ["returns 60 days"]),
    ("Palautusajan pituus on neljä viikkoa.", ["returns 28 days"]),
    ("Avoin ostos 100 päivää!", ["returns 100 days"]),
    ("Ei palautusoikeutta alennustuotteilla.", ["returns negated [alennustuotteilla]"]),
    ("Alennustuotteilla ei ole palautusoikeutta.", ["returns negated [alennustuotteilla]"]),
    ("Outlet-tuotteiden palautusaika on 14 päivää.", ["returns 14 days [outlet]"]),
    # -- Finnish: delivery --------------------------------------------------------------------
    ("Toimitusaika on 1–3 arkipäivää.", ["delivery_time 1-3 days"]),
    ("Toimitamme tilaukset 2-5 arkipäivässä.", ["delivery_time 2-5 days"]),
    ("Tilaukset toimitetaan 1-2 viikossa.", ["delivery_time 7-14 days"]),
    ("Ilmainen toimitus yli 50 € tilauksiin.", ["free_delivery 50 EUR"]),
    ("Toimitus on ilmainen, kun tilaat yli 79 eurolla.", ["free_delivery 79 EUR"]),
    ("Ilmainen toimitus kaikkiin tilauksiin!", ["free_delivery"]),
    ("Toimitus ei ole ilmainen Ahvenanmaalle.", ["free_delivery negated [ahvenanmaalle]"]),
    # the shipping cost beside the threshold is not the threshold
    (
        "Toimitusmaksu 4,90 €, ilmainen toimitus yli 50 € tilauksiin.",
        ["free_delivery 50 EUR"],
    ),
    ("Tilaa yli 50 € ja saat ilmaisen toimituksen.", ["free_delivery 50 EUR"]),
    # two services in one sentence: each keeps its own number
    (
        "30 päivän palautusoikeus ja 14 päivän hintatakuu.",
        ["returns 30 days", "price_guarantee 14 days"],
    ),
    # -- Finnish: warranty, pick-up and other services ------------------------------------
    ("Tuotteillamme on 2 vuoden takuu.", ["warranty 2 years"]),
    ("Takuu 24 kk.", ["warranty 2 years"]),
    ("Kaikilla tuotteillamme on kahden vuoden takuu.", ["warranty 2 years"]),
    ("Hintatakuu 14 päivää: hyvitämme erotuksen.", ["price_guarantee 14 days"]),
    ("Tilaa verkosta ja nouda myymälästä jo samana päivänä.", ["click_and_collect"]),
    ("Nouda tilauksesi lähimmästä myymälästä.", ["click_and_collect"]),
    ("Asennuspalvelu saatavilla pääkaupunkiseudulla.", ["installation"]),
    ("Emme tarjoa asennuspalvelua.", ["installation negated"]),
    ("Pyörien korjauspalvelu myymälässämme.", ["repair"]),
    ("Lahjapaketointi maksutta kassalla.", ["gift_wrapping"]),
    # -- Finnish look-alikes: numbers and words about something else ----------------------
    ("Blogi: 30 päivää vaellusta Lapissa – näin valmistauduin.", []),
    ("Tarjous voimassa 30 päivää.", []),
    ("Retkikeitin keittää litran vettä alle neljässä minuutissa.", []),
    ("Suomalaista retkeilyosaamista vuodesta 1998.", []),
    ("Asiakaspalvelu palvelee ma–pe 9–17.", []),
    ("Retken jälkeen voit palauttaa voimat saunassa.", []),
    ("Toimitusjohtajan tervehdys: 25 vuotta retkeilyä.", []),
    # -- Swedish ----------------------------------------------------------------------------
    ("Fri frakt över 499 kr.", ["free_delivery 499 SEK"]),
    ("Fri frakt på alla beställningar över 500:-", ["free_delivery 500 SEK"]),
    ("Frakt 49 kr, fri frakt över 499 kr.", ["free_delivery 499 SEK"]),
    ("Endast 399:- 🔦 Fri frakt över 499 kr.", ["free_delivery 499 SEK"]),
    ("Beställ för 499 kr eller mer och få fri frakt.", ["free_delivery 499 SEK"]),
    ("Leverans 1-3 dagar Öppet köp 30 dagar", ["returns 30 days", "delivery_time 1-3 days"]),
    ("30 dagars öppet köp.", ["returns 30 days"]),
    ("Du har 14 dagars ångerrätt.", ["returns 14 days"]),
    ("Leveranstid 2–4 arbetsdagar.", ["delivery_time 2-4 days"]),
    ("Vi levererar inom 3 vardagar.", ["delivery_time 3 days"]),
    ("2 års garanti på alla produkter.", ["warranty 2 years"]),
    ("Garantin gäller i tre år.", ["warranty 3 years"]),
    ("Prisgaranti i 30 dagar.", ["price_guarantee 30 days"]),
    ("Beställ online och hämta i butik.", ["click_and_collect"]),
    ("Ingen fri frakt på skrymmande varor.", ["free_delivery negated [skrymmande]"]),
    ("Vi erbjuder inte presentinslagning.", ["gift_wrapping negated"]),
    ("Rea-varor kan returneras inom 14 dagar.", ["returns 14 days [rea-varor]"]),
    ("Vi har öppet 10–18 alla dagar.", []),
    ("Vi firar 30 år i branschen!", []),
    # -- English ----------------------------------------------------------------------------
    ("Free delivery on orders over €50.", ["free_delivery 50 EUR"]),
    ("Standard delivery €3.95, free delivery on orders over €50.", ["free_delivery 50 EUR"]),
    ("Free shipping on all orders.", ["free_delivery"]),
    ("30-day returns on all items.", ["returns 30 days"]),
    ("You can return items within 14 days of delivery.", ["returns 14 days"]),
    ("Returns are free within 30 days.", ["returns 30 days"]),
    ("No returns on sale items.", ["returns negated [sale items]"]),
    ("Delivered within 2-4 business days.", ["delivery_time 2-4 days"]),
    ("Delivery in 1-2 working days.", ["delivery_time 1-2 days"]),
    ("All products come with a 2-year warranty.", ["warranty 2 years"]),
    ("Two-year warranty on all tents.", ["warranty 2 years"]),
    ("We do not offer gift wrapping.", ["gift_wrapping negated"]),
    ("Click & collect available in all stores.", ["click_and_collect"]),
    ("Price match promise: we refund the difference within 14 days.", ["price_guarantee 14 days"]),
    ("Our team walked for 30 days across Lapland.", []),
    ("Members get free shipping over €30.", ["free_delivery 30 EUR [members]"]),
    ("Sale ends in 3 days!", []),
]


def describe(claim: ServiceClaim) -> str:
    parts = [claim.service]
    if claim.low is not None:
        value = str(claim.low) if claim.low == claim.high else f"{claim.low}-{claim.high}"
        parts += [value, str(claim.unit)]
    if claim.negated:
        parts.append("negated")
    if claim.condition:
        parts.append(f"[{claim.condition}]")
    return " ".join(parts)


def claims_of(text: str) -> list[str]:
    claims = extract_claims(
        [TextBlock(text, "main")], "webshop", "https://x.example/", currency="EUR", locale="sv_SE"
    )
    return [describe(claim) for claim in claims]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_claims_of_sentence(text: str, expected: list[str]) -> None:
    assert claims_of(text) == expected


def test_examples_cover_the_issue() -> None:
    languages_with_negation = [text for text, expected in EXAMPLES if "negated" in str(expected)]
    lookalikes = [text for text, expected in EXAMPLES if not expected]
    assert len(EXAMPLES) >= 40
    assert len(languages_with_negation) >= 6
    assert len(lookalikes) >= 8


def test_a_cookie_banner_is_not_a_claim() -> None:
    page = ParsedPage.from_html(
        "<html><body><div id='cookie-consent'>Ilmainen toimitus, jos hyväksyt evästeet.</div>"
        "<main><p>Toimitusaika on 1–3 arkipäivää.</p></main></body></html>",
        "https://x.example/",
    )
    claims = extract_claims(page.text_blocks, "webshop", page.url)
    assert [describe(claim) for claim in claims] == ["delivery_time 1-3 days"]


def test_a_minified_bar_of_benefits_reads_as_separate_items() -> None:
    """Adjacent spans without whitespace between them are items a browser lays out apart."""
    page = ParsedPage.from_html(
        "<html><body><div class='usp'><span>Fri frakt över 499 kr</span><span>Öppet köp 30 "
        "dagar</span><span>Hämta i butik</span></div>"
        "<p>Palautus<b>oikeus</b> 30 päivää, <b>iPhone</b>-tuotteille 14 päivää.</p></body></html>",
        "https://x.example/",
    )
    claims = extract_claims(page.text_blocks, "webshop", page.url, currency="SEK", locale="sv_SE")
    assert sorted(describe(claim) for claim in claims) == [
        "click_and_collect",
        "free_delivery 499 SEK",
        "returns 30 days",
        "returns 30 days",
    ]


def test_a_footer_repeated_on_every_page_is_one_claim(tmp_path: Path) -> None:
    html = (
        "<html><body><main><p>Tuote {n}</p></main>"
        "<footer><p>Ilmainen toimitus yli 50 € tilauksiin.</p></footer></body></html>"
    )
    store = Store(tmp_path / "claims.db")
    run = store.start_run("t", [("webshop", "webshop")])
    for number in range(1, 41):
        page = ParsedPage.from_html(html.format(n=number), f"https://x.example/{number}")
        store.add_items(run, extract_claims(page.text_blocks, "webshop", page.url))
    rows = store.claims(run)
    assert [(row["service"], row["pages"], row["low"]) for row in rows] == [
        ("free_delivery", 40, 50)
    ]
    assert rows[0]["url"] == "https://x.example/1"


def test_a_rule_pack_adds_a_service() -> None:
    pack = {
        "assembly": {
            "label": "Assembly",
            "attribute": None,
            "patterns": {"fi": [r"\bkokoamispalvelu\w*"], "en": [r"\bassembly service"]},
        }
    }
    vocabulary = vocabulary_with(pack)
    claims = extract_claims(
        [TextBlock("Tilaa kokoamispalvelu kassalla.", "main")], "web", "u", vocabulary
    )
    assert [claim.service for claim in claims] == ["assembly"]
    assert vocabulary.label("assembly") == "Assembly"
    assert vocabulary.label("returns") == "Returns"


@pytest.mark.parametrize(
    ("definition", "key", "message"),
    [
        ({"attribute": "hours", "patterns": {"fi": ["x"]}}, "services.s.attribute", "'hours'"),
        ({"patterns": {"fi": ["(unclosed"]}}, "services.s.patterns", "invalid regular"),
        ({"patterns": ["x"]}, "services.s.patterns", "expected lists"),
        ("just text", "services.s", "expected a mapping"),
    ],
)
def test_a_bad_service_definition_names_its_key(definition: object, key: str, message: str) -> None:
    with pytest.raises(VocabularyError) as raised:
        build_vocabulary(load_vocabulary("services"), [{"services": {"s": definition}}])
    assert raised.value.key == key
    assert message in str(raised.value)


PACK = """\
rules:
  - id: presence
    type: missing_in_channel
services:
  assembly:
    label: Assembly
    attribute: {attribute}
    patterns:
      fi: ['\\bkokoamispalvelu\\w*']
"""


def test_a_bad_service_in_a_rule_pack_names_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "pack.yml").write_text(PACK.format(attribute="hours"), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_services(["pack.yml"], tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'pack.yml'}:7: services.assembly.attribute: "
        "'hours' is not one of days, years, money or null"
    )


@pytest.mark.slow
def test_the_crawl_looks_for_the_services_a_rule_pack_adds(
    tmp_path: Path, http_server: Callable[[Path], str]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<html><body><main><p>Tilaa kokoamispalvelu kassalla.</p>"
        "<p>Ilmainen toimitus yli 50 € tilauksiin.</p></main></body></html>",
        encoding="utf-8",
    )
    base = http_server(site)
    (tmp_path / "pack.yml").write_text(PACK.format(attribute="null"), encoding="utf-8")
    (tmp_path / "omnicheck.yml").write_text(
        "channels:\n"
        f"  - {{name: web, kind: website, start_urls: ['{base}/index.html']}}\n"
        "rules: [default, pack.yml]\n",
        encoding="utf-8",
    )
    result = run_omnicheck("crawl", "--db", "run.db", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    store = Store(tmp_path / "run.db", create=False)
    assert sorted(row["service"] for row in store.claims(1)) == ["assembly", "free_delivery"]


def test_a_database_made_before_conditions_opens_and_stores_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.executescript(TABLES.replace(",\n    condition TEXT", ""))
    store = Store(path)
    run = store.start_run("t", [("webshop", "webshop")])
    store.add_items(run, extract_claims([TextBlock("No returns on sale items.", "main")], "w", "u"))
    assert [(row["service"], row["condition"]) for row in store.claims(run)] == [
        ("returns", "sale items")
    ]
