"""Every source of a run ends in a state, reported the same by a crawl (stats, one log line each)
and by ``scrapy checksite``: ok, HTTP error, unreachable, unparsable, all too old, empty, no article
links, offsite. Real HTTP servers on loopback; the unreachable host is a closed loopback port."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from tests.crawl import ROOT, run_spider, scrapy
from tests.httpserver import RouteServer
from tests.test_bad_input import ARTICLE

NOW = datetime.now(UTC)
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def rss(*items: tuple[str, datetime]) -> bytes:
    entries = "".join(f"<item><link>{link}</link><pubDate>{format_datetime(when)}</pubDate></item>"
                      for link, when in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{entries}</channel></rss>'.encode()


def urlset(*locs: str) -> bytes:
    urls = "".join(f"<url><loc>{u}</loc></url>" for u in locs)
    return f'<?xml version="1.0"?><urlset {SITEMAP_NS}>{urls}</urlset>'.encode()


def routes_for(base: str) -> dict[str, Any]:
    """The source_states site: one source per state (sitemap locs must be absolute)."""
    recent, old = NOW - timedelta(hours=2), NOW - timedelta(days=40)
    xml, rssxml = "application/xml", "application/rss+xml"
    routes: dict[str, Any] = {
        "/feed.xml": (200, rssxml, rss(("/a/1", recent), ("/a/2", recent))),
        # "/missing.xml" answers 404
        "/broken.xml": (200, rssxml, b"<rss><channel><item><link>http://"),
        "/old.xml": (200, rssxml, rss(("/a/8", old), ("/a/9", old))),
        "/page.xml": (200, "text/html", b"<html><body><h1>Welcome to our new site</h1></body></html>"),
        "/other.xml": (200, rssxml, rss(("/about", recent), ("/contact", recent))),
        "/empty-sitemap.xml": (200, xml, urlset()),
        "/sitemap-index.xml": (200, xml, (f'<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>'
                                          f"<sitemap><loc>{base}/sitemap-a.xml</loc></sitemap>"
                                          f"<sitemap><loc>{base}/sitemap-gone.xml</loc></sitemap>"
                                          "</sitemapindex>").encode()),
        "/sitemap-a.xml": (200, xml, urlset(f"{base}/a/3")),
        "/section": (200, "text/html", b"<html><body><a href='/about'>About</a><a href='/a/1'>one</a><a "
                                       b"href='/a/4'>four</a><a rel='next' href='/section-2'>older</a></body></html>"),
        "/section-2": (500, "text/html", b"<h1>Internal error</h1>"),
    }
    routes.update({f"/a/{i}": (200, "text/html; charset=utf-8", ARTICLE.replace(b"Larkin", f"Larkin{i}".encode()))
                   for i in range(1, 5)})
    return routes


def closed_port_url() -> str:
    """A loopback URL nothing listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


def states(records: list[dict[str, Any]], base: str) -> dict[str, str]:
    return {r["url"].replace(base, ""): r["state"] for r in records}


EXPECTED = {
    "/feed.xml": "ok",
    "/missing.xml": "http_error",
    "/broken.xml": "unparsable",
    "/old.xml": "too_old",
    "/page.xml": "unparsable",
    "/other.xml": "no_articles",
    "/empty-sitemap.xml": "empty",
    "/sitemap-index.xml": "ok",
    "/sitemap-a.xml": "ok",
    "/sitemap-gone.xml": "http_error",
    "/section": "ok",
}


