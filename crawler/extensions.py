"""Small Scrapy extensions (signals -> side effects, cf. scrapy/extensions/corestats.py)."""

from __future__ import annotations

import gc
import json
import uuid
from datetime import UTC, datetime
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


SESSION = uuid.uuid4().hex  # one per process: ``scrapy demo`` runs its spiders in one session


class RunRecorder:
    """Records each crawl in the ``runs`` table: spider, start, end, finish reason, final stats.

    Always on. Sets the stat ``run/id`` at ``spider_opened`` so the storage stage can tag the
    articles and duplicates of this run; runs of one process share a ``session`` and one store
    (``acquire_shared_store``), released when the spider closes.
    """

    def __init__(self, store: Any, stats: Any) -> None:
        self.store = store
        self.stats = stats
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        from pipelines.storage.store import (  # storage imports items; keep this module light
            acquire_shared_store,
            prepare,
        )

        prepare(crawler.settings.get("DATABASE_URL"))  # a writer: the tables, created or migrated
        ext = cls(acquire_shared_store(crawler.settings.get("DATABASE_URL")), crawler.stats)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.run_id = self.store.start_run(spider.name, datetime.now(UTC), SESSION)
        self.stats.set_value("run/id", self.run_id)

    def spider_closed(self, spider: Any, reason: str) -> None:
        from pipelines.storage.store import release_shared_store

        try:
            if self.run_id is not None:
                stats = {**self.stats.get_stats(), "finish_reason": reason}
                self.store.finish_run(self.run_id, datetime.now(UTC), reason, stats)
        finally:
            release_shared_store(self.store)


class JobDirMarker:
    """Writes ``finished`` into the JOBDIR when the crawl finished, so the next run starts a
    fresh JOBDIR instead of resuming (see ``crawler.runlock.job_dir``)."""

    def __init__(self, jobdir: str) -> None:
        self.jobdir = jobdir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobDirMarker:
        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        ext = cls(jobdir)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any, reason: str) -> None:
        if reason == "finished":
            from crawler.runlock import FINISHED_MARKER

            (Path(self.jobdir) / FINISHED_MARKER).write_text(reason, encoding="utf-8")


class CollectorTuning:
    """Less garbage-collector work in a crawl process. Extraction allocates fast, which triggers
    collections, and a full collection walks every object alive: ~280,000 in a worker of 48
    spiders (Scrapy, the spiders, the extractor's and the dedup stage's tables). Such a worker
    spent 5.4 % of its CPU in the collector (1.95 s per 840 pages, 15 full collections of ~100 ms).

    - ``GC_FREEZE_ON_OPEN``: when a spider opens, every object alive is moved out of the
      collector's reach (``gc.freeze``); the first spider to open in a process collects the
      garbage first (one full collection per process). Frozen objects are never collected:
      startup objects live as long as the process anyway. Collector time 1.95 s -> 1.1 s.
    - ``GC_GEN0_THRESHOLD``: allocations between young-generation collections (Python's 700;
      0 keeps it). At 10,000: 56 young collections instead of 3,844 and one full collection,
      collector time 1.1 s -> 0.34 s (same worker, same pages); garbage cycles wait a few
      thousand allocations longer.

    Stat ``gc/frozen_objects``: objects frozen when the process's first spider opened (its startup
    heap), in that spider's stats.
    """

    collected = False  # the process's one collection before its first freeze

    def __init__(self, stats: Any, freeze: bool, gen0_threshold: int) -> None:
        self.stats, self.freeze, self.gen0_threshold = stats, freeze, gen0_threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectorTuning:
        freeze = crawler.settings.getbool("GC_FREEZE_ON_OPEN")
        gen0 = crawler.settings.getint("GC_GEN0_THRESHOLD")
        if not freeze and not gen0:
            raise NotConfigured
        ext = cls(crawler.stats, freeze, gen0)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        return ext

    def spider_opened(self, spider: Any = None) -> None:
        if self.gen0_threshold:
            gc.set_threshold(self.gen0_threshold, *gc.get_threshold()[1:])
        if self.freeze:
            first = not CollectorTuning.collected
            if first:
                CollectorTuning.collected = True
                gc.collect()
            gc.freeze()  # O(1): the generations' lists are moved, not walked
            if first:
                # counting walks every frozen object: ~33 ms in a worker of 48 spiders, which spent
                # 1.6 s of its start counting once per spider; the first freeze holds nearly all
                self.stats.set_value("gc/frozen_objects", gc.get_freeze_count())
