"""Project commands (``COMMANDS_MODULE``): ``scrapy demo``, ``scrapy dedup``, …"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crawler.datadir import UnsafeDataDir, follow_data_dir, private_data_dir

EXIT_UNSAFE_DATA_DIR = 2


def require_private_data_dir(settings: Any, command: str) -> None:
    """Create ``DATA_DIR`` (mode 0700) or, when its group or other users may write to it, print
    one line and exit with code 2 (called by the crawling commands before anything uses the folder).

    A ``DATA_DIR`` given with ``-s`` takes the defaults that lie in the profile's data folder
    (database file, embedded Redis, HTTP cache) with it (``crawler.datadir.follow_data_dir``)."""
    follow_data_dir(settings)
    try:
        private_data_dir(settings.get("DATA_DIR"))
    except UnsafeDataDir as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_UNSAFE_DATA_DIR) from None


class FollowsDataDir:
    """Mixin for a command that reads the data folder (its database, its embedded Redis) without
    crawling: ``-s DATA_DIR=…`` moves the defaults that lie in the folder (``follow_data_dir``),
    as it does for the crawling commands. Not a ``ScrapyCommand`` itself (Scrapy would list it)."""

    settings: Any

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)  # type: ignore[misc]  # ScrapyCommand's, next in the MRO
        follow_data_dir(self.settings)
