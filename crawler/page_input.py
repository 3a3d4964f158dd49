"""Reading one page for the page commands (`scrapy extract`, `scrapy savefixture`): a file
(``.gz`` too) or an http(s) URL, bounded in size and decoded as the crawler decodes pages; and
the extractor a spider's crawl uses."""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from scrapy.http import HtmlResponse
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader

from crawler.encoding import decode_body

if TYPE_CHECKING:  # trafilatura is imported when something is extracted, not at every start
    from pipelines.extract import ArticleExtractor


class InputTooLarge(ValueError):
    """An input holds more bytes (decompressed, for a .gz file) than the limit."""


def read_bounded(stream: BinaryIO, max_bytes: int) -> bytes:
    """At most ``max_bytes`` from ``stream`` (0: everything); ``InputTooLarge`` if it holds more.

    Reads ``max_bytes + 1`` at most, so a gzip stream is decompressed only that far.
    """
    body = stream.read(max_bytes + 1) if max_bytes else stream.read()
    if max_bytes and len(body) > max_bytes:
        raise InputTooLarge(f"more than {max_bytes} bytes (DOWNLOAD_MAXSIZE)")
    return body


def read_input(source: str, timeout: float = 20.0, max_bytes: int = 0) -> tuple[str, str]:
    """(html, url) of a file path (``.gz``: gzipped) or an http(s) URL, decoded like the crawler
    decodes pages. More than ``max_bytes`` (0: no bound) raises ``InputTooLarge``."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "newsdedup-extract/0.1"})
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (http(s) only)
            body, url = read_bounded(reply, max_bytes), reply.geturl()
            headers = {"Content-Type": reply.headers.get("Content-Type", "")}
    else:
        path = Path(source)
        with path.open("rb") as raw:
            body = read_bounded(gzip.GzipFile(fileobj=raw) if path.suffix == ".gz" else raw, max_bytes)
        url, headers = path.resolve().as_uri(), {}
    response = HtmlResponse(url=url, body=body, headers=headers)
    html, _note = decode_body(response)
    return html, url


def site_extractor(settings: BaseSettings, spider: str) -> ArticleExtractor:
    """The extractor the crawl of ``spider`` uses: settings + the spider's declared overrides."""
    return spider_extractor(settings, get_spider_loader(settings).load(spider))


def spider_extractor(settings: BaseSettings, spidercls: Any) -> ArticleExtractor:
    """The extractor the crawl of the spider class ``spidercls`` uses (see ``site_extractor``)."""
    from pipelines.extract import ArticleExtractor

    merged = settings.copy()
    spidercls.update_settings(merged)  # custom_settings and the declared extraction overrides
    return ArticleExtractor.from_settings(merged, spidercls.name)
