"""The database as the source of the Redis dedup index.

What the index is derived from (``rows_for_index``: stored articles and recorded duplicates
inside the window, in arrival order, with the index entries their checks inserted; the
reviewers' ``distinct`` pairs), how far the database has seen the index count
(``high_water_mark``), which index build the rows were decided against (``index_state``),
and the reconciliation of articles stored unchecked while Redis was unreachable
(``unchecked_articles``, ``reconcile``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select, union_all

from pipelines.drops import AlreadyDropped, ExactDuplicate, UrlDuplicate
from pipelines.storage import moves
from pipelines.storage.models import articles, database_meta, duplicates, index_state, reviews
from pipelines.storage.store import Store

# duplicates the index inserted without LSH bands
NO_BANDS = (UrlDuplicate.method, ExactDuplicate.method, AlreadyDropped.method)


def database_id(store: Store) -> str:
    """The random id naming this database (made by the migration that added it)."""
    with store.engine.begin() as conn:
        value = conn.execute(select(database_meta.c.value).where(database_meta.c.name == "database_id")).scalar()
        if value is None:  # a database whose row was deleted by hand: name it again
            value = uuid.uuid4().hex
            conn.execute(database_meta.insert().values(name="database_id", value=value))
    return value


def high_water_mark(store: Store) -> int:
    """The highest index number any stored row, recorded duplicate or review carries: an index
    whose counter is below it is older than the database."""
    with store.engine.connect() as conn:
        marks = [conn.execute(select(func.max(t.c.index_seq))).scalar() for t in (articles, duplicates, reviews)]
    return max((m for m in marks if m is not None), default=0)


def get_index_state(store: Store, prefix: str) -> dict[str, Any] | None:
    """The index build recorded for ``prefix`` (generation, params, rebuilt_at, rebuilt_rows)."""
    with store.engine.connect() as conn:
        row = conn.execute(select(index_state).where(index_state.c.prefix == prefix)).mappings().first()
    return dict(row) if row else None


def set_index_state(store: Store, prefix: str, generation: str, params: str, rebuilt_rows: int | None) -> None:
    """Record that the rows of ``prefix`` are decided against build ``generation`` (rebuilt now
    from ``rebuilt_rows`` rows, or None for a new, empty build)."""
    values = {"generation": generation, "params": params, "rebuilt_rows": rebuilt_rows or 0,
              "rebuilt_at": datetime.now(UTC) if rebuilt_rows is not None else None}
    with store.engine.begin() as conn:
        conn.execute(index_state.delete().where(index_state.c.prefix == prefix))
        conn.execute(index_state.insert().values(prefix=prefix, **values))


def window_start(store: Store, window_seconds: float) -> datetime:
    """The oldest time inside the window, as the database compares times (SQLite stores UTC
    without a zone)."""
    start = datetime.now(UTC) - timedelta(seconds=window_seconds)
    return start.replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else start


def unix_time(value: datetime) -> float:
    """Seconds since the epoch of a time read from the database (naive = UTC)."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def count_rows(store: Store, since: datetime) -> int:
    """Articles (checked) and duplicates stored or dropped since ``since`` (``window_start``)."""
    with store.engine.connect() as conn:
        kept = conn.execute(select(func.count()).select_from(articles).where(
            articles.c.stored_at >= since, articles.c.dedup_method != "unchecked")).scalar() or 0
        dropped = conn.execute(select(func.count()).select_from(duplicates).where(
            duplicates.c.dropped_at >= since)).scalar() or 0
    return kept + dropped


