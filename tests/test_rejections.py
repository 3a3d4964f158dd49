"""Pages refused by extraction are recorded (``rejections``: reason, evidence, text, html),
fetched again after ``REJECTION_RETRY_HOURS`` or at once when the site's extraction declaration
changes, and can be accepted or re-extracted by review. Real Redis, SQLite and a loopback site."""

from __future__ import annotations

import json
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

from crawler.incremental import seen_keys_of
from pipelines.storage.models import rejections
from tests.conftest import ROOT
from tests.crawl import run_spider, scrapy
from tests.httpserver import RouteServer
from tests.test_bad_input import ARTICLE
from tests.test_storage_postgres import new_store

SPIDER = str(ROOT / "tests" / "spiders" / "feed_site.py")
FEED = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>Site</title>"
        b"<item><title>One</title><link>/a/1</link></item></channel></rss>")
ROUTES = {"/feed.xml": (200, "application/rss+xml", FEED), "/a/1": (200, "text/html; charset=utf-8", ARTICLE)}
# the declaration that refuses the page: the article has ~160 words
STRICT = {"EXTRACT_SITE_OVERRIDES": {"feed_site": {"EXTRACT_MIN_WORDS": 1000}}}


def rows(db_url: str, table: str) -> list[dict]:
    with create_engine(db_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"select * from {table} order by 1"))]  # noqa: S608


def crawl(site: RouteServer, tmp: Path, settings: dict) -> dict:
    stats, log = run_spider(SPIDER, tmp, {**settings, "ROBOTSTXT_OBEY": False}, "-a", f"base_url={site.base_url}")
    assert "Traceback" not in log
    return stats


def article_fetches(site: RouteServer) -> int:
    return site.hits.count("/a/1")


def env(tmp_path: Path, redis_settings: dict, key_prefix: str) -> dict:
    return {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}"}


def test_rejection_recorded_skipped_then_refetched_when_declaration_changes(
        tmp_path: Path, redis_settings: dict, key_prefix: str, redis_client: redis.Redis) -> None:
    settings = env(tmp_path, redis_settings, key_prefix)
    with RouteServer(ROUTES) as site:
        first = crawl(site, tmp_path, {**settings, **STRICT})
        [row] = rows(settings["DATABASE_URL"], "rejections")
        assert first["extract/rejected/NoArticleText"] == 1 and first["storage/rejections"] == 1
        assert row["reason"] == "NoArticleText" and row["site"] == "feed_site" and row["run_id"]
        evidence = json.loads(row["evidence"])
        assert evidence["min_words"] == 1000 and 100 < evidence["prose_words"] < 1000 and evidence["fetched_at"]
        assert "Larkin bridge reopened" in row["text"]
        assert zlib.decompress(row["html"]).decode() == ARTICLE.decode()
        # marked rejected, for REJECTION_RETRY_HOURS (24 h by default), not SEEN_TTL_DAYS
        key = f"{key_prefix}:seen:{seen_keys_of([f'{site.base_url}/a/1'])[0]}"
        assert redis_client.get(key).startswith(b"r:") and 86000 < redis_client.ttl(key) <= 86400

        second = crawl(site, tmp_path, {**settings, **STRICT})  # same declaration: not fetched again
        assert article_fetches(site) == 1 and second["incremental/skipped_rejected"] == 1

        third = crawl(site, tmp_path, settings)  # declaration changed: fetched at once, now stored
        assert article_fetches(site) == 2 and third["incremental/refetch_declaration_changed"] == 1
        assert third["storage/articles"] == 1
        assert redis_client.get(key) == b"1" and redis_client.ttl(key) > 86400
    assert len(rows(settings["DATABASE_URL"], "rejections")) == 1
    assert [a["url"] for a in rows(settings["DATABASE_URL"], "articles")] == [f"{site.base_url}/a/1"]


