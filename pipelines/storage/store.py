"""Storage through SQLAlchemy (SQLite file by default, PostgreSQL via ``DATABASE_URL``).

Opening: ``prepare(database_url)`` creates the tables or migrates them to the newest schema —
the only DDL of the project, run by the writers' entry points (the storage stage, the run
recorder, the crawl and review commands, prune); ``open_store(database_url)`` opens a ``Store``
without DDL and raises ``SchemaNotReady`` (one line) when the schema is missing or older, so
a reader (a report) never changes the database.

Writes are typed (``pipelines.storage.writes``) and idempotent (``INSERT … ON CONFLICT DO
NOTHING``) so a re-crawl or a retry after a crash never stores an article twice, and an
article recorded as a copy is not stored again; moves between the tables
(``pipelines.storage.moves``) hold whatever order concurrent workers commit in. Parameters are
always bound, never formatted in. Also records crawl runs (``runs``) and review actions
(``reviews``: restore, distinct).
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from crawler.items import Article
from pipelines.drops import CopyDecision
from pipelines.shared import SharedByKey
from pipelines.storage import moves
from pipelines.storage.models import articles, duplicates, rejections, reviews, runs
from pipelines.storage.schema import SchemaNotReady, require_current, upgrade
from pipelines.storage.writes import LateMerge, RecordDuplicate, RecordRejection, StoreArticle, Write

__all__ = ["SchemaNotReady", "Store", "Write", "make_engine", "open_store", "prepare"]


def make_engine(database_url: str, connect_timeout: float | None = None) -> Engine:
    """An engine for ``database_url``; an SQLite file's folder is created if missing.

    ``connect_timeout`` (seconds) bounds the opening of a PostgreSQL connection (libpq counts
    whole seconds); None keeps the driver's default.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args: dict[str, Any] = {}
    if connect_timeout is not None and url.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = max(1, math.ceil(connect_timeout))
    return create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)


