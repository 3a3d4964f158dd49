"""Metro Daily (demo): a sitemap index and a paginated city section."""

from crawler.spiders.demo_base import DemoNewsSpider


class MetroDailySpider(DemoNewsSpider):
    name = "metro_daily"
    allowed_domains = ["127.0.0.1"]
    sitemaps = ["/sitemap_index.xml"]
    sections = ["/section/city?page=1"]
    article_patterns = [r"/articles/[\w-]+-\d+$"]
