"""Campaign windows in social posts: "voimassa 20.–30.11.", "till söndag", "this weekend only".

A window is read only from a sentence that talks about validity (the marker words of
``rules/vocab/campaigns.yml``), so a price such as "19.90" or an unrelated date is never taken for
a campaign. Numeric dates are read here (day first, as Nordic shops write them), and dates with
month names by the month names of ``campaigns.yml`` (not a general date parser, which reads
"nyt 25" or "week 30" as dates). Dates without a year take the post's
year, or the next one when that would put them half a year before the post.

``post_state`` then decides what a post counts as on the day of a run: ``current`` while its
window covers the day (or, with no window, while it is recent enough), ``ended`` shortly after its
window closed, ``upcoming`` before it opens, and ``history`` after that.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from crawler.extraction.vocabulary import alternation, load_vocabulary, whole_words

DASH = r"\s*[-–—]\s*"
NUMERIC_DATE = re.compile(
    r"(?<![\d,.])(\d{1,2})\s*[./]\s*(\d{1,2})(?:\s*[./]\s*(\d{4}|\d{2})(?![\d:]))?\.?"
    r"(?![\d,])(?!\s*(?:€|eur|kr|:-|sek|nok|dkk|\$|%))",
    re.IGNORECASE,
)
DAY_MONTH_NAME = re.compile(r"(?<![\d,.])(\d{1,2})(?:\.|:e|:a)?\s+([^\W\d_]{3,})\.?(?:\s+(\d{4}))?")
MONTH_NAME_DAY = re.compile(r"\b([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
BARE_DAY = re.compile(r"(?<![\d,.])(\d{1,2})\.?(?::e|:a)?" + DASH + r"$")
RANGE_END_DAY = re.compile("^" + DASH + r"(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
# A sentence ends at ".", "!" or "?" before a capital, but not at the dot of a date ("1.–7.12.
# Retkikeitin vain 79 €"): the date belongs to the words after it as much as to those before.
SENTENCE = re.compile(r"(?<=[.!?])(?<!\d\.)\s+(?=\W*[A-ZÅÄÖ])|\n+|[•|]")
HALF_YEAR = timedelta(days=183)
# Read only when a post gives no other window (see rules/vocab/campaigns.yml).
LAST_CHANCE = ("last_chance",)
STATES = ("current", "upcoming", "ended", "history", "undated")


@dataclass(frozen=True)
class CampaignWindow:
    """The first and last day of a campaign (either may be open), and the words it came from."""

    start: date | None
    end: date | None
    evidence: str


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    day: date


@cache
def _vocabulary() -> dict[str, Any]:
    data = load_vocabulary("campaigns")

    markers = [word for by_language in data["markers"].values() for word in by_language]
    relative = {period: whole_words(phrases) for period, phrases in data["relative"].items()}
    weekdays = [
        re.compile(r"(?<!\w)(?:" + "|".join(stems) + r")\w*", re.IGNORECASE)
        for stems in data["weekdays"]
    ]
    any_weekday = "|".join(stem for stems in data["weekdays"] for stem in stems)
    clock, week = alternation(data["clock"]), alternation(data["weeks"])
    return {
        "markers": whole_words(markers + [p for ps in data["relative"].values() for p in ps]),
        # "klo 23.59", "kl. 23:59", "at 11:59" or a bare "23:59": a time of day, never a date
        "time": re.compile(
            rf"(?<!\w)(?:{clock})\s*\d{{1,2}}(?:[.:]\d{{2}})?(?!\d)|(?<![\d.,:])\d{{1,2}}:\d{{2}}(?!\d)",
            re.IGNORECASE,
        ),
        "weekday_tail": re.compile(rf"(?<!\w)(?:{any_weekday})\w*[.,]?\s*$", re.IGNORECASE),
        "week": re.compile(
            rf"(?<!\d\s)(?<!\w)(?:{week})\s*(\d{{1,2}})(?:{DASH}(\d{{1,2}}))?(?![\d.,:]|\s*%)",
            re.IGNORECASE,
        ),
        "months": [tuple(str(name).lower() for name in names) for names in data["months"]],
        "until_after": whole_words(data["until_after"]),
        "until_before": whole_words(data["until_before"]),
        "from_after": whole_words(data["from_after"]),
        "from_before": whole_words(data["from_before"]),
        "relative": relative,
        "weekdays": weekdays,
    }


def campaign_window(text: str, published: date) -> CampaignWindow | None:
    """The campaign window a post states, relative to the day it was published; None if none."""
    vocabulary = _vocabulary()
    sentences = [s for s in SENTENCE.split(text) if vocabulary["markers"].search(s)]
    for sentence in sentences:
        window = (
            _sentence_window(sentence, published)
            or _week_window(sentence, published)
            or _relative_window(sentence, published)
        )
        if window is not None:
            return window
    for sentence in sentences:
        window = _relative_window(sentence, published, LAST_CHANCE)
        if window is not None:
            return window
    return None


def post_state(
    published: date | None,
    window_start: date | None,
    window_end: date | None,
    run_day: date,
    recency_days: int = 14,
) -> str:
    """What a post counts as on ``run_day``: current, upcoming, ended, history or undated."""
    recency = timedelta(days=recency_days)
    if window_end is not None:
        if run_day > window_end:
            return "ended" if run_day - window_end <= recency else "history"
        if window_start is not None and run_day < window_start:
            return "upcoming"
        return "current"
    if window_start is not None:
        if run_day < window_start:
            return "upcoming"
        return "current" if run_day - window_start <= recency else "history"
    if published is None:
        return "undated"
    if published > run_day + timedelta(days=1):
        return "upcoming"
    return "current" if run_day - published <= recency else "history"


def _sentence_window(sentence: str, published: date) -> CampaignWindow | None:
    """A window from dates and weekdays: a range, a first or last day, or both ("from Friday
    27 Nov until Sunday" ends on the Sunday after that Friday); a date that no word makes a first
    or last day ("Vain Black Fridayna 27.11.") is the one day of the campaign."""
    dates = _dates(sentence, published)
    window = _dated_window(sentence, dates)
    if window is not None and window.start and window.end:
        return window
    start, end = (window.start, window.end) if window else (None, None)
    spans = []
    if window is not None:
        position = sentence.find(window.evidence)
        spans.append((position, position + len(window.evidence)))
    # A lone date is the campaign's one day only when a marker word stands before it in the
    # sentence ("Vain Black Fridayna 27.11."), not when the date opens it ("Suljettu 6.12.
    # Tarjous voimassa koko joulukuun").
    alone = (
        window is None
        and len(dates) == 1
        and dates[0].day >= published
        and _vocabulary()["markers"].search(sentence[: dates[0].start]) is not None
    )
    if alone:
        start = dates[0].day
        spans.append((dates[0].start, dates[0].end))
    elif start is None and end is None:
        found = _weekday(sentence, published, "from")
        if found is not None:
            start = found[0]
            spans.append(found[1])
    if end is None:
        found = _weekday(sentence, start or published, "until")
        if found is not None:
            end = found[0]
            spans.append(found[1])
        elif alone:
            end = start
    if start is None and end is None:
        return None
    evidence = sentence[min(s for s, _ in spans) : max(e for _, e in spans)].strip()
    return CampaignWindow(start, end, evidence)


def _dated_window(sentence: str, dates: list[_Found]) -> CampaignWindow | None:
    """A range of two dates, or a date an until- or from-word stands next to."""
    if not dates:
        return None
    vocabulary = _vocabulary()
    for first, second in zip(dates, dates[1:], strict=False):
        if re.fullmatch(DASH, sentence[first.end : second.start]) and first.day <= second.day:
            return CampaignWindow(first.day, second.day, sentence[first.start : second.end])
    for found in dates:
        # A weekday before the date ("ma 30.11.", "from Friday 27 Nov") and a time after it
        # ("30.11. klo 23.59 saakka") do not keep the date from its until- or from-word.
        before = sentence[max(0, found.start - 36) : found.start]
        before = vocabulary["weekday_tail"].sub("", before)[-24:]
        rest = sentence[found.end :]
        time = vocabulary["time"].match(rest.lstrip(" ,"))
        after = rest.lstrip(" ,")[time.end() :] if time else rest
        after = after[:14]
        bare = BARE_DAY.search(before)
        if bare:
            start = _range_start(int(bare.group(1)), found.day)
            if start is not None:
                evidence = sentence[found.start - len(before) + bare.start() : found.end]
                return CampaignWindow(start, found.day, evidence)
        tail = RANGE_END_DAY.match(rest[:14])
        if tail and sentence[found.start].isalpha():
            end = _resolve(int(tail.group(1)), found.day.month, found.day.year, found.day)
            if end is not None and end >= found.day:
                evidence = sentence[found.start : found.end + tail.end()]
                return CampaignWindow(found.day, end, evidence)
        evidence = sentence[max(0, found.start - 24) : found.end + 14].strip()
        if _ends_with(vocabulary["until_before"], before) or _starts_with(
            vocabulary["until_after"], after
        ):
            return CampaignWindow(None, found.day, evidence)
        if _ends_with(vocabulary["from_before"], before) or _starts_with(
            vocabulary["from_after"], after
        ):
            return CampaignWindow(found.day, None, evidence)
    return None


def _weekday(sentence: str, since: date, role: str) -> tuple[date, tuple[int, int]] | None:
    """The first weekday of ``role`` ("until": "till söndag"; "from": "perjantaista alkaen"),
    as its next occurrence on or after ``since``, with where its words stand."""
    vocabulary = _vocabulary()
    for weekday, pattern in enumerate(vocabulary["weekdays"]):
        for match in pattern.finditer(sentence):
            before = sentence[max(0, match.start() - 24) : match.start()]
            after = sentence[match.end() : match.end() + 14]
            if _ends_with(vocabulary[f"{role}_before"], before) or _starts_with(
                vocabulary[f"{role}_after"], after
            ):
                day = since + timedelta(days=(weekday - since.weekday()) % 7)
                return day, (max(0, match.start() - 24), min(len(sentence), match.end() + 14))
    return None


def _week_window(sentence: str, published: date) -> CampaignWindow | None:
    """ "vko 48", "v. 48", "vecka 48", "week 48", "viikoilla 48–49": Monday to Sunday (ISO)."""
    match = _vocabulary()["week"].search(sentence)
    if match is None:
        return None
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    year = published.year
    try:
        start = date.fromisocalendar(year, first, 1)
        if start < published - HALF_YEAR:
            year += 1
            start = date.fromisocalendar(year, first, 1)
        end = date.fromisocalendar(year + (last < first), last, 7)
    except ValueError:
        return None
    return CampaignWindow(start, end, match.group(0))


def _relative_window(
    sentence: str, published: date, periods: tuple[str, ...] = ("today", "weekend", "week", "month")
) -> CampaignWindow | None:
    sunday = published + timedelta(days=(6 - published.weekday()) % 7)
    month_end = published.replace(day=calendar.monthrange(published.year, published.month)[1])
    ends = {"today": published, "weekend": sunday, "week": sunday, "month": month_end}
    ends[LAST_CHANCE[0]] = published + timedelta(days=1)
    for period, pattern in _vocabulary()["relative"].items():
        if period not in periods:
            continue
        match = pattern.search(sentence)
        if match:
            return CampaignWindow(published, ends[period], match.group(0))
    return None


def _dates(sentence: str, published: date) -> list[_Found]:
    found = []
    times = [match.span() for match in _vocabulary()["time"].finditer(sentence)]
    for match in NUMERIC_DATE.finditer(sentence):
        if any(start <= match.start() < end for start, end in times):
            continue  # "klo 10.11" is ten past ten
        day, month, year = match.groups()
        resolved = _resolve(int(day), int(month), _year(year), published)
        if resolved is not None:
            found.append(_Found(match.start(), match.end(), resolved))
    for pattern, order in ((DAY_MONTH_NAME, (0, 1)), (MONTH_NAME_DAY, (1, 0))):
        for match in pattern.finditer(sentence):
            day, word = match.group(order[0] + 1), match.group(order[1] + 1)
            month = _month_number(word.lower())
            if month is None:
                continue
            resolved = _resolve(int(day), month, _year(match.group(3)), published)
            if resolved is not None:
                found.append(_Found(match.start(), match.end(), resolved))
    found.sort(key=lambda f: f.start)
    return [f for i, f in enumerate(found) if i == 0 or f.start >= found[i - 1].end]


@cache
def _month_number(word: str) -> int | None:
    """The month a word names, in Finnish, Swedish or English ("marraskuuta", "nov"), or None.

    Only month names count: a general date parser also reads "nyt", "now" or "week" as this
    month, which would make "nyt 25 €" a date."""
    word = word.rstrip(".")
    for number, names in enumerate(_vocabulary()["months"], 1):
        for name in names:
            if word == name or (name.endswith("kuu") and word.startswith(name)):
                return number
    return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _resolve(day: int, month: int, year: int | None, published: date) -> date | None:
    try:
        resolved = date(year or published.year, month, day)
    except ValueError:
        return None
    if year is None and resolved < published - HALF_YEAR:
        resolved = resolved.replace(year=resolved.year + 1)
    return resolved


def _range_start(day: int, end: date) -> date | None:
    """The first day of "20.–30.11.": the end's month, or the month before for "28.–3.12."."""
    month, year = end.month, end.year
    if day > end.day:
        month, year = (12, year - 1) if month == 1 else (month - 1, year)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _ends_with(pattern: re.Pattern[str], text: str) -> bool:
    return any(match.end() >= len(text.rstrip(" .:")) for match in pattern.finditer(text))


def _starts_with(pattern: re.Pattern[str], text: str) -> bool:
    match = pattern.search(text)
    return match is not None and not text[: match.start()].strip(" .,")
