"""Channel scope: the folders start URLs and sitemaps name, pages left to a narrower channel, and
overlapping channels named once. Pure functions over URLs: input → expected."""

from __future__ import annotations

import pytest

from crawler.scope import Folder, Scope, overlaps, owner

SHOP = "https://shop.example"


@pytest.mark.parametrize(
    ("seed", "folder"),
    [
        (f"{SHOP}/webshop/", "shop.example/webshop/"),
        (f"{SHOP}/webshop/index.html", "shop.example/webshop/"),
        (f"{SHOP}/webshop", "shop.example/"),  # the folder ends at the last '/'
        (f"{SHOP}/webshop/?lang=sv", "shop.example/webshop/"),
        (f"{SHOP}", "shop.example/"),
        (f"{SHOP}/", "shop.example/"),
        ("https://Shop.Example:443/Butik/", "shop.example/Butik/"),  # paths keep their case
        ("http://shop.example:80/a/b/c.php?id=1", "shop.example/a/b/"),
        ("http://127.0.0.1:8765/website/index.html", "127.0.0.1:8765/website/"),
        (f"{SHOP}/sitemap.xml", "shop.example/"),
        (f"{SHOP}/kauppa/sitemap_fi.xml", "shop.example/kauppa/"),
        ("https://www.butik.se/sv-se/", "www.butik.se/sv-se/"),
    ],
)
def test_a_seed_names_its_folder(seed: str, folder: str) -> None:
    assert str(Folder.of(seed)) == folder


@pytest.mark.parametrize(
    ("channel", "url", "covered"),
    [
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}/webshop/p/teltta.html", True),
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}/webshop/", True),
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}/website/p/teltta.html", False),
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}/webshop-outlet/", False),
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}/", False),
        ({"start_urls": [f"{SHOP}/webshop/"]}, "http://shop.example/webshop/p/1", True),
        ({"start_urls": [f"{SHOP}/webshop/"]}, f"{SHOP}:8443/webshop/p/1", False),
        ({"start_urls": [f"{SHOP}/webshop/"]}, "https://www.shop.example/webshop/p/1", True),
        ({"start_urls": [f"{SHOP}/webshop/"]}, "https://other.example/webshop/p/1", False),
        ({"start_urls": [f"{SHOP}/"]}, f"{SHOP}/anything/at/all", True),
        # Every seed adds its folder: a sitemap at the root widens a channel to the host.
        (
            {"start_urls": [f"{SHOP}/webshop/"], "sitemap_urls": [f"{SHOP}/sitemap.xml"]},
            f"{SHOP}/blogg/",
            True,
        ),
        (
            {"start_urls": [f"{SHOP}/webshop/", f"{SHOP}/kampanjer/"]},
            f"{SHOP}/kampanjer/jul.html",
            True,
        ),
        # allow: replaces the folders; deny: always holds.
        (
            {"start_urls": [f"{SHOP}/webshop/"], "allow": ["/produkter/"]},
            f"{SHOP}/produkter/1",
            True,
        ),
        (
            {"start_urls": [f"{SHOP}/webshop/"], "allow": ["/produkter/"]},
            f"{SHOP}/webshop/1",
            False,
        ),
        (
            {"start_urls": [f"{SHOP}/webshop/"], "deny": [r"/sok\?"]},
            f"{SHOP}/webshop/sok?q=a",
            False,
        ),
        (
            {"start_urls": [f"{SHOP}/"], "allow": ["/p/"], "deny": ["/p/old"]},
            f"{SHOP}/p/old1",
            False,
        ),
        ({"start_urls": [f"{SHOP}/webshop/"]}, "mailto:info@shop.example", False),
        ({"start_urls": [f"{SHOP}/webshop/"]}, "https://shop.example:abc/webshop/", False),
    ],
)
def test_scope_covers(channel: dict, url: str, covered: bool) -> None:
    assert Scope.of_channel(channel).covers(url) is covered


def scopes(**seeds: str | dict) -> dict[str, Scope]:
    return {
        name: Scope.of_channel(value if isinstance(value, dict) else {"start_urls": [value]})
        for name, value in seeds.items()
    }


