"""Run-health monitors (Spidermon) at spider close: their results reach the run record and the
site's health."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from crawler.monitors import dedup_rate
from tests.crawl import run_spider, scrapy
from tests.test_storage_postgres import new_store


def test_zero_new_articles_from_a_usually_busy_site_fails_its_check(tmp_path, demo_site) -> None:
    _net, settings = demo_site
    store = new_store(settings["DATABASE_URL"])
    for _ in range(3):  # a site that usually yields articles
        run = store.start_run("harbor_gazette", datetime.now(UTC))
        store.finish_run(run, datetime.now(UTC), "finished", {"storage/articles": 12, "extract/articles": 15})
    first, _ = run_spider("harbor_gazette", tmp_path, settings)
    stats_file = tmp_path / "second.json"
    proc = scrapy(["crawl", "harbor_gazette"], tmp_path, {**settings, "STATS_FILE": str(stats_file)})  # all seen
    second, log = json.loads(stats_file.read_text()), proc.stdout + proc.stderr
    assert first["storage/articles"] > 0 and first["monitors/new articles"] == "ok"
    assert second.get("storage/articles", 0) == 0
    assert second["monitors/new articles"] == "failed" and second["monitors/failed"] >= 1
    assert second["monitors/error rate"] == "ok"
    assert "Run health/new articles... FAIL" in log
    recorded = json.loads(store.runs()[-1]["stats"])
    assert recorded["monitors/new articles"] == "failed"
    # a failed check makes the site unhealthy: named with the check's message, exit 1
    assert proc.returncode == 1, log[-3000:]
    assert "crawl: unhealthy harbor_gazette: check failed: new articles: no new article; the last runs stored" \
        in proc.stdout
    assert recorded["health/check_failed/new articles"].startswith("no new article; the last runs stored")


def test_dedup_rate_counts_copies_found_now_not_recrawls_or_refusals() -> None:
    drops = {"NearDuplicate": 2, "UrlDuplicate": 1, "ContainedDuplicate": 1, "ExactDuplicate": 1,
             "AlreadyDropped": 5, "AlreadyStored": 4, "NoArticleText": 3, "RedisUnavailable": 2}
    stats = {f"item_dropped_reasons_count/{reason}": n for reason, n in drops.items()}
    assert dedup_rate({**stats, "extract/articles": 10}) == 0.5
