"""Every site against its recorded pages, offline: one test per site and page.

A page is recorded with ``scrapy savefixture SPIDER URL`` (tests/sites/fixtures/<spider>/);
here it is extracted again with the site's current spider declaration and settings and
compared with what was recorded: same title and publication date, text at least 95 %
similar (word sequence). A failure means the extraction changed, or the site's layout did
(then look at the live page and re-record)."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.commands.savefixture import load_fixture
from crawler.page_input import site_extractor
from tests.conftest import project_settings
from tests.sites.recorded import recorded_pages

PAGES = recorded_pages()
MIN_TEXT_SIMILARITY = 0.95


def text_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def test_every_demo_site_has_a_recorded_page() -> None:
    sites = {path.parent.name for path in PAGES}
    assert {"harbor_gazette", "metro_daily", "northern_wire", "valley_courier"} <= sites


@pytest.mark.parametrize("path", PAGES, ids=[f"{p.parent.name}/{p.stem}" for p in PAGES])
def test_recorded_page(path: Path) -> None:
    record, html = load_fixture(path)
    spider, url, want = record["spider"], record["url"], record["fields"]
    hint = f"layout of {spider} changed? re-record with: scrapy savefixture {spider} {url}"
    got = site_extractor(Settings(project_settings()), spider).analyse(html, url)
    assert (got.drop_reason or None) == record.get("dropped"), f"{hint} (drop: {got.drop_reason or None})"
    assert got.title == want["title"], f"{hint} (title {got.title!r} != {want['title']!r})"
    assert got.published == want["published"], f"{hint} (published {got.published!r} != {want['published']!r})"
    similarity = text_similarity(got.text, want["text"])
    assert similarity >= MIN_TEXT_SIMILARITY, f"{hint} (text {similarity:.0%} similar to the recorded text)"
