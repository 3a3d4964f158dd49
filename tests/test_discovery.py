"""Feed entries older than ENTRY_MAX_AGE_DAYS are not fetched; recent and undated ones are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from tests.crawl import ROOT, run_spider
from tests.httpserver import RouteServer
from tests.test_bad_input import ARTICLE

NOW = datetime.now(UTC)
RSS = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><link>/a/1</link><pubDate>{format_datetime(NOW - timedelta(hours=3))}</pubDate></item>
<item><link>/a/2</link><pubDate>{format_datetime(NOW - timedelta(days=40))}</pubDate></item>
<item><link>/a/3</link></item>
</channel></rss>""".encode()
ATOM = f"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><link href="/a/4"/><updated>{(NOW - timedelta(days=9)).isoformat()}</updated></entry>
</feed>""".encode()


def test_old_feed_entries_are_skipped(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    routes = {"/feed.xml": (200, "application/rss+xml", RSS), "/atom.xml": (200, "application/atom+xml", ATOM)}
    routes.update({f"/a/{i}": (200, "text/html; charset=utf-8", ARTICLE.replace(b"Larkin", f"Larkin{i}".encode()))
                   for i in range(1, 5)})
    with RouteServer(routes) as site:
        stats, _log = run_spider(
            str(ROOT / "tests" / "spiders" / "feed_site.py"), tmp_path,
            {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "ROBOTSTXT_OBEY": False, "ENTRY_MAX_AGE_DAYS": 7},
            "-a", f"base_url={site.base_url}",
        )
        fetched = sorted(p for p in site.hits if p.startswith("/a/"))
    assert fetched == ["/a/1", "/a/3"]
    assert stats["discovery/feed/too_old"] == 2
