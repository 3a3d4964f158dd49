"""Small Scrapy extensions (signals -> side effects, cf. scrapy/extensions/corestats.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class StatsFile:
    """Writes the final stats of each spider as JSON to ``STATS_FILE`` (``{spider}`` expands).

    Off unless ``STATS_FILE`` is set; tests and scripts read crawl results from it.
    """

    def __init__(self, path_template: str, stats: Any) -> None:
        self.path_template = path_template
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("STATS_FILE")
        if not path:
            raise NotConfigured  # off by default: no message, so Scrapy logs no warning
        ext = cls(path, crawler.stats)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        path = Path(self.path_template.format(spider=spider.name))
        path.parent.mkdir(parents=True, exist_ok=True)
        stats = {**self.stats.get_stats(), "finish_reason": reason}
        path.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
