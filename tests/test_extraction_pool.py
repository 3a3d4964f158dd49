"""Extraction in worker processes (``pipelines.extract.pool``): same results as in-process,
drops travel back with their reason, a dying worker costs one page (not the crawl), and at
most ``max_pending`` pages are inside the pool."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

import pytest
from twisted.python.failure import Failure

from crawler.items import Article, ArticlePage
from pipelines.drops import ExtractionFailed, NotAnArticle
from pipelines.extract import ArticleExtractor
from pipelines.extract.pool import ExtractionPool
from tests.test_pipelines import BODY, page, page_html


@dataclass(kw_only=True)
class ExplodingExtractor(ArticleExtractor):
    """Kills its worker process on a URL containing ``boom`` (a segfault stand-in); slow on ``slow``."""

    def extract(self, item: ArticlePage) -> Article:
        if "boom" in item.url:
            os._exit(3)
        if "slow" in item.url:
            import time

            time.sleep(0.5)
        return super().extract(item)


class Results:
    """Collects the outcome of pool Deferreds fired from the pool's thread."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.done = threading.Condition()

    def watch(self, key: str, deferred: Any) -> None:
        def store(value: Any) -> None:
            with self.done:
                self.values[key] = value
                self.done.notify_all()

        deferred.addBoth(store)

    def wait(self, count: int, timeout: float = 60) -> dict[str, Any]:
        with self.done:
            assert self.done.wait_for(lambda: len(self.values) >= count, timeout), self.values
        return self.values


@pytest.fixture
def pool():
    pool = ExtractionPool(2, max_pending=2, call_from_thread=lambda f, *a: f(*a))
    yield pool
    pool.close()


def listing_html() -> str:
    links = "".join(f"<li><a href='/news/{i}'>Headline number {i} about the dam and the river</a></li>"
                    for i in range(40))
    return f"<html><head><title>News</title></head><body><h1>News</h1><ul>{links}</ul></body></html>"


def test_pool_matches_in_process_extraction_and_returns_drops(pool: ExtractionPool) -> None:
    extractor = ArticleExtractor()
    article_page = page("http://t.example/a/1", page_html("Dam needs repairs", BODY))
    results, cpu = Results(), []
    results.watch("article", pool.extract(extractor, article_page, cpu.append))
    results.watch("listing", pool.extract(extractor, page("http://t.example/tag/dams", listing_html()), cpu.append))
    values = results.wait(2)
    assert values["article"] == extractor.extract(article_page)
    assert isinstance(values["listing"], Failure) and isinstance(values["listing"].value, NotAnArticle)
    assert len(cpu) == 2 and all(seconds > 0 for seconds in cpu)  # the worker's CPU time, kept page and drop


def test_dead_worker_costs_its_page_only(pool: ExtractionPool) -> None:
    extractor = ExplodingExtractor()
    results = Results()
    results.watch("boom", pool.extract(extractor, page("http://t.example/boom", page_html("x", BODY))))
    values = results.wait(1)
    assert isinstance(values["boom"], Failure) and isinstance(values["boom"].value, ExtractionFailed)
    results.watch("after", pool.extract(extractor, page("http://t.example/a/2", page_html("Dam", BODY))))
    assert isinstance(results.wait(2)["after"], Article)  # a fresh pool took over
    assert pool.restarts == 1


def test_at_most_max_pending_pages_in_the_pool(pool: ExtractionPool) -> None:
    extractor = ExplodingExtractor()
    results = Results()
    for i in range(5):
        results.watch(str(i), pool.extract(extractor, page(f"http://t.example/slow/{i}", page_html("Dam", BODY))))
    assert pool._slots.tokens == 0 and len(pool._slots.waiting) == 3  # 2 inside, 3 waiting in the reactor
    assert all(isinstance(v, Article) for v in results.wait(5).values())
    assert pool._slots.tokens == 2


def test_pool_rejects_bad_sizes() -> None:
    with pytest.raises(ValueError, match="at least 1 worker"):
        ExtractionPool(0)
    with pytest.raises(ValueError, match="max_pending"):
        ExtractionPool(4, max_pending=2)
