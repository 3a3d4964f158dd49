"""What the database forgets: duplicates past the dedup window and old runs; never articles.

``prune_database`` deletes (or, with ``dry_run``, only counts) the ``duplicates`` rows dropped
before ``duplicates_before`` and the ``runs`` rows started before ``runs_before`` (None: keep
that table whole), each table in one transaction. The caller keeps ``duplicates_before`` at or
before the start of the dedup window: the window's rows are what an index rebuild replays
(``index_source.rows_for_index``), so they are never pruned. Rows that named a pruned run keep
its id (``run_id`` is not a foreign key); a report shows them without that run's stats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, delete, func, select

from pipelines.storage.models import duplicates, runs
from pipelines.storage.store import Store


def _as_stored(store: Store, when: datetime) -> datetime:
    """``when`` as the database compares times: naive UTC for SQLite, aware elsewhere."""
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(tzinfo=None) if store.engine.dialect.name == "sqlite" else aware


def prune_database(store: Store, duplicates_before: datetime | None, runs_before: datetime | None,
                   dry_run: bool = False) -> dict[str, int]:
    """``{"duplicates": n, "runs": m}``: the rows deleted (or, ``dry_run``, that would be)."""
    done: dict[str, int] = {}
    plan: list[tuple[str, Any, Column[Any], datetime | None]] = [
        ("duplicates", duplicates, duplicates.c.dropped_at, duplicates_before),
        ("runs", runs, runs.c.started_at, runs_before),
    ]
    for kind, table, column, before in plan:
        if before is None:
            done[kind] = 0
            continue
        old = column < _as_stored(store, before)
        with store.engine.begin() as conn:
            if dry_run:
                done[kind] = int(conn.execute(select(func.count()).select_from(table).where(old)).scalar() or 0)
            else:
                done[kind] = int(conn.execute(delete(table).where(old)).rowcount or 0)
    return done
