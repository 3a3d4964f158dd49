"""Tests of the lakeside_ledger site (created by `scrapy genspider -t news`; see docs/adding-a-site.md).

Its recorded pages (tests/sites/fixtures/lakeside_ledger/) are checked by tests/test_sites.py; record
one with: scrapy savefixture lakeside_ledger ARTICLE_URL
"""

from __future__ import annotations

import pytest

from crawler.spiders.lakeside_ledger import LakesideLedgerSpider
from tests.sites.recorded import recorded_pages

# Fill in: URLs of this site that are articles, and listing/other URLs that are not.
ARTICLE_URLS: list[str] = [
    "http://127.0.0.1:8715/2026/11/08/sedge-creek-footbridge-reopens-two-years-after-the-spring/",
    "http://127.0.0.1:8715/2026/11/05/tessa-river-salmon-comeback-gives-lake-orlas-dam-debate/",
    "http://127.0.0.1:8715/2026/10/22/wrenfield-marina-to-be-dredged-after-a-summer-of-k2/",
]
OTHER_URLS: list[str] = [
    "http://127.0.0.1:8715/",
    "http://127.0.0.1:8715/lakeshore/",
    "http://127.0.0.1:8715/lakeshore/?pg=2",
    "http://127.0.0.1:8715/sitemap.xml",
    "http://127.0.0.1:8715/about",
    "http://127.0.0.1:8715/2026/11/08/sedge-creek-footbridge-reopens-two-years-after-the-spring",
]


def test_declaration_is_valid() -> None:
    assert LakesideLedgerSpider.config_problems() == []


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_article_urls(url: str) -> None:
    assert LakesideLedgerSpider.article_pattern_match(url), f"{url} should be an article URL of lakeside_ledger"


@pytest.mark.parametrize("url", OTHER_URLS)
def test_other_urls(url: str) -> None:
    assert not LakesideLedgerSpider.article_pattern_match(url), f"{url} should not be an article URL of lakeside_ledger"


def test_has_recorded_pages() -> None:
    hint = "record one with: scrapy savefixture lakeside_ledger ARTICLE_URL"
    assert recorded_pages("lakeside_ledger"), f"no recorded page for lakeside_ledger: {hint}"
