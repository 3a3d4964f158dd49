"""WARC out: every fetched article response (and, with ``WARC_ARCHIVE_LISTINGS``, every listing
page: feeds, sitemaps, section pages) is written as a WARC ``response`` record followed by its
``request`` record (``WARC-Concurrent-To`` the response, both with ``WARC-Payload-Digest`` and
``WARC-Block-Digest``; warcio writes them), one gzip member per record (deflate level
``WARC_GZIP_LEVEL``, by zlib-ng), into rotating files
``WARC_DIR/<spider>-<UTC time>-<pid>-<n>.warc.gz``. A file is closed once it reaches
``WARC_ROTATE_BYTES`` or has been open ``WARC_ROTATE_SECONDS``; each file starts with a
``warcinfo`` record.

Writing happens on one writer thread per spider (never on the reactor thread); the response
waits for its write, then carries ``meta["warc_file"]`` (the file's name under ``WARC_DIR``) and
``meta["warc_offset"]`` (the byte offset of its response record), which the spider puts on the
page and storage keeps on the article, duplicate or rejection. A write that fails (disk full,
permissions) is counted in stat ``warc/write_failed`` (the first one also logged as one WARNING
line); the page goes on unarchived, it is never lost. Stats: ``warc/pages`` (response records
written), ``warc/files`` (files opened).

The middleware sits next to the downloader (priority 950): it sees the bytes as they came
(still content-encoded, with their ``Content-Encoding`` header), not responses served from the
HTTP cache, nor responses a replay serves from a WARC (``meta["replay"]``).
"""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool
from zlib_ng import zlib_ng

logger = logging.getLogger(__name__)

# hop-by-hop framing the downloader already undid: the archived block is the de-chunked body
_DROPPED_RESPONSE_HEADERS = {b"transfer-encoding"}
LISTING_SOURCES = frozenset({"feed", "sitemap", "section"})
# warcio's gzip writer compresses at zlib level 9, not configurable (``GzippingWrapper``). On the
# worker bench's pages (88 KB of HTML) a record pair took 3.4 ms at level 9 and 2.1 ms at level 6
# for 0.2 % more bytes, so warcio writes each record uncompressed and it is compressed here, with
# zlib-ng (the same gzip format; python-zlib-ng mirrors the zlib module): at level 6, per record pair,
# 2.89 -> 1.66 ms on those pages (+2.3 % bytes) and 3.24 -> 1.61 ms of deflate on the 400 real
# pages of the development corpus (200 KB each; +0.5 % bytes). The level is ``WARC_GZIP_LEVEL``
# (settings/base.py gives its cost per level); Intel ISA-L (``isal``) level 3 would be 0.66 ms at +12 %.
GZIP_LEVELS = range(10)  # zlib's: 0 stores the record uncompressed (still one gzip member)


def gzip_level_problem(value: Any) -> str | None:
    """Why ``value`` is not a ``WARC_GZIP_LEVEL``, or None."""
    text = str(value).strip()  # an int from a profile, a string from ``-s``
    if text.isdigit() and int(text) in GZIP_LEVELS:
        return None
    return f"WARC_GZIP_LEVEL must be a whole number from 0 to 9, not {value!r}"


def _member(record: Any, level: int) -> bytes:
    """One WARC record as one gzip member (warcio's record writer, zlib-ng at deflate ``level``)."""
    from warcio.warcwriter import WARCWriter

    plain = BytesIO()
    WARCWriter(plain, gzip=False, warc_version="1.1").write_record(record)
    compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, zlib_ng.MAX_WBITS + 16)
    return compressor.compress(plain.getbuffer()) + compressor.flush()


def _headers(headers: Any, drop: set[bytes] = frozenset()) -> list[tuple[str, str]]:  # type: ignore[assignment]
    """Scrapy ``Headers`` as (name, value) text pairs (latin-1, as HTTP sends them)."""
    out = []
    for name, values in headers.items():
        if name.lower() in drop:
            continue
        for value in values:
            out.append((name.decode("latin-1"), value.decode("latin-1")))
    return out


