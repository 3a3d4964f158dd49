"""Extraction, dedup and storage stages as Scrapy components, on a real Redis and SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from crawler.items import Article, ArticlePage
from pipelines.dedup import DedupPipeline
from pipelines.drops import (
    AlreadyDropped,
    AlreadyStored,
    ContainedDuplicate,
    DuplicateDrop,
    NearDuplicate,
    NoArticleText,
    NotAnArticle,
    drop_class,
    drop_classes,
    drop_for,
)
from pipelines.extract import ExtractionPipeline
from pipelines.storage import StoragePipeline
from tests.conftest import project_settings, settled

BODY = "".join(
    f"<p>Paragraph {i}: the river authority said the dam at {place} needs {i + 3} new gates, and "
    f"engineer {who} warned that repairs would take {i + 1} seasons and cost {i * 9 + 4} million.</p>"
    for i, (place, who) in enumerate(
        [("Kell Falls", "Ana Brook"), ("Osterby", "Tim Vale"), ("Mirren", "Joy Hart"), ("Padley", "Sam Orr"),
         ("Quill Ford", "Eve Marsh"), ("Rowan Gap", "Ned Pike")]
    )
)


def page_html(title: str, body: str, extra: str = "") -> str:
    return (
        f"<html lang='en'><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<div class='cookie'>We use cookies to improve your experience. Accept all</div>"
        f"<article><h1>{title}</h1>{body}</article>{extra}"
        "<section class='comments'><h3>Leave a Reply</h3><p>No votes yet.</p>"
        "<form><input name='email'><textarea></textarea></form></section>"
        "<footer>© 2026 The Test Times</footer></body></html>"
    )


def page(url: str, html: str, site: str = "site") -> ArticlePage:
    return ArticlePage(url=url, final_url=url, site=site, fetched_at="2026-11-26T10:00:00+00:00", html=html)


@pytest.fixture
def crawler(redis_settings: dict[str, str], key_prefix: str, tmp_path: Path):
    settings = project_settings(
        **redis_settings,
        DEDUP_KEY_PREFIX=key_prefix,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEDUP_INDEX_CAPACITY=1000,
        STORAGE_BATCH_SECONDS=0,  # commit at once: no reactor runs in these tests
    )
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    return crawler


def test_extraction_drops_comment_form_and_cookie_banner(crawler) -> None:
    stage = build_from_crawler(ExtractionPipeline, crawler)
    article = settled(stage.process_item(page("http://t.example/a/1", page_html("Dam needs repairs", BODY))))
    assert isinstance(article, Article)
    assert "river authority" in article.text
    assert "Leave a Reply" not in article.text and "cookies" not in article.text
    assert article.language == "en" and article.title == "Dam needs repairs"


def test_extraction_drops_empty_and_listing_pages(crawler) -> None:
    stage = build_from_crawler(ExtractionPipeline, crawler)
    with pytest.raises(NoArticleText):
        settled(stage.process_item(page("http://t.example/a/2", page_html("Empty", ""))))
    listing = "<ul>" + "".join(f"<li><a href='/a/{i}'>Headline number {i}</a></li>" for i in range(30)) + "</ul>"
    with pytest.raises((NoArticleText, NotAnArticle)):
        settled(stage.process_item(page("http://t.example/news/", page_html("News", listing))))


def test_extraction_cpu_time_counts_kept_and_rejected_pages(crawler) -> None:
    stage = build_from_crawler(ExtractionPipeline, crawler)
    assert stage.pool is None  # in-process extraction: the stat's case
    settled(stage.process_item(page("http://t.example/a/1", page_html("Dam needs repairs", BODY))))
    kept = crawler.stats.get_value("extract/cpu_seconds")
    assert kept > 0
    with pytest.raises(NoArticleText):
        settled(stage.process_item(page("http://t.example/a/2", page_html("Empty", ""))))
    assert crawler.stats.get_value("extract/cpu_seconds") > kept


def test_dedup_then_storage_records_duplicate_with_scores(crawler) -> None:
    extract = build_from_crawler(ExtractionPipeline, crawler)
    dedup = build_from_crawler(DedupPipeline, crawler)
    store = build_from_crawler(StoragePipeline, crawler)
    original = settled(extract.process_item(page("http://wire.example/w/1", page_html("Dam gates", BODY), "wire")))
    assert settled(store.process_item(dedup.process_item(original))) is original
    trimmed_body = BODY[: BODY.index("<p>Paragraph 3")]
    copy_page = page("http://paper.example/s/9", page_html("Local dam", trimmed_body), "paper")
    copy = settled(extract.process_item(copy_page))
    with pytest.raises(DuplicateDrop) as dropped:
        dedup.process_item(copy)
    store.item_dropped(copy, None, dropped.value)
    # a re-crawl of the kept article is not stored twice
    again = settled(extract.process_item(page("http://wire.example/w/1", page_html("Dam gates", BODY), "wire")))
    with pytest.raises(AlreadyStored):
        settled(store.process_item(dedup.process_item(again)))
    with store.store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from articles")).scalar() == 1
        row = conn.execute(
            text("select duplicate_of, method, jaccard, contained, site, title from duplicates where url = :u"),
            {"u": "http://paper.example/s/9"},
        ).one()
    assert row.duplicate_of == original.id and row.method == dropped.value.decision.method
    assert row.contained >= 0.65 and row.jaccard == dropped.value.decision.scores["jaccard"]
    assert row.site == "paper" and row.title == "Local dam"
    assert crawler.stats.get_value("storage/duplicates") == 1


def _unreachable_crawler(tmp_path: Path, policy: str) -> Any:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return get_crawler(settings_dict=project_settings(
        REDIS_URL=f"redis://127.0.0.1:{port}/0", REDIS_SOCKET_TIMEOUT=1.0, DEDUP_ON_REDIS_DOWN=policy,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STORAGE_BATCH_SECONDS=0,
    ))


def test_unreachable_redis_stops_and_stores_nothing(tmp_path: Path) -> None:
    from crawler.redis_health import RedisUnavailable

    crawler = _unreachable_crawler(tmp_path, "stop")
    crawler.stats.open_spider()
    extract = build_from_crawler(ExtractionPipeline, crawler)
    dedup = build_from_crawler(DedupPipeline, crawler)  # does not raise
    store = build_from_crawler(StoragePipeline, crawler)
    article = settled(extract.process_item(page("http://t.example/a/9", page_html("Dam gates", BODY))))
    with pytest.raises(RedisUnavailable):
        dedup.process_item(article)
    assert crawler.stats.get_value("dedup/redis_unavailable") == 1
    with store.store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from articles")).scalar() == 0


def test_unreachable_redis_keeps_articles_unchecked(tmp_path: Path, caplog) -> None:
    crawler = _unreachable_crawler(tmp_path, "store-unchecked")
    crawler.stats.open_spider()
    extract = build_from_crawler(ExtractionPipeline, crawler)
    dedup = build_from_crawler(DedupPipeline, crawler)  # does not raise
    store = build_from_crawler(StoragePipeline, crawler)
    article = settled(extract.process_item(page("http://t.example/a/9", page_html("Dam gates", BODY))))
    assert settled(store.process_item(dedup.process_item(article))) is article
    assert crawler.stats.get_value("dedup/redis_unavailable") == 1
    assert "storing articles unchecked" in caplog.text
    with store.store.engine.connect() as conn:
        assert conn.execute(text("select dedup_method from articles")).scalar() == "unchecked"


def test_each_dedup_method_has_one_drop_class() -> None:
    """The dedup stage raises the drop its method names; a method that keeps the article has none."""
    methods = {cls.method: cls for cls in drop_classes() if issubclass(cls, DuplicateDrop) and cls.method}
    assert set(methods) == {"url", "exact", "near", "containment", "seen"}  # the index's duplicate methods
    assert all(drop_for(method) is cls for method, cls in methods.items())
    assert (drop_for("near"), drop_for("containment"), drop_for("seen")) == (NearDuplicate, ContainedDuplicate,
                                                                              AlreadyDropped)
    for kept in ("new", "update", "self", "thin", ""):
        with pytest.raises(KeyError):
            drop_for(kept)
    assert drop_class("NoArticleText") is NoArticleText and drop_class("RedisUnavailable") is None
