"""Run-health monitors (Spidermon) at spider close: their results reach the run record."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime

from demo.network import DemoNetwork
from pipelines.storage.store import Store, make_engine
from tests.crawl import run_spider


def test_zero_new_articles_from_a_usually_busy_site_fails_its_check(tmp_path, redis_client) -> None:
    db_url = f"sqlite:///{tmp_path / 'mon.sqlite3'}"
    store = Store(make_engine(db_url))
    for _ in range(3):  # a site that usually yields articles
        run = store.start_run("harbor_gazette", datetime.now(UTC))
        store.finish_run(run, datetime.now(UTC), "finished", {"storage/articles": 12, "extract/articles": 15})
    prefix = f"t-mon-{uuid.uuid4().hex[:8]}"
    redis_url = os.environ.get("REDIS_URL") or f"unix://{redis_client.socket_file}"
    try:
        with DemoNetwork() as net:
            settings = {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": db_url, "REDIS_URL": redis_url,
                        "DEDUP_KEY_PREFIX": prefix}
            first, _ = run_spider("harbor_gazette", tmp_path, settings)
            second, log = run_spider("harbor_gazette", tmp_path, settings)  # everything already seen
    finally:
        for key in redis_client.scan_iter(f"{prefix}:*"):
            redis_client.delete(key)
    assert first["storage/articles"] > 0 and first["monitors/new articles"] == "ok"
    assert second.get("storage/articles", 0) == 0
    assert second["monitors/new articles"] == "failed" and second["monitors/failed"] >= 1
    assert second["monitors/error rate"] == "ok"
    assert "Run health/new articles... FAIL" in log
    recorded = json.loads(store.runs()[-1]["stats"])
    assert recorded["monitors/new articles"] == "failed"
