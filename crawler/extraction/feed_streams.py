"""A feed file made readable: decompressed, its encoding found, its lines of bounded length.

- gzip (a ``.gz`` feed, or a feed sent with ``Content-Encoding: gzip``) is undone while it is
  read, never all at once, and at most ``limit`` bytes of it: past that (a gzip bomb) reading
  stops with ``FeedTooLarge``.
- The encoding is the byte-order mark's; else UTF-8 when the feed's first 64 KiB are UTF-8 with
  letters beyond ASCII (other text almost never is); else the XML declaration's, then the HTTP
  charset's, each only when those 64 KiB decode with it; else UTF-8 when they do; else
  Windows-1252, which decodes any byte and holds the letters of Finnish, Swedish, Norwegian,
  Danish and German. Whenever a declared encoding is overruled, or none is declared and the
  feed is not UTF-8, ``Decoding.note`` says what was done, and characters that still do not
  decode become U+FFFD (the feed's reader counts the rows that hold one): never silent mojibake.
- Lines (CSV, TSV, JSON Lines) are read at most ``ROW_LIMIT`` characters at a time: a longer line
  is skipped to its end and marked, so one broken row never costs the rows around it, nor more
  memory than the limit. ``csv_rows`` reads a CSV or TSV so, for product feeds and social
  exports alike: a row that cannot be read is given as its reason, and reading goes on.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from w3lib.encoding import read_bom, resolve_encoding

SNIFF_BYTES = 64 * 1024
ROW_LIMIT = 1024 * 1024  # characters in one line of a CSV, TSV or JSON Lines feed
GZIP_MAGIC = b"\x1f\x8b"
FALLBACK = "cp1252"
NEWLINES = ("\n", "\r", "\r\n")
UNREADABLE_ROW = "unreadable row"
TOO_LONG_ROW = f"row longer than {ROW_LIMIT} characters"
# Codecs that consume the byte-order mark w3lib found, so it never reaches the first column.
BOM_CODECS = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}
BOM_CODECS |= {"utf-32-le": "utf-32", "utf-32-be": "utf-32"}
# An XML document in UTF-16 without a byte-order mark starts "<?" in two-byte units.
UTF16_XML = {b"<\x00?\x00": "utf-16-le", b"\x00<\x00?": "utf-16-be"}
XML_DECLARATION = re.compile(rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)""")


class FeedTooLarge(ValueError):
    """A compressed feed larger than its size limit once decompressed."""


