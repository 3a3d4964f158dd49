"""A real crawl of hostile pages on a loopback server: gzip bombs, oversize pages (declared and
streamed), a huge text and mislabelled charsets. Memory stays bounded, the oversize pages are
counted drops with a ``page_rejected`` signal, the mislabelled pages are stored readable, and
nothing is logged as an error.

The HTTP cache and JOBDIR run on JSON: a pickle planted in the cache is never loaded, and the
feed is still revalidated with a 304.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, text

from tests.crawl import ROOT, run_spider, scrapy_cmd, scrapy_env
from tests.hostile import CHARSET_PAGES, Planted, gzip_bomb
from tests.httpserver import Page, RouteServer

MB = 1 << 20
LIMIT = 10 * MB  # DOWNLOAD_MAXSIZE of settings/base.py, which the crawl uses
MAX_RSS = 400 * MB
BOMBS = 4


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(1 << 30)  # 1 GB of zeros, ~1 MB compressed


def zeros(total: int, chunk: int = MB):
    """A body of ``total`` zero bytes, produced ``chunk`` at a time."""
    return lambda: (bytes(chunk) for _ in range(total // chunk))


def long_article() -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the council minutes records that member {i % 17} asked about the budget line "
        f"{i * 7}, that the clerk read the tender for the ferry pier, and that the vote was postponed.</p>"
        for i in range(1500)
    )
    return f"<html><head><title>Minutes</title></head><body><article>{paragraphs}</article></body></html>".encode()


def routes(bomb: bytes) -> dict[str, Page | tuple[int, str, bytes]]:
    pages: dict[str, Page | tuple[int, str, bytes]] = {
        f"/a/bomb-{i}": Page(bomb, headers={"Content-Encoding": "gzip"}) for i in range(BOMBS)
    }
    pages["/a/huge-declared"] = Page(zeros(50 * MB), length=50 * MB)  # Content-Length: 50 MB
    pages["/a/huge-streamed"] = Page(zeros(50 * MB))  # no Content-Length: ends when the connection closes
    pages["/a/long-text"] = (200, "text/html; charset=utf-8", long_article())
    for name, (content_type, body, _sentence) in CHARSET_PAGES.items():
        pages[f"/a/{name}"] = (200, content_type, body)
    links = "".join(f"<a href='{path}'>{path}</a>" for path in pages)
    pages["/section"] = (200, "text/html", f"<html><body>{links}</body></html>".encode())
    return pages


def crawl_measuring_memory(tmp: Path, settings: dict, *args: str) -> tuple[dict, str, int]:
    """Run the hostile spider; return (final stats, log, peak RSS of the crawl and its descendants)."""
    stats_file, log_file = tmp / "stats.json", tmp / "crawl.log"
    spider = str(ROOT / "tests" / "spiders" / "hostile_site.py")
    cmd = scrapy_cmd(["runspider", spider, *args], {**settings, "STATS_FILE": str(stats_file)})
    peak = 0
    with log_file.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=scrapy_env(tmp / "data"), stdout=log, stderr=subprocess.STDOUT)
        watched = psutil.Process(proc.pid)
        deadline = time.monotonic() + 240
        while proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("the crawl did not finish")
            try:
                peak = max(peak, sum(p.memory_info().rss for p in [watched, *watched.children(recursive=True)]))
            except psutil.NoSuchProcess:  # it (or a child) ended between listing and reading
                pass
            time.sleep(0.02)
    output = log_file.read_text()
    assert proc.returncode == 0, output[-3000:]
    return json.loads(stats_file.read_text()), output, peak


def test_hostile_pages_are_bounded_counted_and_decoded(tmp_path, bomb, redis_settings, key_prefix) -> None:
    db = tmp_path / "articles.sqlite3"
    rejections = tmp_path / "rejections.jsonl"
    settings = {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": False,
                "DATABASE_URL": f"sqlite:///{db}"}
    with RouteServer(routes(bomb)) as site:
        stats, log, peak = crawl_measuring_memory(
            tmp_path, settings, "-a", f"base_url={site.base_url}", "-a", f"rejections_file={rejections}")
        base = site.base_url

    print(f"peak RSS of the crawl's process tree: {peak / MB:.0f} MB")
    assert peak < MAX_RSS, f"peak RSS {peak / MB:.0f} MB"
    assert "Traceback" not in log and "log_count/ERROR" not in stats
    too_large = {f"{base}/a/bomb-{i}" for i in range(BOMBS)} | {f"{base}/a/huge-declared", f"{base}/a/huge-streamed"}
    assert stats["page/too_large"] == len(too_large)
    dropped_lines = [line for line in log.splitlines() if "Page too large, dropped:" in line]
    assert len(dropped_lines) == len(too_large) and all(" INFO: " in line for line in dropped_lines)

    signalled = {r["url"]: r for r in map(json.loads, rejections.read_text().splitlines())}
    assert set(signalled) == too_large
    assert all(r["reason"] == "PageTooLarge" and r["site"] == "hostile_site" for r in signalled.values())
    for i in range(BOMBS):
        evidence = signalled[f"{base}/a/bomb-{i}"]["evidence"]
        assert evidence["limit"] == LIMIT < evidence["size"] and evidence["compressed_size"] == len(bomb)
    assert signalled[f"{base}/a/huge-declared"]["evidence"] == {"limit": LIMIT, "expected_size": 50 * MB}
    assert LIMIT < signalled[f"{base}/a/huge-streamed"]["evidence"]["size"] < 50 * MB

    assert stats["item_dropped_reasons_count/TextTooLong"] == 1
    assert stats["page/charset_detected"] == len(CHARSET_PAGES) and "page/charset_mismatch" not in stats
    with create_engine(f"sqlite:///{db}").connect() as conn:
        stored = dict(conn.execute(text("select url, text from articles")).all())
    assert len(stored) == len(CHARSET_PAGES)
    for name, (_content_type, _body, sentence) in CHARSET_PAGES.items():
        assert sentence in stored[f"{base}/a/{name}"], name



FEED = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Site</title>"
        b"<item><title>One</title><link>/a/1</link></item></channel></rss>")


def test_http_cache_revalidates_from_json_and_never_unpickles(tmp_path, redis_settings, key_prefix) -> None:
    from tests.test_bad_input import ARTICLE

    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(Planted(probe)))  # noqa: S301 (the planted payload is live…)
    assert probe.exists()
    marker = tmp_path / "unpickled"
    spider = str(ROOT / "tests" / "spiders" / "feed_site.py")
    settings = {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": False}
    routes = {"/feed.xml": Page(FEED, "application/rss+xml", etag='"v1"'), "/a/1": (200, "text/html", ARTICLE)}
    with RouteServer(routes) as site:
        first, _ = run_spider(spider, tmp_path, settings, "-a", f"base_url={site.base_url}")
        entries = [p for p in (tmp_path / "data" / "httpcache" / "feed_site").glob("*/*") if p.is_dir()]
        assert entries and all((p / "response.json").exists() for p in entries)
        for entry in entries:
            assert not list(entry.glob("pickled_*")) and not (entry / "response_data").exists()
            for name in ("pickled_meta", "response_data"):  # …where Scrapy's own storage would load it
                (entry / name).write_bytes(pickle.dumps(Planted(marker)))
        requests_before = len(site.requests)
        second, log = run_spider(spider, tmp_path, settings, "-a", f"base_url={site.base_url}")
        feed_requests = [h for p, h in site.requests[requests_before:] if p == "/feed.xml"]
    assert first["storage/articles"] == 1
    assert not marker.exists()
    assert feed_requests and all(h.get("If-None-Match") == '"v1"' for h in feed_requests)
    assert second["httpcache/revalidate"] >= 1 and second["incremental/skipped_seen"] == 1
    assert "Traceback" not in log
