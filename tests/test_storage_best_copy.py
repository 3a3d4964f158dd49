"""A better copy of a story arriving after a worse one was stored: through the dedup and storage
stages (real Redis; SQLite and PostgreSQL), the new one is stored, the old one becomes its
recorded duplicate in the same transaction (``superseded_by``, why), every earlier copy points
at the new article with the scores of that pair, and ``article_replaced`` is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from crawler.items import Article
from crawler.signals import article_replaced
from crawler.urls import article_id
from pipelines.dedup import DedupPipeline
from pipelines.dedup.entry import scores_between
from pipelines.drops import DuplicateDrop
from pipelines.storage import StoragePipeline
from pipelines.storage.store import Store
from pipelines.storage.writes import StoreArticle
from tests.conftest import project_settings, settled
from tests.test_dedup_engine import PARAGRAPHS, STORY


def article(url: str, text_: str, site: str, *, published: str = "", credits: tuple[str, ...] = ()) -> Article:
    return Article(id=article_id(url), url=url, final_url=url, canonical_url=url, site=site,
                   fetched_at="2026-12-01T12:00:00+00:00", title=f"Story at {url}", text=text_, published=published,
                   credits=list(credits))


@pytest.fixture(params=["sqlite", "postgresql"])
def stages(request: pytest.FixtureRequest, redis_settings: dict[str, str], key_prefix: str, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    crawler = get_crawler(settings_dict=project_settings(
        **redis_settings, DEDUP_KEY_PREFIX=key_prefix, DATABASE_URL=url, DEDUP_INDEX_CAPACITY=1000,
        STORAGE_BATCH_SECONDS=0))
    crawler.stats.open_spider()
    replaced: list[tuple[str, str, str]] = []

    def on_replaced(item: Article, replaced: str, why: str, **_: Any) -> None:
        events.append((item.id, replaced, why))

    events = replaced
    crawler.signals.connect(on_replaced, signal=article_replaced)  # held below: signals keep weak references
    dedup, store = build_from_crawler(DedupPipeline, crawler), build_from_crawler(StoragePipeline, crawler)
    yield dedup, store, crawler, replaced
    del on_replaced
    store.close_spider()
    store.store.engine.dispose()


def feed(dedup: DedupPipeline, store: StoragePipeline, item: Article) -> str:
    """Run ``item`` through dedup and storage; 'stored' or 'dropped'."""
    try:
        kept = dedup.process_item(item)
    except DuplicateDrop as drop:
        store.item_dropped(item, None, drop)
        return "dropped"
    settled(store.process_item(kept))
    return "stored"


def rows(store: StoragePipeline, table: str) -> dict[str, dict[str, Any]]:
    key = "id" if table == "articles" else "article_id"
    with store.store.engine.connect() as conn:
        return {r[key]: dict(r) for r in conn.execute(text(f"select * from {table}")).mappings()}  # noqa: S608


def test_the_original_replaces_its_trimmed_reprints_in_one_transaction(stages) -> None:
    dedup, store, crawler, replaced = stages
    reprint = article("http://paper.example/1", "\n\n".join(PARAGRAPHS[:5]), "harbor_gazette",
                      credits=("northern wire",))
    shorter = article("http://third.example/2", "\n\n".join(PARAGRAPHS[:3]), "valley_courier")
    original = article("http://wire.example/3", STORY, "northern_wire")
    assert [feed(dedup, store, a) for a in (reprint, shorter, original)] == ["stored", "dropped", "stored"]

    stored, dropped = rows(store, "articles"), rows(store, "duplicates")
    assert set(stored) == {original.id}
    assert set(dropped) == {reprint.id, shorter.id}
    old = dropped[reprint.id]
    assert (old["duplicate_of"], old["superseded_by"], old["relation"]) == (original.id, original.id,
                                                                           "superseded_credited")
    assert stored[original.id]["dedup_method"] == "replaces"
    for row in dropped.values():  # every copy points at the original, with the scores of that pair
        assert row["duplicate_of"] == original.id
        fresh = scores_between(row["index_entry"], stored[original.id]["index_entry"])
        assert fresh is not None
        assert all(abs(row[k] - v) <= 1e-4 for k, v in fresh.items()), (row["url"], fresh)
    assert dropped[shorter.id]["decided_against"] == reprint.id  # decided against the copy then stored
    assert dropped[shorter.id]["decided_score"] >= dropped[shorter.id]["decided_threshold"] > 0
    assert replaced == [(original.id, reprint.id, "credited")]
    assert crawler.stats.get_value("dedup/replaced/credited") == 1
    assert crawler.stats.get_value("storage/replaced") == 1


def test_a_replacement_waits_for_the_replaced_article_of_another_worker(stages) -> None:
    """The replaced article is not committed yet (another worker's open batch): the move waits in
    ``pending_merges`` and is applied, in the same transaction, when that article is stored."""
    dedup, store, _, _ = stages
    trimmed = article("http://paper.example/1", "\n\n".join(PARAGRAPHS[:4]), "paper")
    original = article("http://wire.example/2", STORY, "wire")
    first = dedup.process_item(trimmed)  # decided, not stored yet
    settled(store.process_item(dedup.process_item(original)))  # replaces it before it is stored
    assert rows(store, "articles").keys() == {original.id}
    with store.store.engine.connect() as conn:
        assert conn.execute(text("select article_id from pending_merges")).scalars().all() == [trimmed.id]
    Store(store.store.engine).write_batch([StoreArticle(first)])
    assert rows(store, "articles").keys() == {original.id}
    assert rows(store, "duplicates")[trimmed.id]["duplicate_of"] == original.id
    with store.store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from pending_merges")).scalar() == 0
