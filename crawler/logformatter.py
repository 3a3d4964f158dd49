"""Log lines for dropped items without the item itself.

Scrapy's default ``dropped`` message appends the whole item, which for an ``ArticlePage``
is the page's HTML: a crawl log would hold every page. The reason is enough here.
"""

from __future__ import annotations

from typing import Any

from scrapy import logformatter


class LogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> dict:
        entry = super().dropped(item, exception, response, spider)
        entry["msg"] = "Dropped (%(reason)s): %(exception)s"
        entry["args"] = {"exception": exception, "reason": exception.__class__.__name__}
        return entry
