"""``scrapy savefixture SPIDER URL``: record an article page of a site and what is extracted from it.

Writes ``<SITE_FIXTURES_DIR>/<spider>/<slug>.html.gz`` (the page as the crawler decodes it)
and ``<slug>.json`` (its URL and the fields the project's extraction stage reads with the
site's overrides: title, text, authors, published, language, canonical_url).
``tests/test_sites.py`` re-extracts every recorded page offline and compares; when a site
changes its layout, look at the new page and re-record with this command.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.page_input import read_input, site_extractor

if TYPE_CHECKING:  # trafilatura is imported when something is extracted, not at every start
    from pipelines.extract import Extraction

FIELDS = ("title", "text", "authors", "published", "language", "canonical_url")


def fields(result: Extraction) -> dict[str, Any]:
    return {name: getattr(result, name) for name in FIELDS}


def slug_of(url: str) -> str:
    """A file name for ``url``: its last path segments (and query), made safe and short."""
    parts = urlsplit(url)
    path = re.sub(r"\.(s?html?|php|aspx?)$", "", parts.path.strip("/")) or "index"
    raw = "-".join(path.split("/")[-2:]) + (f"-{parts.query}" if parts.query else "")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", raw).strip("-")[:80] or "page"


def save_fixture(root: Path, spider: str, url: str, html: str, result: Extraction, slug: str | None = None) -> Path:
    """Write ``<root>/<spider>/<slug>.html.gz`` and ``.json``; return the json path."""
    folder = root / spider
    folder.mkdir(parents=True, exist_ok=True)
    slug = slug or slug_of(url)
    (folder / f"{slug}.html.gz").write_bytes(gzip.compress(html.encode("utf-8"), mtime=0))
    record = {
        "spider": spider, "url": url, "html": f"{slug}.html.gz",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "dropped": result.drop_reason or None, "fields": fields(result),
    }
    path = folder / f"{slug}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def load_fixture(path: Path) -> tuple[dict[str, Any], str]:
    """(record, html) of a recorded page's ``.json``."""
    record = json.loads(path.read_text(encoding="utf-8"))
    html = gzip.decompress((path.parent / record["html"]).read_bytes()).decode("utf-8")
    return record, html


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] SPIDER URL"

    def short_desc(self) -> str:
        return "Record an article page of a site and its extracted fields (for tests/test_sites.py)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--file", help="read the page from this saved HTML file instead of fetching URL")
        parser.add_argument("--slug", help="file name of the record (made from the URL by default)")
        parser.add_argument("--dir", help="fixtures folder (SITE_FIXTURES_DIR by default)")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 2:
            raise UsageError("give a spider name and an article URL")
        assert self.settings is not None
        spider, url = args
        try:
            extractor = site_extractor(self.settings, spider)
        except KeyError:
            raise UsageError(f"no spider named {spider!r} (see `scrapy list`)") from None
        try:
            html, final_url = read_input(opts.file or url, max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except (OSError, ValueError, EOFError, zlib.error) as exc:  # ValueError: InputTooLarge, UndecodableBody
            print(f"{opts.file or url}: cannot read ({exc})", file=sys.stderr)
            self.exitcode = 1
            return
        final_url = url if opts.file else final_url
        result = extractor.analyse(html, final_url)
        root = Path(opts.dir or self.settings.get("SITE_FIXTURES_DIR"))
        path = save_fixture(root, spider, url, html, result, opts.slug)
        words = len(result.text.split())
        print(f"Recorded {url}\n  -> {path} (+ .html.gz)\n  title: {result.title}\n  published: {result.published}"
              f"\n  authors: {'; '.join(result.authors)}\n  text: {words} words")
        if result.drop is not None:
            print(f"  WARNING: the extraction stage drops this page: {result.drop_reason}: {result.drop}")
        missing = [name for name in ("title", "text", "published") if not getattr(result, name)]
        if missing:
            print(f"  WARNING: missing {', '.join(missing)}")
