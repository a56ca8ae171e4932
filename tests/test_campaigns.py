"""Campaign windows from post text (fi/sv/en), and what a post counts as on the day of a run."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.extraction.campaigns import campaign_window, post_state

POSTED = date(2026, 11, 18)  # a Wednesday

# text -> (first day, last day); None for no window at all
WINDOWS = [
    ("Kånken nyt vain 59,90 € – tarjous voimassa 20.–30.11.", ("2026-11-20", "2026-11-30")),
    ("Tarjous voimassa 20.11.–30.11.2026", ("2026-11-20", "2026-11-30")),
    ("Tarjous voimassa 20.11.2026 - 30.11.2026", ("2026-11-20", "2026-11-30")),
    ("Kampanja voimassa 1.–30. marraskuuta", ("2026-11-01", "2026-11-30")),
    ("Tarjous voimassa 30.11. asti", (None, "2026-11-30")),
    ("Hinnat voimassa su 29.11. saakka", (None, "2026-11-29")),
    ("Tarjous voimassa sunnuntaihin asti 🔥", (None, "2026-11-22")),
    ("Ale jatkuu lauantaihin saakka!", (None, "2026-11-21")),
    ("Vain tänä viikonloppuna: -20 % kaikista repuista", ("2026-11-18", "2026-11-22")),
    ("Tarjous vain tänään!", ("2026-11-18", "2026-11-18")),
    ("Kampanja päättyy 31.12.", (None, "2026-12-31")),
    ("Tarjous 1.12. alkaen", ("2026-12-01", None)),
    ("Tarjous voimassa 28.–3.1.", ("2026-12-28", "2027-01-03")),
    ("Kampanja voimassa tämän kuun loppuun", ("2026-11-18", "2026-11-30")),
    ("Erbjudandet gäller 20–30/11", ("2026-11-20", "2026-11-30")),
    ("Gäller t.o.m. 30/11", (None, "2026-11-30")),
    ("Rea till söndag!", (None, "2026-11-22")),
    ("Endast i helgen – fri frakt", ("2026-11-18", "2026-11-22")),
    ("Bara idag: Kånken 599:-", ("2026-11-18", "2026-11-18")),
    ("Kampanjen gäller 20–30 november", ("2026-11-20", "2026-11-30")),
    ("Erbjudandet gäller från 1/12", ("2026-12-01", None)),
    ("Offer valid until Sunday", (None, "2026-11-22")),
    ("Valid Nov 20–30 while stocks last", ("2026-11-20", "2026-11-30")),
    ("Sale ends 30 November", (None, "2026-11-30")),
    ("This weekend only: 20% off backpacks", ("2026-11-18", "2026-11-22")),
    ("🎄✨ Offer valid 20.11.–24.12. ✨🎄", ("2026-11-20", "2026-12-24")),
    # a time of day between the date and its until-word
    ("Tarjous voimassa 2.12.2026 klo 23.59 saakka", (None, "2026-12-02")),
    ("Tarjous voimassa 30.11. kello 23:59 asti", (None, "2026-11-30")),
    ("Gäller t.o.m. 30/11 kl. 23.59", (None, "2026-11-30")),
    # week numbers: Monday to Sunday of the ISO week
    ("Kantokassi nyt 39,90 € vko 48 ajan!", ("2026-11-23", "2026-11-29")),
    ("Tarjoukset voimassa viikoilla 48–49", ("2026-11-23", "2026-12-06")),
    ("Erbjudandet gäller v. 48", ("2026-11-23", "2026-11-29")),
    ("Offer valid week 48 only", ("2026-11-23", "2026-11-29")),
    # a weekday that starts the campaign, and an end counted from that start
    ("Perjantaista alkaen Kantokassi vain 39,90 €!", ("2026-11-20", None)),
    ("Rea från fredag!", ("2026-11-20", None)),
    ("Deals starting Friday", ("2026-11-20", None)),
    ("Hoodie now €49.90 from Friday 27 Nov until Sunday!", ("2026-11-27", "2026-11-29")),
    ("Tarjous perjantaista 27.11. sunnuntaihin asti", ("2026-11-27", "2026-11-29")),
    # a range whose trailing dot is not the end of the sentence
    ("Joulukalenteri 🎁 1.–7.12. Retkikeitin Kompakti vain 79 €!", ("2026-12-01", "2026-12-07")),
    # one date alone in a sentence about validity: that one day
    ("Vain Black Fridayna 27.11. Otsalamppu hintaan 19,90 €", ("2026-11-27", "2026-11-27")),
    ("Only on Friday 27 Nov: headlamps €19.90", ("2026-11-27", "2026-11-27")),
    ("Tarjous voimassa 29.11.", ("2026-11-29", "2026-11-29")),
    # a sale that starts on a date runs from it
    ("Ale alkaa 26.12.!", ("2026-12-26", None)),
    ("Mellandagsrean startar 26/12", ("2026-12-26", None)),
    ("Boxing Day sale starts 26 Dec", ("2026-12-26", None)),
    ("Kampanja alkaa 1.12. klo 10", ("2026-12-01", None)),
    # "at" is no clock word; a time after a date is no year
    ("Deals at 24.11 – 30.11 only", ("2026-11-24", "2026-11-30")),
    ("Offer valid until 30.11. 23:59", (None, "2026-11-30")),
    # a percentage after a week word is a discount, and "v." after a number is years
    ("Vain tällä viikolla 30 % alennus", ("2026-11-18", "2026-11-22")),
    ("Bara den här veckan 20% rabatt", ("2026-11-18", "2026-11-22")),
    ("Only this week 25% off", ("2026-11-18", "2026-11-22")),
    # not campaign windows
    ("Kuoritakki nyt 25 € – tarjous!", None),
    ("Now 25 € only: Kånken backpack", None),
    ("Öppet köp i 30 dagar – rea på allt", None),
    ("Takuu 3 v. 12 kk tarjous", None),
    ("Myymälä suljettu 6.12. Tarjous voimassa koko joulukuun!", None),
    ("Uutuus! Reppu 59,90 €", None),
    ("Hinta 19.90 € vain nyt", None),
    ("Toimitus 1–3 arkipäivässä", None),
    ("Myymälä avoinna ma–pe 9–17", None),
    ("Hyvää itsenäisyyspäivää 6.12.!", None),
    ("Öppet 10–18 alla dagar", None),
    ("Our store moved on 3.11.", None),
    ("Kånken 16 L, 40 x 30 x 15 cm", None),
    ("Ny leverans vecka 50!", None),
    ("Vain 3 kpl jäljellä, tilattu 2.11.", None),
]


@pytest.mark.parametrize(("text", "expected"), WINDOWS)
def test_campaign_window(text: str, expected: tuple[str | None, str | None] | None) -> None:
    window = campaign_window(text, POSTED)
    if expected is None:
        assert window is None
        return
    assert window is not None
    start, end = expected
    assert window.start == (date.fromisoformat(start) if start else None)
    assert window.end == (date.fromisoformat(end) if end else None)
    assert window.evidence and window.evidence in text


def test_a_window_in_late_december_runs_into_the_next_year() -> None:
    window = campaign_window("Tarjous voimassa 2.1. asti", date(2026, 12, 20))
    assert window is not None and window.end == date(2027, 1, 2)


RUN = date(2026, 11, 23)

# (published, window start, window end, recency days) -> state on RUN
STATES = [
    ("2026-11-20", "2026-11-20", "2026-11-30", 14, "current"),
    ("2026-11-10", None, "2026-11-30", 14, "current"),
    ("2026-11-20", "2026-11-25", "2026-11-30", 14, "upcoming"),
    ("2026-11-14", "2026-11-14", "2026-11-21", 14, "ended"),
    ("2025-11-20", "2025-11-20", "2025-11-30", 14, "history"),
    ("2026-11-20", None, None, 14, "current"),
    ("2026-11-09", None, None, 14, "current"),
    ("2026-11-08", None, None, 14, "history"),
    ("2026-11-20", None, None, 2, "history"),
    ("2025-12-01", None, None, 14, "history"),
    (None, None, None, 14, "undated"),
    ("2026-11-01", "2026-12-01", None, 14, "upcoming"),
    ("2026-11-01", "2026-11-20", None, 14, "current"),
]


@pytest.mark.parametrize(("published", "start", "end", "recency", "expected"), STATES)
def test_post_state(
    published: str | None, start: str | None, end: str | None, recency: int, expected: str
) -> None:
    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    assert post_state(day(published), day(start), day(end), RUN, recency) == expected
