"""Extraction off the reactor: a pool of worker processes running ``ArticleExtractor``.

trafilatura is pure CPU (≈ 30 ms on a real news page) and holds the GIL, so threads would not
help and running it in the crawler's process blocks the reactor: one crawl would use one core.
``ExtractionPool`` sends each page to a ``concurrent.futures.ProcessPoolExecutor`` (spawned
workers: forking a process that runs a reactor and its threads is unsafe) and hands the result
back to the reactor as a ``Deferred``.

Contract:
- ``extract(extractor, page)`` fires with the ``Article`` or fails with the ``ExtractionDrop``
  the extractor raised in the worker (drops pickle as plain exceptions) — exactly what an
  in-process ``extractor.extract(page)`` would do; an optional ``cpu_seconds`` callback gets the
  worker's CPU time for the page.
- Back-pressure: at most ``max_pending`` pages are inside the pool (queued or running; default 3 per worker); further
  calls wait on a semaphore in the reactor, so their responses stay in Scrapy's scraper slot,
  which stops new downloads once ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` is reached. Memory is bounded.
- A worker that dies (segfault, OOM kill) breaks the executor: the pages it held fail with
  ``ExtractionFailed`` (counted, logged) and a fresh pool is started for the next pages.
- Dedup and storage stay in the crawler's process, one article at a time, after extraction.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from twisted.internet.defer import Deferred, DeferredSemaphore, succeed

from pipelines.drops import ExtractionFailed
from pipelines.shared import SharedByKey

if TYPE_CHECKING:
    from crawler.items import Article, ArticlePage
    from pipelines.extract import ArticleExtractor

logger = logging.getLogger(__name__)


def default_workers() -> int:
    """Worker processes for ``EXTRACT_WORKERS = None``: one per usable core; 0 (in-process) on one core."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 else 0


def _extract(extractor: ArticleExtractor, page: ArticlePage) -> tuple[Article, float]:
    """Runs in a worker process: the article and the CPU seconds its extraction took; a failure
    carries them as its ``cpu_seconds`` attribute (pickled with the exception's ``__dict__``)."""
    started = time.thread_time()
    try:
        article = extractor.extract(page)
    except Exception as exc:
        exc.cpu_seconds = time.thread_time() - started  # type: ignore[attr-defined]
        raise
    return article, time.thread_time() - started


def _warm_up(nice: int) -> None:
    """Worker initialiser: exit with the crawler, lower the priority, import the extraction stack.

    Workers run ``nice`` steps below the crawler so the reactor, which downloads the next pages
    and feeds the workers, is never starved by them (on a saturated machine a starved reactor
    leaves the workers idle). A worker never outlives its crawler: a crawler killed with
    SIGKILL cannot stop its pool, and a spawned worker holds both ends of its task queue, so it
    would wait forever; a watchdog thread ends it once its parent is gone.
    """
    parent = os.getppid()

    def watch_parent() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, name="parent-watchdog", daemon=True).start()
    if nice:
        os.nice(nice)
    import pipelines.extract  # noqa: F401


def _ready() -> int:
    """A start-up task: holds its worker briefly so each worker gets one; returns the worker's pid."""
    time.sleep(0.2)
    return os.getpid()


