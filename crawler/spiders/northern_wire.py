"""Northern Wire Service (demo): the wire agency others reprint; RSS and /latest pages."""

from crawler.spiders.demo_base import DemoNewsSpider


class NorthernWireSpider(DemoNewsSpider):
    name = "northern_wire"
    allowed_domains = ["127.0.0.1"]
    feeds = ["/rss"]
    sections = ["/latest"]
    article_patterns = [r"/wire/\d+/[\w-]+$"]
