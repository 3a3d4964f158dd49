"""A test site serving oversize, compressed and mislabelled pages (run with ``scrapy runspider``).

``-a rejections_file=PATH`` appends every ``page_rejected`` signal there as a JSON line.
"""

import json
from typing import Any

from crawler.signals import page_rejected
from crawler.spiders.base import NewsSpider


class HostileSiteSpider(NewsSpider):
    name = "hostile_site"
    sections = ["/section"]
    article_patterns = [r"/a/[\w-]+$"]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "HostileSiteSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        if getattr(spider, "rejections_file", None):
            crawler.signals.connect(spider.record_rejection, signal=page_rejected)
        return spider

    def record_rejection(self, url: str, site: str, reason: str, message: str, evidence: dict) -> None:
        with open(self.rejections_file, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"url": url, "site": site, "reason": reason, "message": message,
                                 "evidence": evidence}) + "\n")
