"""Dedup stage as a Scrapy component (cf. scrapy/dupefilters.py: values in, settings read in
``from_crawler``). Duplicates are dropped with one ``DropItem`` subclass per method; kept
articles carry the decision in ``article.dedup`` for storage.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.connection import describe, get_redis
from crawler.items import Article
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.drops import DUPLICATE_DROPS

logger = logging.getLogger(__name__)


class DedupPipeline:
    """Drops articles the Redis index already holds a copy of; indexes the rest."""

    def __init__(self, deduper: Deduper, stats: Any) -> None:
        self.deduper = deduper
        self.stats = stats
        self._redis_down_logged = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("DEDUP_ENABLED"):
            raise NotConfigured("DEDUP_ENABLED is off")
        client = get_redis(crawler.settings)
        deduper = Deduper(client, DedupConfig.from_settings(crawler.settings))
        logger.info("Dedup index: %s, %s", describe(client), deduper.config.index_params())
        return cls(deduper, crawler.stats)

    def close_spider(self) -> None:
        self.deduper.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            decision = self.deduper.check(
                item.id, item.text, item.site, [item.url, item.final_url, item.canonical_url]
            )
        except redis.ConnectionError as exc:
            # Keep the article (stored unchecked) rather than lose it; say so once, count each.
            self.stats.inc_value("dedup/redis_unavailable")
            if not self._redis_down_logged:
                logger.error("Redis unreachable, storing articles unchecked: %s", exc)
                self._redis_down_logged = True
            item.dedup = {"verdict": "unchecked", "method": "unchecked"}
            return item
        self.stats.inc_value(f"dedup/{decision.method}")
        if decision.is_duplicate:
            raise DUPLICATE_DROPS[decision.method if decision.verdict == "duplicate" else "seen"](item, decision)
        item.dedup = {
            "verdict": decision.verdict,
            # "update": newer than the version it links to; "earlier_version": found after it
            "method": "earlier_version" if decision.relation == "updated_by" else decision.method,
            "updates": decision.updates,
            "scores": decision.scores,
        }
        return item
