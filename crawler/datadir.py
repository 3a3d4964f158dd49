"""The data folder (``DATA_DIR``) is private: created with mode 0700, refused when others can write to it.

It holds the HTTP cache, job directories, the embedded Redis file, the SQLite database, the WARC archives and the
logs. The crawler reads them back (no pickles, see ``crawler.httpcache`` and
``crawler.jobqueue``, but still: cached pages, queued requests, the dedup index), so a folder
that a group or other users can write to lets them feed the next crawl. The crawling commands
(``crawl``, ``crawlall``, ``demo``, ``worker``) call ``private_data_dir`` before anything touches the folder.

``follow_data_dir`` moves the defaults that lie in the data folder (the SQLite file, the embedded
Redis, the HTTP cache, ...: every project-level path under the profile's ``DATA_DIR``) to a
``DATA_DIR`` given on the command line (``-s DATA_DIR=…``, e.g. in a scrapyd ``schedule.json``).
"""

from __future__ import annotations

import importlib
import os
import stat
from pathlib import Path
from typing import Any

SQLITE_URL = "sqlite:///"
PROJECT_PRIORITY = "project"


class UnsafeDataDir(RuntimeError):
    """The data folder can be written by its group or by other users (or is not a folder)."""


def private_data_dir(path: str | Path) -> Path:
    """``path``, created with mode 0700 if missing (its missing parents as the umask says).

    Raises ``UnsafeDataDir`` (a one-line message) when its group or other users may write to
    it, or when it is not a folder.
    """
    folder = Path(path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise UnsafeDataDir(f"data folder {folder} exists and is not a folder") from None
    mode = folder.stat().st_mode  # follows a symlink: the folder it points to is what is written
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeDataDir(
            f"data folder {folder} is writable by its group or other users (mode {stat.S_IMODE(mode):o}); "
            f"fix with: chmod go-w {folder}"
        )
    return folder


def _rebased(value: object, old: str, new: str) -> str | None:
    """``value`` with the folder ``old`` replaced by ``new`` when it is ``old``, a path in it or an
    SQLite URL of a file in it; else None."""
    if not isinstance(value, str):
        return None
    prefix = SQLITE_URL if value.startswith(SQLITE_URL) else ""
    path = value[len(prefix):]
    if path == old or path.startswith(old.rstrip(os.sep) + os.sep):
        return prefix + new.rstrip(os.sep) + path[len(old.rstrip(os.sep)):]
    return None


def follow_data_dir(settings: Any) -> list[str]:
    """When ``DATA_DIR`` was set above the project's priority (``-s DATA_DIR=…``), move every setting
    that still holds the profile's own value and lies in the profile's data folder into the new one
    (a setting given on the command line too, or pointing elsewhere, e.g. a PostgreSQL
    ``DATABASE_URL``, is left as it is). Returns the names moved.

    The profile's data folder is read from the settings module (``SCRAPY_SETTINGS_MODULE``); without
    one nothing moves.
    """
    from scrapy.settings import SETTINGS_PRIORITIES

    project = SETTINGS_PRIORITIES[PROJECT_PRIORITY]
    module_name = os.environ.get("SCRAPY_SETTINGS_MODULE")
    if not module_name or (settings.getpriority("DATA_DIR") or 0) <= project:
        return []
    old = str(getattr(importlib.import_module(module_name), "DATA_DIR", "") or "")
    new = os.path.abspath(str(settings.get("DATA_DIR")))
    if not old or os.path.abspath(old) == new:
        return []
    moved = []
    for name, value in list(settings.items()):
        if name == "DATA_DIR" or not name.isupper() or (settings.getpriority(name) or 0) > project:
            continue
        rebased = _rebased(value, old, new)
        if rebased is not None:
            settings.set(name, rebased, priority=PROJECT_PRIORITY)
            moved.append(name)
    return moved
