"""A test site whose sources end the run in every state (tests/test_sources.py). Run with
``scrapy runspider`` or, by name, with ``-s SPIDER_MODULES=tests.spiders``; ``-a dead_url=URL``
adds a feed on a host that does not answer."""

from typing import Any

from crawler.spiders.base import NewsSpider


class SourceStatesSpider(NewsSpider):
    name = "source_states"
    allowed_domains = ["127.0.0.1"]
    feeds = ["/feed.xml", "/missing.xml", "/broken.xml", "/old.xml", "/page.xml", "/other.xml"]
    sitemaps = ["/empty-sitemap.xml", "/sitemap-index.xml"]
    sections = ["/section"]
    article_patterns = [r"/a/\d+$"]

    def __init__(self, *args: Any, dead_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if dead_url:
            self.feeds = [*self.feeds, dead_url]
