"""Nothing read back from the data folder is unpickled, and the folder is private: the JSON HTTP
cache storage, the JSON JOBDIR queues, SpiderState off, DATA_DIR created 0700 and refused when
others can write to it."""

from __future__ import annotations

import json
import os
import pickle
import random
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.datadir import UnsafeDataDir, follow_data_dir, private_data_dir
from crawler.httpcache import JsonCacheStorage
from crawler.jobqueue import ForeignRequestClass, JsonFifoDiskQueue, JsonLifoDiskQueue
from tests.conftest import project_settings
from tests.crawl import ROOT, run_spider, scrapy
from tests.hostile import Planted
from tests.httpserver import RouteServer


class SiteSpider(Spider):
    name = "site"

    def parse_feed(self, response: Response) -> None:
        pass


def spider_for(tmp_path: Path, **settings: object) -> SiteSpider:
    crawler = get_crawler(SiteSpider, project_settings(HTTPCACHE_DIR=str(tmp_path / "httpcache"), **settings))
    spider = SiteSpider.from_crawler(crawler)
    crawler.spider = spider
    return spider


def storage_for(spider: SiteSpider) -> JsonCacheStorage:
    storage = JsonCacheStorage(spider.crawler.settings)
    storage.open_spider(spider)
    return storage


def test_settings_use_the_json_storage_and_queues_and_no_spider_state() -> None:
    settings = project_settings()
    assert settings["HTTPCACHE_STORAGE"] == "crawler.httpcache.JsonCacheStorage"
    assert settings["SCHEDULER_DISK_QUEUE"] == "crawler.jobqueue.JsonLifoDiskQueue"
    assert settings["SCHEDULER_START_DISK_QUEUE"] == "crawler.jobqueue.JsonFifoDiskQueue"
    assert settings["EXTENSIONS"]["scrapy.extensions.spiderstate.SpiderState"] is None


@pytest.mark.parametrize("gzip", [False, True])
def test_cache_round_trip_keeps_what_revalidation_needs(tmp_path: Path, gzip: bool) -> None:
    spider = spider_for(tmp_path, HTTPCACHE_GZIP=gzip)
    storage = storage_for(spider)
    request = Request("https://news.example/feed.xml", headers={"Cache-Control": "max-age=0"})
    body = b"<?xml version='1.0' encoding='iso-8859-1'?><rss><title>Caf\xe9</title></rss>"
    headers = {"Content-Type": "application/rss+xml", "ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 08:00:00 GMT",
               "X-Raw": b"\xff\x00bytes"}
    response = XmlResponse("https://news.example/feed.xml", status=200, headers=headers, body=body,
                           flags=["cached?"], protocol="HTTP/1.1")
    assert storage.retrieve_response(spider, request) is None
    storage.store_response(spider, request, response)
    fresh = Request(request.url)
    cached = storage.retrieve_response(spider, fresh)
    assert type(cached) is XmlResponse and cached.body == body and cached.status == 200
    assert cached.url == response.url and cached.flags == ["cached?"] and cached.protocol == "HTTP/1.1"
    assert dict(cached.headers) == dict(response.headers) and cached.headers[b"X-Raw"] == b"\xff\x00bytes"
    assert cached.encoding == response.encoding  # not pinned: inferred again the same way
    assert isinstance(fresh.meta["cache_timestamp"], float)
    (entry,) = [p for p in (tmp_path / "httpcache" / "site").glob("*/*") if p.is_dir()]
    assert sorted(p.name for p in entry.iterdir()) == ["response.json", "response_body"]
    if not gzip:
        assert json.loads((entry / "response.json").read_text())["headers"]


