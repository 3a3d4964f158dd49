"""``scrapy extract PATH_OR_URL… [--json]``: run the project's extraction stage on saved
HTML files (``.html`` or ``.html.gz``) or http(s) URLs and print the text and metadata (with
``--json``: every field of ``Extraction.as_dict``, the lead image, description, tags, section,
free-access flag and word count included).

For debugging a site's extraction and for measurement. The settings are the crawler's
(``EXTRACT_*``, with ``--site NAME`` applying that site's ``EXTRACT_SITE_OVERRIDES`` and, for a
spider of this project, the extraction options it declares).
A dropped page prints its drop reason; the exit code is 1 only when an input cannot be read
(missing, corrupt, undecodable, or larger than ``DOWNLOAD_MAXSIZE`` — decompressed, for a ``.gz``
file, which is decompressed only that far).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from typing import TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader

from crawler.page_input import read_input, site_extractor

if TYPE_CHECKING:  # trafilatura is imported when something is extracted, not at every start
    from pipelines.extract import Extraction


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
        f"image:     {result.news.image}",
        f"summary:   {result.news.description}",
        f"tags:      {'; '.join(result.news.tags)}",
        f"section:   {result.news.section}",
        f"free:      {'yes' if result.news.free_access else 'no'}",
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
