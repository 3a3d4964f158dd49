"""The database is the source of truth: a Redis that lost its data, or stops answering during a
crawl, never lets a story into storage twice nor loses one.

Each test starts its own ``redis-server`` (tests/redisproc.py) on a free loopback port and a
demo network, and crawls it with ``scrapy demo`` in a subprocess.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from demo.network import DemoNetwork
from tests.crawl import ROOT, scrapy, scrapy_cmd, scrapy_env
from tests.groundtruth import ground_truth_problems, table
from tests.redisproc import RedisProcess


def run_log(proc: subprocess.CompletedProcess | str) -> str:
    """The crawl's own log file (``scrapy demo`` prints its path) plus what it printed."""
    out = proc if isinstance(proc, str) else proc.stdout + proc.stderr
    found = re.search(r"Crawl log:\s+(\S+)", out)
    return out + (Path(found.group(1)).read_text(encoding="utf-8") if found else "")


def count(db_url: str, where: str = "") -> int:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"select count(*) from articles {where}")).scalar() or 0  # noqa: S608
    except Exception:  # no table yet
        return 0
    finally:
        engine.dispose()


def crawl_settings(net: DemoNetwork, server: RedisProcess, tmp: Path, **extra: object) -> dict:
    return {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "REDIS_URL": server.url, "DEDUP_KEY_PREFIX": "faults", **extra}


def state(db_url: str) -> tuple[list[dict], list[dict]]:
    return table(db_url, "articles"), table(db_url, "duplicates")


def test_redis_restarted_empty_is_rebuilt_from_the_database(tmp_path: Path) -> None:
    with DemoNetwork() as net, RedisProcess(tmp_path / "redis") as server:
        settings = crawl_settings(net, server, tmp_path)
        first = scrapy(["demo"], tmp_path, settings)
        assert first.returncode == 0, run_log(first)[-3000:]
        articles, duplicates = state(settings["DATABASE_URL"])
        server.restart(empty=True)
        second = scrapy(["demo"], tmp_path, settings)
        log = run_log(second)
        assert second.returncode == 0, log[-3000:]
        assert f"rebuilt from {len(articles) + len(duplicates)} rows" in log
        articles2, duplicates2 = state(settings["DATABASE_URL"])
        assert sorted(a["id"] for a in articles2) == sorted(a["id"] for a in articles)
        assert sorted(d["article_id"] for d in duplicates2) == sorted(d["article_id"] for d in duplicates)
        assert ground_truth_problems(net.ground_truth(), articles2, duplicates2) == []
        # a third run finds the rebuilt index current: no rebuild, nothing new
        third = scrapy(["demo"], tmp_path, settings)
        assert third.returncode == 0 and "rebuilt from" not in run_log(third)
        assert [len(t) for t in state(settings["DATABASE_URL"])] == [len(articles), len(duplicates)]


def _crawl_until_stored(settings: dict, tmp: Path, at_least: int) -> subprocess.Popen:
    slow = {**settings, "DOWNLOAD_DELAY": 0.1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "STORAGE_BATCH_SECONDS": 0}
    victim = subprocess.Popen(scrapy_cmd(["demo"], slow), cwd=ROOT, env=scrapy_env(tmp / "data"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while count(settings["DATABASE_URL"]) < at_least and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.05)
    assert victim.poll() is None, "the crawl ended before Redis could be stopped"
    return victim


@pytest.mark.parametrize("fault", ["hung", "killed"])
def test_redis_down_mid_crawl_stops_the_run_and_the_next_run_completes(tmp_path: Path, fault: str) -> None:
    with DemoNetwork() as net, RedisProcess(tmp_path / "redis") as server:
        settings = crawl_settings(net, server, tmp_path, REDIS_SOCKET_TIMEOUT=2)
        victim = _crawl_until_stored(settings, tmp_path, 6)
        if fault == "hung":
            server.pause()  # SIGSTOP: connections stay open, nothing answers
        else:
            server.kill()
        out, err = victim.communicate(timeout=180)
        log = run_log(out + err)
        assert victim.returncode == 2, log[-3000:]
        assert "Redis unavailable" in err and "Traceback" not in log
        assert count(settings["DATABASE_URL"], "where dedup_method = 'unchecked'") == 0
        stopped_at = count(settings["DATABASE_URL"])
        if fault == "hung":
            server.resume()
        else:
            server.start()  # its append-only file may lack the last second: the next run sees it is stale
        rerun = scrapy(["demo"], tmp_path, settings)
        assert rerun.returncode == 0, run_log(rerun)[-3000:]
        articles, duplicates = state(settings["DATABASE_URL"])
        assert len(articles) > stopped_at
        assert ground_truth_problems(net.ground_truth(), articles, duplicates) == []


def test_store_unchecked_is_reconciled_by_the_next_run(tmp_path: Path) -> None:
    with DemoNetwork() as net, RedisProcess(tmp_path / "redis") as server:
        settings = crawl_settings(net, server, tmp_path, REDIS_SOCKET_TIMEOUT=1,
                                  DEDUP_ON_REDIS_DOWN="store-unchecked")
        victim = _crawl_until_stored(settings, tmp_path, 6)
        server.kill()
        out, err = victim.communicate(timeout=180)
        assert victim.returncode in (0, 1), run_log(out + err)[-3000:]  # finished, Redis-less
        unchecked = count(settings["DATABASE_URL"], "where dedup_method = 'unchecked'")
        assert unchecked > 0
        server.start()
        rerun = scrapy(["demo"], tmp_path, settings)
        log = run_log(rerun)
        assert rerun.returncode == 0, log[-3000:]
        assert f"Reconciled {unchecked} articles stored while Redis was unreachable" in log
        articles, duplicates = state(settings["DATABASE_URL"])
        assert ground_truth_problems(net.ground_truth(), articles, duplicates) == []
        reconciled = [r for r in table(settings["DATABASE_URL"], "reviews") if r["action"] == "reconcile"]
        moved = {d["article_id"] for d in duplicates}
        assert all(r["a"] in moved for r in reconciled)


def test_crawler_and_embedded_redis_killed_together_then_rerun(tmp_path: Path) -> None:
    """A container kill or power cut: the crawler and its embedded Redis die at once (the
    append-only file may lack the last second); the rerun stores each story once."""
    import signal

    from tests.test_crash import worker_pids

    with DemoNetwork() as net:
        settings = {"DEMO_SITE_URLS": net.urls(), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    "DEDUP_KEY_PREFIX": "faults"}  # no REDIS_URL: the embedded server under the data folder
        slow = {**settings, "DOWNLOAD_DELAY": 0.1, "CONCURRENT_REQUESTS_PER_DOMAIN": 1, "STORAGE_BATCH_SECONDS": 0}
        victim = subprocess.Popen(scrapy_cmd(["demo"], slow), cwd=ROOT, env=scrapy_env(tmp_path / "data"),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while count(settings["DATABASE_URL"]) < 8 and time.monotonic() < deadline and victim.poll() is None:
            time.sleep(0.05)
        assert victim.poll() is None, "the crawl ended before it could be killed"
        children = worker_pids(victim.pid)
        for pid in [victim.pid, *children]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        victim.wait()
        rerun = scrapy(["demo"], tmp_path, settings)
        assert rerun.returncode == 0, run_log(rerun)[-3000:]
        articles, duplicates = state(settings["DATABASE_URL"])
        assert ground_truth_problems(net.ground_truth(), articles, duplicates) == []