class CappedGzip(gzip.GzipFile):
    """A gzip file read as it is decompressed, failing past ``limit`` bytes (0: no limit)."""

    def __init__(self, fileobj: IO[bytes], limit: int) -> None:
        super().__init__(fileobj=fileobj, mode="rb")
        self.limit = limit
        self.produced = 0

    def _counted(self, data: bytes) -> bytes:
        self.produced += len(data)
        if self.limit and self.produced > self.limit:
            raise FeedTooLarge(f"larger than {self.limit} bytes once decompressed (a gzip bomb?)")
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(super().read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._counted(super().read1(size))

    def seek(self, offset: int, whence: int = 0) -> int:
        position = super().seek(offset, whence)
        if position == 0:
            self.produced = 0
        return position


def decompressed(stream: IO[bytes], limit: int = 0) -> IO[bytes]:
    """The stream, gunzipped as it is read when it is gzip."""
    magic = stream.read(len(GZIP_MAGIC))
    stream.seek(0)
    return CappedGzip(stream, limit) if magic == GZIP_MAGIC else stream  # type: ignore[return-value]


@dataclass(frozen=True)
class Decoding:
    """How to decode a feed: ``encoding`` for Python's text reader; ``declared`` whether the
    document says so itself (a byte-order mark or an XML declaration, which XML parsers read);
    ``note`` a warning for the feed's record, or None."""

    encoding: str
    declared: bool = False
    note: str | None = None


def decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` (possibly cut inside a character) is text in ``encoding``."""
    try:
        codecs.getincrementaldecoder(encoding)("strict").decode(head, final=False)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def find_decoding(head: bytes, charset: str | None = None) -> Decoding:
    """The encoding of a feed starting with ``head``, its HTTP charset being ``charset``."""
    bom, _ = read_bom(head)
    if bom:
        return Decoding(BOM_CODECS.get(bom, bom), declared=True)
    for prefix, encoding in UTF16_XML.items():
        if head.startswith(prefix):
            return Decoding(encoding, declared=True)
    declaration = XML_DECLARATION.match(head)
    declared = [
        (source, name, resolve_encoding(name))
        for source, name in (
            ("XML declaration", declaration.group(1).decode("ascii") if declaration else None),
            ("HTTP charset", charset),
        )
        if name
    ]
    # Text in another encoding almost never happens to be valid UTF-8 once it holds a letter
    # beyond ASCII, so such a feed is UTF-8 whatever a server's default charset says.
    utf8 = decodes(head, "utf-8")
    if utf8 and not head.isascii():
        misfits = [
            f"the {source} says {name}" for source, name, codec in declared if codec != "utf-8"
        ]
        note = f"read as UTF-8, which it is: {'; '.join(misfits)}" if misfits else None
        return Decoding("utf-8", declared=not misfits and bool(declared), note=note)
    misfits = []
    for source, name, codec in declared:
        if codec and decodes(head, codec):
            return Decoding(codec, declared=source == "XML declaration")
        misfits.append(f"the {source} says {name}, which does not fit")
    if utf8:
        note = f"read as UTF-8: {'; '.join(misfits)}" if misfits else None
        return Decoding("utf-8", note=note)
    reason = "; ".join(misfits) or "no charset declared"
    return Decoding(FALLBACK, note=f"read as Windows-1252: not UTF-8, and {reason}")


class BoundedLines:
    """The lines of a text stream, at most ``limit`` characters each. A longer line is skipped
    to its end and given as an empty line, with ``cut`` set until the reader clears it."""

    def __init__(self, text: IO[str], limit: int = ROW_LIMIT) -> None:
        self.text = text
        self.limit = limit
        self.cut = False

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limit)
        if not line:
            raise StopIteration
        if len(line) < self.limit or line.endswith(NEWLINES):
            return line
        rest = self.text.readline(self.limit)
        if rest in ("", *NEWLINES):  # exactly ``limit`` long
            return line + rest
        self.cut = True
        while not rest.endswith(NEWLINES) and (rest := self.text.readline(self.limit)):
            pass
        return "\n"


def text_stream(stream: IO[bytes], decoding: Decoding) -> io.TextIOWrapper:
    """The binary stream read as text in ``decoding``; undecodable bytes become U+FFFD."""
    return io.TextIOWrapper(stream, encoding=decoding.encoding, errors="replace", newline="")


def csv_rows(
    lines: BoundedLines, sample: str, key: Callable[[str], str]
) -> Iterator[dict[str, str] | str]:
    """Each row of a CSV or TSV as {key(column): value}, or the reason it could not be read
    (longer than ``ROW_LIMIT``, more values than columns, broken quoting); the rows after it
    are read on. The delimiter (',', ';', tab or '|') is sniffed from ``sample``, the start."""
    first_line = sample.splitlines()[0] if sample else ""
    try:
        delimiter = csv.Sniffer().sniff(sample.rsplit("\n", 1)[0], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=first_line.count)
    # A quoted value may span lines; csv's own limit (128 KiB by default) stops it at ROW_LIMIT.
    csv.field_size_limit(max(csv.field_size_limit(), ROW_LIMIT))
    reader = csv.reader(lines, delimiter=delimiter)
    header = [key(name) for name in next(reader, [])]
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # the reader starts afresh on the next line
            lines.cut = False
            yield TOO_LONG_ROW if "field limit" in str(error) else UNREADABLE_ROW
            continue
        if lines.cut:
            lines.cut = False
            yield TOO_LONG_ROW
            continue
        if not any(value.strip() for value in values):
            continue
        if len(values) > len(header):
            yield UNREADABLE_ROW
            continue
        yield {name: value.strip() for name, value in zip(header, values, strict=False) if name}
