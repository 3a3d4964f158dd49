"""Group commit (``pipelines.storage.batch``) on a real SQLite file: writes wait for their
transaction, one transaction per batch, a failing transaction stores none of its writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from pipelines.dedup.engine import Decision
from pipelines.storage.batch import WriteBatcher
from pipelines.storage.store import Store, prepare
from pipelines.storage.writes import LateMerge, RecordDuplicate, StoreArticle
from tests.test_storage_postgres import article, new_store


def outcomes(deferreds: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for deferred in deferreds:
        deferred.addBoth(seen.append)
    return seen


def stored(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("select count(*) from articles")).scalar()


def test_writes_wait_for_one_transaction_per_batch(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    batcher = WriteBatcher(store, size=3, seconds=3600)
    first = outcomes([batcher.add(StoreArticle(article(i))) for i in (1, 2)])
    assert first == [] and stored(store) == 0  # nothing committed, nothing reported stored
    decision = Decision("duplicate", "near", duplicate_of=f"{1:016x}", scores={"jaccard": 0.8})
    third = outcomes([batcher.add(RecordDuplicate(article(9, "t"), decision))])  # the 3rd write
    assert first == [True, True] and third == [True] and stored(store) == 2
    assert batcher.counts == {"transactions": 1, "max_batch": 3, "failed_writes": 0}
    again = outcomes([batcher.add(StoreArticle(article(1)))])
    batcher.flush()  # the spider closing
    assert again == [False] and stored(store) == 2  # a re-crawl is reported, not stored twice


def test_failed_transaction_stores_none_of_its_writes(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    batcher = WriteBatcher(store, size=10, seconds=3600)
    broken = article(2)
    broken.title = None  # violates NOT NULL: the whole transaction fails
    results = outcomes([batcher.add(StoreArticle(a)) for a in (article(1), broken)])
    batcher.flush()
    assert stored(store) == 0
    assert len(results) == 2 and all(r.check(Exception) for r in results)  # both writes failed, none lost silently
    assert batcher.counts["failed_writes"] == 2


def test_same_article_twice_in_one_batch_is_new_once(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    batcher = WriteBatcher(store, size=3, seconds=3600)
    results = outcomes([batcher.add(StoreArticle(article(i))) for i in (1, 1, 2)])
    assert results == [True, False, True] and stored(store) == 2


def test_spiders_of_one_process_share_one_ordered_batcher(tmp_path: Path) -> None:
    """A late merge recorded by one spider lands after the article another spider stored just
    before it (separate batchers could commit the merge first and miss the article)."""
    from pipelines.storage.batch import acquire_shared, release_shared

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    prepare(url)  # as the storage pipeline does before it acquires the batcher
    harbor, wire = acquire_shared(url, 100, 3600), acquire_shared(url, 100, 3600)
    assert harbor is wire
    kept = outcomes([harbor.add(StoreArticle(article(1, "v"))),
                     harbor.add(StoreArticle(article(2, "h")))])
    merged = outcomes([wire.add(LateMerge(f"{2:016x}", f"{1:016x}"))])
    release_shared(wire)  # the wire spider closes first: flushes everything queued, in order
    assert kept == [True, True] and merged == [True]
    store = harbor.store
    assert [a["id"] for a in store.articles()] == [f"{1:016x}"]
    assert [d["article_id"] for d in store.duplicates()] == [f"{2:016x}"]
    release_shared(harbor)


def test_pending_late_merge_on_sqlite(tmp_path: Path) -> None:
    store = new_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert store.add_article(article(1)) is True
    assert store.merge(f"{2:016x}", into=f"{1:016x}") is False  # its article is not committed yet
    assert store.add_article(article(2, "h")) is True  # committed now: the merge applies
    assert stored(store) == 1 and [d["duplicate_of"] for d in store.duplicates()] == [f"{1:016x}"]


def test_pending_merges_of_several_articles_in_one_batch_all_apply(tmp_path: Path) -> None:
    """The moves waiting for the articles of one batch are looked up together and each applies
    to its own article; an article nothing waits for stays kept."""
    store = new_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert store.add_article(article(1)) is True
    assert store.merge(f"{2:016x}", into=f"{1:016x}") is False
    assert store.merge(f"{3:016x}", into=f"{1:016x}") is False
    assert store.write_batch([StoreArticle(article(n, h)) for n, h in ((2, "h"), (4, "j"), (3, "i"))]) == [True] * 3
    assert stored(store) == 2  # 1 and 4
    assert sorted(d["article_id"] for d in store.duplicates()) == [f"{2:016x}", f"{3:016x}"]
    with store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from pending_merges")).scalar() == 0
