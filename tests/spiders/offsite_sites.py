"""Test sites whose ``allowed_domains`` leave out their article links or their sources
(tests/test_sources.py; load with ``-s SPIDER_MODULES=tests.spiders``)."""

from crawler.spiders.base import NewsSpider


class OffsiteArticlesSpider(NewsSpider):
    name = "offsite_articles"
    allowed_domains = ["127.0.0.1"]  # the feed links its articles on "localhost"
    feeds = ["/offsite-feed.xml"]
    article_patterns = [r"/a/\d+$"]


class OffsiteSourcesSpider(NewsSpider):
    name = "offsite_sources"
    allowed_domains = ["news.example"]  # but base_url is a loopback address
    feeds = ["/feed.xml"]
    article_patterns = [r"/a/\d+$"]
