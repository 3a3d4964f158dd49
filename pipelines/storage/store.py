"""Storage through SQLAlchemy (SQLite file by default, PostgreSQL via ``DATABASE_URL``).

Writes are idempotent (``INSERT … ON CONFLICT DO NOTHING``) so a re-crawl or a retry after
a crash never stores an article twice; parameters are always bound, never formatted in.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from crawler.items import Article
from pipelines.storage.models import articles, duplicates, metadata


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; an SQLite file's folder is created if missing."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


class Store:
    """Reads and writes the ``articles`` and ``duplicates`` tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def add_article(self, article: Article) -> bool:
        """Store ``article``; False when its id or URL was already stored."""
        row = {k: v for k, v in asdict(article).items() if k != "dedup"}
        row["authors"] = json.dumps(row.get("authors") or [], ensure_ascii=False)
        row["dedup_method"] = article.dedup.get("method", "new")
        row["updates_id"] = article.dedup.get("updates")
        stmt = self._insert(articles).values(**row).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def add_duplicate(self, article: Article, decision: Any) -> bool:
        """Record a dropped copy; False when that copy was recorded before."""
        row = {
            "article_id": article.id,
            "url": article.url,
            "site": article.site,
            "title": article.title,
            "text": article.text,
            "author": article.author,
            "published": article.published,
            "fetched_at": article.fetched_at,
            "duplicate_of": decision.duplicate_of,
            "method": decision.method,
            "jaccard": decision.scores.get("jaccard", 0.0),
            "contained": decision.scores.get("contained", 0.0),
            "contains": decision.scores.get("contains", 0.0),
            "relation": decision.relation,
        }
        stmt = self._insert(duplicates).values(**row).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1

    def merge(self, article_id: str, into: str) -> bool:
        """Late merge: move stored article ``article_id`` into ``duplicates`` as a copy of ``into``.

        Used when a later article shows that two stored ones are the same story (two trimmed
        reprints stored before their original arrived). One transaction; False if absent.
        """
        with self.engine.begin() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings().first()
            if row is None:
                return False
            conn.execute(
                self._insert(duplicates).values(
                    article_id=row["id"], url=row["url"], site=row["site"], title=row["title"], text=row["text"],
                    author=row["author"], published=row["published"], fetched_at=row["fetched_at"],
                    duplicate_of=into, method="merged", relation="late_merge",
                ).on_conflict_do_nothing()
            )
            conn.execute(articles.delete().where(articles.c.id == article_id))
            conn.execute(duplicates.update().where(duplicates.c.duplicate_of == article_id).values(duplicate_of=into))
        return True

    def articles(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(articles))]

    def duplicates(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(duplicates))]
