"""The throughput bench's spider: every page of the static bench site (``/sitemap.xml``).

Run by ``benchmarks/bench_throughput.py`` with ``scrapy runspider … -a base_url=URL``. It
also records, in the stats, the window in which items finished (``bench/first_item`` →
``bench/last_item``, monotonic seconds) so start-up (worker spawn, Redis connect) is not
counted in pages/s; ``bench/first_article_cpu`` → ``bench/last_item_cpu`` is the CPU time of
the crawler's own process (not its extraction workers) in that window.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals

from crawler.spiders.base import NewsSpider


class BenchSiteSpider(NewsSpider):
    name = "bench_site"
    sitemaps = ["/sitemap.xml"]
    article_patterns = [r"/a/\d+\.html$"]
    max_entry_age_days = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BenchSiteSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        crawler.signals.connect(spider._first_response, signal=signals.response_received)
        return spider

    def _first_response(self, response: Any, request: Any, spider: Any = None) -> None:
        if request.meta.get("article") and self.crawler.stats.get_value("bench/first_article_response") is None:
            self.crawler.stats.set_value("bench/first_article_response", time.monotonic())
            self.crawler.stats.set_value("bench/first_article_cpu", time.process_time())

    def _item_done(self, *args: Any, **kwargs: Any) -> None:
        stats = self.crawler.stats
        stats.set_value("bench/last_item", time.monotonic())
        stats.set_value("bench/last_item_cpu", time.process_time())
        stats.inc_value("bench/items_done")
