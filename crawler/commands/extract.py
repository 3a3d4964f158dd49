"""``scrapy extract PATH_OR_URL… [--json]``: run the project's extraction stage on saved
HTML files (``.html`` or ``.html.gz``) or http(s) URLs and print the text and metadata.

For debugging a site's extraction and for measurement. The settings are the crawler's
(``EXTRACT_*``, with ``--site NAME`` applying that site's ``EXTRACT_SITE_OVERRIDES`` and, for a
spider of this project, the extraction options it declares).
A dropped page prints its drop reason; the exit code is 1 only when an input cannot be read
(missing, corrupt, undecodable, or larger than ``DOWNLOAD_MAXSIZE`` — decompressed, for a ``.gz``
file, which is decompressed only that far).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import urllib.request
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.http import HtmlResponse
from scrapy.spiderloader import get_spider_loader

from crawler.encoding import decode_body

if TYPE_CHECKING:  # trafilatura is imported when something is extracted, not at every start
    from pipelines.extract import Extraction


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


def render(source: str, result: Extraction) -> str:
    lines = [f"== {source}"]
    if result.drop is not None:
        lines.append(f"dropped:   {result.drop_reason}: {result.drop}")
    lines += [
        f"title:     {result.title}",
        f"authors:   {'; '.join(result.authors)}",
        f"published: {result.published}",
        f"updated:   {result.updated}",
        f"language:  {result.language}",
        f"canonical: {result.canonical_url}",
        f"sitename:  {result.sitename}",
        f"passes:    {', '.join(result.passes)}  ({len(result.text.split())} words)",
        "",
        result.text,
        "",
    ]
    return "\n".join(lines)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # prints data: no crawler, no Scrapy start-up log
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] PATH_OR_URL [PATH_OR_URL …]"

    def short_desc(self) -> str:
        return "Extract text and metadata from saved HTML files or URLs with the project's extraction stage"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="one JSON object per input")
        parser.add_argument("--site", help="use the overrides of this spider name or EXTRACT_SITE_OVERRIDES key")
        parser.add_argument("--url", help="the page's URL (for a saved file; the file's path by default)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args:
            raise UsageError("give at least one HTML file or URL")
        assert self.settings is not None
        if opts.site and opts.site in get_spider_loader(self.settings).list():
            from crawler.commands.savefixture import site_extractor  # it imports this module

            extractor = site_extractor(self.settings, opts.site)  # + the spider's declared overrides
        else:
            from pipelines.extract import ArticleExtractor

            extractor = ArticleExtractor.from_settings(self.settings, opts.site)
        failed = 0
        max_bytes = self.settings.getint("DOWNLOAD_MAXSIZE")
        for source in args:
            try:
                html, url = read_input(source, max_bytes=max_bytes)
            except (OSError, ValueError, EOFError, zlib.error) as exc:  # ValueError: InputTooLarge, UndecodableBody
                failed += 1
                print(f"{source}: cannot read ({exc})", file=sys.stderr)
                continue
            result = extractor.analyse(html, opts.url or url)
            if opts.json:
                print(json.dumps({"input": source, **result.as_dict()}, ensure_ascii=False))
            else:
                print(render(source, result))
        if failed:
            self.exitcode = 1
