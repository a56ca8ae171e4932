"""Newsletters: saved e-mails and the public web archives of e-mail campaigns, read as posts.

- ``.eml`` files as mail programs save them (RFC 5322, MIME): the subject, the ``Date`` header as
  the day the e-mail was published, and the text of its HTML part (else its plain-text part).
- ``.html`` / ``.htm`` files and campaign pages on the web (an e-mail's "view in browser" page):
  the subject from ``og:title`` or ``<title>``; the date from the page's metadata
  (``article:published_time``, ``date``, ``DC.date``), a ``<time datetime>``, a header line
  saved with it ("Date: ...", "Päivämäärä: ...", "Datum: ..."), else the date the archive that
  listed it gives.
- An archive page (Mailchimp's campaign archive, and the like that Klaviyo, Apsis and others
  publish): a list of campaigns, each a link with its date beside it, and little else. Its
  campaigns are read one by one.
- The RSS or Atom feed of an archive: each entry a campaign, its title the subject; its content
  is the e-mail, or, when the entry holds only a summary, its link is read.

The e-mail's own date is its ``published``: a campaign window it states ("voimassa 20.–30.11.",
"last chance") is read from it as from a social post (``crawler.extraction.campaigns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from crawler.extraction.page import ParsedPage, clean_text
from crawler.extraction.post_sources import RawPost, date_order, parse_timestamp

EMAIL_SUFFIXES = (".eml", ".html", ".htm")
HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:[ \t]")
EMAIL_HEADERS = ("subject", "from", "date")
DATE_META = ("article:published_time", "date", "dc.date", "dcterms.date", "pubdate", "sent")
SAVED_DATE = re.compile(
    r"^(?:date|sent|päivämäärä|lähetetty|päiväys|datum|skickat|dato|sendt)\s*:\s*(.+)$",
    re.IGNORECASE | re.MULTILINE,
)
LISTED_DATE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{4}\b|\b[^\W\d_]{3,}\.?\s+\d{1,2},?\s+\d{4}\b"
)
# Archive hosts whose listings write dates month first (11/20/2026) like their makers.
MONTH_FIRST_HOSTS = ("campaign-archive.com", "mailchi.mp", "list-manage.com")
# An archive's dated links hold at least this share of its text: a campaign with a list of
# dated events is an e-mail, not an archive.
ARCHIVE_SHARE = 0.4
# A feed entry with less text than this is a summary: the campaign's page is read.
SUMMARY = 200


class EmailProblem(ValueError):
    """A saved e-mail or campaign page that cannot be read; the message says why."""


@dataclass(frozen=True)
class Campaign:
    """A campaign an archive lists: where to read it, the date the archive gives it, and its
    text when the archive (a feed) holds it."""

    url: str
    published: datetime | None
    text: str | None = None


def looks_like_eml(body: bytes, url: str) -> bool:
    """A message file: saved as ``.eml``, or starting with mail headers."""
    if urlsplit(url).path.lower().endswith(".eml"):
        return True
    return bool(HEADER_LINE.match(body.lstrip()[:200])) and b"\n\n" in body.replace(b"\r", b"")


def read_eml(body: bytes, url: str) -> RawPost:
    """An e-mail as a post: subject and text, published when it was sent."""
    message = BytesParser(policy=policy.default).parsebytes(body)
    if not any(message[name] for name in EMAIL_HEADERS):
        raise EmailProblem("not an e-mail: no Subject, From or Date header")
    assert isinstance(message, EmailMessage)
    subject = clean_text(str(message["subject"] or ""))
    published = _header_date(message)
    text = _body_text(message)
    if not subject and not text:
        raise EmailProblem("an empty e-mail: no subject and no text")
    return RawPost(url, "\n".join(filter(None, [subject, text])), published)


def _header_date(message: EmailMessage) -> datetime | None:
    header = message["date"]
    moment = getattr(header, "datetime", None)
    if isinstance(moment, datetime):
        return moment
    return parse_timestamp(str(header)) if header else None


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: read what decodes
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        return ParsedPage.from_html(str(content), "").visible_text
    return "\n".join(clean_text(line) for line in str(content).splitlines() if line.strip())


def read_email_page(body: bytes, url: str, listed: datetime | None = None) -> RawPost:
    """A campaign's web page or an e-mail saved as HTML, as a post."""
    page = ParsedPage.from_html(body, url)
    meta = {
        (node.get("property") or node.get("name") or "").lower(): node.get("content") or ""
        for node in page.tree.xpath("//meta[@content]")
    }
    subject = clean_text(meta.get("og:title") or page.title or "")
    text = page.visible_text
    if not text.strip():
        raise EmailProblem("no text on the page")
    published = next(
        (moment for key in DATE_META if (moment := parse_timestamp(meta.get(key) or None))),
        None,
    )
    if published is None:
        published = _time_element(page) or _saved_date(text) or listed
    if subject and not text.startswith(subject):
        text = f"{subject}\n{text}"
    return RawPost(url, text, published)


def _time_element(page: ParsedPage) -> datetime | None:
    for value in page.tree.xpath("//time/@datetime")[:1]:
        return parse_timestamp(value)
    return None


def _saved_date(text: str) -> datetime | None:
    found = SAVED_DATE.search(text[:2000])
    return parse_timestamp(found.group(1).strip()) if found else None


def archive_listing(body: bytes, url: str) -> list[Campaign]:
    """The campaigns an archive page lists (each a link with a date beside it); none when the
    page is not an archive but a campaign."""
    page = ParsedPage.from_html(body, url)
    found: dict[Any, tuple[str, str]] = {}
    for link in page.tree.xpath("//body//a[@href]"):
        href = urljoin(url, link.get("href", "").strip())
        if not href.startswith(("http://", "https://", "file:")):
            continue
        for holder in (link, *list(link.iterancestors())[:2]):
            dated = LISTED_DATE.search(clean_text(holder.text_content()))
            if dated:
                found.setdefault(holder, (href, dated.group(0)))
                break
    listed = len(" ".join(clean_text(holder.text_content()) for holder in found))
    if len(found) < 2 or listed < ARCHIVE_SHARE * len(page.visible_text):
        return []
    host = urlsplit(url).hostname or ""
    default = "MDY" if host.endswith(MONTH_FIRST_HOSTS) else "DMY"
    order = date_order([date for _, date in found.values()], default)
    seen: set[str] = set()
    campaigns = []
    for href, date in found.values():
        if href not in seen:
            seen.add(href)
            campaigns.append(Campaign(href, parse_timestamp(date, order)))
    return campaigns


def archive_feed(body: bytes, url: str) -> list[Campaign]:
    """The campaigns of an archive's RSS or Atom feed; EmailProblem when it has none."""
    parsed = feedparser.parse(body)
    if not parsed.entries:
        raise EmailProblem("no campaigns in the archive feed")
    campaigns = []
    for entry in parsed.entries:
        content = entry.get("content") or [{}]
        html = content[0].get("value") or entry.get("summary") or ""
        text = ParsedPage.from_html(f"<html><body>{html}</body></html>", url).visible_text
        title = clean_text(entry.get("title") or "")
        published = parse_timestamp(entry.get("published") or entry.get("updated"))
        link = urljoin(url, entry.get("link") or "")
        whole = len(text) >= SUMMARY or not entry.get("link")
        full = "\n".join(filter(None, [title, text])) if whole else None
        campaigns.append(Campaign(link or url, published, full))
    return campaigns
