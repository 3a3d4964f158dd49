"""The Guardian: section RSS feeds (``/<section>/rss``) and the Google news sitemap
(``/sitemaps/news.xml``, articles of the last two days).

Article URLs: ``https://www.theguardian.com/<section>/<yyyy>/<mon>/<dd>/<slug>``; live blogs,
galleries, video, audio and crosswords share that shape and are denied.
"""

from crawler.spiders.base import NewsSpider


class GuardianSpider(NewsSpider):
    name = "guardian"
    group = "examples"
    allowed_domains = ["theguardian.com"]
    base_url = "https://www.theguardian.com"
    feeds = ["/world/rss", "/uk-news/rss", "/business/rss"]
    sitemaps = ["/sitemaps/news.xml"]
    article_patterns = [r"theguardian\.com/[\w-]+(/[\w-]+)?/\d{4}/[a-z]{3}/\d{2}/[\w-]+$"]
    deny_patterns = [r"/live/", r"/gallery/", r"/video/", r"/audio/", r"/picture/", r"/crosswords/",
                     r"/ng-interactive/"]
    body_selector = "#maincontent"
    boilerplate_lines = [r"Photograph: .*", r"Explore more on these topics", r"Reuse this content",
                         r"Share", r"Sign up to .*"]
    max_entry_age_days = 3
