"""A ``crawlall`` group (``cli_errors``) holding one good site and one misconfigured one (load
with ``-s SPIDER_MODULES=tests.spiders.group_with_bad_site``; the good site's address comes
from ``DEMO_SITE_URLS``, as for the demo publishers)."""

from crawler.spiders.base import NewsSpider
from crawler.spiders.demo_base import DemoNewsSpider


class GoodSiteSpider(DemoNewsSpider):
    name = "cli_good_site"
    group = "cli_errors"
    allowed_domains = ["127.0.0.1"]
    sections = ["/section"]
    article_patterns = [r"/a/\d+$"]


class MisconfiguredSiteSpider(NewsSpider):
    name = "cli_bad_site"
    group = "cli_errors"
    feedz = ["/feed.xml"]  # a typo: an unknown option, and so no sources
    article_patterns = [r"/a/\d+$"]
