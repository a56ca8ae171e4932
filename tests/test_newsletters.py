"""Newsletters read as posts: saved e-mails (.eml, .html), campaign pages, archive pages and
archive feeds, in Finnish, Swedish and English; and the campaign windows e-mails state."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from crawler.extraction import emails
from crawler.extraction.campaigns import campaign_window, post_state

DATA = Path(__file__).parent / "data" / "newsletters"

# file -> (day published, words in the subject line, words in the text)
SAVED = [
    ("syksyn-tarjoukset.eml", "2026-11-20", "Syksyn retkitarjoukset – Retkikeitin nyt 89 €",
     "Retkikeitin Kompakti\nNyt 89,00 € (norm. 99,90 €)"),
    ("sista-chansen.eml", "2026-11-16", "Sista chansen: Kånken 16 L för 599 kr",
     "Kånken 16 L nu 599 kr (ord. pris 799 kr)."),
    ("weekend.eml", "2026-11-21", "Weekend deals",
     "Trail Stove Compact now EUR 79.00, this weekend only."),
    ("ilman-paivaa.eml", None, "Uusi Retkituoli Kevyt", "Retkituoli Kevyt 39,90 €"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "day", "subject", "text"), SAVED)
def test_saved_emails(name: str, day: str | None, subject: str, text: str) -> None:
    url = (DATA / name).as_uri()
    post = emails.read_eml((DATA / name).read_bytes(), url)
    assert post.url == url
    assert post.text.startswith(subject + "\n")
    assert text in post.text
    assert (post.published.date().isoformat() if post.published else None) == day


def test_the_html_part_wins_over_the_plain_text() -> None:
    post = emails.read_eml((DATA / "syksyn-tarjoukset.eml").read_bytes(), "file:///x.eml")
    assert "Kantokassi 16 L\n69,90 €" in post.text  # only the HTML part names it
    assert "Tarjoukset voimassa 20.–29.11." in post.text
    assert "<h2>" not in post.text


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ((DATA / "broken.eml").read_bytes(), "not an e-mail: no Subject, From or Date header"),
        (b"From: a@b.example\r\n\r\n", "an empty e-mail: no subject and no text"),
    ],
)
def test_what_is_no_email_says_why(body: bytes, problem: str) -> None:
    with pytest.raises(emails.EmailProblem, match=problem):
        emails.read_eml(body, "file:///broken.eml")


def test_an_email_saved_as_a_web_page() -> None:
    path = DATA / "tallennettu.html"
    post = emails.read_email_page(path.read_bytes(), path.as_uri())
    assert post.published is not None and post.published.date() == date(2026, 12, 1)
    assert post.text.startswith("Joulun lahjavinkit\n")
    assert "Kuksa 24,90 €" in post.text


@pytest.mark.parametrize(
    ("head", "listed", "day"),
    [
        ('<meta property="article:published_time" content="2026-11-20T07:00:00+02:00">', None,
         "2026-11-20"),
        ('<meta name="date" content="2026-11-19">', None, "2026-11-19"),
        ("", datetime(2026, 11, 18), "2026-11-18"),  # the archive's date
        ("", None, None),
    ],
)  # fmt: skip
def test_a_campaign_page_takes_its_date_from_its_metadata_or_its_archive(
    head: str, listed: datetime | None, day: str | None
) -> None:
    html = (
        f"<html><head><title>Tarjoukset</title>{head}</head><body><h1>Tarjoukset</h1>"
        "<p>Kantokassi 16 L 69,90 €</p></body></html>"
    ).encode()
    post = emails.read_email_page(html, "https://mailchi.mp/retkiaitta/tarjoukset", listed)
    assert (post.published.date().isoformat() if post.published else None) == day


def archive(items: list[str], extra: str = "") -> bytes:
    listed = "".join(f'<li class="campaign">{item}</li>' for item in items)
    return (
        f"<html><head><title>Archive</title></head><body><h1>Past campaigns</h1>"
        f'<ul id="archive-list">{listed}</ul>{extra}</body></html>'
    ).encode()


def test_a_mailchimp_archive_lists_its_campaigns_month_first() -> None:
    body = archive(
        [
            '11/20/2026 - <a href="https://mailchi.mp/retki/syksy" title="Syksy">Syksy</a>',
            '11/05/2026 - <a href="https://mailchi.mp/retki/lokakuu">Lokakuu</a>',
        ]
    )
    campaigns = emails.archive_listing(body, "https://us5.campaign-archive.com/home/?u=a&id=b")
    assert [(c.url, c.published.date().isoformat()) for c in campaigns if c.published] == [
        ("https://mailchi.mp/retki/syksy", "2026-11-20"),
        ("https://mailchi.mp/retki/lokakuu", "2026-11-05"),
    ]


def test_an_archive_elsewhere_reads_dates_day_first() -> None:
    body = archive(
        [
            '05.11.2026 – <a href="kirje-2.html">Marraskuu</a>',
            '01.10.2026 – <a href="1.html">Lokakuu</a>',
        ]
    )
    campaigns = emails.archive_listing(body, "https://retkiaitta.example/uutiskirjeet/")
    assert [c.published.date().isoformat() for c in campaigns if c.published] == [
        "2026-11-05",
        "2026-10-01",
    ]
    assert campaigns[0].url == "https://retkiaitta.example/uutiskirjeet/kirje-2.html"


def test_an_email_with_dated_events_is_no_archive() -> None:
    body = (
        "<html><body><h1>Retkiaitan syksy</h1><p>"
        + "Syksyn parhaat retket ja varusteet. " * 30
        + "</p><ul><li>20.11.2026 <a href='/hki'>Helsinki: retkeilyilta</a></li>"
        "<li>27.11.2026 <a href='/tre'>Tampere: retkeilyilta</a></li></ul></body></html>"
    ).encode()
    assert emails.archive_listing(body, "https://mailchi.mp/retki/syksy") == []


def test_an_archive_feed_holds_whole_campaigns_or_links_to_them() -> None:
    whole = "<p>" + "Retkikeitin Kompakti nyt 89,00 €. Tarjous voimassa 20.–29.11. " * 5 + "</p>"
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Retkiaitta</title>
<item><title>Syksyn tarjoukset</title><link>https://mailchi.mp/retki/syksy</link>
<pubDate>Fri, 20 Nov 2026 07:00:00 +0200</pubDate><description><![CDATA[{whole}]]></description></item>
<item><title>Lokakuu</title><link>https://mailchi.mp/retki/lokakuu</link>
<pubDate>Thu, 01 Oct 2026 07:00:00 +0200</pubDate><description>Lokakuun kirje</description></item>
</channel></rss>""".encode()
    first, second = emails.archive_feed(feed, "https://us5.campaign-archive.com/feed?u=a&id=b")
    assert first.text is not None and first.text.startswith("Syksyn tarjoukset\nRetkikeitin")
    assert first.published is not None and first.published.date() == date(2026, 11, 20)
    assert (second.url, second.text) == ("https://mailchi.mp/retki/lokakuu", None)
    with pytest.raises(emails.EmailProblem, match="no campaigns in the archive feed"):
        emails.archive_feed(b"<rss><channel></channel></rss>", "https://x.example/feed")