def rows_for_index(store: Store, since: datetime, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Articles and duplicates stored or dropped since ``since``, in arrival order (their index
    numbers, then their time), as dicts: ``id``, ``site``, ``kept`` (True for an article),
    ``kept_id``, ``bands`` (whether its check indexed LSH bands), ``at`` (datetime), ``urls``,
    ``entry`` (blob or None), ``text`` (only when there is no entry) and what ranks it among
    copies of its story: ``published``, ``sitename`` and ``credits`` (JSON; "" and "[]" for a
    duplicate, whose row keeps neither). Streams in batches."""
    a, d = articles.c, duplicates.c
    kept = select(
        a.id.label("id"), a.site.label("site"), literal(True).label("kept"), a.id.label("kept_id"),
        literal(True).label("bands"), a.stored_at.label("at"), a.url.label("url"), a.final_url.label("final_url"),
        a.canonical_url.label("canonical_url"), a.index_seq.label("seq"), a.index_entry.label("entry"),
        case((a.index_entry.is_(None), a.text), else_=literal("")).label("text"),
        a.published.label("published"), a.sitename.label("sitename"), a.credits.label("credits"),
    ).where(a.stored_at >= since, a.dedup_method != "unchecked")
    dropped = select(
        d.article_id.label("id"), d.site.label("site"), literal(False).label("kept"),
        d.duplicate_of.label("kept_id"), d.method.not_in(NO_BANDS).label("bands"), d.dropped_at.label("at"),
        d.url.label("url"), d.url.label("final_url"), d.url.label("canonical_url"), d.index_seq.label("seq"),
        d.index_entry.label("entry"), case((d.index_entry.is_(None), d.text), else_=literal("")).label("text"),
        d.published.label("published"), literal("").label("sitename"), literal("[]").label("credits"),
    ).where(d.dropped_at >= since)
    both = union_all(kept, dropped).subquery()
    query = select(both).order_by(func.coalesce(both.c.seq, 0), both.c.at, both.c.id)
    with store.engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(query).mappings()
        for row in result:
            out = dict(row)
            out["kept"], out["bands"] = bool(out["kept"]), bool(out["bands"])
            out["urls"] = (out.pop("url"), out.pop("final_url"), out.pop("canonical_url"))
            yield out


def newest_banded_entries(store: Store, limit: int) -> list[tuple[int, bytes]]:
    """(index number, entry blob) of the ``limit`` newest rows whose check indexed LSH bands
    (articles, and duplicates found by their text), newest first."""
    a, d = articles.c, duplicates.c
    kept = select(a.index_seq.label("seq"), a.index_entry.label("entry")).where(
        a.index_seq.is_not(None), a.index_entry.is_not(None))
    dropped = select(d.index_seq.label("seq"), d.index_entry.label("entry")).where(
        d.index_seq.is_not(None), d.index_entry.is_not(None), d.method.not_in(NO_BANDS))
    both = union_all(kept, dropped).subquery()
    with store.engine.connect() as conn:
        rows = conn.execute(select(both).order_by(both.c.seq.desc()).limit(limit)).all()
    return [(int(seq), bytes(entry)) for seq, entry in rows]


def distinct_pairs(store: Store) -> list[tuple[str, str]]:
    """The pairs reviewers marked as different stories (``scrapy review distinct``)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(reviews.c.a, reviews.c.b).where(reviews.c.action == "distinct")).all()
    return [(r[0], r[1]) for r in rows]


def unchecked_articles(store: Store) -> list[dict[str, Any]]:
    """Articles stored while Redis was unreachable (``dedup_method = 'unchecked'``), oldest first."""
    query = (select(articles.c.id, articles.c.url, articles.c.final_url, articles.c.canonical_url, articles.c.site,
                    articles.c.text, articles.c.published, articles.c.sitename, articles.c.credits)
             .where(articles.c.dedup_method == "unchecked").order_by(articles.c.stored_at, articles.c.id))
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def reconcile(store: Store, article_id: str, decision: Any, run_id: int | None = None) -> str:
    """Apply the dedup decision now made for unchecked article ``article_id``, in one transaction.

    A duplicate moves to ``duplicates`` with its method and scores (copies that pointed at it
    follow it) and stored articles the decision merges move too; anything else stays stored as
    checked (``new``/``update``). A ``reconcile`` review records each move. Returns
    ``"duplicate"``, ``"kept"`` or ``"gone"`` (no longer stored unchecked)."""
    with store.engine.begin() as conn:
        tx = store.tx(conn)
        row = conn.execute(select(articles).where(articles.c.id == article_id,
                                                  articles.c.dedup_method == "unchecked")).mappings().first()
        if row is None:
            return "gone"
        if decision.is_duplicate:
            values = {k: row[k] for k in ("url", "site", "title", "text", "author", "published", "fetched_at")}
            conn.execute(store._insert(duplicates).values(
                article_id=article_id, duplicate_of=decision.duplicate_of, method=decision.method,
                jaccard=decision.scores.get("jaccard", 0.0), contained=decision.scores.get("contained", 0.0),
                contains=decision.scores.get("contains", 0.0), relation=decision.relation, run_id=run_id,
                index_seq=decision.seq or None, index_entry=decision.entry or None,
                **moves.decided_values(decision.decided), **values,
            ).on_conflict_do_nothing())
            conn.execute(articles.delete().where(articles.c.id == article_id))
            conn.execute(duplicates.update().where(duplicates.c.duplicate_of == article_id)
                         .values(duplicate_of=decision.duplicate_of))
            conn.execute(reviews.insert().values(action="reconcile", a=article_id, b=decision.duplicate_of,
                                                 note=f"stored unchecked; {decision.method} duplicate",
                                                 index_seq=decision.seq or None))
            outcome = "duplicate"
        else:
            method = "earlier_version" if decision.relation == "updated_by" else \
                "replaces" if decision.replaces else decision.method
            conn.execute(articles.update().where(articles.c.id == article_id).values(
                dedup_method="new" if method in ("self", "seen") else method, updates_id=decision.updates,
                index_seq=decision.seq or None, index_entry=decision.entry or None))
            outcome = "kept"
        if decision.replaces:  # a better copy of a story stored before it: that one becomes its copy
            moves.replace(tx, article_id, {
                "replaces": decision.replaces, "why": decision.why, "match": decision.method,
                "scores": decision.scores, "decided": decision.decided, "merged": decision.merged,
                "rescore": decision.rescore}, run_id)
        else:
            for stored_id in decision.merged:
                moves.merge(tx, stored_id, decision.duplicate_of, run_id, decision.rescore)
    return outcome