def test_planted_pickles_are_never_loaded(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    spider = spider_for(tmp_path)
    storage = storage_for(spider)
    request = Request("https://news.example/section")
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<html>ok</html>"))
    (entry,) = [p for p in (tmp_path / "httpcache" / "site").glob("*/*") if p.is_dir()]
    for name in ("pickled_meta", "response_data"):  # Scrapy's FilesystemCacheStorage unpickles these
        (entry / name).write_bytes(pickle.dumps(Planted(marker)))
    assert storage.retrieve_response(spider, request).body == b"<html>ok</html>"
    (entry / "response.json").write_bytes(pickle.dumps(Planted(marker)))  # a pickle where the JSON belongs
    assert storage.retrieve_response(spider, request) is None  # a miss: refetched and stored again
    (entry / "response.json").write_text('{"status": 200}')  # JSON, but not an entry
    assert storage.retrieve_response(spider, request) is None
    assert not marker.exists()


def test_expired_entries_are_misses(tmp_path: Path) -> None:
    spider = spider_for(tmp_path, HTTPCACHE_EXPIRATION_SECS=60)
    storage = storage_for(spider)
    request = Request("https://news.example/section")
    storage.store_response(spider, request, HtmlResponse(request.url, body=b"<html>ok</html>"))
    assert storage.retrieve_response(spider, request) is not None
    (meta,) = (tmp_path / "httpcache" / "site").glob("*/*/response.json")
    os.utime(meta, (meta.stat().st_atime - 120, meta.stat().st_mtime - 120))
    assert storage.retrieve_response(spider, request) is None


@pytest.mark.parametrize("queue_cls", [JsonFifoDiskQueue, JsonLifoDiskQueue])
def test_disk_queue_round_trip_is_json(tmp_path: Path, queue_cls: type) -> None:
    spider = spider_for(tmp_path)
    path = tmp_path / "requests.queue" / "p0"
    queue = queue_cls.from_crawler(spider.crawler, str(path))
    requests = [
        Request("https://news.example/feed.xml", callback=spider.parse_feed, headers={"Cache-Control": "max-age=0"},
                meta={"source": "feed", "depth_pages": 2, "redirect_urls": ("https://a.example/",)}),
        Request("https://news.example/a/1", method="POST", body=b"\x00\xffraw", priority=3,
                meta={"article": True, "dont_cache": True}),
    ]
    for request in requests:
        queue.push(request)
    queue.close()
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]  # LIFO: one file; FIFO: a folder
    raw = b"".join(p.read_bytes() for p in files)
    assert b"https://news.example/a/1" in raw and b"\x80\x04" not in raw  # JSON text, no pickle protocol header
    queue = queue_cls.from_crawler(spider.crawler, str(path))  # a resumed job
    popped = [queue.pop() for _ in requests]
    queue.close()
    if queue_cls is JsonLifoDiskQueue:
        popped.reverse()
    for original, restored in zip(requests, popped, strict=True):
        assert restored.to_dict(spider=spider) == {
            **original.to_dict(spider=spider), "meta": json.loads(json.dumps(original.meta))}
    assert popped[0].callback == spider.parse_feed and popped[1].body == b"\x00\xffraw"


def test_disk_queue_never_unpickles_or_imports_foreign_classes(tmp_path: Path) -> None:
    marker = tmp_path / "unpickled"
    spider = spider_for(tmp_path)
    path = tmp_path / "q"
    queue = JsonFifoDiskQueue.from_crawler(spider.crawler, str(path))
    queue.push(Request("https://news.example/a/1"))
    queue.close()
    from queuelib.queue import FifoDiskQueue

    planted = FifoDiskQueue(str(path))  # the raw queue underneath: plant entries in it
    planted.push(pickle.dumps(Planted(marker)))
    planted.push(json.dumps({"url": "https://x.example/", "_class": "os.system"}).encode())
    planted.push(json.dumps({"url": "https://x.example/", "_class": "scrapy.utils.misc.load_object"}).encode())
    planted.close()
    queue = JsonFifoDiskQueue.from_crawler(spider.crawler, str(path))
    assert queue.pop().url == "https://news.example/a/1"
    with pytest.raises(ValueError):
        queue.pop()
    for _ in range(2):
        with pytest.raises(ForeignRequestClass, match="refusing request class"):
            queue.pop()
    queue.close()
    assert not marker.exists()


def test_data_dir_is_created_private(tmp_path: Path) -> None:
    folder = private_data_dir(tmp_path / "new" / "data")
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    os.chmod(folder, 0o755)  # made by an older version or by hand: others can read, not write
    assert private_data_dir(folder) == folder


@pytest.mark.parametrize("mode", [0o775, 0o757, 0o1777])
def test_data_dir_writable_by_others_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    os.chmod(folder, mode)
    with pytest.raises(UnsafeDataDir, match=f"data folder {folder} is writable by its group or other users"):
        private_data_dir(folder)
    (tmp_path / "file").write_text("")
    with pytest.raises(UnsafeDataDir, match="is not a folder"):
        private_data_dir(tmp_path / "file")


