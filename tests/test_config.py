"""Configuration: valid files load, bad ones get one line naming file, line and key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import cli
from checker.config import ConfigError, load_config, parse_config

VALID = """\
name: Retkiaitta
currency: EUR
locale: fi_FI
channels:
  - name: webshop
    kind: webshop
    start_urls: [https://kauppa.example.fi/]
    sitemap_urls: [https://kauppa.example.fi/sitemap.xml]
    allow: ["/tuotteet/", "/palvelut/"]
    selectors: {price: ".product-price"}
  - name: website
    kind: website
    start_urls: [https://www.example.fi/]
  - name: instagram
    kind: social
    feeds: [social/feed.xml]
rules: [default]
waivers: waivers.yml
"""


def test_valid_config_loads_with_every_key(tmp_path: Path) -> None:
    path = tmp_path / "omnicheck.yml"
    path.write_text(VALID, encoding="utf-8")
    config = load_config(path)
    assert config.name == "Retkiaitta"
    assert config.currency == "EUR" and config.locale == "fi_FI"
    assert [(c.name, c.kind) for c in config.channels] == [
        ("webshop", "webshop"),
        ("website", "website"),
        ("instagram", "social"),
    ]
    webshop = config.channel("webshop")
    assert webshop.allow == ["/tuotteet/", "/palvelut/"]
    assert webshop.selectors == {"price": ".product-price"}
    assert config.waivers == tmp_path / "waivers.yml"
    feeds = config.channel("instagram").spider_arguments(tmp_path)["feeds"]
    assert feeds == [(tmp_path / "social" / "feed.xml").as_uri()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "channels:\n  - name: shop\n    kind: shop\n    start_urls: [https://a.fi/]\n",
            "omnicheck.yml:3: channels[0].kind: 'shop' is not one of website, webshop, social, feed",
        ),
        (
            "channels:\n  - name: shop\n    kind: webshop\n",
            "omnicheck.yml:2: channels[0].start_urls: missing: a webshop channel needs "
            "start_urls or sitemap_urls",
        ),
        (
            "channels: [{name: a, kind: website, start_urls: [https://a.fi/]}\n",
            "omnicheck.yml:2: malformed YAML: expected ',' or ']', but got '<stream end>'",
        ),
        ("channel: []\n", "omnicheck.yml:1: channel: unknown key (did you mean 'channels'?)"),
        (
            "name: x\n",
            "omnicheck.yml:1: channels: missing: list the channels to crawl (see README)",
        ),
        (
            "channels:\n  - {name: a, kind: website, start_urls: [ftp://a.fi/]}\n",
            "omnicheck.yml:2: channels[0].start_urls[0]: 'ftp://a.fi/' is not an http(s) URL",
        ),
        (
            "channels:\n  - name: a\n    kind: social\n",
            "omnicheck.yml:2: channels[0].feeds: missing: a social channel needs feeds "
            "(URLs or file paths)",
        ),
        (
            "currency: euro\nchannels:\n  - {name: a, kind: social, feeds: [f.xml]}\n",
            "omnicheck.yml:1: currency: 'euro' is not an ISO 4217 code such as EUR or SEK",
        ),
        (
            "channels:\n  - name: a\n    kind: website\n    start_urls: [https://a.fi/]\n"
            "    selectors:\n      price: 'span[['\n",
            "omnicheck.yml:6: channels[0].selectors.price: 'span[[' is not a valid CSS selector "
            "or XPath",
        ),
        (
            "channels:\n  - {name: a, kind: social, feeds: [f.xml]}\n"
            "  - {name: a, kind: social, feeds: [g.xml]}\n",
            "omnicheck.yml:3: channels[1].name: 'a' is used twice; names must be unique",
        ),
        (
            "channels:\n  - {name: a, kind: website, start_urls: [https://a.fi/], allow: ['(']}\n",
            "omnicheck.yml:2: channels[0].allow[0]: invalid regular expression: missing ), "
            "unterminated subpattern at position 0",
        ),
        ("- just\n- a list\n", "omnicheck.yml:1: expected a mapping of settings, got a list"),
        (
            "channels:\n  - name: erp\n    kind: feed\n    feeds: [tuotteet.csv]\n"
            "    fields: {sku: tuotenumero, prise: hinta}\n",
            "omnicheck.yml:5: channels[0].fields.prise: unknown key (did you mean 'price'?)",
        ),
        (
            "channels:\n  - name: erp\n    kind: feed\n    feeds: [tuotteet.csv]\n"
            "    fields: {hinta: price}\n",
            "omnicheck.yml:5: channels[0].fields.hinta: unknown key (expected one of availability, "
            "brand, currency, gtin, id, link, mpn, price, sale_price, sale_price_effective_date, "
            "sku, title)",
        ),
        (
            "channels:\n  - name: shop\n    kind: webshop\n    start_urls: [https://a.fi/]\n"
            "    fields: {price: hinta}\n",
            "omnicheck.yml:5: channels[0].fields: only a feed channel's columns are mapped with"
            " fields; this one is a webshop",
        ),
        (
            "channels:\n  - {name: a, kind: social, feeds: [f.xml]}\nrules:\n  - default\n"
            "  - hinnat\n",
            "omnicheck.yml:5: rules[1]: 'hinnat' is neither a shipped rule pack (default) nor a "
            "file (a path ends in .yml or .yaml, relative to omnicheck.yml)",
        ),
        (
            "channels:\n  - {name: a, kind: website, start_urls: [https://a.fi/], render: yes}\n",
            "omnicheck.yml:2: channels[0].render: True is not one of html, js",
        ),
        (
            "channels:\n  - name: a\n    kind: feed\n    feeds: [f.csv]\n    render: js\n",
            "omnicheck.yml:5: channels[0].render: only website and webshop pages are rendered;"
            " this is a feed",
        ),
        (
            "name: x\ncurrency: !!int euro\nchannels: []\n",
            "omnicheck.yml:2: malformed YAML: 'euro' is not a valid number "
            "(invalid literal for int() with base 10: 'euro')",
        ),
    ],
)
def test_bad_config_names_file_line_and_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(text, "omnicheck.yml")
    assert str(error.value) == expected


def test_yaml_tags_are_not_executed() -> None:
    with pytest.raises(ConfigError, match="malformed YAML"):
        parse_config("name: !!python/object/apply:os.system ['echo hacked']\nchannels: []\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("channels:\n  - name: a\n    kind: shop\n", "channels[0].kind: 'shop' is not one of"),
        ("channels:\n  - name: a\n    kind: webshop\n", "channels[0].start_urls: missing"),
        ("channels: [\n", "malformed YAML"),
    ],
)
def test_cli_reports_bad_config_in_one_line_with_exit_2(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "omnicheck.yml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--config", str(path), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:")
    assert message in lines[0]
    assert "Traceback" not in result.output


def test_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2
    assert "nope.yml: no such file" in result.output


@pytest.mark.parametrize(
    ("pack", "message"),
    [
        (b"rules: []\nnote: 2026-02-30\n", "my-rules.yml:2: malformed YAML: '2026-02-30' is not"),
        (b"rules:\n  - {type: price_mismatch, id: hinta\xe4}\n", "my-rules.yml: cannot read:"),
    ],
)
def test_a_rule_pack_that_cannot_be_read_is_one_line(
    tmp_path: Path, pack: bytes, message: str
) -> None:
    """A pack saved as Latin-1, or with a date that does not exist, names the pack."""
    (tmp_path / "my-rules.yml").write_bytes(pack)
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "channels:\n  - {name: a, kind: social, feeds: [f.xml]}\nrules: [default, my-rules.yml]\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["run", "-c", str(config), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {tmp_path / message.split(':', 1)[0]}:")
    assert message.split(":", 1)[1] in result.output
    assert len(result.output.splitlines()) == 1


def test_channels_know_the_other_page_channels_scopes_and_overlaps_are_warned(
    tmp_path: Path,
) -> None:
    config = parse_config(
        "channels:\n"
        "  - {name: shop, kind: webshop, start_urls: ['https://k.example/'], deny: [/haku]}\n"
        "  - {name: site, kind: website, start_urls: ['https://k.example/site/']}\n"
        "  - {name: some, kind: social, feeds: [f.xml]}\n"
    )
    arguments = config.channel("shop").spider_arguments(tmp_path)
    assert arguments["render"] == "html"
    assert arguments["other_channels"] == {
        "site": {
            "start_urls": ["https://k.example/site/"],
            "sitemap_urls": [],
            "allow": [],
            "deny": [],
        }
    }
    assert set(config.channel("site").other_channels) == {"shop"}
    assert config.channel("some").other_channels == {}
    [warning] = config.warnings
    assert warning.startswith(
        "omnicheck.yml:3: channels[1].start_urls: channel shop (k.example/) contains channel"
        " site's folder k.example/site/: shop leaves the pages there to site;"
    )
