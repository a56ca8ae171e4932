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
            "omnicheck.yml:3: channels[0].kind: 'shop' is not one of website, webshop, social, feed, newsletter",
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
            "name: Kauppa\nchannels:\n  - {name: a, kind: social, feeds: [f.xml]}\nname: Toinen\n",
            "omnicheck.yml:4: name: given twice, on lines 1 and 4; YAML would keep only the last",
        ),
        (
            "channels:\n  - name: a\n    kind: social\n    feeds: [f.xml]\n    kind: feed\n",
            "omnicheck.yml:5: channels[0].kind: given twice, on lines 3 and 5; YAML would keep"
            " only the last",
        ),
        (
            "channels:\n  - name: n\n    kind: newsletter\n",
            "omnicheck.yml:2: channels[0].feeds: missing: a newsletter channel needs feeds (URLs"
            " or file paths)",
        ),
        (
            "channels:\n  - name: a\n    kind: social\n    feeds: [f.xml]\n"
            "    local_inventory: [stock.csv]\n",
            "omnicheck.yml:5: channels[0].local_inventory: only a feed channel has a"
            " local-inventory feed (its ids are the primary feed's); this one is a social",
        ),
        (
            "channels:\n  - name: a\n    kind: feed\n    feeds: [f.xml]\n    stores: s.csv\n",
            "omnicheck.yml:5: channels[0].stores: a stores file names the stores of"
            " local_inventory: add it",
        ),
        (
            "channels:\n  - name: a\n    kind: feed\n    feeds: [f.xml]\n"
            "    local_inventory: [l.csv]\n    stores: [s.csv]\n",
            "omnicheck.yml:6: channels[0].stores: expected a URL or a path, got ['s.csv']",
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


def test_local_inventory_and_stores_files_are_found_beside_the_configuration(
    tmp_path: Path,
) -> None:
    text = (
        "channels:\n  - name: merchant-feed\n    kind: feed\n    feeds: [feeds/google.xml]\n"
        "    local_inventory: [feeds/stock.csv, https://shop.example/stock.xml]\n"
        "    stores: feeds/stores.csv\n"
    )
    config = parse_config(text, tmp_path / "omnicheck.yml")
    spider = config.channel("merchant-feed").spider_arguments(tmp_path)
    assert spider["local_inventory"] == [
        (tmp_path / "feeds" / "stock.csv").as_uri(),
        "https://shop.example/stock.xml",
    ]
    assert spider["stores"] == (tmp_path / "feeds" / "stores.csv").as_uri()


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


CHANNEL = "channels:\n  - {name: a, kind: social, feeds: [f.xml]}\n"


def billion_laughs(levels: int = 9) -> str:
    """Each level is ten of the one before: 10**9 values once every alias is expanded."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n" + CHANNEL


def test_an_alias_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    """It took 3 GB before any error; now it is counted, not expanded."""
    import time
    import tracemalloc

    path = tmp_path / "omnicheck.yml"
    path.write_text(billion_laughs(), encoding="utf-8")
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ConfigError) as error:
        load_config(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(error.value) == (
        f"{path}:5: aliases expand this to more than 100000 values; write it out instead"
    )
    assert elapsed < 0.5
    assert peak < 5_000_000
    # a few aliases, as people use them, are fine
    shared = (
        "channels:\n  - &shop {name: a, kind: social, feeds: [f.xml]}\n  - {<<: *shop, name: b}\n"
    )
    assert [channel.name for channel in parse_config(shared).channels] == ["a", "b"]


def test_an_alias_of_itself_and_a_file_too_large_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config("name: &a [*a]\n" + CHANNEL)
    assert str(error.value) == "omnicheck.yml:1: an alias refers to a value it is part of"
    path = tmp_path / "omnicheck.yml"
    path.write_text(CHANNEL + "# padding\n" * 500_000, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: larger than 4 MB, more than a configuration needs"


def test_a_rule_pack_is_shipped_or_a_yml_file_in_the_configurations_folder(
    tmp_path: Path,
) -> None:
    """A pack named like ../../../../etc/passwd is refused before any file is opened."""
    import sys

    folder = tmp_path / "config"
    (folder / "packs").mkdir(parents=True)
    (folder / "packs" / "prices.yml").write_text("rules:\n  - {type: price_mismatch}\n", "utf-8")
    (tmp_path / "outside.yml").write_text("rules: []\n", "utf-8")
    (folder / "link.yml").symlink_to(tmp_path / "outside.yml")
    path = folder / "omnicheck.yml"
    assert parse_config(CHANNEL + "rules: [default, packs/prices.yml]\n", path).rules == [
        "default",
        "packs/prices.yml",
    ]
    opened: list[str] = []
    sys.addaudithook(
        lambda event, arguments: (
            opened.append(str(arguments[0]))
            if event == "open" and "passwd" in str(arguments[0])
            else None
        )
    )
    for name, message in [
        (
            "../../../../etc/passwd",
            "'../../../../etc/passwd' is neither a shipped rule pack (default) nor a file"
            " (a path ends in .yml or .yaml, relative to omnicheck.yml)",
        ),
        (
            "../outside.yml",
            "'../outside.yml' is outside the configuration's folder; a rule pack of your own sits"
            " in that folder or below it",
        ),
        ("/etc/passwd.yml", "'/etc/passwd.yml' is outside the configuration's folder"),
        ("link.yml", "'link.yml' is outside the configuration's folder"),
    ]:
        with pytest.raises(ConfigError) as error:
            parse_config(CHANNEL + f"rules: ['{name}']\n", path)
        assert str(error.value).startswith(f"{path}:3: rules[0]: {message}")
    assert opened == []


LOCALES = ["fi_FI", "sv_SE", "sv_FI", "en_GB", "en_US", "nb_NO", "nn_NO", "da_DK", "de_DE"]


@pytest.mark.parametrize(
    ("written", "read"),
    [(name, name) for name in [*LOCALES, "et_EE", "de_AT", "fi", "sv", "en"]]
    + [("sv-FI", "sv_FI"), ("fi_fi", "fi_FI"), ("EN_gb", "en_GB")],
)
def test_a_locale_cldr_knows_is_read_in_one_spelling(written: str, read: str) -> None:
    config = parse_config(f"locale: {written}\n" + CHANNEL)
    assert config.locale == read


@pytest.mark.parametrize(
    ("locale", "hint"),
    [
        ("xx_YY", "(see `locale` in README)"),
        ("fi_SE", "(did you mean 'fi_FI'?)"),
        ("fi_FL", "(did you mean 'fi_FI'?)"),
        ("no_NO", "(did you mean 'en_NO' or 'nb_NO' or 'nn_NO'?)"),
        ("se_SV", "(did you mean 'se_FI' or 'se_NO' or 'se_SE'?)"),
        ("swedish", "(see `locale` in README)"),
        ("3", "(see `locale` in README)"),
    ],
)
def test_an_unknown_locale_is_refused_with_the_nearest_known(locale: str, hint: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(CHANNEL + f"locale: {locale}\n")
    shown = repr(int(locale)) if locale.isdigit() else repr(locale)
    assert str(error.value) == (
        f"omnicheck.yml:3: locale: {shown} is not a locale such as fi_FI, sv_SE or en_GB {hint}"
    )


@pytest.mark.parametrize(
    ("feed", "problem"),
    [
        ("https://kauppa.example.fi/feed.xml", None),
        ("http://127.0.0.1:8000/feed.csv", None),
        ("file:///srv/exports/feed.csv", None),
        ("exports/tuotteet.csv", None),
        (
            "ftp://kauppa.example.fi/feed.xml",
            "'ftp://kauppa.example.fi/feed.xml': a feed is an http(s) or file URL or a path,"
            " not ftp://",
        ),
        (
            "gopher://x/feed",
            "'gopher://x/feed': a feed is an http(s) or file URL or a path, not gopher://",
        ),
        ("https:///feed.xml", "'https:///feed.xml' is not an http(s) URL"),
    ],
)
def test_feeds_are_http_https_or_file(feed: str, problem: str | None) -> None:
    text = f"channels:\n  - name: erp\n    kind: feed\n    feeds: ['{feed}']\n"
    if problem is None:
        assert parse_config(text).channels[0].feeds == [feed]
        return
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    assert str(error.value) == f"omnicheck.yml:4: channels[0].feeds[0]: {problem}"


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