def checksite(tmp: Path, spider: str, *args: str) -> tuple[int, str, str]:
    proc = scrapy(["checksite", spider, "-s", "SPIDER_MODULES=tests.spiders", *args], tmp, {}, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_checksite_reports_every_source_state(tmp_path: Path) -> None:
    routes: dict[str, Any] = {}
    with RouteServer(routes) as site:
        routes.update(routes_for(site.base_url))
        dead = closed_port_url()
        code, out, err = checksite(tmp_path, "source_states", "-a", f"base_url={site.base_url}",
                                   "-a", f"dead_url={dead}", "--max-pages", "2", "--json")
    assert code == 1, out + err[-3000:]  # a 404 feed is not "OK"
    report = json.loads(out.strip().splitlines()[-1])
    by_url = {r["url"]: r for r in report["sources"]}
    assert states(report["sources"], site.base_url) == {**EXPECTED, dead: "unreachable"}
    assert by_url[f"{site.base_url}/missing.xml"]["description"] == "HTTP error (404)"
    assert by_url[dead]["description"].startswith("unreachable (") and "refused" in by_url[dead]["description"]
    assert "broken XML" in by_url[f"{site.base_url}/broken.xml"]["description"]
    assert "<html>" in by_url[f"{site.base_url}/page.xml"]["description"]
    # the real date window applies (ENTRY_MAX_AGE_DAYS, 7 days): the 40-day-old feed is reported, not crawled
    assert by_url[f"{site.base_url}/old.xml"]["description"] == "all 2 entries older than the 7-day window"
    assert by_url[f"{site.base_url}/sitemap-gone.xml"]["parent"] == f"{site.base_url}/sitemap-index.xml"
    section = by_url[f"{site.base_url}/section"]
    assert section["severity"] == "warning" and section["page_failures"][0].startswith(f"{site.base_url}/section-2")
    # a sitemap listed by an index that fails is a warning; the index is judged by what its sitemaps gave
    assert by_url[f"{site.base_url}/sitemap-gone.xml"]["severity"] == "warning"
    index = by_url[f"{site.base_url}/sitemap-index.xml"]
    assert index["description"] == "ok (2 sitemaps listed, 1 article links in them)"
    assert report["broken_sources"] == {"feed": 5, "sitemap": 1}
    assert not report["healthy"] and report["pages_extracted"] >= 1
    assert "Traceback" not in err
    assert "/a/8" not in "".join(site.hits) and "/a/9" not in "".join(site.hits)


def test_checksite_text_marks_failed_sources(tmp_path: Path) -> None:
    routes: dict[str, Any] = {}
    with RouteServer(routes) as site:
        routes.update(routes_for(site.base_url))
        code, out, err = checksite(tmp_path, "source_states", "-a", f"base_url={site.base_url}", "--max-pages", "1")
    assert code == 1
    assert "== source_states: PROBLEM" in out
    assert f"FAIL feed    {site.base_url}/missing.xml  HTTP error (404)" in out
    assert f"ok   feed    {site.base_url}/feed.xml  ok (2 entries, " in out
    assert f"warn feed    {site.base_url}/old.xml  all 2 entries older than the 7-day window" in out
    assert "Source feed" not in err  # the report lists the sources; the log does not repeat them


def test_crawl_reports_source_states_in_stats_and_one_line_each(
        tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    routes: dict[str, Any] = {}
    with RouteServer(routes) as site:
        routes.update(routes_for(site.base_url))
        dead = closed_port_url()
        stats, log = run_spider(
            str(ROOT / "tests" / "spiders" / "source_states.py"), tmp_path,
            {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": True},
            "-a", f"base_url={site.base_url}", "-a", f"dead_url={dead}",
        )
    assert "Traceback" not in log
    assert {k: v for k, v in stats.items() if k.startswith("source/") and isinstance(v, int)} == {
        "source/ok": 4, "source/http_error": 2, "source/unparsable": 2, "source/too_old": 1,
        "source/no_articles": 1, "source/empty": 1, "source/unreachable": 1}
    assert len(stats["source/problems"]) == 6 and len(stats["source/warnings"]) == 3
    assert f"feed {site.base_url}/missing.xml: HTTP error (404)" in stats["source/problems"]
    assert "source/config_error" not in stats
    # the unreachable source: one line, no ERROR (robots.txt of the dead host: one WARNING)
    dead_lines = [line for line in log.splitlines() if dead.rsplit("/", 1)[0] in line]
    assert [line for line in dead_lines if "Source feed" in line] == [
        next(line for line in dead_lines if "Source feed" in line)]
    assert not [line for line in dead_lines if " ERROR: " in line], dead_lines
    ok_line = next(line for line in log.splitlines() if f"Source feed {site.base_url}/feed.xml" in line)
    assert " INFO: " in ok_line and "ok (2 entries, " in ok_line
    assert stats["storage/articles"] >= 1  # the healthy sources still crawled


def test_all_article_links_offsite_is_a_configuration_error(tmp_path: Path) -> None:
    routes: dict[str, Any] = {}
    with RouteServer(routes) as site:
        other_host = site.base_url.replace("127.0.0.1", "localhost")
        recent = NOW - timedelta(hours=1)
        routes["/offsite-feed.xml"] = (200, "application/rss+xml",
                                       rss((f"{other_host}/a/1", recent), (f"{other_host}/a/2", recent)))
        code, out, err = checksite(tmp_path, "offsite_articles", "-a", f"base_url={site.base_url}", "--json")
        hits = list(site.hits)
    assert code == 1, out + err[-2000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["offsite_articles"] == 2
    assert "all 2 article links are outside allowed_domains ['127.0.0.1']" in report["config_error"]
    assert [r["state"] for r in report["sources"]] == ["offsite"]
    assert not [h for h in hits if h.startswith("/a/")]


def test_source_outside_allowed_domains_is_a_configuration_error(tmp_path: Path) -> None:
    with RouteServer({}) as site:
        code, out, _err = checksite(tmp_path, "offsite_sources", "-a", f"base_url={site.base_url}")
        hits = list(site.hits)
    assert code == 1 and not hits
    assert f"FAIL feed    {site.base_url}/feed.xml  offsite (host '127.0.0.1' not in allowed_domains" in out
    assert "configuration error: site 'offsite_sources': source(s) outside allowed_domains ['news.example']" in out
