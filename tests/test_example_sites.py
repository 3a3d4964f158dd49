"""The example spiders for real sites (crawler/examples: BBC News, The Guardian, NPR).

They cannot be crawled here: they are tested on feeds, sitemaps and article pages written
for the tests (tests/sites/examples/) that follow those sites' published structure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.examples.bbc_news import BbcNewsSpider
from crawler.examples.guardian import GuardianSpider
from crawler.examples.npr import NprSpider
from crawler.spiders.base import NewsSpider
from pipelines.extract import ArticleExtractor
from tests.conftest import project_settings

PAGES = Path(__file__).resolve().parent / "sites" / "examples"
EXAMPLES = {"bbc_news": BbcNewsSpider, "guardian": GuardianSpider, "npr": NprSpider}
FEEDS = {  # feed file, its URL, the article URLs expected from it
    "bbc_news": ("rss.xml", "https://feeds.bbci.co.uk/news/rss.xml",
                 {"https://www.bbc.com/news/articles/c4g7x2m1q9zo", "https://www.bbc.co.uk/news/uk-england-12345678"}),
    "guardian": ("rss.xml", "https://www.theguardian.com/world/rss",
                 {"https://www.theguardian.com/environment/2026/nov/02/reservoir-filled-months-early-wet-autumn"}),
    "npr": ("rss.xml", "https://feeds.npr.org/1001/rss.xml",
            {"https://www.npr.org/2026/11/02/nx-s1-5612345/reservoir-filled-early-wet-autumn",
             "https://www.npr.org/sections/politics/2026/11/02/1234567890/council-budget-vote-delayed"}),
}
ARTICLES = {  # page URL, author
    "bbc_news": ("https://www.bbc.com/news/articles/c4g7x2m1q9zo", "Alex Morgan"),
    "guardian": ("https://www.theguardian.com/environment/2026/nov/02/reservoir-filled-months-early-wet-autumn",
                 "Sam Okafor"),
    "npr": ("https://www.npr.org/2026/11/02/nx-s1-5612345/reservoir-filled-early-wet-autumn", "Riley Chen"),
}
JUNK = ("Getty Images", "Image caption", "Photograph:", "toggle caption", "Sponsor Message", "Most read",
        "Support the Guardian", "Explore more", "Reuse this content", "Follow BBC", "Related topics",
        "Seven things to know")


def start(spidercls: type[NewsSpider]) -> NewsSpider:
    """The spider, without its date window (the test pages' dates are fixed)."""
    undated = type(spidercls.__name__, (spidercls,), {"max_entry_age_days": 0})
    return undated.from_crawler(get_crawler(undated, project_settings()))


def urls(requests: Any) -> set[str]:
    return {r.url.split("?")[0] for r in requests}


@pytest.mark.parametrize("site", sorted(EXAMPLES))
def test_declaration(site: str) -> None:
    spidercls = EXAMPLES[site]
    assert spidercls.name == site and spidercls.group == "examples"
    assert spidercls.config_problems() == []


def test_examples_are_not_crawled_by_crawlall() -> None:
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    assert not set(EXAMPLES) & set(SpiderLoader.from_settings(Settings(project_settings())).list())


@pytest.mark.parametrize("site", sorted(FEEDS))
def test_feed(site: str) -> None:
    filename, url, expected = FEEDS[site]
    spider = start(EXAMPLES[site])
    response = XmlResponse(url=url, body=(PAGES / site / filename).read_bytes())
    assert urls(spider.parse_feed(response)) == expected  # live pages, video, galleries, podcasts left out


def test_guardian_news_sitemap() -> None:
    spider = start(GuardianSpider)
    response = XmlResponse(url="https://www.theguardian.com/sitemaps/news.xml",
                           body=(PAGES / "guardian" / "news.xml").read_bytes())
    assert urls(spider._parse_sitemap(response)) == {
        "https://www.theguardian.com/uk-news/2026/nov/02/council-budget-vote-delayed",
        "https://www.theguardian.com/environment/2026/nov/02/reservoir-filled-months-early-wet-autumn",
    }


@pytest.mark.parametrize("site", sorted(ARTICLES))
def test_article_extraction(site: str) -> None:
    url, author = ARTICLES[site]
    spidercls = EXAMPLES[site]
    crawler = get_crawler(spidercls, project_settings())  # applies the site's declared extraction overrides
    extractor = ArticleExtractor.from_settings(crawler.settings, site)
    html = HtmlResponse(url=url, body=(PAGES / site / "article.html").read_bytes()).text
    result = extractor.analyse(html, url)
    assert result.drop is None, result.drop
    assert result.title == "Reservoir to be filled months early after wet autumn"
    assert result.published.startswith("2026-11-02")
    assert author in result.authors
    assert result.canonical_url.split("?")[0] == url
    for sentence in ("Engineers at the regional water authority", "rare birds had been seen nesting"):
        assert sentence in result.text
    for junk in JUNK:
        assert junk not in result.text, f"{site}: {junk!r} left in the text"
