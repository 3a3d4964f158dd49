"""A site spider's declaration is checked when it starts: one test per misconfiguration,
and the declared extraction overrides reach the extraction stage."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from crawler.items import ArticlePage
from crawler.spiders.base import NewsSpider, SpiderConfigError
from pipelines.extract import ArticleExtractor, ExtractionPipeline
from tests.conftest import project_settings, settled


def site(**attrs: Any) -> type[NewsSpider]:
    """A site class ``good_site`` with a valid declaration, changed by ``attrs``."""
    base: dict[str, Any] = {"name": "good_site", "feeds": ["/feed.xml"], "article_patterns": [r"/a/\d+$"]}
    return type("GoodSiteSpider", (NewsSpider,), {**base, **attrs})


def start(spidercls: type[NewsSpider], **settings: Any) -> NewsSpider:
    crawler = get_crawler(spidercls, project_settings(**settings))
    return spidercls.from_crawler(crawler, base_url="http://127.0.0.1:1")


def fails(spidercls: type[NewsSpider], *fragments: str) -> str:
    with pytest.raises(SpiderConfigError) as info:
        start(spidercls)
    message = str(info.value)
    assert "good_site" in message and "GoodSiteSpider" in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_valid_declaration_starts() -> None:
    spider = start(site(sitemaps=["/robots.txt"], sections=["/news/"], body_selector="article .body",
                        boilerplate_lines=[r"Advertisement"], max_entry_age_days=2))
    assert spider.is_article_url("http://127.0.0.1:1/a/12")


def test_demo_and_test_spiders_are_valid() -> None:
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(Settings(project_settings()))
    for name in loader.list():
        spidercls = loader.load(name)
        if issubclass(spidercls, NewsSpider):
            assert spidercls.config_problems() == [], name


def test_no_sources() -> None:
    fails(site(feeds=[]), "no sources")


def test_no_article_patterns() -> None:
    fails(site(article_patterns=[]), "no article_patterns")


def test_invalid_article_pattern() -> None:
    fails(site(article_patterns=[r"/a/(\d+$"]), "invalid regex in article_patterns", r"/a/(\\d+$")


def test_invalid_deny_pattern() -> None:
    fails(site(deny_patterns=["[unclosed"]), "invalid regex in deny_patterns")


def test_sources_given_as_one_string() -> None:
    fails(site(feeds="/feed.xml"), "feeds must be a list")


def test_invalid_css_body_selector() -> None:
    fails(site(body_selector="div..body"), "invalid CSS body_selector", "div..body")


def test_invalid_xpath_body_selector() -> None:
    fails(site(body_selector="//div[@class="), "invalid XPath body_selector")


def test_invalid_boilerplate_regex() -> None:
    fails(site(boilerplate_lines=["Read more: ("]), "invalid regex in boilerplate_lines")


def test_bad_date_window() -> None:
    fails(site(max_entry_age_days=-1), "max_entry_age_days")
    fails(site(max_entry_age_days="7"), "max_entry_age_days")


def test_allowed_domains_with_a_port() -> None:
    # Scrapy compares allowed_domains with the bare host: "host:8081" would filter every request, silently
    fails(site(allowed_domains=["news.example:8081"]), "allowed_domains entry 'news.example:8081' has a port",
          "use 'news.example'")


def test_allowed_domains_given_as_a_url() -> None:
    fails(site(allowed_domains=["https://news.example/"]), "is a URL: use the bare host name 'news.example'")
    fails(site(allowed_domains="news.example"), "allowed_domains must be a list")


def test_allowed_domains_hosts_and_addresses_are_valid() -> None:
    start(site(allowed_domains=["news.example", "127.0.0.1", "::1", "localhost"]))


def test_unknown_option() -> None:
    fails(site(feedz=["/feed.xml"]), "unknown option 'feedz'")


def test_unknown_option_in_an_intermediate_base() -> None:
    base = type("MyBase", (NewsSpider,), {"sitemap": ["/sitemap.xml"]})
    spidercls = type("GoodSiteSpider", (base,), {"name": "good_site", "feeds": ["/f"], "article_patterns": ["/a/"]})
    fails(spidercls, "unknown option 'sitemap'")


def test_methods_and_private_attributes_are_not_options() -> None:
    def parse_article(self: Any, response: Any) -> Any:  # an override, not an option
        return super(type(self), self).parse_article(response)

    start(site(_cache={}, parse_article=parse_article))


def test_every_problem_is_reported_at_once() -> None:
    message = fails(site(feeds=[], article_patterns=[], feedz=1))
    assert "no sources" in message and "no article_patterns" in message and "feedz" in message


PAGE = """<html><head><title>Quay wall repaired</title>
<meta property="article:published_time" content="2026-11-02T08:00:00+00:00"></head><body>
<article><p>{promo}</p><div class="story-body">{body}
<p>Filed by the harbour desk at 08:00 and updated with the statement of the board.</p></div></article></body></html>"""
BODY = "".join(f"<p>The harbour board said on Monday that quay wall {i} was repaired after the storm of last "
               f"winter, and that ships could berth there again from next week.</p>" for i in range(8))
PROMO = ("Elsewhere the town council met in the old town hall on Monday evening to discuss the budget "
         "for the coming year and the new parks by the river.")


def test_overrides_reach_the_extraction_stage() -> None:
    spidercls = site(body_selector="div.story-body", boilerplate_lines=[r"Filed by the .* desk at .*"])
    crawler = get_crawler(spidercls, project_settings())
    assert crawler.settings.getdict("EXTRACT_SITE_OVERRIDES")["good_site"] == {
        "EXTRACT_BODY_SELECTOR": "div.story-body", "EXTRACT_BOILERPLATE_LINES": ["Filed by the .* desk at .*"]}
    pipeline = ExtractionPipeline.from_crawler(crawler)
    html = PAGE.format(promo=PROMO, body=BODY)
    page = ArticlePage(url="http://x.test/a/1", final_url="http://x.test/a/1", site="good_site",
                       fetched_at="2026-11-02T09:00:00+00:00", html=html, charset_note="")
    article = settled(pipeline.process_item(page))
    assert "quay wall 7" in article.text
    assert "town council" not in article.text and "Filed by" not in article.text
    assert article.title == "Quay wall repaired" and article.published.startswith("2026-11-02")
    plain = ArticleExtractor.from_settings(crawler.settings).analyse(html, "http://x.test/a/1")
    assert "town council" in plain.text and "Filed by" in plain.text  # without the overrides


def test_body_selector_that_matches_nothing_falls_back_to_the_page() -> None:
    extractor = ArticleExtractor(body_selector="div.nothing-here")
    result = extractor.analyse(PAGE.format(promo=PROMO, body=BODY), "http://x.test/a/1")
    assert "quay wall 7" in result.text
