"""Whether a page is an empty shell that its scripts fill in (a single-page app).

Read without a browser, such a page shows no product, no price and almost no text: the first
request of a React, Vue, Angular, Next.js or Svelte app returns an empty mount element and the
scripts that build the page. Counting it as "read, no offers" would let the channel look
complete while it said nothing; the crawl records it (``"script-built"`` in the page's
``skipped``) so the channel can be named with the advice to set ``render: js``.

The test is structural, not a list of frameworks: little visible text in the page's main part,
scripts to run (external, or a large inline one), and near the top of the body a mount point —
an element with an id, or a custom element (``<app-root>``), or one holding only scripts — that
shows next to nothing and no media.
"""

from __future__ import annotations

from typing import Any

from crawler.extraction.page import ParsedPage, clean_text

SCRIPT_BUILT = "script-built"
# Below this many characters of visible text outside header, footer, navigation and asides a
# page says nothing of its own: an app's shell shows none, or a breadcrumb and a "Loading…" line;
# a product page's name, price and description alone say more.
MAX_OWN_TEXT = 100
# A mount point may show a "Loading…" line, no more (and no link or media).
MAX_MOUNT_TEXT = 40
# An inline script this long is an application (or its state), not a tracking snippet.
LARGE_INLINE_SCRIPT = 2000
# How deep below <body> a mount point may sit (body > div.wrapper > main > div#app).
MOUNT_DEPTH = 3
MEDIA = ("img", "picture", "video", "canvas", "iframe", "svg", "object", "embed")
# What a mount point never holds before its scripts ran: media, links and form controls.
CONTENT = (*MEDIA, "a", "form", "input", "button", "select", "textarea")
SURROUNDINGS = ("header", "footer", "nav", "aside")
# The page's own visible text: not scripts, and not what every page repeats around it (header,
# footer, navigation, asides, by their elements; class names are too loose to tell).
OWN_TEXT = (
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::header or ancestor::footer or ancestor::nav"
    " or ancestor::aside)]"
)
HIDDEN_FREE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template)]"
DATA_SCRIPT_TYPES = ("application/ld+json",)  # structured data is read, not run


def looks_script_built(page: ParsedPage) -> bool:
    """Whether the page's content is built by its scripts (see the module's docstring)."""
    body = page.tree.find("body")
    if body is None or not _runs_scripts(page.tree):
        return False
    own_text = clean_text(" ".join(body.xpath(OWN_TEXT)))
    return len(own_text) < MAX_OWN_TEXT and any(_is_mount(e) for e in _near_top(body))


def _runs_scripts(tree: Any) -> bool:
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind in DATA_SCRIPT_TYPES:
            continue
        if script.get("src") or len(script.text or "") >= LARGE_INLINE_SCRIPT:
            return True
    return False


def _near_top(body: Any) -> list[Any]:
    """Elements down to MOUNT_DEPTH below the body, outside its header, footer and asides."""
    elements, level = [], [body]
    for _ in range(MOUNT_DEPTH):
        level = [
            child
            for element in level
            for child in element
            if isinstance(child.tag, str) and child.tag not in SURROUNDINGS
        ]
        elements.extend(level)
    return elements


def _is_mount(element: Any) -> bool:
    tag = element.tag.lower()
    if tag in ("script", "style", "noscript", "template", "link", "meta", *MEDIA):
        return False
    children = [child for child in element.iter() if child is not element]
    only_scripts = bool(children) and all(
        isinstance(child.tag, str) and child.tag == "script" for child in children
    )
    if not (element.get("id") or "-" in tag or only_scripts):
        return False
    if any(isinstance(child.tag, str) and child.tag in CONTENT for child in children):
        return False
    text = "".join(element.xpath(HIDDEN_FREE_TEXT))
    return len(clean_text(text)) <= MAX_MOUNT_TEXT
