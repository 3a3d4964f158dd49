"""Storage of best-copy decisions committed out of order, as two workers' batches do: decisions
from the real dedup stage on a real Redis, the writes the storage stage makes of them, committed
in chosen orders on SQLite and PostgreSQL. Each test is one interleaving the race test
(``test_best_copy_race``) met: the kept article is the best copy, every other copy is one
``duplicates`` row pointing at it with the scores against it, nothing waits in
``pending_merges``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text

from crawler.items import Article
from crawler.urls import article_id
from pipelines.dedup import DedupPipeline
from pipelines.dedup.entry import scores_between
from pipelines.drops import DuplicateDrop
from pipelines.storage.models import articles, duplicates, pending_merges
from pipelines.storage.store import Store
from pipelines.storage.writes import RecordDuplicate, StoreArticle
from tests.conftest import project_settings
from tests.test_dedup_engine import PARAGRAPHS, STORY
from tests.test_storage_postgres import new_store

Decided = StoreArticle | RecordDuplicate  # the write the dedup stage's decision on a page makes
THREE, FIVE = "\n\n".join(PARAGRAPHS[:3]), "\n\n".join(PARAGRAPHS[:5])


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = new_store(url)
    yield store
    store.engine.dispose()


@pytest.fixture
def decide(redis_settings: dict[str, str], key_prefix: str, tmp_path: Path) -> Callable[[str, str], Decided]:
    """``decide(site, text)``: the dedup stage's decision on that page, as the storage write it
    makes (``article`` for a kept one, ``duplicate`` for a dropped one)."""
    crawler = get_crawler(settings_dict=project_settings(**redis_settings, DEDUP_KEY_PREFIX=key_prefix,
                                                         DEDUP_INDEX_CAPACITY=1000, DEDUP_KEEP="best"))
    crawler.stats.open_spider()
    stage = build_from_crawler(DedupPipeline, crawler)

    def write(site: str, text: str) -> Decided:
        url = f"http://{site}.example/story"
        item = Article(id=article_id(url), url=url, final_url=url, canonical_url=url, site=site,
                       fetched_at="2026-03-01T10:00:00+00:00", title=site, text=text)
        try:
            return StoreArticle(stage.process_item(item))
        except DuplicateDrop as drop:
            return RecordDuplicate(drop.article, drop.decision)

    return write


def tables(store: Store) -> tuple[set[str], dict[str, dict[str, Any]], list[Any]]:
    """(stored ids, duplicates rows by article id, pending merges)."""
    with store.engine.connect() as conn:
        kept = {r.id for r in conn.execute(select(articles.c.id))}
        dups = {r["article_id"]: dict(r) for r in conn.execute(select(duplicates)).mappings()}
        waiting = list(conn.execute(select(pending_merges)))
    return kept, dups, waiting


def entry(write: Decided) -> bytes:
    return write.article.dedup["entry"] if isinstance(write, StoreArticle) else write.decision.entry


def assert_kept(store: Store, kept: Decided, *copies: Decided) -> dict[str, dict[str, Any]]:
    stored, dups, waiting = tables(store)
    assert stored == {kept.article.id} and not waiting
    assert set(dups) == {c.article.id for c in copies}
    for copy in copies:
        row = dups[copy.article.id]
        assert row["duplicate_of"] == kept.article.id
        want = scores_between(entry(copy), entry(kept))
        assert {k: row[k] for k in want} == pytest.approx(want, abs=1e-4)
    return dups


def test_a_recrawl_decided_before_the_replacement_is_not_stored_again(store: Store, decide: Callable) -> None:
    three = decide("paper", THREE)
    assert store.write_batch([three]) == [True]
    recrawl = decide("paper", THREE)  # "self": still the kept copy; its batch stays open
    full = decide("wire", STORY)  # replaces it, and commits first
    assert full.article.dedup["replaces"] == three.article.id
    assert store.write_batch([full]) == [True]
    assert store.write_batch([recrawl]) == [False]
    assert assert_kept(store, full, three)[three.article.id]["relation"] == "superseded_fuller"


def test_a_copy_recorded_after_its_kept_article_was_replaced_points_at_the_new_one(
        store: Store, decide: Callable) -> None:
    three = decide("paper", THREE)
    store.write_batch([three])
    copy = decide("other", THREE + "\n\nShared from the harbor desk.")  # a copy of the kept one, not committed
    assert isinstance(copy, RecordDuplicate) and copy.decision.duplicate_of == three.article.id
    full = decide("wire", STORY)
    store.write_batch([full])
    store.write_batch([copy])
    assert_kept(store, full, three, copy)


def test_a_replacement_waiting_for_its_article_keeps_its_reason(store: Store, decide: Callable) -> None:
    three = decide("paper", THREE)  # another worker's batch, still open
    full = decide("wire", STORY)
    store.write_batch([full])  # the replaced article is not there yet: the move waits
    assert len(tables(store)[2]) == 1
    store.write_batch([three])
    row = assert_kept(store, full, three)[three.article.id]
    assert (row["relation"], row["superseded_by"]) == ("superseded_fuller", full.article.id)


def test_a_chain_of_replacements_committed_backwards_ends_at_the_last(store: Store, decide: Callable) -> None:
    three = decide("paper", THREE)
    store.write_batch([three])
    five = decide("daily", FIVE)  # replaces the three paragraphs; its batch stays open
    full = decide("wire", STORY)  # replaces the five paragraphs, commits first: the move waits
    assert five.article.dedup["replaces"] == three.article.id and full.article.dedup["replaces"] == five.article.id
    store.write_batch([full])
    store.write_batch([five])
    dups = assert_kept(store, full, three, five)
    assert dups[three.article.id]["superseded_by"] == five.article.id  # who replaced it, kept as it happened


@pytest.mark.parametrize("kept_first", [True, False])
def test_a_recrawl_dropped_before_the_replacement_commits(store: Store, decide: Callable, kept_first: bool) -> None:
    """The replaced article re-crawled ("seen") and recorded before the replacement commits, its
    own article write committed before (``kept_first``) or after everything else."""
    three = decide("paper", THREE)
    if kept_first:
        store.write_batch([three])
    full = decide("wire", STORY)
    seen = decide("paper", THREE)
    assert isinstance(seen, RecordDuplicate) and seen.decision.verdict == "seen"
    store.write_batch([seen])
    store.write_batch([full])
    if not kept_first:
        assert store.write_batch([three]) == [False]  # recorded as a copy already: not stored
    row = assert_kept(store, full, three)[three.article.id]
    assert (row["relation"], row["superseded_by"]) == ("superseded_fuller", full.article.id)


def test_a_recrawled_copy_recorded_before_its_kept_article_gets_its_scores(store: Store, decide: Callable) -> None:
    """A dropped copy re-crawled ("seen", no scores of its own) and recorded before the kept
    article and before its own first decision commit: scores against the kept one when it does,
    and the row of its own decision when that one does."""
    full = decide("wire", STORY)
    copy = decide("paper", THREE)
    seen = decide("paper", THREE)
    assert seen.decision.verdict == "seen" and copy.decision.verdict == "duplicate"
    store.write_batch([seen])
    store.write_batch([full])
    assert store.write_batch([copy]) == [False]  # recorded already, by its re-crawl
    row = assert_kept(store, full, copy)[copy.article.id]
    assert (row["method"], row["decided_against"]) == (copy.decision.method, full.article.id)  # its own decision

def test_a_batch_aborted_as_deadlock_victim_is_retried(pg_url: str, decide: Callable) -> None:
    """A copy's batch locks its kept article, finds it replaced, and waits for the replacing one,
    which another transaction holds while it waits for the first: PostgreSQL aborts the batch
    (the first to wait, with the shorter ``deadlock_timeout``), and the batch is tried again."""
    store = new_store(pg_url)
    three = decide("paper", THREE)
    store.write_batch([three])
    copy = decide("other", THREE + "\n\nShared from the harbor desk.")
    full = decide("wire", STORY)
    store.write_batch([full])
    three_id, full_id = three.article.id, full.article.id
    results: list[Any] = []
    with store.engine.connect() as other:
        other.execute(text("SET LOCAL deadlock_timeout = '10s'"))
        store._lock(other, [full_id])
        batch = threading.Thread(target=lambda: results.append(store.write_batch([copy])))
        batch.start()
        time.sleep(0.3)  # the batch holds three's lock and waits for full's
        store._lock(other, [three_id])  # granted once the batch is aborted
        other.rollback()
    batch.join(timeout=30)
    assert results == [[True]]
    assert_kept(store, full, three, copy)
    store.engine.dispose()
