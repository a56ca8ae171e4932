"""One parse per page: the lxml tree every extractor shares, and what is derived from it once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import lxml.etree
import lxml.html
from w3lib.encoding import html_to_unicode

# Elements whose text a customer never reads as a sentence of the page.
INVISIBLE = {"script", "style", "noscript", "template", "svg", "head", "iframe", "select", "option"}
# Elements that hold navigation: link labels, not statements.
NAVIGATION = {"nav"}
BLOCK = {
    "p",
    "li",
    "td",
    "th",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "section",
    "article",
    "main",
    "aside",
    "header",
    "footer",
    "blockquote",
    "figcaption",
    "caption",
    "tr",
    "ul",
    "ol",
    "dl",
    "table",
    "form",
    "body",
    "summary",
    "details",
    "address",
    "button",
}
SPACE = re.compile(r"\s+")


def clean_text(text: str) -> str:
    return SPACE.sub(" ", text).strip()


def _append(buffer: list[str], text: str) -> None:
    """Text after an element boundary. A capital letter straight after a letter or digit starts
    another item, not the same word: minified markup writes a bar of benefits as
    ``<span>Fri frakt över 499 kr</span><span>Öppet köp 30 dagar</span>``, which browsers lay
    out apart and which would otherwise read as "499 krÖppet köp"."""
    if buffer and text[:1].isupper() and buffer[-1][-1:].isalnum():
        buffer.append(" ")
    buffer.append(text)


@dataclass
class TextBlock:
    """A run of visible text and where it sits on the page."""

    text: str
    region: str  # main | header | footer | aside | banner


@dataclass
class ParsedPage:
    url: str
    tree: Any
    problems: list[str] = field(default_factory=list)
    source: bytes | str | None = field(default=None, repr=False)
    encoding: str | None = None

    @classmethod
    def from_html(cls, html: bytes | str, url: str, encoding: str | None = None) -> ParsedPage:
        """Parse markup once; broken or empty markup gives an empty page, never an exception."""
        problems: list[str] = []
        try:
            if isinstance(html, bytes):
                encoding = encoding or detect_encoding(html)
                parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=True)
                tree = lxml.html.document_fromstring(html, parser=parser, base_url=url)
            else:
                tree = lxml.html.document_fromstring(html, base_url=url)
        except (lxml.etree.ParserError, ValueError, LookupError) as error:
            problems.append(f"unparseable html: {error}")
            tree = lxml.html.document_fromstring("<html><body></body></html>")
        return cls(url=url, tree=tree, problems=problems, source=html, encoding=encoding)

    @cached_property
    def title(self) -> str | None:
        titles = self.tree.xpath("//title/text()")
        return clean_text(titles[0]) if titles else None

    @cached_property
    def canonical_url(self) -> str | None:
        hrefs = self.tree.xpath("//link[@rel='canonical']/@href")
        return hrefs[0].strip() if hrefs else None

    @cached_property
    def language(self) -> str | None:
        langs = self.tree.xpath("/html/@lang")
        return langs[0].split("-")[0].lower() if langs else None

    @cached_property
    def text_blocks(self) -> list[TextBlock]:
        """Visible text split at block elements, each tagged with its page region."""
        blocks: list[TextBlock] = []
        body = self.tree.find("body")
        if body is None:
            return blocks
        self._collect(body, "main", blocks, [])
        return blocks

    def _collect(
        self, element: Any, region: str, blocks: list[TextBlock], buffer: list[str]
    ) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in INVISIBLE or tag in NAVIGATION:
            if element.tail:
                buffer.append(element.tail)
            return
        region = _region(element, region)
        is_block = tag in BLOCK
        if is_block:
            self._flush(buffer, region, blocks)
        if element.text:
            _append(buffer, element.text)
        for child in element:
            self._collect(child, region, blocks, buffer)
        if is_block or tag == "br":
            self._flush(buffer, region, blocks)
        if element.tail:
            _append(buffer, element.tail)

    @staticmethod
    def _flush(buffer: list[str], region: str, blocks: list[TextBlock]) -> None:
        text = clean_text("".join(buffer))
        buffer.clear()
        if text:
            blocks.append(TextBlock(text, region))

    @cached_property
    def visible_text(self) -> str:
        return "\n".join(block.text for block in self.text_blocks)


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The page's encoding from its BOM, HTTP header or meta tag; UTF-8 when none says."""
    encoding, _ = html_to_unicode(content_type, body[:4096], auto_detect_fun=_utf8_or_none)
    return encoding


def _utf8_or_none(sample: bytes) -> str | None:
    """UTF-8 when the bytes decode as UTF-8 (a cut at the sample's end allowed), else cp1252."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return "cp1252" if error.start < len(sample) - 4 else "utf-8"
    return "utf-8"


def _region(element: Any, inherited: str) -> str:
    if inherited != "main":
        return inherited
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("footer", "header", "aside"):
        return tag
    marker = f"{element.get('id', '')} {element.get('class', '')} {element.get('role', '')}".lower()
    if "cookie" in marker or "consent" in marker or "gdpr" in marker:
        return "banner"
    if "footer" in marker or "contentinfo" in marker:
        return "footer"
    return inherited