class ExtractionPool:
    """``workers`` spawned processes, at most ``max_pending`` pages in flight."""

    def __init__(self, workers: int, max_pending: int | None = None, nice: int = 5,
                 call_from_thread: Callable[..., Any] | None = None) -> None:
        """``call_from_thread(f, *args)`` runs ``f`` in the reactor thread (default: the reactor's)."""
        if workers < 1:
            raise ValueError(f"ExtractionPool needs at least 1 worker, not {workers}")
        self.workers = workers
        self.nice = nice
        self.max_pending = max_pending or 3 * workers
        self._call_from_thread = call_from_thread
        if self.max_pending < workers:
            raise ValueError(f"max_pending ({self.max_pending}) must be at least the number of workers ({workers})")
        self._slots = DeferredSemaphore(self.max_pending)
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_warm_up,
                initargs=(self.nice,),
            )
        return self._executor

    def start(self) -> Deferred:
        """Start the workers; the Deferred fires once they have imported the extraction stack
        (≈ 1 s: Scrapy waits for it before crawling, so no page waits on a cold worker)."""
        if self._executor is not None:  # already running (another spider of this process started it)
            return succeed(self.workers)
        pool = self._pool()
        started: Deferred = Deferred()
        futures = [pool.submit(_ready) for _ in range(self.workers)]
        remaining = [len(futures)]

        def one_ready(fut: Future) -> None:
            remaining[0] -= 1
            if remaining[0] == 0:
                started.callback(len({f.result() for f in futures if f.exception() is None}))

        for future in futures:
            future.add_done_callback(lambda fut: self._in_reactor(one_ready, fut))
        return started

    def extract(self, extractor: ArticleExtractor, page: ArticlePage,
                cpu_seconds: Callable[[float], None] | None = None) -> Deferred:
        """A ``Deferred`` firing with ``extractor.extract(page)`` computed in a worker;
        ``cpu_seconds``, when given, is called in the reactor with the CPU seconds the worker spent
        on the page (success or drop; not when the worker died)."""
        return self._slots.run(self._submit, extractor, page, cpu_seconds)

    def _submit(self, extractor: ArticleExtractor, page: ArticlePage,
                cpu_seconds: Callable[[float], None] | None = None) -> Deferred:
        result: Deferred = Deferred()
        try:
            future = self._pool().submit(_extract, extractor, page)
        except BrokenProcessPool:  # a worker died earlier; this page gets a fresh pool
            self._restart()
            future = self._pool().submit(_extract, extractor, page)

        def done(fut: Future) -> None:  # called in the executor's management thread
            self._in_reactor(self._deliver, result, fut, page, cpu_seconds)

        future.add_done_callback(done)
        return result

    def _in_reactor(self, function: Callable[..., Any], *args: Any) -> None:
        if self._call_from_thread is None:
            from twisted.internet import reactor

            self._call_from_thread = reactor.callFromThread
        self._call_from_thread(function, *args)

    def _deliver(self, result: Deferred, future: Future, page: ArticlePage,
                 cpu_seconds: Callable[[float], None] | None = None) -> None:
        exc = future.exception()
        if exc is None:
            article, seconds = future.result()
            if cpu_seconds is not None:
                cpu_seconds(seconds)
            result.callback(article)
        elif isinstance(exc, BrokenProcessPool):
            logger.error("An extraction worker died while holding %s; starting a new pool", page.url)
            self._restart()
            result.errback(ExtractionFailed(f"Extraction worker died: {page.url}"))
        else:
            if cpu_seconds is not None and isinstance(getattr(exc, "cpu_seconds", None), float):
                cpu_seconds(exc.cpu_seconds)  # type: ignore[attr-defined]
            result.errback(exc)

    def _restart(self) -> None:
        broken, self._executor = self._executor, None
        if broken is not None:
            self.restarts += 1
            broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (pages still queued are not run: the spider is closing)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


_pools: SharedByKey[tuple[int, int | None], ExtractionPool] = SharedByKey()  # (workers, max_pending) -> pool


def acquire_shared(workers: int, max_pending: int | None = None) -> ExtractionPool:
    """The pool of this process for these sizes, shared by every spider it runs (``scrapy demo``,
    ``crawlall`` run several at once: one pool per spider would put spiders × cores workers on the
    machine). Pair with ``release_shared``."""
    return _pools.acquire((workers, max_pending), lambda: ExtractionPool(workers, max_pending))


def release_shared(pool: ExtractionPool) -> None:
    """One user fewer; the last one (or the only one of a pool not shared) closes the pool."""
    if not _pools.release(pool):
        pool.close()


def describe(pool: ExtractionPool | None) -> str:
    return f"{pool.workers} worker processes" if pool is not None else "in the crawler process"


__all__ = ["ExtractionPool", "acquire_shared", "default_workers", "describe", "release_shared"]
