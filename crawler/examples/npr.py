"""NPR: RSS feeds on feeds.npr.org (``/<topic id>/rss.xml``: 1001 news, 1004 world, 1006 business).

Article URLs: ``https://www.npr.org/<yyyy>/<mm>/<dd>/<id>/<slug>`` (or under
``/sections/<section>/``); podcast episodes and series pages are not articles.
"""

from crawler.spiders.base import NewsSpider


class NprSpider(NewsSpider):
    name = "npr"
    group = "examples"
    allowed_domains = ["npr.org"]
    base_url = "https://feeds.npr.org"
    feeds = ["/1001/rss.xml", "/1004/rss.xml", "/1006/rss.xml"]
    article_patterns = [r"npr\.org/(sections/[\w-]+/)?\d{4}/\d{2}/\d{2}/[\w-]+/[\w-]+"]
    deny_patterns = [r"/podcasts/", r"/series/", r"/transcripts/"]
    body_selector = "#storytext"
    boilerplate_lines = [r"(toggle|hide) caption", r"Sponsor Message", r".*/(NPR|AP|Getty Images|Reuters)"]
    max_entry_age_days = 3
