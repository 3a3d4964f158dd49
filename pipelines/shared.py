"""Objects one process shares between the spiders it runs, counted by users.

``scrapy demo`` and ``crawlall`` run several spiders in one process; a stage that holds an
expensive resource (the extraction worker pool, the storage write batcher) shares one per key
between them: the first user makes it, the last one to leave closes it. This module imports
nothing of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedByKey(Generic[K, V]):
    """One object per key for the whole process, with the number of its users.

    Not thread-safe: used from the reactor thread (pipelines open and close there)."""

    def __init__(self) -> None:
        self._entries: dict[K, tuple[V, int]] = {}

    def acquire(self, key: K, make: Callable[[], V]) -> V:
        """The object of ``key`` (made by ``make()`` for its first user); one user more."""
        value, users = self._entries.get(key) or (make(), 0)
        self._entries[key] = (value, users + 1)
        return value

    def release(self, value: V) -> int | None:
        """One user of ``value`` fewer: the users left (0: it is forgotten, the caller closes it);
        None when ``value`` is not held here."""
        for key, (held, users) in self._entries.items():
            if held is value:
                if users <= 1:
                    del self._entries[key]
                    return 0
                self._entries[key] = (held, users - 1)
                return users - 1
        return None

    def __len__(self) -> int:
        return len(self._entries)