def test_crawling_commands_refuse_a_shared_data_dir_in_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o777)
    proc = scrapy(["crawlall"], tmp_path, {})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"crawlall: data folder {data} is writable by its group or other users (mode 777); fix with: chmod go-w {data}"]
    assert not (data / "logs").exists()  # refused before anything was written there


def distinct_article(i: int) -> bytes:
    """An article page whose text shares no words with the others (so dedup keeps each)."""
    rnd = random.Random(i)

    def word() -> str:
        return "".join(rnd.choice("bcdfghjklmnprstvz") + rnd.choice("aeiou") for _ in range(3))

    paragraphs = "".join("<p>" + " ".join(word() for _ in range(30)) + ".</p>" for _ in range(6))
    return f"<html><head><title>Story {i}</title></head><body><article>{paragraphs}</article></body></html>".encode()


def test_a_job_resumes_from_its_json_queue(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    links = "".join(f"<a href='/a/{i}'>story {i}</a>" for i in range(5))
    routes = {"/section": (200, "text/html", f"<html><body>{links}</body></html>".encode()),
              **{f"/a/{i}": (200, "text/html; charset=utf-8", distinct_article(i)) for i in range(5)}}
    jobdir = tmp_path / "job"
    spider = str(ROOT / "tests" / "spiders" / "hostile_site.py")  # one source: the section page
    settings = {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": False, "JOBDIR": str(jobdir),
                "CONCURRENT_REQUESTS": 1, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    with RouteServer(routes) as site:
        first, _ = run_spider(spider, tmp_path, {**settings, "CLOSESPIDER_PAGECOUNT": 2}, "-a",
                              f"base_url={site.base_url}")
        queued = b"".join(p.read_bytes() for p in (jobdir / "requests.queue").rglob("*") if p.is_file())
        second, log = run_spider(spider, tmp_path, settings, "-a", f"base_url={site.base_url}")
        hits = list(site.hits)
    assert first["finish_reason"] == "closespider_pagecount"
    assert hits.count("/section") == 1  # the resumed run had its requests from the queue only
    assert b'"url":"' + site.base_url.encode() + b"/a/" in queued and b"\x80\x04" not in queued  # JSON, not pickle
    assert first.get("storage/articles", 0) + second["storage/articles"] == 5
    assert second["storage/articles"] >= 3 and "Traceback" not in log
    assert sorted(h for h in hits if h.startswith("/a/")) == [f"/a/{i}" for i in range(5)]  # each fetched once


def test_a_data_dir_given_on_the_command_line_takes_the_folders_defaults_along(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "settings.test")
    settings = Settings()
    settings.setmodule("settings.test", priority="project")
    old = settings["DATA_DIR"]
    settings.set("DATABASE_URL", f"sqlite:///{old}/newsdedup.sqlite3", priority="project")
    settings.set("SIBLING_FOLDER", f"{old}-elsewhere/x", priority="project")  # beside the folder, not in it
    assert follow_data_dir(settings) == []  # DATA_DIR not given: nothing moves
    new = tmp_path / "jobdata"
    settings.set("DATA_DIR", str(new), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(tmp_path / "cache"), priority="cmdline")  # given too: kept
    moved = follow_data_dir(settings)
    assert sorted(moved) == ["DATABASE_URL", "REDIS_EMBEDDED_PATH", "WARC_DIR"]
    assert settings["DATABASE_URL"] == f"sqlite:///{new}/newsdedup.sqlite3"
    assert settings["REDIS_EMBEDDED_PATH"] == str(new / "redis" / "index.rdb")
    assert settings["WARC_DIR"] == str(new / "warc")  # the archives move with the folder too
    assert settings["HTTPCACHE_DIR"] == str(tmp_path / "cache")
    assert settings["SIBLING_FOLDER"] == f"{old}-elsewhere/x"
    postgres = "postgresql+psycopg://u@127.0.0.1/db"
    settings.set("DATABASE_URL", postgres, priority="project")
    follow_data_dir(settings)
    assert settings["DATABASE_URL"] == postgres
