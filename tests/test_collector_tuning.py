"""A spider opening tunes the collector: startup objects leave its walks, young collections are rarer."""

from __future__ import annotations

import gc

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.extensions import CollectorTuning


def test_spider_opened_freezes_what_is_alive() -> None:
    crawler = get_crawler(Spider, {"GC_FREEZE_ON_OPEN": True, "GC_GEN0_THRESHOLD": 5000})
    crawler.spider = crawler._create_spider("t")
    crawler.stats.open_spider()
    ext = build_from_crawler(CollectorTuning, crawler)
    gc.unfreeze()
    CollectorTuning.collected = False  # as in a new process: this is its first spider
    threshold = gc.get_threshold()
    alive: list[int] = []  # a container: tracked by the collector until frozen
    try:
        assert gc.get_freeze_count() == 0 and any(o is alive for o in gc.get_objects())
        ext.spider_opened()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the interpreter's, Scrapy's and this test's objects
        # the count at freeze time; frozen objects freed since (refcount) have left it
        assert crawler.stats.get_value("gc/frozen_objects") >= frozen
        assert not any(o is alive for o in gc.get_objects())  # no longer walked by the collector
        assert gc.get_threshold() == (5000, *threshold[1:])
        # the process's next spider freezes what it added without counting the frozen objects again
        later = get_crawler(Spider, {"GC_FREEZE_ON_OPEN": True, "GC_GEN0_THRESHOLD": 5000})
        later.spider = later._create_spider("t2")
        later.stats.open_spider()
        opened_later: list[int] = []
        build_from_crawler(CollectorTuning, later).spider_opened()
        assert not any(o is opened_later for o in gc.get_objects())
        assert later.stats.get_value("gc/frozen_objects") is None
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_off_when_the_setting_says_so() -> None:
    with pytest.raises(NotConfigured):
        build_from_crawler(CollectorTuning, get_crawler(Spider, {"GC_FREEZE_ON_OPEN": False, "GC_GEN0_THRESHOLD": 0}))