def test_rejected_page_is_fetched_again_after_the_retry_period(
        tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    settings = {**env(tmp_path, redis_settings, key_prefix), **STRICT, "REJECTION_RETRY_HOURS": 1 / 3600}
    with RouteServer(ROUTES) as site:
        crawl(site, tmp_path, settings)
        time.sleep(1.2)  # past the 1 s retry period
        again = crawl(site, tmp_path, settings)
        assert article_fetches(site) == 2 and again.get("incremental/skipped_rejected", 0) == 0
    assert [r["reason"] for r in rows(settings["DATABASE_URL"], "rejections")] == ["NoArticleText"] * 2


def review(args: list[str], tmp: Path, settings: dict):  # noqa: ANN201
    return scrapy(["review", *args], tmp, settings)


def test_review_accept_stores_the_page_once(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    settings = {**env(tmp_path, redis_settings, key_prefix), **STRICT}
    db = settings["DATABASE_URL"]
    with RouteServer(ROUTES) as site:
        crawl(site, tmp_path, settings)
        [row] = rows(db, "rejections")
        for bad in (["accept", "999"], ["accept", "x"], ["reextract", "--site", "nowhere"],
                    ["reextract", "--site", "feed_site", "--since", "soon"]):
            proc = review(bad, tmp_path, settings)
            assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, (bad, proc.stderr)
            assert "Traceback" not in proc.stderr
        # the strict declaration still refuses the page, but accept bypasses its rules
        proc = review(["accept", str(row["id"])], tmp_path, settings)
        assert proc.returncode == 0, proc.stderr[-2000:]
        [article] = rows(db, "articles")
        assert "stored" in proc.stdout and article["id"] in proc.stdout
        assert article["url"] == f"{site.base_url}/a/1" and "Larkin bridge reopened" in article["text"]
        [row] = rows(db, "rejections")
        assert row["resolution"] == "accepted" and row["article_id"] == article["id"]
        assert [(r["action"], r["a"], r["b"]) for r in rows(db, "reviews")] == [("accept", article["id"],
                                                                                  str(row["id"]))]
        again = review(["accept", str(row["id"])], tmp_path, settings)
        assert again.returncode == 1 and "already" in again.stderr
        # the next crawl neither fetches nor stores it again, even with another declaration
        nxt = crawl(site, tmp_path, {k: v for k, v in settings.items() if k != "EXTRACT_SITE_OVERRIDES"})
        assert article_fetches(site) == 1 and nxt.get("storage/articles", 0) == 0
    assert len(rows(db, "articles")) == 1 and not rows(db, "duplicates")


def test_review_reextract_after_a_declaration_change(tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    settings = {**env(tmp_path, redis_settings, key_prefix), **STRICT}
    db = settings["DATABASE_URL"]
    with RouteServer(ROUTES) as site:
        crawl(site, tmp_path, settings)
        proc = review(["reextract", "--site", "feed_site", "--since", "7d"], tmp_path, settings)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "1 re-extracted, 0 stored, 0 duplicates, 1 still rejected" in proc.stdout
        assert not rows(db, "articles") and rows(db, "rejections")[0]["resolution"] == ""
        relaxed = {**settings, "EXTRACT_SITE_OVERRIDES": {"feed_site": {"EXTRACT_MIN_WORDS": 50}}}
        proc = review(["reextract", "--site", "feed_site"], tmp_path, relaxed)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "1 re-extracted, 1 stored, 0 duplicates, 0 still rejected" in proc.stdout
        [article] = rows(db, "articles")
        [row] = rows(db, "rejections")
        assert row["resolution"] == "reextracted" and row["article_id"] == article["id"]
        nothing = review(["reextract", "--site", "feed_site"], tmp_path, relaxed)
        assert "0 re-extracted" in nothing.stdout
        nxt = crawl(site, tmp_path, relaxed)
        assert article_fetches(site) == 1 and nxt.get("storage/articles", 0) == 0
    assert len(rows(db, "articles")) == 1


def test_reextract_updates_the_evidence_of_a_page_still_refused(
        tmp_path: Path, redis_settings: dict, key_prefix: str) -> None:
    settings = {**env(tmp_path, redis_settings, key_prefix), **STRICT}
    with RouteServer(ROUTES) as site:
        crawl(site, tmp_path, settings)
    stricter = {**settings, "EXTRACT_SITE_OVERRIDES": {"feed_site": {"EXTRACT_MIN_WORDS": 5000}}}
    proc = review(["reextract", "--site", "feed_site"], tmp_path, stricter)
    assert proc.returncode == 0 and "1 still rejected" in proc.stdout, proc.stderr[-2000:]
    [row] = rows(settings["DATABASE_URL"], "rejections")
    assert json.loads(row["evidence"])["min_words"] == 5000


def test_old_rejections_lose_their_html(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        for days in (40, 1):
            conn.execute(rejections.insert().values(url=f"https://x.example/{days}", final_url="", site="x",
                                                    reason="NoArticleText", html=zlib.compress(b"<p>x</p>"),
                                                    rejected_at=now - timedelta(days=days)))
    assert store.prune_rejection_html(now - timedelta(days=30)) == 1
    kept = {r["url"]: r["html"] for r in rows(f"sqlite:///{tmp_path / 'p.sqlite3'}", "rejections")}
    assert kept["https://x.example/40"] is None and kept["https://x.example/1"] is not None
    assert store.prune_rejection_html(now - timedelta(days=30)) == 0


def test_report_lists_rejections_per_site_and_reason_escaped(tmp_path: Path) -> None:
    from crawler.report.data import ReportQuery, Thresholds, build_report
    from crawler.report.render import render_html
    from tests.test_report import validate

    db = f"sqlite:///{tmp_path / 'rep.sqlite3'}"
    store = new_store(db)
    hostile = "<script>alert(1)</script>"
    with store.engine.begin() as conn:
        for i, (site, reason) in enumerate([("a", "NoArticleText"), ("a", "NoArticleText"), ("a", "PaywallTeaser"),
                                            ("b", "NotAnArticle")]):
            conn.execute(rejections.insert().values(
                url=f"https://{site}.example/{i}", final_url="", site=site, reason=reason, message=hostile,
                evidence=json.dumps({"words": i, "marker": hostile}), text=hostile, html=zlib.compress(b"x")))
    model = build_report(store, ReportQuery(), Thresholds())
    validate(model)
    section = model["rejections"]
    assert section["total"] == 4
    assert [(r["site"], r["reason"], r["count"]) for r in section["by_site"]] == [
        ("a", "NoArticleText", 2), ("a", "PaywallTeaser", 1), ("b", "NotAnArticle", 1)]
    assert section["pages"][0]["evidence"] == {"words": 3, "marker": hostile}
    assert build_report(store, ReportQuery(site="b"), Thresholds())["rejections"]["total"] == 1
    html = render_html(model)
    assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "scrapy review accept 4" in html and "PaywallTeaser" in html


def test_every_refusal_rule_states_its_evidence() -> None:
    import pytest

    from crawler.items import ArticlePage
    from pipelines.drops import ExtractionFailed, NoArticleText, NotAnArticle, PaywallTeaser, TextTooLong
    from pipelines.extract.extractor import ArticleExtractor
    from tests.test_extraction import page

    def refused(extractor: ArticleExtractor, item: ArticlePage, kind: type) -> dict:
        with pytest.raises(kind) as caught:
            extractor.extract(item)
        return caught.value.evidence

    article = ArticlePage("https://x.example/a/1", "https://x.example/a/1", "x", "2026-11-26T10:00:00+00:00",
                          ARTICLE.decode())
    assert refused(ArticleExtractor(max_text_chars=100), article, TextTooLong)["limit"] == 100
    evidence = refused(ArticleExtractor(min_words=1000), article, NoArticleText)
    assert evidence["min_words"] == 1000 and 100 < evidence["prose_words"] < 1000
    listing = refused(ArticleExtractor(), page("section.html", "https://courier.example/news/"), NotAnArticle)
    assert listing["listing_share"] >= listing["limit"] > 0 and "prose_words" in listing
    paywall = refused(ArticleExtractor(), page("paywall_teaser.html", "https://courier.example/business/osterby"),
                      PaywallTeaser)
    assert paywall["marker"] and paywall["prose_words"] < paywall["limit"]
    empty = ArticlePage("https://x.example/a/2", "https://x.example/a/2", "x", "2026-11-26T10:00:00+00:00", " ")
    assert refused(ArticleExtractor(), empty, ExtractionFailed) == {"html_chars": 1}
