"""The runs table from ``RunRecorder``: every spider of a process records its run through one
shared store (one engine), which the last spider to close releases."""

from __future__ import annotations

from pathlib import Path

from scrapy import Spider
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from crawler.extensions import SESSION, RunRecorder
from pipelines.storage.store import acquire_shared_store, release_shared_store


def test_spiders_of_a_process_share_one_store_until_the_last_closes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    recorders = []
    for name in ("a", "b"):
        crawler = get_crawler(Spider, {"DATABASE_URL": url})
        crawler.spider = crawler._create_spider(name)
        crawler.stats.open_spider()
        recorders.append((build_from_crawler(RunRecorder, crawler), crawler.spider))
    (first, spider_a), (second, spider_b) = recorders
    assert first.store is second.store
    first.spider_opened(spider_a)
    second.spider_opened(spider_b)
    first.spider_closed(spider_a, "finished")
    second.spider_closed(spider_b, "shutdown")  # the store is still open for the second spider
    with first.store.engine.connect() as conn:
        rows = conn.execute(text("select spider, session, finish_reason from runs order by id")).all()
    assert [tuple(r) for r in rows] == [("a", SESSION, "finished"), ("b", SESSION, "shutdown")]
    again = acquire_shared_store(url)  # both released: a new user gets a new store
    try:
        assert again is not first.store
    finally:
        release_shared_store(again)


def test_the_storage_batcher_and_the_run_recorder_share_the_store(tmp_path: Path) -> None:
    from pipelines.storage.batch import acquire_shared, release_shared

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    crawler = get_crawler(Spider, {"DATABASE_URL": url})
    recorder = build_from_crawler(RunRecorder, crawler)
    batcher = acquire_shared(url, 50, 0.25)
    try:
        assert batcher.store is recorder.store  # one engine, one connection pool per database
    finally:
        release_shared(batcher)
    held = acquire_shared_store(url)
    assert held is recorder.store  # the recorder still holds it
    release_shared_store(held)  # this test's hold
    release_shared_store(recorder.store)  # the recorder's (its spider_closed would do it)
    again = acquire_shared_store(url)
    try:
        assert again is not recorder.store  # every user released it: a new store
    finally:
        release_shared_store(again)
