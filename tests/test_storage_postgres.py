"""Storage on PostgreSQL (the same SQLAlchemy code path as SQLite), in a throwaway schema."""

from __future__ import annotations

import pytest

from crawler.items import Article
from pipelines.dedup.engine import Decision
from pipelines.storage.store import Store, open_store


@pytest.fixture
def pg_store(pg_url: str):
    store = open_store(pg_url)
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
    from pipelines.storage.store import Write

    decision = Decision("duplicate", "near", duplicate_of=f"{1:016x}", scores={"jaccard": 0.8})
    results = pg_store.write_batch([
        Write("article", (article(1), None)), Write("article", (article(4, "u"), None)),
        Write("article", (article(1), None)), Write("duplicate", (article(2, "t"), decision, None)),
        Write("merge", (f"{4:016x}", f"{1:016x}", None)), Write("article", (article(5, "v"), None)),
    ])
    assert results == [True, True, False, True, True, True]
    assert sorted(a["id"] for a in pg_store.articles()) == [f"{1:016x}", f"{5:016x}"]
    assert {d["article_id"] for d in pg_store.duplicates()} == {f"{2:016x}", f"{4:016x}"}


def test_late_merge_before_its_article_commits_is_applied_when_it_does(pg_store: Store) -> None:
    """Worker B merges article 2 while worker A's batch holding it is still open: the merge
    waits in ``pending_merges`` and is applied when A commits article 2."""
    from pipelines.storage.store import Write

    assert pg_store.write_batch([Write("article", (article(1), None))]) == [True]
    assert pg_store.write_batch([Write("merge", (f"{2:016x}", f"{1:016x}", None))]) == [False]  # not there yet
    assert pg_store.write_batch([Write("article", (article(2, "h"), None))]) == [True]  # A's batch commits
    assert [a["id"] for a in pg_store.articles()] == [f"{1:016x}"]
    assert [(d["article_id"], d["duplicate_of"]) for d in pg_store.duplicates()] == [(f"{2:016x}", f"{1:016x}")]
