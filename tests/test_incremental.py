"""Incremental crawling on the demo network: run 2 revalidates listings (304 when
unchanged) and fetches and stores only the stories published since run 1."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text

from demo.publishers import PUBLISHERS
from tests.crawl import scrapy

SPIDERS = tuple(sorted(p.slug for p in PUBLISHERS))  # one demo spider per publisher, same name


def crawl(tmp, settings: dict, name: str) -> dict[str, dict]:
    stats_dir = tmp / f"stats-{name}"
    proc = scrapy(["demo"], tmp, {**settings, "STATS_FILE": str(stats_dir / "{spider}.json")})
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return {s: json.loads((stats_dir / f"{s}.json").read_text()) for s in SPIDERS}


def total(stats: dict[str, dict], key: str) -> int:
    return sum(s.get(key, 0) for s in stats.values())


def test_second_run_fetches_only_new_articles(tmp_path, demo_site) -> None:
    net, settings = demo_site
    db_url = settings["DATABASE_URL"]
    first = crawl(tmp_path, settings, "1")
    with create_engine(db_url).connect() as conn:
        stored_before = conn.execute(text("select count(*) from articles")).scalar()
    published = net.publish_more(3)
    second = crawl(tmp_path, settings, "2")
    with create_engine(db_url).connect() as conn:
        urls_after = {r[0] for r in conn.execute(text("select url from articles"))}
    new_pages = [p for p in published if p.get("expect") in ("store", "store_one_of_story")]
    assert new_pages, "publish_more released nothing"
    # (a late merge, and a better copy replacing a stored one, move a stored article to duplicates)
    moved = ("storage/late_merges", "storage/replaced")
    assert total(first, "storage/articles") - sum(total(first, k) for k in moved) == stored_before
    # listings were revalidated: unchanged ones answered 304 and were served from the cache
    # (the cache turns a 304 back into the stored page before the downloader stats see it)
    assert total(second, "httpcache/revalidate") >= 1
    # only the new article pages were fetched, and exactly the new stories were stored
    article_fetches = total(second, "extract/articles") + total(second, "item_dropped_reasons_count/NoArticleText")
    assert article_fetches <= len(published)
    assert total(second, "incremental/skipped_seen") >= stored_before
    new_stored = total(second, "storage/articles") - sum(total(second, k) for k in moved)
    assert new_stored == len({p["story"] for p in new_pages})
    assert len(urls_after) == stored_before + new_stored
