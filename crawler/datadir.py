"""The data folder (``DATA_DIR``) is private: created with mode 0700, refused when others can write to it.

It holds the HTTP cache, job directories, the embedded Redis file, the SQLite database and the
logs. The crawler reads them back (no pickles, see ``crawler.httpcache`` and
``crawler.jobqueue``, but still: cached pages, queued requests, the dedup index), so a folder
that a group or other users can write to lets them feed the next crawl. The crawling commands
(``crawlall``, ``demo``, ``worker``) call ``private_data_dir`` before anything touches the folder.
"""

from __future__ import annotations

import stat
from pathlib import Path


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
