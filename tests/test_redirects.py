"""Where a redirect may lead: the addresses a crawl is only ever led to are refused."""

from __future__ import annotations

import pytest

from crawler.redirects import endpoint, unsafe_target

SHOP = "https://kauppa.example.fi/tuotteet/reppu"
LOCAL = "http://127.0.0.1:8000/feeds/google.xml"

# (from, to) -> the refusal's words, or None when the redirect may be followed
REDIRECTS = [
    (SHOP, "https://kauppa.example.fi/tuotteet/reppu-40", None),
    (SHOP, "https://www.example.fi/", None),  # a name: the channel's domains decide
    (SHOP, "http://93.184.216.34/feed.xml", None),  # a public address
    (SHOP, "http://169.254.169.254/latest/meta-data/", "link-local"),
    (SHOP, "http://[fe80::1]/", "link-local"),
    (SHOP, "http://[::ffff:169.254.169.254]/", "link-local"),
    (SHOP, "http://127.0.0.1/admin", "loopback"),
    (SHOP, "http://localhost:6379/", "loopback"),
    (SHOP, "http://[::1]:8080/", "loopback"),
    (SHOP, "http://10.0.0.5/export.csv", "private"),
    (SHOP, "http://192.168.1.1/", "private"),
    (SHOP, "http://172.16.0.10:9200/", "private"),
    (SHOP, "http://0.0.0.0:8000/", "private"),
    (SHOP, "http://[fd00::1]/", "private"),
    (LOCAL, "http://127.0.0.1:8000/feeds/other.xml", None),  # the same server
    (LOCAL, "http://127.0.0.1:8001/feeds/google.xml", "loopback"),  # another port
    (LOCAL, "http://127.0.0.2:8000/feeds/google.xml", "loopback"),  # another host
    (LOCAL, "https://127.0.0.1/feeds/google.xml", "loopback"),  # port 443
    ("http://10.0.0.5/a", "http://10.0.0.5:80/b", None),
    ("http://10.0.0.5/a", "http://10.0.0.6/b", "private"),
]


@pytest.mark.parametrize(("source", "target", "refused"), REDIRECTS)
def test_unsafe_redirect_targets(source: str, target: str, refused: str | None) -> None:
    reason = unsafe_target(source, target)
    assert (reason is None) == (refused is None), reason
    assert refused is None or refused in (reason or "")


def test_a_configured_seed_may_be_redirected_to() -> None:
    target = "http://127.0.0.1:8001/feeds/google.xml"
    assert unsafe_target(LOCAL, target, {endpoint(target)}) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Kauppa.Example.fi/x", ("kauppa.example.fi", 443)),
        ("http://127.0.0.1:8000/", ("127.0.0.1", 8000)),
        ("http://[::1]/", ("::1", 80)),
        ("http://example.fi:99999/", ("example.fi", None)),
    ],
)
def test_endpoint(url: str, expected: tuple[str, int | None]) -> None:
    assert endpoint(url) == expected
