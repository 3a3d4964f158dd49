"""The Harbor Gazette (demo): RSS feed and paginated /news/ section."""

from crawler.spiders.demo_base import DemoNewsSpider


class HarborGazetteSpider(DemoNewsSpider):
    name = "harbor_gazette"
    allowed_domains = ["127.0.0.1"]
    feeds = ["/feed.xml"]
    sections = ["/news/"]
    article_patterns = [r"/news/\d{4}/\d{2}/\d{2}/[^/]+\.html$"]
