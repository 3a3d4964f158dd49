"""The extraction stage as a Scrapy item pipeline: ``ArticlePage`` in, ``Article`` out, or an
``ExtractionDrop`` (see ``pipelines.drops``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.defer import maybe_deferred_to_future

from crawler.items import Article, ArticlePage
from pipelines.drops import ExtractionDrop, ExtractionFailed
from pipelines.extract.extractor import ArticleExtractor
from pipelines.extract.pool import ExtractionPool, acquire_shared, default_workers, release_shared
from pipelines.extract.pool import describe as describe_pool

logger = logging.getLogger(__name__)


def spider_settings(crawler: Crawler) -> Any:
    """The crawl's settings, with ``LANGUAGES`` replaced by the spider's ``languages`` attribute when it has one."""
    languages = getattr(crawler.spider, "languages", None)
    if languages is None:
        return crawler.settings
    settings = Settings(dict(crawler.settings))  # the crawl's are frozen
    settings.set("LANGUAGES", [languages] if isinstance(languages, str) else list(languages), priority="spider")
    return settings


class ExtractionPipeline:
    """Scrapy component wrapping ``ArticleExtractor``; passes non-page items through.

    ``EXTRACT_SITE_OVERRIDES`` ({site: {EXTRACT_…: value}}) gives a site its own extractor;
    a spider's ``custom_settings`` can also set ``EXTRACT_*`` for its crawl.
    ``EXTRACT_WORKERS`` > 0 runs extraction in that many worker processes
    (``pipelines.extract.pool``) so the reactor keeps downloading and every core is used;
    0 runs it in the crawler's process; None picks one worker per core (in-process on one core).
    A spider's ``languages`` attribute (ISO 639-1 codes) replaces ``LANGUAGES`` for its crawl.

    Stats: ``extract/articles``, ``extract/rejected/<reason>``, ``extract/cpu_seconds`` — the CPU
    time extraction took (``time.thread_time`` of the thread that ran it: the crawler's, or a pool
    worker's), every page counted, kept or not (not a page whose pool worker died): set against
    the crawl's seconds it gives the share of the machine that went into extraction, measured in
    the crawl itself.
    """

    def __init__(self, extractor: ArticleExtractor, stats: Any, pool: ExtractionPool | None = None,
                 site_extractors: Mapping[str, ArticleExtractor] | None = None) -> None:
        """``extractor`` reads every site's pages but those of ``site_extractors`` ({site: extractor})."""
        self.extractor = extractor
        self.stats = stats
        self.pool = pool
        self.site_extractors = dict(site_extractors or {})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        workers = crawler.settings.get("EXTRACT_WORKERS")
        workers = default_workers() if workers in (None, "", "None") else int(workers)
        pending = crawler.settings.getint("EXTRACT_POOL_MAX_PENDING") or None  # 0: the pool's default
        settings = spider_settings(crawler)
        site_extractors = {site: ArticleExtractor.from_settings(settings, site)
                           for site in settings.getdict("EXTRACT_SITE_OVERRIDES")}
        pool = acquire_shared(workers, pending) if workers > 0 else None
        return cls(ArticleExtractor.from_settings(settings), crawler.stats, pool, site_extractors)

    async def open_spider(self) -> None:
        logger.info("Extraction runs %s", describe_pool(self.pool))
        if self.pool is not None:  # Scrapy waits: no page meets a cold worker
            ready = await maybe_deferred_to_future(self.pool.start())
            logger.info("Extraction workers ready (%d processes)", ready)

    def close_spider(self) -> None:
        if self.pool is not None:
            release_shared(self.pool)
            if self.pool.restarts:
                self.stats.set_value("extract/pool_restarts", self.pool.restarts)

    def extractor_for(self, site: str) -> ArticleExtractor:
        """The extractor of ``site``'s pages: its own when ``EXTRACT_SITE_OVERRIDES`` names it."""
        return self.site_extractors.get(site, self.extractor)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        extractor = self.extractor_for(item.site)
        try:
            if self.pool is None:
                started = time.thread_time()
                try:
                    article = extractor.extract(item)
                finally:
                    self._cpu_seconds(time.thread_time() - started)
            else:
                article = await maybe_deferred_to_future(self.pool.extract(extractor, item, self._cpu_seconds))
        except ExtractionDrop as drop:
            self._rejected(drop)
            raise
        except Exception as exc:
            failure = self._failure(item, exc)
            self._rejected(failure)
            raise failure from exc
        return self._extracted(article)

    def _cpu_seconds(self, seconds: float) -> None:
        self.stats.inc_value("extract/cpu_seconds", seconds)

    def _rejected(self, drop: ExtractionDrop) -> None:
        """Count the drop per reason (``extract/rejected/<class name>``); the storage stage records it."""
        self.stats.inc_value(f"extract/rejected/{drop.__class__.__name__}")

    def _extracted(self, article: Article) -> Article:
        self.stats.inc_value("extract/articles")
        for rule in getattr(article, "guards", ()):  # rules the reference guard undid on this page
            self.stats.inc_value(f"extract/guard/{rule}")
        return article

    @staticmethod
    def _failure(item: ArticlePage, exc: BaseException) -> ExtractionDrop:
        """``ExtractionFailed`` for a crash: a parser bug on one page must not stop the crawl."""
        logger.error("Extraction crashed on %s: %r", item.url, exc)
        return ExtractionFailed(f"Extraction error ({exc.__class__.__name__}): {item.url}",
                                evidence={"error": exc.__class__.__name__, "detail": str(exc)[:200]})
