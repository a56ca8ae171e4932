"""Campaign windows in social posts: "voimassa 20.–30.11.", "till söndag", "this weekend only".

A window is read only from a sentence that talks about validity (the marker words of
``rules/vocab/campaigns.yml``), so a price such as "19.90" or an unrelated date is never taken for
a campaign. Numeric dates are read here (day first, as Nordic shops write them); dates with month
names go through dateparser in Finnish, Swedish and English. Dates without a year take the post's
year, or the next one when that would put them half a year before the post.

``post_state`` then decides what a post counts as on the day of a run: ``current`` while its
window covers the day (or, with no window, while it is recent enough), ``ended`` shortly after its
window closed, ``upcoming`` before it opens, and ``history`` after that.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import dateparser

from crawler.extraction.vocabulary import load_vocabulary

DASH = r"\s*[-–—]\s*"
NUMERIC_DATE = re.compile(
    r"(?<![\d,.])(\d{1,2})\s*[./]\s*(\d{1,2})(?:\s*[./]\s*(\d{4}|\d{2})(?!\d))?\.?"
    r"(?![\d,])(?!\s*(?:€|eur|kr|:-|sek|nok|dkk|\$|%))",
    re.IGNORECASE,
)
DAY_MONTH_NAME = re.compile(r"(?<![\d,.])(\d{1,2})(?:\.|:e|:a)?\s+([^\W\d_]{3,})\.?(?:\s+(\d{4}))?")
MONTH_NAME_DAY = re.compile(r"\b([^\W\d_]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
BARE_DAY = re.compile(r"(?<![\d,.])(\d{1,2})\.?(?::e|:a)?" + DASH + r"$")
RANGE_END_DAY = re.compile("^" + DASH + r"(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
HALF_YEAR = timedelta(days=183)
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

    def words(values: list[str]) -> re.Pattern[str]:
        ordered = sorted({str(v).lower() for v in values}, key=len, reverse=True)
        return re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)", re.IGNORECASE
        )

    markers = [word for by_language in data["markers"].values() for word in by_language]
    relative = {period: words(phrases) for period, phrases in data["relative"].items()}
    weekdays = [
        re.compile(r"(?<!\w)(?:" + "|".join(stems) + r")\w*", re.IGNORECASE)
        for stems in data["weekdays"]
    ]
    return {
        "markers": words(markers + [p for ps in data["relative"].values() for p in ps]),
        "until_after": words(data["until_after"]),
        "until_before": words(data["until_before"]),
        "from_after": words(data["from_after"]),
        "from_before": words(data["from_before"]),
        "relative": relative,
        "weekdays": weekdays,
    }


def campaign_window(text: str, published: date) -> CampaignWindow | None:
    """The campaign window a post states, relative to the day it was published; None if none."""
    vocabulary = _vocabulary()
    for sentence in re.split(r"(?<=[.!?])\s+(?=\W*[A-ZÅÄÖ])|\n+|[•|]", text):
        if not vocabulary["markers"].search(sentence):
            continue
        window = (
            _dated_window(sentence, published)
            or _weekday_window(sentence, published)
            or _relative_window(sentence, published)
        )
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


def _dated_window(sentence: str, published: date) -> CampaignWindow | None:
    dates = _dates(sentence, published)
    if not dates:
        return None
    vocabulary = _vocabulary()
    for first, second in zip(dates, dates[1:], strict=False):
        if re.fullmatch(DASH, sentence[first.end : second.start]) and first.day <= second.day:
            return CampaignWindow(first.day, second.day, sentence[first.start : second.end])
    for found in dates:
        before = sentence[max(0, found.start - 24) : found.start]
        after = sentence[found.end : found.end + 14]
        bare = BARE_DAY.search(before)
        if bare:
            start = _range_start(int(bare.group(1)), found.day)
            if start is not None:
                evidence = sentence[found.start - len(before) + bare.start() : found.end]
                return CampaignWindow(start, found.day, evidence)
        tail = RANGE_END_DAY.match(after)
        if tail and sentence[found.start].isalpha():
            end = _resolve(int(tail.group(1)), found.day.month, found.day.year, published)
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


def _weekday_window(sentence: str, published: date) -> CampaignWindow | None:
    vocabulary = _vocabulary()
    for weekday, pattern in enumerate(vocabulary["weekdays"]):
        for match in pattern.finditer(sentence):
            before = sentence[max(0, match.start() - 24) : match.start()]
            after = sentence[match.end() : match.end() + 14]
            if _ends_with(vocabulary["until_before"], before) or _starts_with(
                vocabulary["until_after"], after
            ):
                day = published + timedelta(days=(weekday - published.weekday()) % 7)
                evidence = sentence[max(0, match.start() - 24) : match.end() + 14].strip()
                return CampaignWindow(None, day, evidence)
    return None


def _relative_window(sentence: str, published: date) -> CampaignWindow | None:
    sunday = published + timedelta(days=(6 - published.weekday()) % 7)
    month_end = published.replace(day=calendar.monthrange(published.year, published.month)[1])
    ends = {"today": published, "weekend": sunday, "week": sunday, "month": month_end}
    for period, pattern in _vocabulary()["relative"].items():
        match = pattern.search(sentence)
        if match:
            return CampaignWindow(published, ends[period], match.group(0))
    return None


def _dates(sentence: str, published: date) -> list[_Found]:
    found = []
    for match in NUMERIC_DATE.finditer(sentence):
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
    """The month a word names, in Finnish, Swedish or English ("marraskuuta", "nov"), or None."""
    parsed = dateparser.parse(
        f"1 {word} 2000",
        languages=["fi", "sv", "en"],
        settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.month if isinstance(parsed, datetime) else None


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
