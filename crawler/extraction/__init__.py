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
from crawler.extraction.prices import currency_code, plausible
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
    for offer in offers:
        _drop_unusable_price(offer, page.problems)
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


def _drop_unusable_price(offer: Offer, problems: list[str]) -> None:
    """The last guard: a price leaves extraction positive, plausible and in a known currency.

    Otherwise the offer keeps its identity but loses its price, and the page records why.
    """
    if offer.regular_price is not None and not plausible(offer.regular_price):
        offer.regular_price = None
    if offer.price is None:
        return
    currency = currency_code(offer.currency)
    if plausible(offer.price) and currency is not None:
        offer.currency = currency
        return
    problems.append("price without a currency" if currency is None else "implausible price")
    offer.price, offer.currency, offer.regular_price, offer.is_from_price = None, None, None, False
    offer.sources.pop("price", None)
    offer.evidence.pop("price", None)


__all__ = ["ExtractionOptions", "PageExtraction", "extract_page"]
