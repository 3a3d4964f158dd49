"""The Lakeside Ledger (demo): a plain sitemap of the newest stories and a /lakeshore/ section
whose "Older stories" links carry no rel=next. Created by `scrapy genspider -t news`; see
docs/adding-a-site.md."""

from crawler.spiders.demo_base import DemoNewsSpider


class LakesideLedgerSpider(DemoNewsSpider):
    name = "lakeside_ledger"
    allowed_domains = ["127.0.0.1"]
    # Sources: the sitemap (linked from the footer, not in robots.txt) lists only the newest stories;
    # the section's older pages are /lakeshore/?pg=N, linked without rel=next.
    sitemaps = ["/sitemap.xml"]
    sections = ["/lakeshore/"]
    section_pagination = [r"/lakeshore/\?pg=\d+$"]
    # Articles: /YYYY/MM/DD/<slug>/ (note the trailing slash).
    article_patterns = [r"/\d{4}/\d{2}/\d{2}/[\w-]+/$"]
    # Extraction: only the story text (not the section label, headline and "Story by / Published" lines).
    body_selector = "div.lk-entry__text"
