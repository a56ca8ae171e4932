"""A page its scripts build (a single-page app read without a browser) is recognised by its
shape, whichever framework made it; a server-rendered page with scripts is not."""

from __future__ import annotations

import gzip

import pytest

from crawler.extraction import extract_page
from crawler.extraction.page import ParsedPage
from crawler.extraction.script_built import SCRIPT_BUILT, looks_script_built
from tests.conftest import CORPUS, skip_without_corpus

BUNDLE = "!function(e){var t={};function n(r){if(t[r])return t[r].exports}}" * 40

SCRIPT_BUILT_PAGES = {
    "react-create-react-app": """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Butiken</title><link href="/static/css/main.4a1b.css" rel="stylesheet"></head><body>
<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
<script src="/static/js/main.8f3c2a.js"></script></body></html>""",
    "next-js-client-rendered": """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Vaellusreppu 40 L</title><script src="/_next/static/chunks/webpack-1f.js" defer></script>
</head><body><div id="__next"></div><script id="__NEXT_DATA__" type="application/json">
{"props":{"pageProps":{}},"page":"/tuote/[slug]","query":{},"buildId":"x1"}</script>
<script src="/_next/static/chunks/pages/_app-2c.js" defer></script></body></html>""",
    "vue-vite": """<!DOCTYPE html><html lang="fi"><head><meta charset="UTF-8">
<title>Kauppa</title><script type="module" crossorigin src="/assets/index-9d2b.js"></script>
</head><body><div id="app"></div></body></html>""",
    "angular": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<base href="/"></head><body><app-root></app-root>
<script src="runtime.1e.js" type="module"></script><script src="main.3a.js" type="module"></script>
</body></html>""",
    "nuxt-spa-with-loading-line": """<!doctype html><html><head><title>Kauppa</title></head>
<body><div id="__nuxt"><div class="loading">Ladataan…</div></div>
<script src="/_nuxt/runtime.js"></script><script src="/_nuxt/app.js"></script></body></html>""",
    "sveltekit-inline-boot": f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<link rel="modulepreload" href="/_app/immutable/entry/start.js"></head><body>
<div style="display: contents"><script>{{ __sveltekit_1 = {{ base: "" }};
const element = document.currentScript.parentElement; {BUNDLE} }}</script></div></body></html>""",
    "shell-with-server-rendered-header-and-footer": """<html><head><title>Tuote</title></head>
<body><header><a href="/">Etusivu</a> <a href="/tuotteet/">Tuotteet</a> <a href="/kampanjat/">
Kampanjat</a> <a href="/asiakaspalvelu/">Asiakaspalvelu</a></header><main>
<div id="product-root" data-sku="RA-VR40"></div></main><footer><p>Toimitus 1–3 arkipäivässä.
Ilmainen toimitus yli 50 € tilauksiin. 30 päivän palautusoikeus. Asiakaspalvelu palvelee
arkisin klo 9–17 puhelimitse ja sähköpostitse. Retkiaitta Oy, Y-tunnus 1234567-8, Helsinki.
</p></footer><script src="/js/product.js"></script></body></html>""",
}

SERVER_RENDERED_PAGES = {
    "product-page-with-tracking-scripts": """<html><head><title>Vaellusreppu 40 L</title>
<script src="https://www.googletagmanager.com/gtm.js?id=GTM-X"></script></head><body>
<div id="fb-root"></div><main><h1>Vaellusreppu 40 L</h1><p class="price">129,90 €</p>
<p>Kevyt ja kestävä reppu päiväretkille ja vaelluksille. Säädettävä selkäosa, sadesuoja ja
juomarakkotasku. Paino 1,2 kg, tilavuus 40 litraa.</p><p>Varastossa</p></main>
<script src="/js/app.js"></script></body></html>""",
    "next-js-server-rendered": """<!DOCTYPE html><html><head><title>Tält 2</title></head><body>
<div id="__next"><main><h1>Tält Vandring 2</h1><p>1 299 kr</p><p>Ett lätt tält för två
personer med två absider, aluminiumbågar och vattenpelare 3000 mm. Väger 2,1 kg packat.
Leverans inom 1–3 arbetsdagar och öppet köp i 30 dagar.</p></main></div>
<script id="__NEXT_DATA__" type="application/json">{"props":{}}</script>
<script src="/_next/static/chunks/main.js"></script></body></html>""",
    "short-page-without-scripts": """<html><body><div id="content"></div><p>Tervetuloa!</p>
</body></html>""",
    "landing-page-image-and-slogan": """<html><head><script src="/gtm.js"></script></head><body>
<div id="hero"><img src="/kevat.jpg" alt="Kevät"></div><p>Kevään uutuudet nyt myymälöissä.</p>
</body></html>""",
    "contact-page-with-a-form": """<html><head><script src="/js/site.js"></script></head><body>
<div id="contact"><form action="/send"><input name="email"><button>Lähetä</button></form></div>
</body></html>""",
    "short-page-whose-only-empty-element-sits-in-the-header": """<html><head>
<script src="/js/site.js"></script></head><body><header><div id="cart-count"></div></header>
<main><h1>Kiitos tilauksestasi!</h1></main></body></html>""",
}


@pytest.mark.parametrize("name", sorted(SCRIPT_BUILT_PAGES))
def test_script_built_pages_are_recognised(name: str) -> None:
    page = ParsedPage.from_html(SCRIPT_BUILT_PAGES[name], "https://shop.example/p/1")
    assert looks_script_built(page)


@pytest.mark.parametrize("name", sorted(SERVER_RENDERED_PAGES))
def test_server_rendered_pages_are_not(name: str) -> None:
    page = ParsedPage.from_html(SERVER_RENDERED_PAGES[name], "https://shop.example/p/1")
    assert not looks_script_built(page)


def test_the_signal_is_a_problem_of_a_page_without_offers() -> None:
    shell = extract_page(SCRIPT_BUILT_PAGES["vue-vite"], "https://shop.example/p/1")
    assert shell.offers == [] and shell.problems == [SCRIPT_BUILT]
    rendered = extract_page(
        SERVER_RENDERED_PAGES["product-page-with-tracking-scripts"], "https://shop.example/p/1"
    )
    assert rendered.offers and SCRIPT_BUILT not in rendered.problems


def test_no_real_product_page_of_the_corpus_is_taken_for_a_script_built_one() -> None:
    pages = sorted((CORPUS / "product-pages").glob("*.html.gz"))
    if not pages:
        skip_without_corpus()
    flagged = [
        path.name
        for path in pages
        if looks_script_built(
            ParsedPage.from_html(gzip.decompress(path.read_bytes()), "https://x/")
        )
    ]
    assert len(pages) >= 70 and flagged == []
