"""Storage stage as a Scrapy component: kept articles into ``articles``; every dedup drop
(caught through the ``item_dropped`` signal) into ``duplicates``; every extraction drop (any
``ExtractionDrop`` subclass) into ``rejections`` with its evidence, its text and the page's
html (zlib), after which ``crawler.signals.rejection_recorded`` is sent for it. Kept html older
than ``REJECTION_KEEP_HTML_DAYS`` is dropped when a spider opens. Rows carry the id of the
current run (stat ``run/id``, set by ``crawler.extensions.RunRecorder``).

Writes are group-committed (``pipelines.storage.batch``: ``STORAGE_BATCH_SIZE`` writes or
``STORAGE_BATCH_SECONDS``). An article's item finishes only once its transaction committed;
then ``crawler.signals.article_recorded`` is sent for it (kept or dropped copy), which is
when the seen-store marks its URL: a crash before the commit loses nothing. An article that
replaced the stored copy of its story (``DEDUP_KEEP = "best"``) moves that copy into
``duplicates`` in its own transaction; then ``crawler.signals.article_replaced`` is sent.
"""

from __future__ import annotations

import json
import logging
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.items import Article, ArticlePage
from crawler.signals import article_recorded, article_replaced, page_rejected, rejection_recorded
from pipelines.drops import AlreadyDropped, AlreadyStored, DuplicateDrop, ExtractionDrop
from pipelines.storage.batch import WriteBatcher, acquire_shared, release_shared
from pipelines.storage.store import prepare
from pipelines.storage.writes import LateMerge, RecordDuplicate, RecordRejection, StoreArticle

logger = logging.getLogger(__name__)


