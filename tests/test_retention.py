"""Retention: aged files and rows go, younger ones and every article stay (``crawler.retention``,
``scrapy prune``, the end of ``scrapy crawlall``)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from sqlalchemy import select

from crawler.retention import prune
from pipelines.storage.models import articles, duplicates, runs
from pipelines.storage.store import open_store
from tests.conftest import project_settings
from tests.crawl import scrapy
from tests.test_storage_postgres import new_store

DAY = 86400


def age(path: Path, days: float) -> Path:
    """Set ``path``'s access and modification times ``days`` back; returns it."""
    when = time.time() - days * DAY
    os.utime(path, (when, when))
    return path


def write(path: Path, text: str = "x", days: float = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return age(path, days)


def plant_files(data: Path) -> dict[str, Path]:
    """The data folder of a crawler that ran for a while; names say what should happen."""
    jobs, cache = data / "jobs" / "metro_daily", data / "httpcache" / "metro_daily"
    planted = {
        "log_old": write(data / "logs" / "crawlall-20250101T000000Z.log", "run", 40),
        "cron_old": write(data / "logs" / "cron-20250101.log", "table", 31),
        "log_new": write(data / "logs" / "crawlall-20260101T000000Z.log", "run", 29),
        "log_other_old": write(data / "logs" / "notes.txt", "mine", 400),  # not a *.log: not ours to prune
        "report_old": write(data / "reports" / "report-20250101T000000Z.html", "<html>", 45),
        "report_new": write(data / "reports" / "report-20260101T000000Z.html", "<html>", 2),
        "report_other_old": write(data / "reports" / "mine.html", "<html>", 400),
        "job_old": jobs / "20250101T000000Z",
        "job_new": jobs / "20260101T000000Z",
        "job_unfinished_old": jobs / "20260102T000000Z",  # killed: the next run resumes it
        "cache_old": cache / "ab" / "ab12",
        "cache_new": cache / "ab" / "ab34",
        "cache_lone_old": cache / "cd" / "cd56",  # its bucket "cd" goes with it
    }
    for name, days in (("job_old", 3), ("job_new", 1)):
        write(planted[name] / "requests.queue" / "q", "{}", 10)
        write(planted[name] / "finished", "finished", days)
    write(planted["job_unfinished_old"] / "requests.queue" / "q", "{}", 30)
    age(planted["job_unfinished_old"], 30)
    for name, days in (("cache_old", 15), ("cache_new", 13), ("cache_lone_old", 20)):
        write(planted[name] / "response.json", "{}", days)
        write(planted[name] / "response_body", "<rss/>", days)
        age(planted[name], days)
    return planted


def plant_rows(db_url: str) -> None:
    """Articles, duplicates and runs of various ages (the names say their age in days)."""
    store = new_store(db_url)
    now = datetime.now(UTC)
    if store.engine.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # SQLite keeps naive UTC
    with store.engine.begin() as conn:
        for days in (400, 1):
            conn.execute(articles.insert().values(
                id=f"a{days}", url=f"https://x.example/a{days}", final_url="", canonical_url="", site="x",
                title="t", text="text", fetched_at="", stored_at=now - timedelta(days=days)))
        for days in (40, 31, 20, 1):
            conn.execute(duplicates.insert().values(
                article_id=f"d{days}", url=f"https://y.example/d{days}", site="y", title="t", text="text",
                fetched_at="", duplicate_of="a400", method="near", dropped_at=now - timedelta(days=days)))
        for days in (100, 91, 10):
            conn.execute(runs.insert().values(spider=f"r{days}", started_at=now - timedelta(days=days),
                                              finished_at=now - timedelta(days=days)))
    store.engine.dispose()


def kept_rows(db_url: str) -> dict[str, list[str]]:
    store = open_store(db_url)
    with store.engine.connect() as conn:
        found = {"articles": sorted(conn.execute(select(articles.c.id)).scalars()),
                 "duplicates": sorted(conn.execute(select(duplicates.c.article_id)).scalars()),
                 "runs": sorted(conn.execute(select(runs.c.spider)).scalars())}
    store.engine.dispose()
    return found


def settings_for(data: Path, **overrides: object) -> Settings:
    return Settings(project_settings(**{"DATA_DIR": str(data), "HTTPCACHE_DIR": str(data / "httpcache"),
                                        "DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}", **overrides}))


def test_prune_removes_what_is_past_retention_and_keeps_the_rest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    planted = plant_files(data)
    settings = settings_for(data)
    plant_rows(settings["DATABASE_URL"])
    dry = prune(settings, dry_run=True)
    assert all(path.exists() for path in planted.values())  # a dry run deletes nothing
    assert kept_rows(settings["DATABASE_URL"])["duplicates"] == ["d1", "d20", "d31", "d40"]
    done = prune(settings)
    expected = {"logs": 2, "reports": 1, "jobdirs": 1, "httpcache": 2, "duplicates": 2, "runs": 2}
    assert dry.counts == done.counts == expected
    assert dry.sizes == done.sizes and done.sizes["httpcache"] == 2 * len("{}<rss/>")
    assert done.stats() == {**{f"prune/{k}": v for k, v in expected.items()}, "prune/bytes": sum(done.sizes.values())}
    gone = {"log_old", "cron_old", "report_old", "job_old", "cache_old", "cache_lone_old"}
    assert {name for name, path in planted.items() if not path.exists()} == gone
    assert not (data / "httpcache" / "metro_daily" / "cd").exists() and (data / "jobs" / "metro_daily").is_dir()
    assert kept_rows(settings["DATABASE_URL"]) == {
        "articles": ["a1", "a400"], "duplicates": ["d1", "d20"], "runs": ["r10"]}
    assert prune(settings).line() == "nothing"


def test_duplicates_inside_the_dedup_window_are_kept_and_zero_keeps_forever(tmp_path: Path) -> None:
    data = tmp_path / "data"
    planted = plant_files(data)
    settings = settings_for(data, RETENTION_DUPLICATE_DAYS=10, DEDUP_WINDOW_DAYS=35, RETENTION_LOG_DAYS=0,
                            RETENTION_HTTPCACHE_DAYS=0, RETENTION_RUN_DAYS=0)
    plant_rows(settings["DATABASE_URL"])
    done = prune(settings)
    assert done.counts == {"logs": 0, "reports": 1, "jobdirs": 1, "httpcache": 0, "duplicates": 1, "runs": 0}
    assert done.days["duplicates"] == 35  # the window's rows rebuild the index: never pruned
    assert kept_rows(settings["DATABASE_URL"])["duplicates"] == ["d1", "d20", "d31"]
    assert planted["log_old"].exists() and planted["cache_old"].exists()


def test_database_window_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    settings = settings_for(tmp_path / "data", DATABASE_URL=pg_url)
    plant_rows(pg_url)
    assert prune(settings, dry_run=True).counts["duplicates"] == 2
    done = prune(settings)
    assert (done.counts["duplicates"], done.counts["runs"]) == (2, 2)
    assert kept_rows(pg_url) == {"articles": ["a1", "a400"], "duplicates": ["d1", "d20"], "runs": ["r10"]}


def test_a_cache_hit_marks_the_entry_used(tmp_path: Path) -> None:
    from scrapy.utils.test import get_crawler

    from crawler.httpcache import JsonCacheStorage
    from tests.test_data_folder import SiteSpider

    crawler = get_crawler(SiteSpider, project_settings(HTTPCACHE_DIR=str(tmp_path / "httpcache")))
    spider = SiteSpider.from_crawler(crawler)
    storage = JsonCacheStorage(crawler.settings)
    storage.open_spider(spider)
    request = Request("https://news.example/feed.xml")
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<rss/>"))
    (entry,) = [p for p in (tmp_path / "httpcache" / "site").glob("*/*") if p.is_dir()]
    meta_time = age(entry / "response.json", 20).stat().st_mtime
    age(entry, 20)
    assert storage.retrieve_response(spider, request) is not None
    assert time.time() - entry.stat().st_mtime < 60  # used now: kept by retention
    assert (entry / "response.json").stat().st_mtime == meta_time  # expiry still counts from the store


def test_prune_command_dry_run_then_prune(tmp_path: Path) -> None:
    data = tmp_path / "data"
    planted = plant_files(data)
    settings = {"DATABASE_URL": f"sqlite:///{data / 'db.sqlite3'}", "HTTPCACHE_DIR": str(data / "httpcache")}
    plant_rows(settings["DATABASE_URL"])
    dry = scrapy(["prune", "--dry-run"], tmp_path, settings)
    assert dry.returncode == 0, dry.stderr[-2000:]
    lines = dry.stdout.splitlines()
    assert lines[0] == "Would prune (dry run, nothing deleted):"
    assert lines[1].split()[:2] == ["logs", "2"] and "not written to for 30 days" in lines[1]
    assert lines[5].split()[:2] == ["duplicates", "2"] and lines[6].split()[:2] == ["runs", "2"]
    assert all(path.exists() for path in planted.values()) and dry.stderr == ""
    done = scrapy(["prune"], tmp_path, settings)
    assert done.returncode == 0 and done.stdout.splitlines()[1:] == lines[1:], done.stdout + done.stderr
    assert not planted["log_old"].exists() and planted["log_new"].exists()
    assert kept_rows(settings["DATABASE_URL"])["runs"] == ["r10"]


def test_crawlall_prunes_at_its_end(tmp_path: Path, demo_site) -> None:
    _net, settings = demo_site
    data = tmp_path / "data"
    planted = plant_files(data)
    os.chmod(data, 0o700)
    proc = scrapy(["crawlall", "--group", "demo"], tmp_path, {**settings, "HTTPCACHE_DIR": str(data / "httpcache")})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert "Pruned:    2 logs, 1 reports, 1 jobdirs, 2 httpcache" in proc.stdout
    gone = {"log_old", "cron_old", "report_old", "job_old", "cache_old", "cache_lone_old"}
    assert {name for name, path in planted.items() if not path.exists()} == gone
    (log,) = [p for p in (data / "logs").glob("crawlall-2*.log") if p != planted["log_new"]]
    assert "Retention: pruned 2 logs" in log.read_text() and "'prune/jobdirs': 1" in log.read_text()
