"""A test site whose feed and sitemap are broken (run with ``scrapy runspider``)."""

from crawler.spiders.base import NewsSpider


class BrokenSourcesSpider(NewsSpider):
    name = "broken_sources"
    feeds = ["/broken-feed.xml", "/empty-feed.xml"]
    sitemaps = ["/broken-sitemap.xml"]
    sections = ["/section"]
    article_patterns = [r"/a/\d+$"]