class StoragePipeline:
    """Stores kept articles and records dropped duplicates; both idempotent."""

    def __init__(self, batcher: WriteBatcher, stats: Any, signals_: Any = None, keep_html_days: float = 0.0) -> None:
        """``keep_html_days``: rejections older than this lose their html at spider open (0: never pruned)."""
        self.batcher = batcher
        self.store = batcher.store
        self.stats = stats
        self.signals = signals_
        self.keep_html_days = keep_html_days

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        settings = crawler.settings
        prepare(settings.get("DATABASE_URL"))  # the tables, created or migrated (once per process)
        batcher = acquire_shared(settings.get("DATABASE_URL"), settings.getint("STORAGE_BATCH_SIZE"),
                                 settings.getfloat("STORAGE_BATCH_SECONDS"))
        pipeline = cls(batcher, crawler.stats, crawler.signals, settings.getfloat("REJECTION_KEEP_HTML_DAYS"))
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.page_rejected, signal=page_rejected)
        return pipeline

    def open_spider(self) -> None:
        if self.keep_html_days > 0:
            pruned = self.store.prune_rejection_html(datetime.now(UTC) - timedelta(days=self.keep_html_days))
            if pruned:
                self.stats.set_value("storage/rejection_html_pruned", pruned)

    def close_spider(self) -> None:
        release_shared(self.batcher)
        # the process's storage transactions so far (shared by the spiders of this process)
        for name, value in self.batcher.counts.items():
            if value:
                self.stats.set_value(f"storage/{name}", value)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        committed = self.batcher.add(StoreArticle(item, self._run_id()))
        # a Deferred that already fired (STORAGE_BATCH_SECONDS = 0, or the write filled a batch) is
        # awaited directly: it completes at once, with or without a running reactor
        new = await (committed if committed.called else maybe_deferred_to_future(committed))
        self._recorded(item)
        if not new:
            self.stats.inc_value("storage/already_stored")
            raise AlreadyStored(f"Already stored: {item.url}")
        self.stats.inc_value("storage/articles")
        if item.dedup.get("replaces"):
            self.stats.inc_value("storage/replaced")
            logger.info("Replaced: %s is a better copy (%s) of stored article %s, now its duplicate", item.url,
                        item.dedup.get("why"), item.dedup["replaces"])
            if self.signals is not None:
                self.signals.send_catch_log(article_replaced, item=item, replaced=item.dedup["replaces"],
                                            why=item.dedup.get("why", ""))
        return item

    def _recorded(self, item: Article) -> None:
        if self.signals is not None:
            self.signals.send_catch_log(article_recorded, item=item)

    def _run_id(self) -> int | None:
        """The current run's id (``runs.id``), None when no run is recorded."""
        value = self.stats.get_value("run/id")
        return int(value) if value is not None else None

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        if isinstance(exception, ExtractionDrop) and isinstance(item, ArticlePage):
            self._record_rejection(item, exception)
            return
        if not isinstance(exception, DuplicateDrop):
            return
        run_id, decision = self._run_id(), exception.decision
        # late merges, and an article this copy once replaced (a crash before that replacement
        # was stored): each is a copy of the same story
        if decision.duplicate_of:
            for stored_id in (*decision.merged, *([decision.replaces] if decision.replaces else [])):
                merged = self.batcher.add(LateMerge(stored_id, decision.duplicate_of, run_id, decision.rescore))
                merged.addCallback(self._merged, stored_id, decision.duplicate_of)
                merged.addErrback(lambda _: None)  # logged by the batcher
        added = self.batcher.add(RecordDuplicate(exception.article, decision, run_id))
        added.addCallback(self._duplicate_added, exception)
        added.addErrback(lambda _: None)  # logged by the batcher; the URL stays unseen

    def page_rejected(self, url: str, site: str, reason: str, message: str = "", evidence: dict | None = None,
                      final_url: str = "", text: str = "", warc_file: str = "",
                      warc_offset: int | None = None) -> None:
        """Record a page refused before it could become an article (``rejections``), with the WARC
        file and offset of its page when it was archived."""
        added = self.batcher.add(RecordRejection(url, final_url or url, site, reason, message,
                                                 json.dumps(evidence or {}, default=str), text, run_id=self._run_id(),
                                                 warc_file=warc_file or None, warc_offset=warc_offset))
        added.addCallback(lambda _: self.stats.inc_value("storage/rejections"))
        added.addErrback(lambda _: None)  # logged by the batcher

    def _record_rejection(self, page: ArticlePage, drop: ExtractionDrop) -> None:
        """A ``rejections`` row for a page extraction refused (any ``ExtractionDrop``): reason = its
        class name, its message, evidence and text, the html zlib-compressed."""
        reason = drop.__class__.__name__
        evidence = json.dumps({"fetched_at": page.fetched_at, **drop.evidence}, default=str)
        html = zlib.compress(page.html.encode("utf-8", "surrogatepass")) if page.html else None
        added = self.batcher.add(RecordRejection(page.url, page.final_url or page.url, page.site, reason, str(drop),
                                                 evidence, drop.text or "", html, self._run_id(),
                                                 page.warc_file or None, page.warc_offset))
        added.addCallback(self._rejection_added, page, reason)
        added.addErrback(lambda _: None)  # logged by the batcher; the URL stays unseen

    def _rejection_added(self, _: Any, page: ArticlePage, reason: str) -> None:
        self.stats.inc_value("storage/rejections")
        if self.signals is not None:
            self.signals.send_catch_log(rejection_recorded, item=page, reason=reason)

    def _merged(self, moved: bool, stored_id: str, into: str) -> None:
        if moved:
            self.stats.inc_value("storage/late_merges")
            logger.info("Late merge: stored article %s is a copy of %s", stored_id, into)
        else:  # another worker has not committed it yet: applied when it does (pending_merges)
            self.stats.inc_value("storage/late_merges_pending")
            logger.info("Late merge pending: article %s (a copy of %s) is not stored yet", stored_id, into)

    def _duplicate_added(self, new: bool, exception: DuplicateDrop) -> None:
        if new:
            self.stats.inc_value("storage/duplicates")
        elif not isinstance(exception, AlreadyDropped):
            self.stats.inc_value("storage/duplicates_already_recorded")
        self._recorded(exception.article)
