"""``scrapy review restore DUP_ID`` / ``scrapy review distinct A B``: undo a wrong drop.

``restore``: the dropped copy (``duplicates.article_id`` or ``duplicates.id``) moves into
``articles`` (method ``restored``) and the dedup index marks it kept, so a re-crawl sees it
as stored. ``distinct``: articles A and B (stored or dropped) are recorded as different
stories, never merged again by the dedup stage; when one is a dropped copy of the other it
is restored too. Each action is logged in ``reviews`` and shown in the next ``scrapy report``.
The database, Redis or the dedup index unusable: one line naming it, exit 2, nothing changed.
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import operator_errors
from crawler.connection import get_redis
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems
from pipelines.storage.store import Store, open_store

ARTICLE_ID = re.compile(r"^[0-9a-f]{16}$")


def _deduper(settings: Any) -> Any:
    """The dedup engine on the crawler's index, made a current build of the database first
    (imported here: only review actions need Redis)."""
    from crawler.index_sync import sync_index
    from pipelines.dedup.engine import DedupConfig, Deduper

    generation = sync_index(settings).generation
    return Deduper(get_redis(settings), DedupConfig.from_settings(settings), generation)


def restore(store: Store, deduper: Any, dup_id: str, note: str = "") -> dict[str, Any]:
    """Mark dropped copy ``dup_id`` kept in the dedup index, then move it into storage and log it
    with the index's number for the change (so an index restarted from an older copy is seen
    to be stale). Raises ``LookupError``/``ValueError`` like ``Store.restore``."""
    row = store.find_duplicate(dup_id)
    if row is None:
        raise LookupError(f"no dropped copy {dup_id!r}")
    _, seq = deduper.restore(row["article_id"])
    return store.restore(dup_id, note=note, index_seq=seq)


def distinct(store: Store, deduper: Any, a: str, b: str, note: str = "") -> dict[str, Any] | None:
    """Record that ``a`` and ``b`` are different stories; restore whichever is a dropped copy of the other.

    Returns the restored ``duplicates`` row, if any.
    """
    seq = deduper.mark_distinct(a, b)
    store.add_review("distinct", a, b, note=note, index_seq=seq)
    for copy, kept in ((a, b), (b, a)):
        row = store.find_duplicate(copy)
        if row is not None and row["duplicate_of"] == kept:
            return restore(store, deduper, copy, note=f"undone by distinct {a} {b}")
    return None


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # storage and the Redis index only: no crawler
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "restore DUP_ID | distinct A B"

    def short_desc(self) -> str:
        return "Undo a wrong drop: restore a dropped copy, or mark two articles as distinct stories"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--note", default="", help="a note for the audit trail (shown in the report)")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args or args[0] not in ("restore", "distinct"):
            raise UsageError("give 'restore DUP_ID' or 'distinct A B'")
        action, ids = args[0], [a.strip().lower() for a in args[1:]]
        if action == "restore" and len(ids) != 1:
            raise UsageError("restore takes one DUP_ID (duplicates.article_id or duplicates.id)")
        if action == "distinct" and (len(ids) != 2 or not all(ARTICLE_ID.match(i) for i in ids) or ids[0] == ids[1]):
            raise UsageError("distinct takes two different article ids (16 hex characters)")
        preflight = Preflight(self.settings, {"database", "index"})
        if preflight.run():
            report_problems("review", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        store = open_store(self.settings.get("DATABASE_URL"))
        if action == "restore":
            if store.find_duplicate(ids[0]) is None:
                print(f"No dropped copy {ids[0]!r} (it may have been restored already)")
                self.exitcode = 1
                return
            try:
                row = restore(store, _deduper(self.settings), ids[0], note=opts.note)
            except ValueError as exc:
                print(str(exc))
                self.exitcode = 1
                return
            print(f"Restored {row['article_id']} ({row['site']}: {row['title']}), was a {row['method']} copy "
                  f"of {row['duplicate_of']}")
            return
        for article_id in ids:
            if not store.article_exists(article_id):
                print(f"Note: {article_id} is not in storage yet; recorded anyway")
        restored = distinct(store, _deduper(self.settings), ids[0], ids[1], note=opts.note)
        print(f"Recorded: {ids[0]} and {ids[1]} are distinct stories (never merged again)")
        if restored is not None:
            print(f"Restored {restored['article_id']} ({restored['site']}: {restored['title']}), "
                  f"it had been dropped as a copy of {restored['duplicate_of']}")
