"""Public posts from what a social channel publishes or exports: feeds, JSON, CSV, post pages.

Accepted shapes (sniffed from the content, not the file name):

- RSS or Atom feeds (title and summary/description of each entry, its link and date);
- JSON: a list of posts, or one under ``posts``, ``data`` or ``items`` (the Graph API's shape);
  each post's text under ``message``, ``text``, ``caption``, ``full_text``, ``content``,
  ``body``, ``description`` or ``title``. Instagram's "Download your information" export
  (``title``, ``creation_timestamp``, ``media``) and X/Twitter archives (``window.YTD...`` with
  ``tweet`` objects) read as they come;
- CSV or TSV exports of scheduling and analytics tools (Meta Business Suite, Buffer, Hootsuite,
  Later, LinkedIn): the columns in ``TEXT_KEYS``, ``LINK_KEYS`` and ``DATE_KEYS`` below,
  case-insensitive. A row that cannot be read (broken quoting, more values than columns, longer
  than ``ROW_LIMIT``) is counted in ``skipped`` with its reason, and the rows around it are read;
- a public post page (HTML) with OpenGraph tags: ``og:description``/``og:title``, ``og:url`` and
  ``article:published_time``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import dateparser
import feedparser

from crawler.extraction.feed_streams import SNIFF_BYTES, BoundedLines, csv_rows
from crawler.extraction.page import ParsedPage

TEXT_KEYS = (
    "message",
    "text",
    "full_text",
    "caption",
    "content",
    "body",
    "description",
    "post text",
    "post message",
    "post content",
    "commentary",
    "title",
    "post title",
    "update title",
)
LINK_KEYS = (
    "permalink_url",
    "permalink",
    "url",
    "link",
    "post_url",
    "post link",
    "post url",
    "update link",
)
DATE_KEYS = (
    "published",
    "publish time",
    "published time",
    "created_time",
    "creation_timestamp",
    "created_at",
    "created date",
    "timestamp",
    "date",
    "posted_at",
    "posted at",
    "sent at",
    "date published",
    "posted",
)
# A CSV export's header is looked for among its first lines.
HEADER_LINES = 5
SNIFF_LINE = 4096  # lines at least this long are left out of the delimiter's sniffing


@dataclass
class RawPost:
    url: str
    text: str
    published: datetime | None


@dataclass
class PostSource:
    """What one feed, export or page gave: its posts, what was skipped (reason → count) and,
    when it gave none, why (a line a person can act on)."""

    posts: list[RawPost] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    problem: str | None = None

    def add(self, post: RawPost | None) -> None:
        if post is None:
            self.skipped[NO_TEXT] += 1
            return
        if post.published is None:
            self.skipped[NO_DATE] += 1  # kept, and counted: it is never current
        self.posts.append(post)


NO_TEXT = "posts without text"
NO_DATE = "posts without a date (never compared)"
# Exports whose dates are written month first (11/20/2026): Meta Business Suite's "Publish
# time", LinkedIn's "Created date", Facebook Insights' "Posted". A date column that holds a day
# above 12 in either place says its own order.
MONTH_FIRST_COLUMNS = ("publish time", "created date", "posted")
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}\b")


def read_posts(body: bytes, url: str) -> Iterator[RawPost]:
    """Posts from a feed, JSON or CSV export, or post page; nothing for anything else."""
    yield from read_source(body, url).posts


def read_source(body: bytes, url: str) -> PostSource:
    """Posts from a feed, JSON or CSV export, or post page, with what was skipped and why."""
    head = body.lstrip()[:200].lower()
    if head.startswith((b"[", b"{")) or head.startswith(b"window.ytd"):
        return _json_posts(body, url)
    if head.startswith((b"<!doctype html", b"<html")):
        source = PostSource()
        post = _page_post(body, url)
        if post is None:
            source.problem = "no post on the page (no og:title or og:description)"
        else:
            source.add(post)
        return source
    if head.startswith(b"<"):
        return _feed_posts(body, url)
    return _csv_posts(body, url)


def date_order(values: list[str], default: str = "DMY") -> str:
    """``DMY`` or ``MDY``: what a column of numeric dates says (a first number above 12 is a day,
    a second one above 12 too), else ``default``."""
    pairs = [match.groups() for value in values if (match := NUMERIC_DATE.search(value))]
    if any(int(first) > 12 for first, _ in pairs):
        return "DMY"
    if any(int(second) > 12 for _, second in pairs):
        return "MDY"
    return default


def parse_timestamp(value: Any, order: str = "DMY") -> datetime | None:
    """A post's time from epoch seconds, ISO 8601, RFC 822, or what people write ("23.11.2026");
    ``order`` says how to read a numeric date that could be either (DMY or MDY)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.isdigit()):
        seconds = float(value)
        return datetime.fromtimestamp(seconds / 1000 if seconds > 1e11 else seconds, UTC)
    text = str(value).strip()
    try:
        return _aware(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return _aware(parsedate_to_datetime(text))
    except (TypeError, ValueError):
        pass
    parsed = dateparser.parse(
        text, languages=["fi", "sv", "en"], settings={"DATE_ORDER": order, "TIMEZONE": "UTC"}
    )
    return _aware(parsed) if parsed else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_posts(body: bytes, url: str) -> PostSource:
    source = PostSource()
    text = body.decode("utf-8", errors="replace").strip()
    if text.lower().startswith("window.ytd"):
        text = text.split("=", 1)[-1]
    try:
        data = json.loads(text)
    except ValueError as error:
        source.problem = f"not JSON: {error}"[:200]
        return source
    if isinstance(data, dict):
        data = data.get("posts") or data.get("data") or data.get("items") or [data]
    records = [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []
    for item in records:
        record = item.get("tweet", item)
        source.add(_record_post({str(k).lower(): v for k, v in record.items()}, url))
    if not source.posts:
        source.problem = (
            "no posts in the JSON (expected a list of posts, or one under data, posts or items,"
            f" each with one of {', '.join(TEXT_KEYS[:6])}...)"
        )
    return source


def _record_post(record: dict[str, Any], url: str, order: str = "DMY") -> RawPost | None:
    texts = [_plain(str(record[key])) for key in TEXT_KEYS if record.get(key)]
    media = record.get("media")
    if not texts and isinstance(media, list):
        texts = [_plain(str(m["title"])) for m in media if isinstance(m, dict) and m.get("title")]
    text = _join(texts)
    if not text:
        return None
    link = next((str(record[key]) for key in LINK_KEYS if record.get(key)), None)
    if link is None and record.get("id_str"):
        link = f"{url}#{record['id_str']}"
    date = next((record[key] for key in DATE_KEYS if record.get(key)), None)
    if date is None and isinstance(media, list) and media and isinstance(media[0], dict):
        date = media[0].get("creation_timestamp")
    return RawPost(urljoin(url, link) if link else url, text, parse_timestamp(date, order))


def _csv_posts(body: bytes, url: str) -> PostSource:
    """A CSV or TSV export; its header is the first of its first lines that names a text column
    (LinkedIn's export has a line of description above it)."""
    source = PostSource()
    text = body.decode("utf-8-sig", errors="replace")
    lines = text.splitlines(keepends=True)
    for skip in range(min(HEADER_LINES, len(lines))):
        # A row longer than any post (a broken or hostile one) would confuse the sniffer; one
        # row with a value too many can make it give up: then the header line's own delimiter.
        sample = "".join(line for line in lines[skip : skip + 20] if len(line) < SNIFF_LINE)
        try:
            delimiter = csv.Sniffer().sniff(sample[:4096], ",;\t").delimiter
        except csv.Error:
            delimiter = max(",;\t", key=lines[skip].count)
        header = [_lower(name) for name in next(csv.reader([lines[skip]], delimiter=delimiter))]
        if set(header) & set(TEXT_KEYS):
            break
    else:
        first = lines[0].strip()[:80] if lines else ""
        source.problem = (
            f"no post text column in the export (expected one of {', '.join(TEXT_KEYS[:8])}...;"
            f" its first line: {first!r})"
        )
        return source
    # Read like a CSV feed: a row that cannot be read (broken quoting, more values than columns,
    # longer than ROW_LIMIT) is counted with its reason, and the rows around it are kept.
    table = "".join(lines[skip:])
    rows = []
    for row in csv_rows(BoundedLines(io.StringIO(table, newline="")), table[:SNIFF_BYTES], _lower):
        if isinstance(row, str):
            source.skipped[row] += 1
        else:
            rows.append(row)
    month_first = "MDY" if set(header) & set(MONTH_FIRST_COLUMNS) else "DMY"
    dates = [str(row[key]) for row in rows for key in DATE_KEYS if row.get(key)]
    order = date_order(dates, month_first)
    for row in rows:
        source.add(_record_post(row, url, order))
    return source


def _lower(name: str) -> str:
    return name.strip().lower()


def _feed_posts(body: bytes, url: str) -> PostSource:
    source = PostSource()
    parsed = feedparser.parse(body)
    for entry in parsed.entries:
        text = _join([_plain(entry.get(key, "")) for key in ("title", "summary")])
        published = entry.get("published") or entry.get("updated")
        link = urljoin(url, entry.get("link") or "")
        source.add(RawPost(link, text, parse_timestamp(published)) if text else None)
    if not parsed.entries:
        error = parsed.get("bozo_exception")
        source.problem = f"no entries in the feed{f' ({error})' if error else ''}"[:200]
    return source


def _page_post(body: bytes, url: str) -> RawPost | None:
    page = ParsedPage.from_html(body, url)
    meta = {
        (node.get("property") or node.get("name") or "").lower(): node.get("content") or ""
        for node in page.tree.xpath("//meta[@content]")
    }
    text = _join([meta.get("og:title", ""), meta.get("og:description", "")])
    if not text:
        return None
    published = meta.get("article:published_time") or meta.get("og:updated_time")
    return RawPost(urljoin(url, meta.get("og:url") or ""), text, parse_timestamp(published))


def _join(texts: list[str]) -> str:
    """Title and body as one text, without repeating a title the body starts with."""
    kept: list[str] = []
    for text in texts:
        if text and not any(text in other or other in text for other in kept):
            kept.append(text)
        elif text and any(other in text for other in kept):
            kept = [other for other in kept if other not in text] + [text]
    return " \n".join(kept)


def _plain(text: str) -> str:
    """Post text without markup (feeds often carry HTML in their descriptions)."""
    if "<" not in text:
        return re.sub(r"[ \t]+", " ", text).strip()
    page = ParsedPage.from_html(f"<html><body><div>{text}</div></body></html>", "")
    return page.visible_text.replace("\n", " ")