# what an e-mail sent on Friday 20.11.2026 says -> its campaign window
WINDOWS = [
    ("Viimeinen mahdollisuus! Kantokassi Mini 7 L vain 49,90 €", (date(2026, 11, 20), date(2026, 11, 21))),
    ("Tarjous päättyy tänään – Retkikeitin 89 €", (date(2026, 11, 20), date(2026, 11, 21))),
    ("Sista chansen: Kånken 16 L för 599 kr", (date(2026, 11, 20), date(2026, 11, 21))),
    ("Rean slutar i morgon!", (date(2026, 11, 20), date(2026, 11, 21))),
    ("Last chance: our sale ends tonight", (date(2026, 11, 20), date(2026, 11, 21))),
    ("Viimeinen mahdollisuus! Tarjous voimassa 20.–29.11.", (date(2026, 11, 20), date(2026, 11, 29))),
    ("Last chance – sale ends Sunday 22.11.", (None, date(2026, 11, 22))),
    ("Uutuus: Retkituoli Kevyt 39,90 €", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), WINDOWS)
def test_last_chance_ends_the_campaign_unless_dates_say_otherwise(
    text: str, expected: tuple | None
) -> None:
    window = campaign_window(text, date(2026, 11, 20))
    assert (window.start, window.end) == expected if expected else window is None


def test_last_weeks_last_chance_email_is_no_current_campaign() -> None:
    sent = date(2026, 11, 20)
    window = campaign_window("Viimeinen mahdollisuus! Kantokassi Mini 49,90 €", sent)
    assert window is not None
    assert post_state(sent, window.start, window.end, date(2026, 11, 30)) == "ended"
    assert post_state(sent, window.start, window.end, date(2026, 11, 21)) == "current"
