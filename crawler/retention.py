"""Retention: what the data folder and the database keep, and pruning the rest.

Pruned at the end of each ``scrapy crawlall`` (``prune_after_run``, under its lock) and by
``scrapy prune [--dry-run]``. Each kind has a setting in days (``settings.base``; 0 = keep
forever) and an age:

- ``logs``: files ``DATA_DIR/logs/*.log`` (run logs, the cron line's daily files) by last write;
- ``reports``: files ``DATA_DIR/reports/report-*`` by last write;
- ``jobdirs``: JOBDIRs ``DATA_DIR/jobs/<spider>/<run>/`` of finished crawls, by when they
  finished (their ``finished`` marker); an unfinished one is never pruned (the next run resumes it);
- ``httpcache``: entries ``HTTPCACHE_DIR/<spider>/<xx>/<fingerprint>/`` by last use (the
  entry folder's time: set when stored, and on every cache hit by ``crawler.httpcache``);
  a pruned listing page is fetched in full once instead of revalidated;
- ``duplicates``: ``duplicates`` rows dropped longer ago than ``RETENTION_DUPLICATE_DAYS``,
  never less than ``DEDUP_WINDOW_DAYS`` (the window's rows rebuild the index);
- ``runs``: ``runs`` rows started longer ago than ``RETENTION_RUN_DAYS``.

Articles are never pruned. ``Pruned.stats()`` gives ``prune/<kind>`` counts (and
``prune/bytes``, the bytes of the files) for run summaries. A file that vanished meanwhile is
skipped; pruning never follows a symlink out of its folder.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DAY = 86400.0
FILE_KINDS = ("logs", "reports", "jobdirs", "httpcache")
ROW_KINDS = ("duplicates", "runs")
SETTINGS = {"logs": "RETENTION_LOG_DAYS", "reports": "RETENTION_REPORT_DAYS", "jobdirs": "RETENTION_JOBDIR_DAYS",
            "httpcache": "RETENTION_HTTPCACHE_DAYS", "duplicates": "RETENTION_DUPLICATE_DAYS",
            "runs": "RETENTION_RUN_DAYS"}


@dataclass
class Pruned:
    """What one pruning removed (or, ``dry_run``, would remove): per kind a count, and the bytes
    of the files; ``days`` the retention each kind applied (0 = kept forever)."""

    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILE_KINDS + ROW_KINDS, 0))
    sizes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FILE_KINDS, 0))
    days: dict[str, float] = field(default_factory=dict)

    def stats(self) -> dict[str, int]:
        """``{"prune/<kind>": count, …, "prune/bytes": bytes of the files}``."""
        return {**{f"prune/{kind}": n for kind, n in self.counts.items()}, "prune/bytes": sum(self.sizes.values())}

    def line(self) -> str:
        """One line: ``3 logs, 2 jobdirs, 120 httpcache (4.1 MB), 5 duplicates`` or ``nothing``."""
        parts = [f"{n} {kind}" for kind, n in self.counts.items() if n]
        size = sum(self.sizes.values())
        return (", ".join(parts) + (f" ({size / 1e6:.1f} MB)" if size else "")) if parts else "nothing"


def _size(path: Path) -> int:
    if path.is_symlink() or not path.is_dir():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if not p.is_dir() or p.is_symlink())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _dirs(folder: Path) -> Iterator[Path]:
    """The real sub-folders of ``folder`` (none when it is missing; symlinks are not followed)."""
    if folder.is_dir() and not folder.is_symlink():
        yield from (p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())


def candidates(kind: str, settings: Any) -> Iterator[tuple[Path, float]]:
    """``(path, its age time as a Unix timestamp)`` of every prunable item of a file ``kind``."""
    data = Path(settings.get("DATA_DIR"))
    if kind in ("logs", "reports"):
        folder, pattern = (data / "logs", "*.log") if kind == "logs" else (data / "reports", "report-*")
        if folder.is_dir():
            for path in folder.glob(pattern):
                if path.is_file() and not path.is_symlink():
                    yield path, path.lstat().st_mtime
    elif kind == "jobdirs":
        from crawler.runlock import FINISHED_MARKER

        for spider in _dirs(data / "jobs"):
            for job in _dirs(spider):
                marker = job / FINISHED_MARKER
                if marker.is_file():
                    yield job, marker.stat().st_mtime
    elif kind == "httpcache":
        for spider in _dirs(httpcache_dir(settings)):
            for bucket in _dirs(spider):
                for entry in _dirs(bucket):
                    yield entry, entry.stat().st_mtime


def httpcache_dir(settings: Any) -> Path:
    """``HTTPCACHE_DIR`` as Scrapy resolves it (a relative one lives in the project's ``.scrapy``)."""
    from scrapy.utils.project import data_path

    return Path(data_path(settings.get("HTTPCACHE_DIR"), createdir=False))


def prune_files(settings: Any, pruned: Pruned, now: float | None = None) -> None:
    """Prune (or count, ``pruned.dry_run``) the file kinds into ``pruned``."""
    now = time.time() if now is None else now
    for kind in FILE_KINDS:
        days = settings.getfloat(SETTINGS[kind])
        pruned.days[kind] = days
        if days <= 0:
            continue
        emptied: set[Path] = set()
        for path, at in list(candidates(kind, settings)):
            if now - at <= days * DAY:
                continue
            try:
                size = _size(path)
                if not pruned.dry_run:
                    _remove(path)
                    emptied.add(path.parent)
            except FileNotFoundError:  # removed meanwhile (another prune, a cache rewrite)
                continue
            pruned.counts[kind] += 1
            pruned.sizes[kind] += size
        if kind == "httpcache":  # the <xx> buckets left empty
            for bucket in emptied:
                if bucket.is_dir() and not any(bucket.iterdir()):
                    os.rmdir(bucket)


def duplicate_days(settings: Any) -> float:
    """Days a ``duplicates`` row is kept: ``RETENTION_DUPLICATE_DAYS``, at least the dedup window (0 = forever)."""
    days = settings.getfloat("RETENTION_DUPLICATE_DAYS")
    return max(days, settings.getfloat("DEDUP_WINDOW_DAYS")) if days > 0 else 0.0


def prune_rows(settings: Any, pruned: Pruned, now: datetime | None = None) -> None:
    """Prune (or count) the database kinds into ``pruned``; articles are never touched."""
    from pipelines.storage.retention import prune_database
    from pipelines.storage.store import open_store, prepare

    now = now or datetime.now(UTC)
    pruned.days["duplicates"] = duplicate_days(settings)
    pruned.days["runs"] = settings.getfloat("RETENTION_RUN_DAYS")

    def before(days: float) -> datetime | None:
        return now - timedelta(days=days) if days > 0 else None

    prepare(settings.get("DATABASE_URL"))
    store = open_store(settings.get("DATABASE_URL"))
    try:
        done = prune_database(store, before(pruned.days["duplicates"]), before(pruned.days["runs"]), pruned.dry_run)
    finally:
        store.engine.dispose()
    pruned.counts.update(done)


def prune(settings: Any, dry_run: bool = False) -> Pruned:
    """Prune every kind past its retention (``dry_run``: count only); raises what fails."""
    pruned = Pruned(dry_run=dry_run)
    prune_files(settings, pruned)
    prune_rows(settings, pruned)
    return pruned


def prune_after_run(settings: Any) -> Pruned:
    """``prune`` at the end of a run: logged as one INFO line; a failure is one WARNING line and
    an empty result (housekeeping never changes a crawl's outcome)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        pruned = prune(settings)
    except (OSError, SQLAlchemyError) as exc:
        logger.warning("Retention: pruning failed: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return Pruned()
    logger.info("Retention: pruned %s %s", pruned.line(), pruned.stats())
    return pruned
