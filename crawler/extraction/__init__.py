"""Reading pages: markup in, items out. Extraction never touches the network.

``extract_page`` parses a page once and hands the same tree to every extractor, so a spider,
``omnicheck extract`` and the tests all read a page the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from crawler.extraction.attributes import extract_attributes
from crawler.extraction.claims import ServiceVocabulary, extract_claims
from crawler.extraction.market import page_locale
from crawler.extraction.offers import ExtractionOptions, extract_offers
from crawler.extraction.page import ParsedPage
from crawler.extraction.prices import currency_code, plausible
from crawler.extraction.script_built import SCRIPT_BUILT, looks_script_built
from crawler.extraction.store_stock import page_store_stock
from crawler.extraction.structured import structured_data
from crawler.items import Offer, ProductAttribute, ServiceClaim, StoreStock


@dataclass
class PageExtraction:
    """What one page says: its offers, service claims, product attributes and stock per store,
    and what could not be read. Attributes and store stock are read only from pages that offer a
    product: elsewhere a weight or a store's stock is about nothing omnicheck can link."""

    url: str
    title: str | None = None
    language: str | None = None
    offers: list[Offer] = field(default_factory=list)
    claims: list[ServiceClaim] = field(default_factory=list)
    attributes: list[ProductAttribute] = field(default_factory=list)
    stock: list[StoreStock] = field(default_factory=list)
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
    if options.locale is None:
        # Without a configured locale the page's own market decides what "kr" or "元" means.
        options = replace(options, locale=page_locale(page))
    # Offers and attributes read the same structured data: extract it once.
    data = structured_data(page)
    offers = extract_offers(page, options, data)
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
    attributes = extract_attributes(page, options.channel, data=data) if offers else []
    if not offers and looks_script_built(page):
        page.problems.append(SCRIPT_BUILT)
    return PageExtraction(
        url=url,
        title=page.title,
        language=page.language,
        offers=offers,
        claims=claims,
        attributes=attributes,
        stock=page_store_stock(page, data, offers, options),
        problems=list(page.problems),
        links=[str(href) for href in page.tree.xpath("//a[@href]/@href")],
    )


def _drop_unusable_price(offer: Offer, problems: list[str]) -> None:
    """The last guard: a price leaves extraction positive and plausible, its currency an ISO
    code when one is known. Otherwise the offer keeps its identity but loses its price, and the
    page records why."""
    if offer.regular_price is not None and not plausible(offer.regular_price):
        offer.regular_price = None
    if offer.price is None:
        return
    if plausible(offer.price):
        offer.currency = currency_code(offer.currency) or offer.currency
        return
    _drop_price(offer, problems, "implausible price")


def require_currency(offers: list[Offer], problems: list[str]) -> None:
    """Prices that leave a crawl have a currency: one without (the page showed none and the
    channel configures none) cannot be compared with any other, so it is dropped and counted."""
    for offer in offers:
        if offer.price is not None and currency_code(offer.currency) is None:
            _drop_price(offer, problems, "price without a currency")


def _drop_price(offer: Offer, problems: list[str], reason: str) -> None:
    problems.append(reason)
    offer.price, offer.currency, offer.regular_price, offer.is_from_price = None, None, None, False
    offer.sources.pop("price", None)
    offer.evidence.pop("price", None)


__all__ = ["ExtractionOptions", "PageExtraction", "extract_page", "require_currency"]
