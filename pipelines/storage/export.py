"""What changed in storage since a moment, as a stream of event rows for a downstream system.

Two kinds of event, merged in time order (``event_at``, then ``id``):

* ``stored``: a row of ``articles`` whose ``stored_at`` is at or after ``since`` (the article is kept
  now);
* ``replaced``: a stored article that left ``articles`` at or after ``since`` and is a copy of the
  story's kept article now: a better copy replaced it (``duplicates.superseded_by``, why in
  ``relation``: ``superseded_fuller``, ``superseded_credited``, …) or it was merged into another
  story (``relation`` ``late_merge``). ``replaced_by`` is the article that took its place (for a
  merge, the kept article it was merged into). ``event_at`` is when it moved.

An article id is in ``articles`` or in ``duplicates``, never both, so each id appears at most once:
an article stored and replaced within the period appears only as its ``replaced`` event.

Every column of ``articles`` is exported except binary ones (``index_entry``: the index's opaque
blob), so a column a migration adds appears without a change here; a ``replaced`` row fills the
columns ``duplicates`` shares with ``articles`` (its ``id`` is ``duplicates.article_id``) and
leaves the others None. Rows are read in batches (``yield_per``: a server-side cursor on
PostgreSQL, SQLite's stepping cursor), so a large database is never held in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Engine, LargeBinary, or_, select

from pipelines.storage.models import articles, duplicates

STORED, REPLACED = "stored", "replaced"
EVENT_FIRST = ("event", "event_at")  # before the article's columns
EVENT_LAST = ("replaced_by", "relation")  # after them (None on a ``stored`` row)
LATE_MERGE_RELATION = "late_merge"  # pipelines.storage.moves: a stored article merged into another story


def article_columns() -> list[Column]:
    """The exported columns of ``articles``: every one but the binary blobs, in table order."""
    return [c for c in articles.columns if not isinstance(c.type, LargeBinary)]


def export_columns() -> list[str]:
    """Every exported field, in order: ``event``, ``event_at``, the article's columns, ``replaced_by``,
    ``relation``."""
    return [*EVENT_FIRST, *(c.name for c in article_columns()), *EVENT_LAST]


def column_types() -> dict[str, type]:
    """Each exported field's Python type (``str``, ``int``, ``float``, ``bool``, ``datetime``), in
    ``export_columns()`` order; a column type SQLAlchemy gives no Python type for is ``str``."""
    types: dict[str, type] = {"event": str, "event_at": datetime}
    for column in article_columns():
        try:
            types[column.name] = column.type.python_type
        except NotImplementedError:
            types[column.name] = str
    return {**types, "replaced_by": str, "relation": str}


def _utc(value: Any) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite hands back naive UTC datetimes)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bound(engine: Engine, since: datetime) -> datetime:
    """``since`` as the dialect compares it: naive UTC on SQLite (its stored text), aware elsewhere."""
    moment = since.astimezone(UTC) if since.tzinfo else since.replace(tzinfo=UTC)
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def _stored(engine: Engine, since: datetime | None, batch_size: int) -> Iterator[dict[str, Any]]:
    columns = article_columns()
    stmt = select(*columns).order_by(articles.c.stored_at, articles.c.id)
    if since is not None:
        stmt = stmt.where(articles.c.stored_at >= _bound(engine, since))
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=batch_size).execute(stmt).mappings():
            values = dict(row)
            values["stored_at"] = _utc(values["stored_at"])
            yield {"event": STORED, "event_at": values["stored_at"], **values, "replaced_by": None, "relation": None}


def _replaced(engine: Engine, since: datetime | None, batch_size: int) -> Iterator[dict[str, Any]]:
    shared = [c.name for c in article_columns() if c.name != "id" and c.name in duplicates.c]
    stmt = (select(duplicates.c.article_id, duplicates.c.dropped_at, duplicates.c.superseded_by,
                   duplicates.c.duplicate_of, duplicates.c.relation, *(duplicates.c[name] for name in shared))
            .where(or_(duplicates.c.superseded_by.is_not(None), duplicates.c.relation == LATE_MERGE_RELATION))
            .order_by(duplicates.c.dropped_at, duplicates.c.article_id))
    if since is not None:
        stmt = stmt.where(duplicates.c.dropped_at >= _bound(engine, since))
    empty = dict.fromkeys(c.name for c in article_columns())
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=batch_size).execute(stmt).mappings():
            yield {"event": REPLACED, "event_at": _utc(row["dropped_at"]), **empty, "id": row["article_id"],
                   **{name: row[name] for name in shared},
                   "replaced_by": row["superseded_by"] or row["duplicate_of"], "relation": row["relation"]}


def events(engine: Engine, since: datetime | None = None, batch_size: int = 1000) -> Iterator[dict[str, Any]]:
    """The ``stored`` and ``replaced`` events at or after ``since`` (None: all), oldest first; each a
    dict with every field of ``export_columns()`` in that order, timestamps aware UTC. Reads
    ``batch_size`` rows at a time from each table."""
    order = export_columns()

    def key(event: dict[str, Any]) -> tuple[datetime, str]:
        return event["event_at"] or datetime.min.replace(tzinfo=UTC), event["id"]

    for event in heapq.merge(_stored(engine, since, batch_size), _replaced(engine, since, batch_size), key=key):
        yield {name: event[name] for name in order}
