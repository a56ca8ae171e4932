"""Reading pages: markup in, items out. Extraction never touches the network.

``extract_page`` parses a page once and hands the same tree to every extractor, so a spider,
``omnicheck extract`` and the tests all read a page the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extraction.attributes import extract_attributes
from crawler.extraction.claims import ServiceVocabulary, extract_claims
from crawler.extraction.offers import ExtractionOptions, extract_offers
from crawler.extraction.page import ParsedPage
from crawler.items import Offer, ProductAttribute, ServiceClaim


@dataclass
class PageExtraction:
    """What one page says: its offers, service claims and product attributes, and what could not
    be read. Attributes are read only from pages that offer a product: elsewhere a weight or a
    volume is about nothing omnicheck can link."""

    url: str
    title: str | None = None
    language: str | None = None
    offers: list[Offer] = field(default_factory=list)
    claims: list[ServiceClaim] = field(default_factory=list)
    attributes: list[ProductAttribute] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


def extract_page(
    html: bytes | str,
    url: str,
    options: ExtractionOptions | None = None,
    vocabulary: ServiceVocabulary | None = None,
    encoding: str | None = None,
) -> PageExtraction:
    options = options or ExtractionOptions()
    page = ParsedPage.from_html(html, url, encoding=encoding)
    offers = extract_offers(page, options)
    claims = extract_claims(
        page.text_blocks,
        options.channel,
        url,
        vocabulary=vocabulary,
        currency=options.currency,
        locale=options.locale,
    )
    attributes = extract_attributes(page, options.channel) if offers else []
    return PageExtraction(
        url=url,
        title=page.title,
        language=page.language,
        offers=offers,
        claims=claims,
        attributes=attributes,
        problems=list(page.problems),
        links=[str(href) for href in page.tree.xpath("//a[@href]/@href")],
    )


__all__ = ["ExtractionOptions", "PageExtraction", "extract_page"]
