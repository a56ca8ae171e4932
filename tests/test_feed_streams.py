"""Reading a hostile or oddly encoded feed file: the encoding found, never silent mojibake; gzip
undone with a cap; one broken or oversized row costing only itself."""

from __future__ import annotations

import gzip
import io

import pytest

from crawler.extraction.feed_streams import (
    ROW_LIMIT,
    BoundedLines,
    FeedTooLarge,
    decompressed,
    find_decoding,
)
from crawler.extraction.product_feeds import TOO_LONG_ROW, read_rows
from tests.fault_server import feed_csv, merchant_xml

FI = "Makuupussi Äijä -15 °C"
SV = "Sovsäck för fjällen, Åre"
DA = "Sovepose til fjeldet, Ærø"
NO = "Sovepose for fjellet, Ørsta"
DE = "Schlafsack für Größe XL"
EN = "Sleeping bag, size large"
CSV_HEAD = "id;title;price\n1;{};59,90 EUR\n"

# (how the bytes were written, HTTP charset) -> (encoding read with, a note is recorded)
DECODINGS = [
    ("utf-8", FI, None, "utf-8", False),
    ("utf-8", SV, "utf-8", "utf-8", False),
    ("utf-8", DE, "iso-8859-1", "utf-8", True),  # a server's default charset, overruled
    ("utf-8-sig", FI, None, "utf-8-sig", False),
    ("utf-16", SV, None, "utf-16", False),
    ("utf-16", DA, "iso-8859-1", "utf-16", False),  # the byte-order mark wins
    ("utf-32", NO, None, "utf-32", False),
    ("latin-1", FI, None, "cp1252", True),
    ("latin-1", SV, "iso-8859-1", "cp1252", False),
    ("latin-1", DA, "utf-8", "cp1252", True),  # declared UTF-8, but it is not
    ("cp1252", DE, None, "cp1252", True),
    ("cp1252", "Hinta 59,90 € ja toimitus", "windows-1252", "cp1252", False),
    ("iso-8859-15", "Hinta 59,90 € ja toimitus", "iso-8859-15", "iso8859-15", False),
    ("ascii", EN, None, "utf-8", False),
    ("ascii", EN, "us-ascii", "cp1252", False),  # WHATWG: us-ascii means windows-1252
]


@pytest.mark.parametrize(("written", "text", "charset", "expected", "noted"), DECODINGS)
def test_csv_encoding_found(
    written: str, text: str, charset: str | None, expected: str, noted: bool
) -> None:
    head = CSV_HEAD.format(text).encode(written)
    decoding = find_decoding(head, charset)
    assert (decoding.encoding, decoding.note is not None) == (expected, noted)
    notes: list[str] = []
    [row] = read_rows(io.BytesIO(head), charset, notes)
    assert isinstance(row, dict) and row["title"] == text
    assert len(notes) == int(noted)


# XML: (bytes, HTTP charset) -> titles read
XML_FEEDS = [
    (merchant_xml([(FI, "59.90")], "utf-8"), None),
    (merchant_xml([(SV, "59.90")], "utf-16"), None),  # with a byte-order mark
    (merchant_xml([(DA, "59.90")], "utf-16-le"), None),  # none: "<?" in two-byte units
    (merchant_xml([(NO, "59.90")], "utf-16-be"), "utf-8"),
    (merchant_xml([(DE, "59.90")], "iso-8859-1"), None),  # declared
    (merchant_xml([(DE, "59.90")], "iso-8859-1").replace(b' encoding="iso-8859-1"', b""), None),
    (merchant_xml([(FI, "59.90")], "iso-8859-1"), "utf-8"),  # the declaration wins
]


@pytest.mark.parametrize(("feed", "charset"), XML_FEEDS)
def test_xml_feed_in_any_encoding_reads_as_xml(feed: bytes, charset: str | None) -> None:
    rows = list(read_rows(io.BytesIO(feed), charset))
    assert len(rows) == 1 and isinstance(rows[0], dict)
    assert rows[0]["title"] in {FI, SV, DA, NO, DE}


def test_undeclared_latin1_xml_is_read_with_a_note() -> None:
    feed = merchant_xml([(FI, "59.90")], "iso-8859-1").replace(b' encoding="iso-8859-1"', b"")
    notes: list[str] = []
    [row] = read_rows(io.BytesIO(feed), None, notes)
    assert isinstance(row, dict) and row["title"] == FI
    assert notes == ["read as Windows-1252: not UTF-8, and no charset declared"]


def test_gzip_is_read_as_it_decompresses_and_stops_at_its_limit() -> None:
    feed = gzip.compress(feed_csv([(FI, "59,90"), (SV, "69,90")], "utf-8"))
    rows = list(read_rows(io.BytesIO(feed), limit=10_000))
    assert [row["title"] for row in rows if isinstance(row, dict)] == [FI, SV]
    bomb = gzip.compress(b"id;title\n" + bytes(5_000_000))
    with pytest.raises(FeedTooLarge, match="larger than 1000000 bytes once decompressed"):
        list(read_rows(io.BytesIO(bomb), limit=1_000_000))
    assert decompressed(io.BytesIO(b"id;title\n")).read() == b"id;title\n"


def test_a_line_longer_than_the_limit_is_skipped_to_its_end() -> None:
    text = io.StringIO("first\n" + "x" * 25 + "\nthird\r\n" + "y" * 10)
    lines = BoundedLines(text, limit=10)
    assert next(lines) == "first\n" and not lines.cut
    assert next(lines) == "\n" and lines.cut
    lines.cut = False
    assert list(lines) == ["third\r\n", "y" * 10]


@pytest.mark.parametrize("quoted", [False, True])
def test_csv_rows_around_an_oversized_field_are_kept(quoted: bool) -> None:
    """A field past csv's old 131 072-character limit cost the whole feed before."""
    huge = "x" * (ROW_LIMIT + 10)
    large = "y" * 200_000  # past csv's default limit, within ours
    rows = [("Reppu 40 L", "49,90"), (f'"{huge}"' if quoted else huge, "1,00")]
    rows += [(large, "2,00"), ("Teltta", "199,00")]
    results = list(read_rows(io.BytesIO(feed_csv(rows))))
    assert [r if isinstance(r, str) else r["title"][:10] for r in results] == [
        "Reppu 40 L",
        TOO_LONG_ROW,
        "y" * 10,
        "Teltta",
    ]


def test_json_lines_rows_around_an_oversized_line_are_kept() -> None:
    feed = '{"title": "Reppu"}\n{"title": "' + "x" * ROW_LIMIT + '"}\n[1]\n{"title": "Teltta"}\n'
    results = list(read_rows(io.BytesIO(feed.encode())))
    assert results == [{"title": "Reppu"}, TOO_LONG_ROW, "unreadable row", {"title": "Teltta"}]
