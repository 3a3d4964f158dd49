"""A test site with one RSS feed (run with ``scrapy runspider``)."""

from crawler.spiders.base import NewsSpider


class FeedSiteSpider(NewsSpider):
    name = "feed_site"
    feeds = ["/feed.xml", "/atom.xml"]
    article_patterns = [r"/a/\d+$"]
