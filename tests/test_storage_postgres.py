"""Storage on PostgreSQL (the same SQLAlchemy code path as SQLite), in a throwaway schema."""

from __future__ import annotations

import pytest

from crawler.items import Article
from pipelines.dedup.engine import Decision
from pipelines.storage.store import Store, open_store, prepare
from pipelines.storage.writes import LateMerge, RecordDuplicate, StoreArticle


def new_store(url: str) -> Store:
    """A store on ``url`` with its tables created first (what a writer does)."""
    prepare(url)
    return open_store(url)


@pytest.fixture
def pg_store(pg_url: str):
    store = new_store(pg_url)
    yield store
    store.engine.dispose()


def article(i: int, site: str = "s") -> Article:
    return Article(id=f"{i:016x}", url=f"http://{site}/a/{i}", final_url=f"http://{site}/a/{i}",
                   canonical_url=f"http://{site}/a/{i}", site=site, fetched_at="2026-11-26T10:00:00+00:00",
                   title=f"T{i}", text=f"text {i}", authors=["A B"])


def test_postgres_store_is_idempotent_and_reports_new_rows(pg_store: Store) -> None:
    assert pg_store.add_article(article(1)) is True
    assert pg_store.add_article(article(1)) is False  # a re-crawl: not stored twice
    decision = Decision("duplicate", "near", duplicate_of=f"{1:016x}", scores={"jaccard": 0.8})
    assert pg_store.add_duplicate(article(2, "t"), decision) is True
    assert pg_store.add_duplicate(article(2, "t"), decision) is False
    assert pg_store.add_article(article(3, "u")) is True
    assert pg_store.merge(f"{3:016x}", into=f"{1:016x}") is True  # late merge moves it
    assert [a["id"] for a in pg_store.articles()] == [f"{1:016x}"]
    assert {d["article_id"] for d in pg_store.duplicates()} == {f"{2:016x}", f"{3:016x}"}


def test_postgres_batch_is_one_transaction_in_order(pg_store: Store) -> None:
    """Group commit on PostgreSQL: multi-row inserts report new rows per write, a key twice in
    one batch is new once, and a merge sees the article stored earlier in the same batch."""
    decision = Decision("duplicate", "near", duplicate_of=f"{1:016x}", scores={"jaccard": 0.8})
    results = pg_store.write_batch([
        StoreArticle(article(1)), StoreArticle(article(4, "u")),
        StoreArticle(article(1)), RecordDuplicate(article(2, "t"), decision),
        LateMerge(f"{4:016x}", f"{1:016x}"), StoreArticle(article(5, "v")),
    ])
    assert results == [True, True, False, True, True, True]
    assert sorted(a["id"] for a in pg_store.articles()) == [f"{1:016x}", f"{5:016x}"]
    assert {d["article_id"] for d in pg_store.duplicates()} == {f"{2:016x}", f"{4:016x}"}


def test_late_merge_before_its_article_commits_is_applied_when_it_does(pg_store: Store) -> None:
    """Worker B merges article 2 while worker A's batch holding it is still open: the merge
    waits in ``pending_merges`` and is applied when A commits article 2."""
    assert pg_store.write_batch([StoreArticle(article(1))]) == [True]
    assert pg_store.write_batch([LateMerge(f"{2:016x}", f"{1:016x}")]) == [False]  # not there yet
    assert pg_store.write_batch([StoreArticle(article(2, "h"))]) == [True]  # A's batch commits
    assert [a["id"] for a in pg_store.articles()] == [f"{1:016x}"]
    assert [(d["article_id"], d["duplicate_of"]) for d in pg_store.duplicates()] == [(f"{2:016x}", f"{1:016x}")]
