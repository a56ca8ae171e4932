"""A broken social export (issue 20): the rows that can be read are kept, each broken row is
counted in the export's record, and nothing prints a traceback.

Before, a field past csv's 131 072-character limit raised ``_csv.Error`` out of the spider's
callback: a traceback on the terminal, and every post of the export lost.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from crawler.extraction.feed_streams import ROW_LIMIT, TOO_LONG_ROW, UNREADABLE_ROW
from crawler.extraction.post_sources import read_source
from tests.conftest import run_omnicheck

GOOD = [
    ("Talvialennus: Vaellusreppu 40 L nyt 99,90 €", "https://kauppa.example.fi/p/1", "2026-11-20"),
    ("Rea på sovsäckar – nu 1 299 kr", "https://kauppa.example.fi/p/2", "2026-11-21"),
]


def export(separator: str, quoted_huge: bool) -> bytes:
    """A Meta Business Suite style export: a good row, a row past every limit, a row with
    more values than columns, another good row."""
    huge = "x" * (ROW_LIMIT + 10)

    def line(values: list[str]) -> str:
        text = io.StringIO()
        csv.writer(text, delimiter=separator, lineterminator="\n").writerow(values)
        return text.getvalue()

    lines = [
        line(["Message", "Permalink", "Publish time"]),
        line(list(GOOD[0])),
        separator.join([f'"{huge}"' if quoted_huge else huge, "https://kauppa.example.fi/p/9\n"]),
        line(["Liikaa", "arvoja", "2026-11-20", "ylimääräinen"]),
        line(list(GOOD[1])),
    ]
    return "".join(lines).encode("utf-8")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("quoted_huge", [False, True])
def test_the_rows_around_a_broken_one_are_read(separator: str, quoted_huge: bool) -> None:
    source = read_source(export(separator, quoted_huge), "file:///vienti.csv")
    assert [(post.text, post.url) for post in source.posts] == [GOOD[0][:2], GOOD[1][:2]]
    assert source.skipped == {TOO_LONG_ROW: 1, UNREADABLE_ROW: 1}
    assert [post.published.date().isoformat() for post in source.posts if post.published] == [
        "2026-11-20",
        "2026-11-21",
    ]


def test_a_crawl_of_a_broken_export_keeps_its_posts_and_records_the_broken_rows(
    tmp_path: Path,
) -> None:
    (tmp_path / "vienti.csv").write_bytes(export(",", quoted_huge=True))
    config = tmp_path / "omnicheck.yml"
    config.write_text(
        "name: Somevienti\ncurrency: EUR\nchannels:\n"
        "  - {name: instagram, kind: social, feeds: [vienti.csv]}\n",
        encoding="utf-8",
    )
    database = tmp_path / "some.db"
    result = run_omnicheck("crawl", "-c", str(config), "--db", str(database))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    with sqlite3.connect(database) as connection:
        posts = connection.execute("SELECT text, url FROM posts ORDER BY id").fetchall()
        ((ok, skipped),) = connection.execute("SELECT ok, skipped FROM pages").fetchall()
    assert posts == [GOOD[0][:2], GOOD[1][:2]]
    assert (ok, json.loads(skipped)) == (1, {TOO_LONG_ROW: 1, UNREADABLE_ROW: 1})
