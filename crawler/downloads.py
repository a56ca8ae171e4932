"""Download handlers: a large body written to a file, and no download left to hold up a stop.

Scrapy keeps every response body in memory, and a product feed can be hundreds of megabytes. A
request with ``meta[TO_FILE]`` is still downloaded by Scrapy's own HTTP/1.1 handler (the same
connection pool, TLS, proxies, DOWNLOAD_TIMEOUT as a deadline for the whole answer,
``download_maxsize``/``download_warnsize``, data-loss checks and signals), but the handler's body
buffer is a temporary file: the response's ``body`` is empty and ``open_body(response)`` reads
the file. Scrapy 2.19 has no public way to do this (scrapy/scrapy#4620, #7987 open), so
``FileBodyAgent`` swaps the buffer of Scrapy's own response reader, the smallest change that
keeps all of the above; the HTTP feed tests of ``tests/test_feeds.py`` fail if a Scrapy upgrade
moves it. A local ``file://`` feed is not copied at all: the response names the file where it
is.

Retries and redirects copy a request's meta, so each new download first deletes the file of the
answer it replaces; the spider deletes the last one once read, and the handler deletes whatever
is left when the crawl ends.

When the crawl is stopped (Ctrl-C, SIGTERM), a download still running ``STOP_GRACE`` seconds
later is cut short (``Interrupted``) and ``RequeueInterrupted`` puts its request back in
the queue, which a stopped crawl keeps for ``--resume``: a server that drips its answer never
holds the stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from scrapy.core.downloader.handlers.file import FileDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Request, Response
from scrapy.utils._download_handlers import wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from w3lib.url import file_uri_to_path

from crawler.failures import Interrupted, Refused

TO_FILE = "omnicheck_to_file"  # request meta: write the body to a file
BODY_FILE = "omnicheck_body_file"  # set by the handler: the file holding the body
TEMPORARY = "omnicheck_body_temporary"  # set by the handler: the file is ours to delete
STOP_GRACE = 3.0  # seconds a download may go on after the crawl was told to stop
STOP_CHECK = 0.25  # how often a download looks whether the crawl is stopping


class BodyFile:
    """What Scrapy's response reader writes the body to: a file instead of a ``BytesIO``."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("wb")

    def write(self, data: bytes) -> int:
        return self.file.write(data)

    def truncate(self, size: int = 0) -> int:  # the reader empties its buffer past maxsize
        self.file.seek(size)
        return self.file.truncate(size)

    def getvalue(self) -> bytes:  # the response's in-memory body: none
        return b""

    def close(self) -> None:
        self.file.close()


class FileBodyAgent(_ScrapyAgent):
    """Scrapy's HTTP/1.1 agent, reading the body into ``body`` instead of memory."""

    def __init__(self, body: BodyFile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body = body

    def _cb_bodyready(self, txresponse: Any, request: Request) -> Any:
        deliver = txresponse.deliverBody

        def into_file(reader: Any) -> None:
            reader._bodybuf = self.body
            deliver(reader)

        txresponse.deliverBody = into_file
        return super()._cb_bodyready(txresponse, request)


class HttpHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with bodies to file on request and downloads cut at a stop."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.files: set[Path] = set()
        self.running: set[asyncio.Task[Response]] = set()
        self.interrupted: set[asyncio.Task[Response]] = set()
        self.watcher: asyncio.Task[None] | None = None

    async def download_request(self, request: Request) -> Response:
        download = asyncio.ensure_future(self.download(request))
        self.running.add(download)
        if self.watcher is None:
            self.watcher = asyncio.ensure_future(self.cut_at_stop())
        try:
            return await download
        except asyncio.CancelledError:
            if download not in self.interrupted:
                raise
            raise Interrupted(f"{request.url}: the crawl was stopped") from None
        finally:
            self.running.discard(download)
            self.interrupted.discard(download)

    async def cut_at_stop(self) -> None:
        """Once the crawl is stopping, give the downloads in flight STOP_GRACE, then cut them."""
        while self.crawler.crawling:
            await asyncio.sleep(STOP_CHECK)
        await asyncio.sleep(STOP_GRACE)
        for download in list(self.running):
            self.interrupted.add(download)
            download.cancel()

    async def download(self, request: Request) -> Response:
        if not request.meta.get(TO_FILE):
            return await super().download_request(request)
        replaced = request.meta.get(BODY_FILE)
        if replaced and Path(replaced) in self.files:  # the answer this retry or redirect replaces
            self.discard(Path(replaced))
        handle, name = tempfile.mkstemp(prefix="omnicheck-body-")
        os.close(handle)  # BodyFile opens it by name
        path = Path(name)
        self.files.add(path)
        request.meta[BODY_FILE], request.meta[TEMPORARY] = name, True
        body = BodyFile(path)
        agent = FileBodyAgent(
            body,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            try:
                with wrap_twisted_exceptions():
                    deferred: Deferred[Response] = agent.download_request(request)
                    return await maybe_deferred_to_future(deferred)
            finally:
                body.close()
        except BaseException:
            self.discard(path)
            raise

    def discard(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.files.discard(path)

    async def close(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
        for path in list(self.files):
            self.discard(path)
        await super().close()


class FileHandler(FileDownloadHandler):
    """Scrapy's ``file://`` handler; a body meant for a file is the file itself, never read."""

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get(TO_FILE):
            return await super().download_request(request)
        path = Path(file_uri_to_path(request.url))
        if not path.is_file():
            raise Refused("not_found", f"no such file: {path}")
        request.meta[BODY_FILE], request.meta[TEMPORARY] = str(path), False
        return Response(url=request.url, body=b"")


class CompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's, except for a body in a file: its reader undoes gzip as it reads, so a
    compressed feed is never held in memory (``crawler.extraction.feed_streams``)."""

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get(BODY_FILE):
            return response
        return super().process_response(request, response)


class RequeueInterrupted:
    """A download cut short by a stop goes back in the queue, so ``--resume`` fetches it."""

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, Interrupted):
            return request.replace(dont_filter=True)
        return None


@contextlib.contextmanager
def open_body(response: Response) -> Iterator[IO[bytes]]:
    """The response's body as a binary file: its body file, or its body in memory."""
    path = response.meta.get(BODY_FILE)
    with Path(path).open("rb") if path else io.BytesIO(response.body) as stream:
        yield stream


def body_size(response: Response) -> int:
    path = response.meta.get(BODY_FILE)
    return Path(path).stat().st_size if path else len(response.body)


def discard_body(response: Response | None) -> None:
    """Delete the response's temporary body file, if it has one (never a local feed)."""
    if response is not None and response.meta.get(TEMPORARY):
        Path(response.meta[BODY_FILE]).unlink(missing_ok=True)
