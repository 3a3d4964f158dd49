"""BBC News: RSS 2.0 feeds on feeds.bbci.co.uk (top stories and sections).

Feed items link to ``https://www.bbc.com/news/articles/<id>?at_medium=RSS&at_campaign=rss``
(older stories: ``/news/<section>-<8 digits>``); live pages, video and audio are not articles.
"""

from crawler.spiders.base import NewsSpider


class BbcNewsSpider(NewsSpider):
    name = "bbc_news"
    group = "examples"
    allowed_domains = ["bbc.co.uk", "bbc.com", "bbci.co.uk"]
    base_url = "https://feeds.bbci.co.uk"
    feeds = ["/news/rss.xml", "/news/world/rss.xml", "/news/business/rss.xml", "/news/technology/rss.xml"]
    article_patterns = [r"bbc\.(co\.uk|com)/news/articles/[a-z0-9]+", r"bbc\.(co\.uk|com)/news/[a-z_-]+-\d{6,}"]
    deny_patterns = [r"/news/live/", r"/news/av/", r"/sounds/", r"/iplayer/", r"/news/videos/"]
    body_selector = "article"
    boilerplate_lines = [r"Image source, .*", r"Image caption, .*", r"Getty Images", r"Related topics",
                         r"More on this story", r"Follow BBC .*"]
    max_entry_age_days = 3
