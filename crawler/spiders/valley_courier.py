"""Valley Courier (demo): Atom feed and a Google news sitemap announced in robots.txt."""

from crawler.spiders.demo_base import DemoNewsSpider


class ValleyCourierSpider(DemoNewsSpider):
    name = "valley_courier"
    allowed_domains = ["127.0.0.1"]
    feeds = ["/atom.xml"]
    sitemaps = ["/robots.txt"]
    article_patterns = [r"/story/\d+-[\w-]+$"]
