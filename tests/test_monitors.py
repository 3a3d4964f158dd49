"""Run-health monitors (Spidermon) at spider close: their results reach the run record."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from pipelines.storage.store import open_store
from tests.crawl import run_spider


def test_zero_new_articles_from_a_usually_busy_site_fails_its_check(tmp_path, demo_site) -> None:
    _net, settings = demo_site
    store = open_store(settings["DATABASE_URL"])
    for _ in range(3):  # a site that usually yields articles
        run = store.start_run("harbor_gazette", datetime.now(UTC))
        store.finish_run(run, datetime.now(UTC), "finished", {"storage/articles": 12, "extract/articles": 15})
    first, _ = run_spider("harbor_gazette", tmp_path, settings)
    second, log = run_spider("harbor_gazette", tmp_path, settings)  # everything already seen
    assert first["storage/articles"] > 0 and first["monitors/new articles"] == "ok"
    assert second.get("storage/articles", 0) == 0
    assert second["monitors/new articles"] == "failed" and second["monitors/failed"] >= 1
    assert second["monitors/error rate"] == "ok"
    assert "Run health/new articles... FAIL" in log
    recorded = json.loads(store.runs()[-1]["stats"])
    assert recorded["monitors/new articles"] == "failed"