@pytest.mark.parametrize(
    ("channels", "channel", "url", "left_to"),
    [
        # A webshop at the root leaves the website's folder to the website.
        (
            {"webshop": f"{SHOP}/", "website": f"{SHOP}/website/"},
            "webshop",
            f"{SHOP}/website/p/1",
            "website",
        ),
        (
            {"webshop": f"{SHOP}/", "website": f"{SHOP}/website/"},
            "webshop",
            f"{SHOP}/webshop/p/1",
            None,
        ),
        (
            {"webshop": f"{SHOP}/", "website": f"{SHOP}/website/"},
            "webshop",
            f"{SHOP}/websites/",
            None,
        ),
        (
            {"webshop": f"{SHOP}/", "website": f"{SHOP}/website/"},
            "website",
            f"{SHOP}/website/p/1",
            None,
        ),
        # The same folder: neither is narrower, both read it (and overlaps() says so).
        ({"webshop": f"{SHOP}/", "website": f"{SHOP}/"}, "webshop", f"{SHOP}/p/1", None),
        # The narrowest of several wins.
        (
            {"a": f"{SHOP}/", "b": f"{SHOP}/b/", "c": f"{SHOP}/b/c/"},
            "a",
            f"{SHOP}/b/c/1.html",
            "c",
        ),
        ({"a": f"{SHOP}/", "b": f"{SHOP}/b/", "c": f"{SHOP}/b/c/"}, "b", f"{SHOP}/b/c/1.html", "c"),
        ({"a": f"{SHOP}/", "b": f"{SHOP}/b/", "c": f"{SHOP}/b/c/"}, "a", f"{SHOP}/b/1.html", "b"),
        # A subdomain is narrower than its parent domain.
        (
            {"shop": f"{SHOP}/", "site": "https://www.shop.example/"},
            "shop",
            "https://www.shop.example/x",
            "site",
        ),
        # Another port is another site.
        (
            {"shop": "http://127.0.0.1:8000/", "site": "http://127.0.0.1:9000/site/"},
            "shop",
            "http://127.0.0.1:8000/site/1",
            None,
        ),
        # A page the narrower channel would not read itself stays with the wider one.
        (
            {
                "webshop": f"{SHOP}/",
                "website": {"start_urls": [f"{SHOP}/website/"], "deny": ["/website/arkiv/"]},
            },
            "webshop",
            f"{SHOP}/website/arkiv/2019.html",
            None,
        ),
        # A channel with allow: chose its pages itself and leaves none.
        (
            {
                "webshop": {"start_urls": [f"{SHOP}/"], "allow": ["/"]},
                "website": f"{SHOP}/website/",
            },
            "webshop",
            f"{SHOP}/website/p/1",
            None,
        ),
    ],
)
def test_a_page_in_a_narrower_channel_is_left_to_it(
    channels: dict, channel: str, url: str, left_to: str | None
) -> None:
    known = scopes(**channels)
    own = known.pop(channel)
    assert owner(url, own, known) == left_to


def test_a_start_url_that_redirects_adds_the_folder_it_landed_in() -> None:
    scope = Scope.of_channel({"start_urls": [f"{SHOP}/webshop/"]})
    scope.add(f"{SHOP}/sv-se/webshop/index.html")
    scope.add(f"{SHOP}/webshop/index.html")  # already in scope: nothing added
    assert [str(folder) for folder in scope.folders] == [
        "shop.example/webshop/",
        "shop.example/sv-se/webshop/",
    ]
    assert scope.covers(f"{SHOP}/sv-se/webshop/p/1")


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        ({"webshop": f"{SHOP}/webshop/", "website": f"{SHOP}/website/"}, []),
        ({"webshop": f"{SHOP}/", "website": "https://www.other.example/"}, []),
        ({"webshop": f"{SHOP}/", "website": f"{SHOP}/website/"}, [("webshop", "website", False)]),
        ({"website": f"{SHOP}/website/", "webshop": f"{SHOP}/"}, [("webshop", "website", False)]),
        (
            {"webshop": f"{SHOP}/webshop", "website": f"{SHOP}/website"},
            [("webshop", "website", True)],
        ),
        ({"a": f"{SHOP}/", "b": f"{SHOP}/b/", "c": "https://c.example/"}, [("a", "b", False)]),
        (
            {"a": f"{SHOP}/", "b": f"{SHOP}/", "c": f"{SHOP}/c/"},
            [("a", "b", True), ("a", "c", False), ("b", "c", False)],
        ),
        # Channels with allow: lists chose their pages; they are not compared.
        (
            {"webshop": {"start_urls": [f"{SHOP}/"], "allow": ["/kauppa/"]}, "website": f"{SHOP}/"},
            [],
        ),
    ],
)
def test_overlapping_channels_are_named_once_per_pair(channels: dict, expected: list) -> None:
    found = overlaps(scopes(**channels))
    assert [(o.wider, o.narrower, o.same) for o in found] == expected


def test_overlap_messages_name_both_channels_and_how_to_separate_them() -> None:
    [same] = overlaps(scopes(webshop=f"{SHOP}/webshop", website=f"{SHOP}/website"))
    assert same.message == (
        "channels webshop and website both read shop.example/, so each reads the other's pages;"
        " give each a start URL in its own folder (ending in '/', e.g. .../webshop/ and"
        " .../website/) or allow:/deny: lists"
    )
    [nested] = overlaps(scopes(webshop=f"{SHOP}/", website=f"{SHOP}/website/"))
    assert nested.message == (
        "channel webshop (shop.example/) contains channel website's folder shop.example/website/:"
        " webshop leaves the pages there to website; to separate them fully, start webshop in"
        " its own folder (a start URL's folder ends at its last '/') or give it allow:/deny:"
        " lists"
    )
