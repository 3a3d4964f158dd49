"""Pages over ``DOWNLOAD_MAXSIZE`` become counted, signalled drops — not ERROR lines with tracebacks.

Scrapy enforces ``DOWNLOAD_MAXSIZE`` itself (per spider through ``custom_settings``, per request
through ``meta["download_maxsize"]``; 0 = no limit), in two places that fail differently:

- The HTTP download handler refuses a response whose ``Content-Length`` is over the limit and
  cancels one whose body streams past it (the buffer is freed at once). Both raise
  ``DownloadCancelledError``, which downloader middlewares see in ``process_exception``; left
  alone, the scraper logs it as an ERROR with a traceback.
- ``HttpCompressionMiddleware`` decompresses in chunks and stops once the decompressed size passes
  the limit (a decompression bomb): it raises ``IgnoreRequest`` from its ``process_response``,
  which no other middleware's ``process_exception`` sees.

``PageSizeMiddleware`` therefore takes ``HttpCompressionMiddleware``'s place (590, the built-in is
disabled in ``settings/base.py``) and sees both. Each refused page gets the stat ``page/too_large``,
one INFO line naming the URL and the sizes, and the ``page_rejected`` signal (reason
``PageTooLarge``, evidence ``limit`` plus ``expected_size`` (the declared length) or ``size`` (bytes
received, or decompressed so far)); the request then fails with ``PageTooLarge``, an
``IgnoreRequest`` that Scrapy drops without an error line. Scrapy's own WARNING with the sizes is
logged before ours.

The sizes come from Scrapy's ``headers_received`` and ``bytes_received`` signals (the exception
carries none), kept per request in weak dictionaries: nothing outlives its request.
"""

from __future__ import annotations

import logging
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response

from crawler.signals import page_rejected

logger = logging.getLogger(__name__)

REASON = "PageTooLarge"
STAT = "page/too_large"


class PageTooLarge(IgnoreRequest):
    """The page is larger than ``DOWNLOAD_MAXSIZE`` (declared, received or decompressed)."""


class PageSizeMiddleware(HttpCompressionMiddleware):
    """Scrapy's ``HttpCompressionMiddleware`` plus counted, signalled drops of oversize pages."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler=crawler)
        self.crawler = crawler
        self.limit = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self._expected: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        self._received: WeakKeyDictionary[Request, int] = WeakKeyDictionary()
        crawler.signals.connect(self._headers_received, signal=signals.headers_received)
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    def _headers_received(self, headers: Any, body_length: Any, request: Request, spider: Any = None) -> None:
        if isinstance(body_length, int) and body_length >= 0:  # else twisted's UNKNOWN_LENGTH
            self._expected[request] = body_length

    def _bytes_received(self, data: bytes, request: Request, spider: Any = None) -> None:
        self._received[request] = self._received.get(request, 0) + len(data)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        self._expected.pop(request, None)
        self._received.pop(request, None)
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            bomb = exc.__cause__  # Scrapy's (private) _DecompressionMaxSizeExceeded carries the sizes
            if not hasattr(bomb, "decompressed_size") or not hasattr(bomb, "max_size"):
                raise
            evidence = {"limit": bomb.max_size, "size": bomb.decompressed_size, "compressed_size": len(response.body)}
            message = (f"decompresses to more than {bomb.max_size} bytes (DOWNLOAD_MAXSIZE; "
                       f"{len(response.body)} bytes compressed)")
            raise self._reject(request, message, evidence) from None

    def process_exception(self, request: Request, exception: Exception) -> None:
        expected, received = self._expected.pop(request, None), self._received.pop(request, None)
        limit = request.meta.get("download_maxsize", self.limit)
        if not isinstance(exception, DownloadCancelledError) or not limit:
            return None
        if expected is not None and expected > limit:
            message = f"declares {expected} bytes (Content-Length), more than {limit} (DOWNLOAD_MAXSIZE)"
            raise self._reject(request, message, {"limit": limit, "expected_size": expected}) from None
        if received is not None and received > limit:
            message = f"sent more than {limit} bytes (DOWNLOAD_MAXSIZE; cut at {received})"
            raise self._reject(request, message, {"limit": limit, "size": received}) from None
        return None  # cancelled for another reason: Scrapy reports it as usual

    def _reject(self, request: Request, message: str, evidence: dict[str, int]) -> PageTooLarge:
        """Count, log and signal the refused page; the exception that ends its request."""
        spider = self.crawler.spider
        self.crawler.stats.inc_value(STAT)
        logger.info("Page too large, dropped: %s %s", request.url, message)
        self.crawler.signals.send_catch_log(
            page_rejected, url=request.url, site=getattr(spider, "name", ""), reason=REASON, message=message,
            evidence=evidence, warc_file=request.meta.get("warc_file", ""), warc_offset=request.meta.get("warc_offset"),
        )
        return PageTooLarge(f"{request.url} {message}")
