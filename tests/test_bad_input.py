"""Broken feeds, sitemaps, binary and failing pages: counted per reason, no traceback."""

from __future__ import annotations

from pathlib import Path

from tests.crawl import ROOT, run_spider
from tests.httpserver import RouteServer

ARTICLE = (
    "<html lang='en'><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
    + "".join(
        f"<p>The Larkin bridge reopened on day {i} after repairs, said engineer Ola Brandt, "
        f"who counted {i * 11} trucks crossing before noon on the new deck.</p>"
        for i in range(8)
    )
    + "</article></body></html>"
).encode()
ROUTES = {
    "/broken-feed.xml": (200, "application/rss+xml", b"<rss><channel><item><link>http://"),
    "/empty-feed.xml": (200, "application/rss+xml", b"<rss version='2.0'><channel></channel></rss>"),
    "/broken-sitemap.xml": (200, "application/xml", b"\x00\x01 not xml at all <urlset"),
    "/section": (
        200,
        "text/html",
        b"<html><body><a href='/a/1'>one</a><a href='/a/2'>two</a><a href='/a/3'>three</a></body></html>",
    ),
    "/a/1": (200, "text/html; charset=utf-8", ARTICLE),
    "/a/2": (200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 20),
    "/a/3": (500, "text/html", b"<h1>Internal error</h1>"),
}


def test_broken_sources_are_counted_not_fatal(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    with RouteServer(ROUTES) as site:
        stats, log = run_spider(
            str(ROOT / "tests" / "spiders" / "broken_sources.py"),
            tmp_path,
            {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": False},
            "-a",
            f"base_url={site.base_url}",
        )
    assert "Traceback" not in log
    assert stats["source/unparsable"] == 2 and stats["source/empty"] == 1  # broken feed and sitemap, empty feed
    assert stats["source/ok"] == 1  # the section
    assert stats["page/not_html"] == 1
    assert stats["httperror/response_ignored_status_count/500"] == 1
    assert stats["storage/articles"] == 1
    assert "Source feed" in log and "unparsable (broken XML" in log and "not an HTML page" in log
