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
  than ``ROW_LIMIT``) is given as its reason, and the rows around it are read;
- a public post page (HTML) with OpenGraph tags: ``og:description``/``og:title``, ``og:url`` and
  ``article:published_time``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
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
)
LINK_KEYS = ("permalink_url", "permalink", "url", "link", "post_url", "post link", "post url")
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
)


@dataclass
class RawPost:
    url: str
    text: str
    published: datetime | None


def read_posts(body: bytes, url: str) -> Iterator[RawPost | str]:
    """Posts from a feed, JSON or CSV export, or post page, and the reason of each row of an
    export that could not be read; nothing for anything else."""
    head = body.lstrip()[:200].lower()
    if head.startswith((b"[", b"{")) or head.startswith(b"window.ytd"):
        yield from _json_posts(body, url)
    elif head.startswith((b"<!doctype html", b"<html")):
        post = _page_post(body, url)
        if post is not None:
            yield post
    elif head.startswith(b"<"):
        yield from _feed_posts(body, url)
    else:
        yield from _csv_posts(body, url)


def parse_timestamp(value: Any) -> datetime | None:
    """A post's time from epoch seconds, ISO 8601, RFC 822, or what people write ("23.11.2026")."""
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
        text, languages=["fi", "sv", "en"], settings={"DATE_ORDER": "DMY", "TIMEZONE": "UTC"}
    )
    return _aware(parsed) if parsed else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _json_posts(body: bytes, url: str) -> Iterator[RawPost]:
    text = body.decode("utf-8", errors="replace").strip()
    if text.lower().startswith("window.ytd"):
        text = text.split("=", 1)[-1]
    try:
        data = json.loads(text)
    except ValueError:
        return
    if isinstance(data, dict):
        data = data.get("posts") or data.get("data") or data.get("items") or [data]
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict):
            record = item.get("tweet", item)
            post = _record_post({str(k).lower(): v for k, v in record.items()}, url)
            if post is not None:
                yield post


def _record_post(record: dict[str, Any], url: str) -> RawPost | None:
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
    return RawPost(urljoin(url, link) if link else url, text, parse_timestamp(date))


def _csv_posts(body: bytes, url: str) -> Iterator[RawPost | str]:
    text = body.decode("utf-8-sig", errors="replace")
    lines = BoundedLines(io.StringIO(text, newline=""))
    for row in csv_rows(lines, text[:SNIFF_BYTES], lambda name: name.strip().lower()):
        post = row if isinstance(row, str) else _record_post(row, url)
        if post is not None:
            yield post


def _feed_posts(body: bytes, url: str) -> Iterator[RawPost]:
    for entry in feedparser.parse(body).entries:
        text = _join([_plain(entry.get(key, "")) for key in ("title", "summary")])
        if text:
            published = entry.get("published") or entry.get("updated")
            yield RawPost(urljoin(url, entry.get("link") or ""), text, parse_timestamp(published))


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