class WarcFiles:
    """The rotating WARC files of one spider. Not thread-safe: used from its writer thread only."""

    def __init__(self, folder: Path, prefix: str, rotate_bytes: int, rotate_seconds: float, gzip_level: int) -> None:
        problem = gzip_level_problem(gzip_level)
        if problem:
            raise ValueError(problem)
        self.folder, self.prefix, self.gzip_level = folder, prefix, int(gzip_level)
        self.rotate_bytes, self.rotate_seconds = rotate_bytes, rotate_seconds
        self.files_opened = 0
        self._fh: Any = None
        self._writer: Any = None
        self._name = ""
        self._opened_at = 0.0

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        self.folder.mkdir(parents=True, exist_ok=True)
        self.files_opened += 1
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._name = f"{self.prefix}-{stamp}-{os.getpid()}-{self.files_opened:05d}.warc.gz"
        self._fh = open(self.folder / self._name, "xb")  # noqa: SIM115 (closed by close() or rotation)
        self._writer = WARCWriter(BytesIO(), gzip=False, warc_version="1.1")  # makes records; _member writes
        self._opened_at = time.monotonic()
        info = self._writer.create_warcinfo_record(self._name, {
            "software": "newsdedup (warcio)", "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        })
        self._fh.write(_member(info, self.gzip_level))

    def _rotate_due(self) -> bool:
        if self._fh is None:
            return True
        if self.rotate_seconds and time.monotonic() - self._opened_at >= self.rotate_seconds:
            return True
        return bool(self.rotate_bytes) and self._fh.tell() >= self.rotate_bytes

    def write(self, url: str, status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
              method: str, request_headers: list[tuple[str, str]], request_body: bytes,
              ip: str = "") -> tuple[str, int]:
        """Write one response record and its request record; (file name, offset of the response record)."""
        from warcio.statusandheaders import StatusAndHeaders

        if self._rotate_due():
            self.close()
            self._open()
        writer = self._writer
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        warc_headers = {"WARC-Date": now, **({"WARC-IP-Address": ip} if ip else {})}
        http = StatusAndHeaders(f"{status} {reason}".strip(), response_headers, protocol="HTTP/1.1")
        response = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                             http_headers=http, warc_headers_dict=warc_headers)
        split = urlsplit(url)
        target = (split.path or "/") + (f"?{split.query}" if split.query else "")
        if not any(name.lower() == "host" for name, _ in request_headers):
            request_headers = [("Host", split.netloc), *request_headers]
        req_http = StatusAndHeaders(f"{method} {target} HTTP/1.1", request_headers, is_http_request=True)
        request = writer.create_warc_record(url, "request", payload=BytesIO(request_body),
                                            length=len(request_body), http_headers=req_http,
                                            warc_headers_dict={"WARC-Date": now})
        # what warcio's write_request_response_pair does: the response first, then its request
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        offset = self._fh.tell()
        self._fh.write(_member(response, self.gzip_level) + _member(request, self.gzip_level))
        self._fh.flush()
        return self._name, offset

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None


class WarcArchiveMiddleware:
    """Downloader middleware writing archived responses off the reactor thread (see the module)."""

    def __init__(self, crawler: Crawler, files: WarcFiles, listings: bool) -> None:
        self.crawler, self.stats = crawler, crawler.stats
        self.files, self.listings = files, listings
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name=f"warc-{files.prefix}")
        # imported here, not at the module's top: importing ``twisted.internet.reactor`` installs
        # Twisted's default reactor when none is yet, and Scrapy's asyncio one could not follow
        from twisted.internet import reactor

        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ARCHIVE"):
            raise NotConfigured("WARC_ARCHIVE is off")
        name = getattr(crawler.spidercls, "name", "") or "crawl"
        files = WarcFiles(Path(settings.get("WARC_DIR")), name, settings.getint("WARC_ROTATE_BYTES"),
                          settings.getfloat("WARC_ROTATE_SECONDS"), settings.get("WARC_GZIP_LEVEL"))
        middleware = cls(crawler, files, settings.getbool("WARC_ARCHIVE_LISTINGS"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Any = None) -> None:
        self.pool.start()

    async def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        """Close the current file once the writes queued before it are done."""
        if not self.pool.started:
            return
        try:
            await maybe_deferred_to_future(deferToThreadPool(self.reactor, self.pool, self.files.close))
        finally:
            self.pool.stop()
            if self.files.files_opened:
                self.stats.set_value("warc/files", self.files.files_opened)

    def archived(self, request: Request, response: Response) -> bool:
        """Whether ``response`` is written: an article (or a listing page, with ``WARC_ARCHIVE_LISTINGS``)
        that came from the network."""
        meta = request.meta
        if meta.get("replay") or "cached" in response.flags:
            return False
        if meta.get("article"):
            return True
        return self.listings and meta.get("source") in LISTING_SOURCES

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not self.archived(request, response) or not self.pool.started:
            return response
        ip = str(response.ip_address) if response.ip_address is not None else ""
        reason = _reason(response.status)
        try:
            name, offset = await maybe_deferred_to_future(deferToThreadPool(
                self.reactor, self.pool, self.files.write, response.url, response.status, reason,
                _headers(response.headers, _DROPPED_RESPONSE_HEADERS), response.body, request.method,
                _headers(request.headers), request.body or b"", ip))
        except Exception as exc:  # a failed write never loses the page: it goes on unarchived
            first = not self.stats.get_value("warc/write_failed")
            self.stats.inc_value("warc/write_failed")
            request.meta.pop("warc_file", None)  # a redirect's record is not this page's
            request.meta.pop("warc_offset", None)
            logger.log(logging.WARNING if first else logging.DEBUG,
                       "WARC write failed for %s (%s: %s); the page goes on unarchived%s", response.url,
                       exc.__class__.__name__, exc, " (further failures: stat warc/write_failed)" if first else "")
            self._discard_file()
            return response
        self.stats.inc_value("warc/pages")
        request.meta["warc_file"], request.meta["warc_offset"] = name, offset
        return response

    def _discard_file(self) -> None:
        """After a failed write the current file may end in a partial record: the next write starts a new one."""
        deferToThreadPool(self.reactor, self.pool, self.files.close).addErrback(lambda _: None)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
