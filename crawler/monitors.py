"""Run health checks at spider close, with Spidermon (the Scrapy ecosystem's monitoring).

Three monitors compare this run with the spider's recent runs (the ``runs`` table):
- new articles: none stored although the site usually yields some;
- error rate: the site's own errors per request (``crawler.health.error_problem``: 5xx answers,
  download, item and spider errors; never the process-wide ``log_count/ERROR``);
- dedup rate: share of extracted articles dropped as duplicates far (> ``MONITOR_DEDUP_RATE_DRIFT``)
  from the recent average.
Results go to the log (Spidermon's own report), to the stats (``monitors/<name>``: ok/failed,
``monitors/failed``, and ``health/check_failed/<name>``: the failed check's message, which
``crawler.health.assess`` gives as the site's reason), hence to the run record that
``RunRecorder`` writes, and to the report.
"""

from __future__ import annotations

import functools
import statistics
from typing import Any

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from crawler.health import FAILED_CHECK_PREFIX, error_problem
from crawler.runstats import DROP_PREFIX
from pipelines.drops import DUPLICATE, drop_class

MIN_HISTORY = 3  # previous runs needed before comparing with them


@functools.lru_cache(maxsize=8)
def _recent_stats(database_url: str, spider: str, before: int | None) -> tuple[dict[str, Any], ...]:
    # read once per spider close, shared by the monitors (one engine, one query)
    from pipelines.storage.store import Store, make_engine

    engine = make_engine(database_url)
    try:
        return tuple(r["stats"] for r in Store(engine).recent_runs(spider, limit=10, before=before))
    finally:
        engine.dispose()


def _history(monitor: Monitor) -> tuple[dict[str, Any], ...]:
    """Stats of the spider's previous finished runs (newest first)."""
    crawler = monitor.data.crawler
    return _recent_stats(crawler.settings.get("DATABASE_URL"), crawler.spider.name, monitor.data.stats.get("run/id"))


def dedup_rate(stats: dict[str, Any]) -> float:
    """Share of the run's extracted articles dropped as copies found now (drops of category
    ``DUPLICATE``; re-crawls of pages stored or dropped before do not count)."""
    dropped = sum(v for k, v in stats.items() if k.startswith(DROP_PREFIX) and _is_copy(k[len(DROP_PREFIX):]))
    return dropped / max(1, stats.get("extract/articles", 0))


def _is_copy(reason: str) -> bool:
    cls = drop_class(reason)
    return cls is not None and cls.category == DUPLICATE


@monitors.name("Run health")
class RunHealthMonitor(Monitor):
    def setUp(self) -> None:
        # a run stopped because Redis was unavailable already exits non-zero naming Redis; its
        # partial numbers say nothing about the site
        if self.data.crawler.stats.get_value("redis/unavailable"):
            self.skipTest("stopped: Redis unavailable")

    @monitors.name("new articles")
    def test_new_articles(self) -> None:
        history = _history(self)
        usual = [h.get("storage/articles", 0) for h in history]
        stored = self.data.stats.get("storage/articles", 0)
        if len(usual) >= MIN_HISTORY and statistics.median(usual) > 0:
            self.assertGreater(stored, 0, msg=f"no new article; the last runs stored {usual[:5]}")

    @monitors.name("error rate")
    def test_error_rate(self) -> None:
        settings = self.data.crawler.settings
        problem = error_problem(dict(self.data.stats), settings.getfloat("CRAWLALL_MAX_ERROR_RATE"),
                                settings.getint("HEALTH_MIN_REQUESTS"))
        if problem:
            self.fail(problem)

    @monitors.name("dedup rate")
    def test_dedup_rate(self) -> None:
        history = [h for h in _history(self) if h.get("extract/articles", 0) >= 5]
        if len(history) < MIN_HISTORY or self.data.stats.get("extract/articles", 0) < 5:
            return
        usual = statistics.mean(dedup_rate(h) for h in history)
        now = dedup_rate(dict(self.data.stats))
        drift = self.data.crawler.settings.getfloat("MONITOR_DEDUP_RATE_DRIFT")
        self.assertLessEqual(abs(now - usual), drift, msg=f"dedup rate {now:.0%} against {usual:.0%} usually")


class ResultsToStats(Action):
    """Puts each monitor's outcome into the crawl stats (and so into the run record)."""

    def run_action(self) -> None:
        stats = self.data.crawler.stats  # Spidermon's own copy of the stats is read-only
        failed = {id(r) for r in self.result.monitors_failed_results}
        for result in self.result.monitor_results:
            name = result.monitor.name.split("/")[-1].strip()
            stats.set_value(f"monitors/{name}", "failed" if id(result) in failed else "ok")
            if id(result) in failed:
                stats.set_value(f"{FAILED_CHECK_PREFIX}{name}", check_message(result.reason or result.error or ""))
        stats.set_value("monitors/failed", len(failed))


def check_message(reason: str) -> str:
    """A failed check's own message: unittest's "x not greater than y : msg" -> "msg" (one line)."""
    reason = reason.strip().splitlines()[-1] if reason.strip() else "failed"
    return reason.split(" : ", 1)[1] if " : " in reason else reason.removeprefix("AssertionError: ")


class RunHealthSuite(MonitorSuite):
    monitors = [RunHealthMonitor]
    monitors_finished_actions = [ResultsToStats]