def prepare(database_url: str) -> None:
    """Create the tables of ``database_url``, or migrate them to the newest schema keeping every
    row (``pipelines.storage.schema.upgrade``: under a cross-process lock, once per process).
    What every writer runs before it opens the store; readers never do."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def open_store(database_url: str) -> Store:
    """A ``Store`` on ``database_url``, no DDL run. Raises ``SchemaNotReady`` when the database
    has no tables yet or an older schema (``prepare`` makes it current)."""
    store = Store(make_engine(database_url))
    try:
        require_current(store.engine)
    except BaseException:
        store.engine.dispose()
        raise
    return store


_shared_stores: SharedByKey[str, Store] = SharedByKey()


def acquire_shared_store(database_url: str) -> Store:
    """The one ``Store`` (one engine, one connection pool) of this process on ``database_url``,
    shared by the run recorders and the write batcher of every spider the process runs; pair
    with ``release_shared_store``."""
    return _shared_stores.acquire(database_url, lambda: open_store(database_url))


def release_shared_store(store: Store) -> None:
    """One user fewer; the last disposes of the engine."""
    if _shared_stores.release(store) == 0:
        store.engine.dispose()


_DEADLOCK_RETRIES = 2  # a batch aborted as a PostgreSQL deadlock victim is tried this many more times


class Store:
    """Reads and writes the ``articles``, ``duplicates``, ``rejections``, ``runs`` and ``reviews``
    tables of a database whose schema is current (``prepare`` makes it so)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def _inserted(self, conn: Any, table: Table, row: dict[str, Any]) -> bool:
        """``INSERT … ON CONFLICT DO NOTHING RETURNING``: True when the row was new.

        (``rowcount`` is not reliable for this statement on every driver: psycopg reports 0.)
        """
        stmt = self._insert(table).values(**row).on_conflict_do_nothing().returning(*table.primary_key.columns)
        return conn.execute(stmt).first() is not None

    def _inserted_many(self, conn: Any, table: Table, key: str, rows: list[dict[str, Any]]) -> list[bool]:
        """One multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING key`` (SQLAlchemy's
        insertmanyvalues): per row, True when it was new. A key twice in ``rows``: the first wins."""
        stmt = self._insert(table).on_conflict_do_nothing().returning(table.c[key])
        new = {row[0] for row in conn.execute(stmt, rows)}
        out = []
        for row in rows:
            out.append(row[key] in new)
            new.discard(row[key])
        return out

    def add_article(self, article: Article, run_id: int | None = None) -> bool:
        """Store ``article``; False when its id or URL was already stored."""
        return self.write_batch([StoreArticle(article, run_id)])[0]

    def add_duplicate(self, article: Article, decision: CopyDecision, run_id: int | None = None) -> bool:
        """Record a dropped copy; False when that copy was recorded before."""
        return self.write_batch([RecordDuplicate(article, decision, run_id)])[0]

    def merge(self, article_id: str, into: str, run_id: int | None = None) -> bool:
        """Late merge: move stored article ``article_id`` into ``duplicates`` as a copy of ``into``.

        Used when a later article shows that two stored ones are the same story (two trimmed
        reprints stored before their original arrived). False when ``article_id`` is not stored
        (yet): the merge then waits in ``pending_merges`` until it is.
        """
        return self.write_batch([LateMerge(article_id, into, run_id)])[0]

    def write_batch(self, writes: list[Write]) -> list[bool]:
        """Apply ``writes`` in order in ONE transaction; each one's result (True = a new row / moved).

        Runs of articles or of duplicates go in one multi-row statement each. All or nothing: if
        the transaction fails, none of them is stored and the error is raised; one PostgreSQL
        aborted as a deadlock victim (two workers' moves reaching each other's ids) is retried.
        """
        retries = _DEADLOCK_RETRIES
        while True:
            try:
                with self.engine.begin() as conn:
                    return self._write(conn, writes)
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) != "40P01" or retries == 0:
                    raise
                retries -= 1

    def tx(self, conn: Any) -> moves.Tx:
        """The moves of ``pipelines.storage.moves`` inside the transaction of ``conn``."""
        return moves.Tx(conn, self._insert, lambda ids: self._lock(conn, ids))

    def _write(self, conn: Any, writes: list[Write]) -> list[bool]:
        tx = self.tx(conn)
        # every id this batch stores, moves or points a copy at, locked up front in one sorted
        # order (no deadlock between two workers' batches); SQLite: the whole transaction
        self._begin(conn, [i for w in writes for i in w.ids()])
        results: list[bool] = []
        for kind, group in itertools.groupby(writes, key=type):
            run: list[Any] = list(group)  # consecutive writes of one kind
            if kind is StoreArticle:
                results += self._write_articles(tx, run)
            elif kind is RecordDuplicate:
                results += self._write_duplicates(tx, run)
            elif kind is LateMerge:
                results += [moves.merge(tx, w.article_id, w.into, w.run_id, w.rescore) for w in run]
            elif kind is RecordRejection:
                conn.execute(rejections.insert(), [w.row() for w in run])
                results += [True] * len(run)
            else:
                raise TypeError(f"not a storage write: {run[0]!r}")
        return results

    def _write_articles(self, tx: moves.Tx, writes: list[StoreArticle]) -> list[bool]:
        """Store articles; one recorded as a copy already (a re-crawl decided before its
        replacement committed) is not stored again. Replacements are applied, then moves that
        waited for these articles."""
        rows = [w.row() for w in writes]
        copies = moves.present(tx, duplicates.c.article_id, [row["id"] for row in rows])
        fresh = [row for row in rows if row["id"] not in copies]
        inserted = iter(self._inserted_many(tx.conn, articles, "id", fresh) if fresh else [])
        new = [False if row["id"] in copies else next(inserted) for row in rows]
        stored = {row["id"]: (row["index_entry"], w.article.dedup.get("rescore"))
                  for w, row, ok in zip(writes, rows, new, strict=True) if ok}
        moves.rescore_copies(tx, stored)
        for w in writes:
            if w.article.dedup.get("replaces"):
                moves.supersede(tx, w.article, w.run_id)
        moves.apply_pending_merges(tx, {article_id: rescore for article_id, (_, rescore) in stored.items()})
        return new

    def _write_duplicates(self, tx: moves.Tx, writes: list[RecordDuplicate]) -> list[bool]:
        """Record dropped copies, each pointing at what its kept article stands for now. A copy of
        a stored article (a re-crawl of a kept article replaced since) moves it; then moves that
        waited for these copies are applied."""
        rows = [w.row() for w in writes]
        rescores = [w.decision.rescore for w in writes]
        stored = moves.present(tx, articles.c.id, [row["article_id"] for row in rows])
        results: dict[int, bool] = {}
        for i, row in enumerate(rows):
            if row["article_id"] in stored:
                values = {k: row[k] for k in ("method", "relation", "decided_score", "decided_threshold",
                                              "decided_against")}
                results[i] = moves.move(tx, row["article_id"], row["duplicate_of"], row["run_id"], rescores[i], values)
        todo = [i for i in range(len(rows)) if i not in results]
        moves.point_rows(tx, [rows[i] for i in todo], [rescores[i] for i in todo])
        new = self._inserted_many(tx.conn, duplicates, "article_id", [rows[i] for i in todo]) if todo else []
        results.update(zip(todo, new, strict=True))
        moves.replace_recrawls(tx, [rows[i] for i, ok in zip(todo, new, strict=True) if not ok])
        moves.apply_pending_merges(tx, {rows[i]["article_id"]: rescores[i] for i in todo if results[i]})
        return [results[i] for i in range(len(rows))]

    def _begin(self, conn: Any, ids: list[str]) -> None:
        """Start a write transaction: on SQLite take the write lock now (``BEGIN IMMEDIATE``: what
        the transaction reads stays true until it commits, as another writer waits); on
        PostgreSQL lock ``ids`` (``_lock``)."""
        if self.engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        self._lock(conn, ids)

    def _lock(self, conn: Any, ids: list[str]) -> None:
        """PostgreSQL: serialise transactions that store, move or point copies at the same article
        ids (a transaction-scoped advisory lock per id), so a move and a write naming its article,
        made by two workers at once, always see each other. SQLite serialises writers by itself."""
        if self.engine.dialect.name == "postgresql" and ids:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(i)) FROM unnest(CAST(:ids AS text[])) AS i"),
                         {"ids": sorted(set(ids))})

    # --- runs -------------------------------------------------------------------------------------

    def start_run(self, spider: str, started_at: datetime, session: str = "") -> int:
        """Record the start of a crawl of ``spider``; returns the new run id."""
        with self.engine.begin() as conn:
            result = conn.execute(runs.insert().values(spider=spider, session=session, started_at=started_at))
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, finished_at: datetime, reason: str, stats: dict[str, Any]) -> None:
        """Record the end of run ``run_id``: why it finished and its final Scrapy stats."""
        values = {"finished_at": finished_at, "finish_reason": reason or "", "stats": json.dumps(stats, default=str)}
        with self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(**values))

    # --- review: restore a dropped copy, record a false positive --------------------------------------

    def find_duplicate(self, dup_id: str) -> dict[str, Any] | None:
        """The ``duplicates`` row named by its ``article_id`` (16 hex) or its numeric ``id``."""
        with self.engine.connect() as conn:
            row = conn.execute(select(duplicates).where(duplicates.c.article_id == dup_id)).mappings().first()
            if row is None and dup_id.isdigit():
                row = conn.execute(select(duplicates).where(duplicates.c.id == int(dup_id))).mappings().first()
        return dict(row) if row is not None else None

    def restore(self, dup_id: str, note: str = "", index_seq: int | None = None) -> dict[str, Any]:
        """Move dropped copy ``dup_id`` into ``articles`` (method ``restored``) and log a review; one transaction.

        ``index_seq``: the number the dedup index gave the change (kept with the review). Returns
        the former ``duplicates`` row. Raises ``LookupError`` when there is no such dropped copy,
        ``ValueError`` when its id or URL is already stored.
        """
        row = self.find_duplicate(dup_id)
        if row is None:
            raise LookupError(f"no dropped copy {dup_id!r}")
        article = {
            "id": row["article_id"], "url": row["url"], "final_url": row["url"], "canonical_url": row["url"],
            "site": row["site"], "title": row["title"], "author": row["author"], "published": row["published"],
            "text": row["text"], "fetched_at": row["fetched_at"], "dedup_method": "restored", "updates_id": None,
            "run_id": row["run_id"], "index_seq": row["index_seq"], "index_entry": row["index_entry"],
            "warc_file": row["warc_file"], "warc_offset": row["warc_offset"],
        }
        with self.engine.begin() as conn:
            if not self._inserted(conn, articles, article):
                raise ValueError(f"cannot restore {row['article_id']}: its id or URL is already stored")
            conn.execute(duplicates.delete().where(duplicates.c.id == row["id"]))
            conn.execute(
                reviews.insert().values(action="restore", a=row["article_id"], b=row["duplicate_of"], note=note,
                                        index_seq=index_seq)
            )
        return row

    def add_review(self, action: str, a: str, b: str = "", note: str = "", index_seq: int | None = None) -> int:
        """Log a review action (``restore`` | ``distinct`` | ``reconcile``) in the audit trail; returns its id."""
        with self.engine.begin() as conn:
            result = conn.execute(reviews.insert().values(action=action, a=a, b=b, note=note, index_seq=index_seq))
            return int(result.inserted_primary_key[0])

    def article_exists(self, article_id: str) -> bool:
        """Whether ``article_id`` is stored (``articles``) or recorded as a dropped copy (``duplicates``)."""
        with self.engine.connect() as conn:
            for column in (articles.c.id, duplicates.c.article_id):
                if conn.execute(select(column).where(column == article_id)).first() is not None:
                    return True
        return False

    # --- rejections: pages refused by extraction, kept for review -----------------------------------

    def prune_rejection_html(self, before: datetime) -> int:
        """Drop the kept html of rejections older than ``before`` (one UPDATE); the rows stay."""
        cutoff = before.astimezone(UTC).replace(tzinfo=None) if before.tzinfo else before
        with self.engine.begin() as conn:
            result = conn.execute(rejections.update().where(rejections.c.html.is_not(None),
                                                            rejections.c.rejected_at < cutoff).values(html=None))
            return int(result.rowcount or 0)

    def find_rejection(self, rejection_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(rejections).where(rejections.c.id == rejection_id)).mappings().first()
        return dict(row) if row is not None else None

    def open_rejections(self, site: str, since: datetime | None = None) -> list[dict[str, Any]]:
        """``site``'s rejections not resolved yet whose html is still kept or archived (a WARC
        record), oldest first."""
        query = select(rejections).where(rejections.c.site == site, rejections.c.resolution == "",
                                         or_(rejections.c.html.is_not(None), rejections.c.warc_file.is_not(None)))
        if since is not None:
            query = query.where(rejections.c.rejected_at >= since.astimezone(UTC).replace(tzinfo=None))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(rejections.c.id)).mappings()]

    def has_rejections(self, site: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(rejections.c.id).where(rejections.c.site == site).limit(1)).first() is not None

    def resolve_rejection(self, rejection_id: int, resolution: str, article_id: str, note: str = "") -> None:
        """Mark rejection ``rejection_id`` resolved (``accepted`` | ``reextracted``) as ``article_id``
        and log the action in ``reviews`` (a = the article id, b = the rejection id); one transaction."""
        with self.engine.begin() as conn:
            conn.execute(rejections.update().where(rejections.c.id == rejection_id).values(
                resolution=resolution, resolved_at=datetime.now(UTC), article_id=article_id))
            action = {"accepted": "accept", "reextracted": "reextract"}[resolution]
            conn.execute(reviews.insert().values(action=action, a=article_id, b=str(rejection_id), note=note))

    def update_rejection(self, rejection_id: int, reason: str, message: str, evidence: dict[str, Any],
                         text: str) -> None:
        """A re-extraction refused the page again: the row gets the new reason and evidence."""
        with self.engine.begin() as conn:
            conn.execute(rejections.update().where(rejections.c.id == rejection_id).values(
                reason=reason, message=message, evidence=json.dumps(evidence, default=str), text=text))

    # --- readers ----------------------------------------------------------------------------------------

    def articles(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(articles))]

    def duplicates(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(duplicates))]

    def recent_runs(self, spider: str, limit: int = 10, before: int | None = None) -> list[dict[str, Any]]:
        """The latest finished runs of ``spider`` (newest first), their stats decoded."""
        query = select(runs).where(runs.c.spider == spider, runs.c.finished_at.is_not(None))
        if before is not None:
            query = query.where(runs.c.id < before)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(runs.c.id.desc()).limit(limit)).mappings().all()
        return [{**row, "stats": json.loads(row["stats"] or "{}")} for row in rows]

    def runs(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(runs).order_by(runs.c.id))]

    def reviews(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(reviews).order_by(reviews.c.id))]
