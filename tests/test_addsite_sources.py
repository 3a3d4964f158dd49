"""``scrapy addsite`` on sites we write, served by a real loopback HTTP server: a JSON Feed
announced by ``<link rel=alternate type=application/feed+json>`` and one found at a common
path; a site without a feed whose only source is a Google News sitemap (its entry dates are the
``news:publication_date``, also in the generated spider's date window); the check of the
inferred spider before anything is written (a spider whose article pages cannot be extracted is
refused: one line, exit 2, nothing written); the two recorded pages and the test stub reading
them, which passes as written. And the JSON Feed / news sitemap readers of ``crawler.feeds``."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.feeds import NotAFeed, feed_entries, news_dates
from tests.httpserver import RouteServer
from tests.test_addsite import NOW, addsite, article, load_spider, run_stub

SLUGS = ["mayor-opens-the-new-harbour-bridge", "school-board-votes-on-the-budget", "storm-closes-the-coast-road",
         "library-extends-its-opening-hours"]
def html(body: str, head: str = "") -> tuple[int, str, bytes]:
    return 200, "text/html", f"<html><head>{head}</head><body>{body}</body></html>".encode()


def articles(prefix: str) -> dict[str, tuple[int, str, bytes]]:
    return {f"{prefix}{slug}": (200, "text/html", article(slug)) for slug in SLUGS}


def json_feed(base: str, prefix: str) -> bytes:
    items = [{"id": f"{n}", "url": f"{base}{prefix}{slug}", "title": slug,
              "date_published": (NOW - timedelta(hours=n)).isoformat()} for n, slug in enumerate(SLUGS)]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Town", "items": items}).encode()


def test_json_feed_announced_gives_a_spider_its_recorded_pages_and_a_passing_stub(tmp_path: Path) -> None:
    routes = {"/": html("<p>Welcome to the town news.</p>",
                        '<link rel="alternate" type="application/feed+json" title="News" href="/news.json">'),
              **articles("/stories/")}
    with RouteServer(routes) as server:
        routes["/news.json"] = (200, "application/feed+json", json_feed(server.base_url, "/stories/"))
        out = addsite(tmp_path, server.base_url, "town")
    assert out.returncode == 0, out.stdout + out.stderr
    spider = load_spider(tmp_path / "tmpsites" / "town.py")
    assert spider.feeds == ["/news.json"] and spider.sitemaps == [] and spider.sections == []
    assert spider.article_patterns == [r"/stories/[^/]+$"]
    # the checks were run and printed: the feed's state, the pages extracted and their word counts
    assert "# == town: OK" in out.stdout and "/news.json  ok (4 entries" in out.stdout, out.stdout
    assert "# pages extracted:    4 of 4 fetched" in out.stdout and "# word counts: " in out.stdout
    recorded = sorted((tmp_path / "tests" / "fixtures" / "town").glob("*.json"))
    assert len(recorded) == 2 and all(Path(str(p)[:-5] + ".html.gz").exists() for p in recorded)
    assert all(json.loads(p.read_text())["fields"]["text"] for p in recorded)
    stub = run_stub(tmp_path, "town")
    assert stub.returncode == 0, stub.stdout + stub.stderr
    assert "passed" in stub.stdout and "skipped" not in stub.stdout and "test_recorded_page" not in stub.stdout


def test_json_feed_at_a_common_path(tmp_path: Path) -> None:
    routes = {"/": html("<p>Welcome.</p>"), **articles("/n/")}
    with RouteServer(routes) as server:
        routes["/feed.json"] = (200, "application/json", json_feed(server.base_url, "/n/"))
        out = addsite(tmp_path, "--dry-run", server.base_url, "town")
    assert out.returncode == 0, out.stdout + out.stderr
    assert 'feeds = ["/feed.json"]' in out.stdout and "# feed /feed.json: 4 entries" in out.stdout
    assert not (tmp_path / "tests").exists() and sorted(os.listdir(tmp_path / "tmpsites")) == ["__init__.py"]


def news_sitemap(base: str, dates: list[datetime]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}/local/{slug}</loc><news:news><news:publication><news:name>Town</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>{when.isoformat()}"
        f"</news:publication_date><news:title>{slug}</news:title></news:news></url>"
        for slug, when in zip(SLUGS, dates, strict=True))
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()


def test_a_site_without_feed_whose_source_is_a_google_news_sitemap(tmp_path: Path) -> None:
    old = datetime(2020, 3, 1, tzinfo=UTC)
    routes = {"/": html("<p>Welcome.</p>"), **articles("/local/"),
              "/robots.txt": (200, "text/plain", b"User-agent: *\nAllow: /\n")}
    with RouteServer(routes) as server:
        routes["/robots.txt"] = (200, "text/plain", f"Sitemap: {server.base_url}/news-sitemap.xml\n".encode())
        # two entries of today, two of 2020: the window of 7 days skips the old ones by their publication date
        routes["/news-sitemap.xml"] = (200, "application/xml", news_sitemap(server.base_url, [NOW, NOW, old, old]))
        out = addsite(tmp_path, "--dry-run", server.base_url, "town")
        assert out.returncode == 0, out.stdout + out.stderr
        assert 'sitemaps = ["/news-sitemap.xml"]' in out.stdout and "feeds = []" in out.stdout
        assert "max_entry_age_days" not in out.stdout  # its newest entry is today's
        assert "# pages extracted:    2 of 2 fetched" in out.stdout, out.stdout
        assert "/local/" + SLUGS[2] not in server.hits and "/local/" + SLUGS[1] in server.hits

        # every entry older than the window: the spider gets max_entry_age_days = 0, said why
        routes["/news-sitemap.xml"] = (200, "application/xml", news_sitemap(server.base_url, [old] * 4))
        out = addsite(tmp_path, "--dry-run", server.base_url, "town")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "max_entry_age_days = 0" in out.stdout and "(2020-03-01) is older than the 7-day" in out.stdout
    assert "# pages extracted:    4 of 4 fetched" in out.stdout, out.stdout


def test_refuses_a_spider_the_check_finds_broken(tmp_path: Path) -> None:
    listing = "".join(f'<li><a href="/local/{s}">{s}</a></li>' for s in SLUGS)
    routes = {"/": html('<nav><a href="/local/">Local</a></nav>'),
              "/local/": html(f'<nav><a href="/local/">Local</a></nav><ul>{listing}</ul>')}  # articles: 404
    with RouteServer(routes) as server:
        out = addsite(tmp_path, server.base_url, "town")
        out_dry = addsite(tmp_path, "--dry-run", server.base_url, "town")
    for result in (out, out_dry):
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stdout.strip().count("\n") == 0 and "Traceback" not in result.stderr
        assert result.stdout.startswith("addsite: the inferred spider would be broken (no page extracted")
        assert result.stdout.rstrip().endswith("no spider written")
    assert sorted(os.listdir(tmp_path / "tmpsites")) == ["__init__.py"] and not (tmp_path / "tests").exists()


def test_feed_readers() -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": "https://t.example/a", "date_modified": "2026-11-02T10:00:00Z"},
        {"id": "7", "url": "/b", "date_published": "2026-11-01T10:00:00+01:00"}, {"id": "no-url"}, "junk"]})
    assert feed_entries(("\ufeff" + body).encode()) == [
        ("https://t.example/a", "2026-11-02T10:00:00Z"), ("/b", "2026-11-01T10:00:00+01:00"), ("", None)]
    for bad, why in ((b'{"items": []}', "jsonfeed.org version"), (b"{not json", "not JSON"),
                     (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "items list")):
        with pytest.raises(NotAFeed, match=why):
            feed_entries(bad)
    sitemap = news_sitemap("https://t.example", [datetime(2026, 11, 1, tzinfo=UTC)] * 4)
    assert news_dates(sitemap) == {f"https://t.example/local/{s}": "2026-11-01T00:00:00+00:00" for s in SLUGS}
    assert news_dates(b"<urlset><url><loc>https://t.example/a</loc></url></urlset>") == {}
