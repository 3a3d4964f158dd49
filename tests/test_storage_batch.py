"""Group commit (``pipelines.storage.batch``) on a real SQLite file: writes wait for their
transaction, one transaction per batch, a failing transaction stores none of its writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from pipelines.dedup.engine import Decision
from pipelines.storage.batch import WriteBatcher
from pipelines.storage.store import Store, Write, make_engine
from tests.test_storage_postgres import article


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def max_value(self, key: str, value: int) -> None:
        self.values[key] = max(self.values.get(key, value), value)


def outcomes(deferreds: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for deferred in deferreds:
        deferred.addBoth(seen.append)
    return seen


def stored(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("select count(*) from articles")).scalar()


def test_writes_wait_for_one_transaction_per_batch(tmp_path: Path) -> None:
    store, stats = Store(make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")), Stats()
    batcher = WriteBatcher(store, size=3, seconds=3600, stats=stats)
    first = outcomes([batcher.add(Write("article", (article(i), None))) for i in (1, 2)])
    assert first == [] and stored(store) == 0  # nothing committed, nothing reported stored
    decision = Decision("duplicate", "near", duplicate_of=f"{1:016x}", scores={"jaccard": 0.8})
    third = outcomes([batcher.add(Write("duplicate", (article(9, "t"), decision, None)))])  # the 3rd write
    assert first == [True, True] and third == [True] and stored(store) == 2
    assert stats.values == {"storage/transactions": 1, "storage/max_batch": 3}
    again = outcomes([batcher.add(Write("article", (article(1), None)))])
    batcher.flush()  # the spider closing
    assert again == [False] and stored(store) == 2  # a re-crawl is reported, not stored twice


def test_failed_transaction_stores_none_of_its_writes(tmp_path: Path) -> None:
    store, stats = Store(make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")), Stats()
    batcher = WriteBatcher(store, size=10, seconds=3600, stats=stats)
    broken = article(2)
    broken.title = None  # violates NOT NULL: the whole transaction fails
    results = outcomes([batcher.add(Write("article", (a, None))) for a in (article(1), broken)])
    batcher.flush()
    assert stored(store) == 0
    assert len(results) == 2 and all(r.check(Exception) for r in results)  # both writes failed, none lost silently
    assert stats.values["storage/failed_writes"] == 2


def test_same_article_twice_in_one_batch_is_new_once(tmp_path: Path) -> None:
    store = Store(make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    batcher = WriteBatcher(store, size=3, seconds=3600)
    results = outcomes([batcher.add(Write("article", (article(i), None))) for i in (1, 1, 2)])
    assert results == [True, False, True] and stored(store) == 2
