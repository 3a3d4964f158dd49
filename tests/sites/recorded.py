"""Recorded pages of the sites (``scrapy savefixture``): tests/sites/fixtures/<site>/<slug>.html.gz + .json,
and their check: extracted again with the site's current declaration (the ``test`` profile's
settings), a page must give the recorded title, date and drop decision, a text at least 95 %
similar (word sequence), and its URL must still be an article URL of the site."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MIN_TEXT_SIMILARITY = 0.95


def recorded_pages(site: str | None = None, root: Path = FIXTURES) -> list[Path]:
    """The ``.json`` records of ``site`` (every site when None), sorted."""
    pattern = f"{site}/*.json" if site else "*/*.json"
    return sorted(root.glob(pattern))


def text_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def recorded_mismatches(path: Path, spidercls: Any) -> list[str]:
    """What differs between the recorded page ``path`` and its extraction now by ``spidercls``
    (empty when nothing does); each item says how to re-record."""
    from scrapy.settings import BaseSettings, Settings

    from crawler.commands.savefixture import load_fixture
    from crawler.page_input import spider_extractor

    record, html = load_fixture(path)
    spider, url, want = record["spider"], record["url"], record["fields"]
    hint = f"layout of {spider} changed? re-record with: scrapy savefixture {spider} {url}"
    profile = BaseSettings()
    profile.setmodule("settings.test", priority="project")
    got = spider_extractor(Settings({k: v for k, v in profile.items() if k.isupper()}), spidercls).analyse(html, url)
    problems = []
    if (got.drop_reason or None) != record.get("dropped"):
        problems.append(f"{hint} (drop: {got.drop_reason or None})")
    if got.title != want["title"]:
        problems.append(f"{hint} (title {got.title!r} != {want['title']!r})")
    if got.published != want["published"]:
        problems.append(f"{hint} (published {got.published!r} != {want['published']!r})")
    if (similarity := text_similarity(got.text, want["text"])) < MIN_TEXT_SIMILARITY:
        problems.append(f"{hint} (text {similarity:.0%} similar to the recorded text)")
    if not spidercls.article_pattern_match(url):
        problems.append(f"{url} is no longer an article URL of {spider} (article_patterns)")
    return problems
