"""Run bookkeeping for cron: a lock so that overlapping runs do not collide, and the JOBDIR
of each run.

``fcntl.flock`` on ``DATA_DIR/<name>.lock``: held for the life of the process, released by
the kernel when the process ends (even on SIGKILL), so a stale lock never blocks a run.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class AlreadyRunning(RuntimeError):
    """Another process holds the lock."""


class RunLock:
    """Non-blocking exclusive lock on ``path``; the holder's pid is written into the file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "?"
            fh.close()
            raise AlreadyRunning(f"another crawl is running (lock {self.path} held by pid {holder})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


FINISHED_MARKER = "finished"  # written into a JOBDIR when its crawl finished


def job_dir(base: str | Path, spider: str, now: str) -> Path:
    """The JOBDIR for this run of ``spider``: the latest one if its crawl did not finish
    (a killed run is resumed), else a fresh ``<base>/<spider>/<now>`` (a finished JOBDIR is
    never reused: Scrapy would find nothing left to do and yield zero items)."""
    root = Path(base) / spider
    previous = sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []
    if previous and not (previous[-1] / FINISHED_MARKER).exists():
        return previous[-1]
    return root / now
