"""Group commit for the storage stage: many writes, one transaction.

A commit per article costs a disk sync (SQLite) or a network round trip (PostgreSQL) per
article. ``WriteBatcher`` collects writes and applies them with ``Store.write_batch`` — in
order, in one transaction — when ``size`` writes are waiting or ``seconds`` after the first
one, whichever comes first, and when the spider closes.

Nothing is lost on a crash: each write's ``Deferred`` fires only after its transaction
committed, and the storage pipeline lets an item finish (``item_scraped``, which marks its
URL seen) only then. A crawler killed before a commit leaves those URLs unseen, so the next
run fetches them again. If a transaction fails, every write of the batch fails with the
error (logged once); none of them is marked seen.

One batcher per database is shared by every spider of a process (``acquire_shared``): a late
merge recorded by one spider must be applied after the article another spider stored just
before it, and one queue keeps all writes of the process in order.
"""

from __future__ import annotations

import logging
from typing import Any

from twisted.internet.defer import Deferred

from pipelines.shared import SharedByKey
from pipelines.storage.store import Store, Write, acquire_shared_store, release_shared_store

logger = logging.getLogger(__name__)


class WriteBatcher:
    """Buffers writes (``pipelines.storage.writes``) for ``store``; ``add`` returns a Deferred
    firing with the write's result."""

    def __init__(self, store: Store, size: int = 50, seconds: float = 0.25) -> None:
        if size < 1:
            raise ValueError(f"STORAGE_BATCH_SIZE must be at least 1, not {size}")
        if seconds < 0:
            raise ValueError(f"STORAGE_BATCH_SECONDS must not be negative, not {seconds}")
        self.store, self.size, self.seconds = store, size, seconds
        self._pending: list[tuple[Write, Deferred]] = []
        self._timer: Any = None
        self.counts = {"transactions": 0, "max_batch": 0, "failed_writes": 0}  # since this batcher started

    def add(self, write: Write) -> Deferred:
        done: Deferred = Deferred()
        self._pending.append((write, done))
        if len(self._pending) >= self.size or self.seconds == 0:
            self.flush()
        elif self._timer is None:
            from twisted.internet import reactor

            self._timer = reactor.callLater(self.seconds, self.flush)
        return done

    def flush(self) -> None:
        """Commit everything waiting now (one transaction) and fire its Deferreds."""
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            results = self.store.write_batch([write for write, _ in batch])
        except Exception as exc:
            logger.error("Storage transaction of %d writes failed, none stored (refetched next run): %r",
                         len(batch), exc)
            self.counts["failed_writes"] += len(batch)
            for _, done in batch:
                done.errback(exc)
            return
        self.counts["transactions"] += 1
        self.counts["max_batch"] = max(self.counts["max_batch"], len(batch))
        for (_, done), result in zip(batch, results, strict=True):
            done.callback(result)


_batchers: SharedByKey[tuple[str, int, float], WriteBatcher] = SharedByKey()  # (database URL, size, seconds)


def acquire_shared(database_url: str, size: int, seconds: float) -> WriteBatcher:
    """The batcher of this process for ``database_url``, whose schema is current (``prepare``);
    pair with ``release_shared``."""
    return _batchers.acquire((database_url, size, seconds),
                             lambda: WriteBatcher(acquire_shared_store(database_url), size, seconds))


def release_shared(batcher: WriteBatcher) -> None:
    """Flush; the last user also releases the store (shared with the process's run recorder)."""
    batcher.flush()
    if _batchers.release(batcher) == 0:
        release_shared_store(batcher.store)
