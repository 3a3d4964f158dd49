"""Dedup stage as a Scrapy component (cf. scrapy/dupefilters.py: values in, settings read in
``from_crawler``). Duplicates are dropped with one ``DropItem`` subclass per method; kept
articles carry the decision in ``article.dedup`` for storage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import redis
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.connection import describe, get_redis
from crawler.items import Article
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.drops import DUPLICATE_DROPS

logger = logging.getLogger(__name__)


RETRY_SECONDS = 30.0  # how often an unreachable Redis is tried again


class DedupPipeline:
    """Drops articles the Redis index already holds a copy of; indexes the rest.

    When Redis cannot be reached (at start or later) articles are kept, marked
    ``unchecked`` in storage, and counted in ``dedup/redis_unavailable``: nothing fetched
    is lost, and ``scrapy dedup`` can check them later. Redis is tried again every 30 s.
    """

    def __init__(self, make_deduper: Callable[[], Deduper], stats: Any) -> None:
        self.make_deduper = make_deduper
        self.stats = stats
        self.deduper: Deduper | None = None
        self._down_since: float | None = None
        self._connect()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("DEDUP_ENABLED"):
            raise NotConfigured("DEDUP_ENABLED is off")
        settings = crawler.settings
        config = DedupConfig.from_settings(settings)  # invalid values fail here, before any crawl

        def make_deduper() -> Deduper:
            client = get_redis(settings)
            deduper = Deduper(client, config)
            logger.info("Dedup index: %s, %s", describe(client), config.index_params())
            return deduper

        return cls(make_deduper, crawler.stats)

    def _connect(self) -> None:
        try:
            self.deduper = self.make_deduper()
            if self._down_since is not None:
                logger.warning("Redis reachable again: checking articles for duplicates again")
            self._down_since = None
        except redis.ConnectionError as exc:
            self._went_down(exc)

    def _went_down(self, exc: Exception) -> None:
        if self._down_since is None:
            logger.error("Redis unreachable, keeping articles unchecked until it is back: %s", exc)
        self.deduper, self._down_since = None, time.monotonic()

    def close_spider(self) -> None:
        if self.deduper is not None:
            try:
                self.deduper.close()
            except redis.ConnectionError as exc:
                logger.error("Could not save learned site boilerplate (Redis unreachable): %s", exc)

    def _unchecked(self, item: Article) -> Article:
        self.stats.inc_value("dedup/redis_unavailable")
        item.dedup = {"verdict": "unchecked", "method": "unchecked"}
        return item

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if self.deduper is None and (
            self._down_since is None or time.monotonic() - self._down_since >= RETRY_SECONDS
        ):
            self._connect()
        if self.deduper is None:
            return self._unchecked(item)
        try:
            decision = self.deduper.check(
                item.id, item.text, item.site, (item.url, item.final_url, item.canonical_url)
            )
        except redis.ConnectionError as exc:
            self._went_down(exc)
            return self._unchecked(item)
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
