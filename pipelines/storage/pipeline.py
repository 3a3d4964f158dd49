"""Storage stage as a Scrapy component: kept articles into ``articles``; every dedup drop
(caught through the ``item_dropped`` signal) into ``duplicates``. Rows carry the id of the
current run (stat ``run/id``, set by ``crawler.extensions.RunRecorder``).
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.items import Article
from pipelines.drops import AlreadyDropped, AlreadyStored, DuplicateDrop
from pipelines.storage.store import Store, make_engine

logger = logging.getLogger(__name__)


class StoragePipeline:
    """Stores kept articles and records dropped duplicates; both idempotent."""

    def __init__(self, store: Store, stats: Any) -> None:
        self.store = store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        pipeline = cls(Store(make_engine(crawler.settings.get("DATABASE_URL"))), crawler.stats)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if not self.store.add_article(item, self._run_id()):
            self.stats.inc_value("storage/already_stored")
            raise AlreadyStored(f"Already stored: {item.url}")
        self.stats.inc_value("storage/articles")
        return item

    def _run_id(self) -> int | None:
        """The current run's id (``runs.id``), None when no run is recorded."""
        value = self.stats.get_value("run/id")
        return int(value) if value is not None else None

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if not isinstance(exception, DuplicateDrop):
            return
        for stored_id in exception.decision.merged:
            if self.store.merge(stored_id, exception.decision.duplicate_of, self._run_id()):
                self.stats.inc_value("storage/late_merges")
                logger.info("Late merge: stored article %s is a copy of %s", stored_id, exception.decision.duplicate_of)
        if self.store.add_duplicate(exception.article, exception.decision, self._run_id()):
            self.stats.inc_value("storage/duplicates")
        elif not isinstance(exception, AlreadyDropped):
            self.stats.inc_value("storage/duplicates_already_recorded")
