"""``scrapy review restore DUP_ID`` / ``distinct A B`` / ``accept REJECTION_ID`` /
``reextract --site S [--since 7d]``: undo a wrong drop or a wrong refusal.

``restore``: the dropped copy (``duplicates.article_id`` or ``duplicates.id``) moves into
``articles`` (method ``restored``) and the dedup index marks it kept, so a re-crawl sees it
as stored. ``distinct``: articles A and B (stored or dropped) are recorded as different
stories, never merged again by the dedup stage; when one is a dropped copy of the other it
is restored too. ``accept``: a page refused by extraction (``rejections.id``) is stored (or
recorded as a dropped copy) from its kept html, no refusal rule applied; no text at all: exit 1.
``reextract``: a site's refused pages go through extraction again (see ``crawler.rejections``);
one summary line. Each action is logged in ``reviews`` and shown in the next ``scrapy report``.
An unknown id or site or a bad ``--since``: one line, exit 2. The database, Redis or the dedup
index unusable: one line naming it, exit 2, nothing changed.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING, Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import OperatorError, operator_errors
from crawler.commands import FollowsDataDir
from crawler.connection import get_redis
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems
from crawler.report.data import parse_since

if TYPE_CHECKING:  # storage, extraction and the dedup engine are imported by the actions that use them
    from crawler.incremental import SeenStore
    from pipelines.storage.store import Store

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


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # storage and the Redis index only: no crawler
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "restore DUP_ID | distinct A B | accept REJECTION_ID | reextract --site S [--since 7d]"

    def short_desc(self) -> str:
        return ("Undo a wrong drop: restore a dropped copy, mark two articles as distinct stories, "
                "accept or re-extract refused pages")

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--note", default="", help="a note for the audit trail (shown in the report)")
        parser.add_argument("--site", default="", help="(reextract) the site, a spider name, whose refused pages")
        parser.add_argument("--since", default="", help="(reextract) only pages refused since then (7d, 36h, a date)")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not args or args[0] not in ("restore", "distinct", "accept", "reextract"):
            raise UsageError("give 'restore DUP_ID', 'distinct A B', 'accept REJECTION_ID' or 'reextract --site S'")
        action, ids = args[0], [a.strip().lower() for a in args[1:]]
        if action in ("accept", "reextract"):
            self._rejections(action, args[1:], opts)
            return
        if action == "restore" and len(ids) != 1:
            raise UsageError("restore takes one DUP_ID (duplicates.article_id or duplicates.id)")
        if action == "distinct" and (len(ids) != 2 or not all(ARTICLE_ID.match(i) for i in ids) or ids[0] == ids[1]):
            raise UsageError("distinct takes two different article ids (16 hex characters)")
        preflight = Preflight(self.settings, {"database", "index"})
        if preflight.run():
            report_problems("review", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        from pipelines.storage.store import open_store, prepare

        prepare(self.settings.get("DATABASE_URL"))
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

    def _rejections(self, action: str, args: list[str], opts: argparse.Namespace) -> None:
        """``accept REJECTION_ID`` / ``reextract --site S [--since …]``."""
        from crawler.rejections import NoPage, NoText, Reviewer, site_settings
        from pipelines.storage.store import open_store, prepare

        assert self.settings is not None
        since = None
        if action == "accept" and (len(args) != 1 or not args[0].strip().isdigit()):
            raise OperatorError(f"accept takes one rejection id (rejections.id, a number), not {' '.join(args)!r}")
        if action == "reextract":
            if args or not opts.site:
                raise OperatorError("reextract takes --site SITE [--since 7d] and no other argument")
            if opts.since:
                try:
                    since = parse_since(opts.since)
                except ValueError:
                    raise OperatorError(f"bad --since {opts.since!r} (give 7d, 36h, 90m or an ISO date)") from None
        preflight = Preflight(self.settings, {"database", "index"})
        if preflight.run():
            report_problems("review", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        prepare(self.settings.get("DATABASE_URL"))
        store = open_store(self.settings.get("DATABASE_URL"))
        row = None
        if action == "accept":
            row = store.find_rejection(int(args[0]))
            if row is None:
                raise OperatorError(f"no rejection {args[0]!r}")
            if row["resolution"]:
                raise OperatorError(f"rejection {row['id']} was {row['resolution']} already "
                                    f"(as {row['article_id']})", 1)
            if row["html"] is None and not row["warc_file"]:
                raise OperatorError(f"rejection {row['id']} keeps no html (REJECTION_KEEP_HTML_DAYS or a page "
                                    "refused before download) and no WARC record", 1)
        elif not site_settings(self.settings, opts.site)[1] and not store.has_rejections(opts.site):
            raise OperatorError(f"unknown site {opts.site!r} (no spider and no rejections of that name)")
        deduper = _deduper(self.settings)
        reviewer = Reviewer(store, deduper, self.settings, self._seen_store())
        try:
            if row is not None:
                try:
                    article, outcome = reviewer.accept(row, note=opts.note)
                except (NoText, NoPage) as exc:
                    raise OperatorError(str(exc), 1) from None
                print(f"Accepted rejection {row['id']} ({row['reason']}): {article.id} {outcome} "
                      f"({article.site}: {article.title})")
                return
            counts = reviewer.reextract(opts.site, since)
        finally:
            deduper.close()
        print(f"{opts.site}: {counts['reextracted']} re-extracted, {counts['stored']} stored, "
              f"{counts['duplicate']} duplicates, {counts['rejected']} still rejected"
              + (f", {counts['already_stored']} already stored" if counts["already_stored"] else "")
              + (f", {counts['unreadable']} unreadable (no html kept, WARC record not readable)"
                 if counts["unreadable"] else ""))

    def _seen_store(self) -> SeenStore | None:
        from crawler.incremental import SeenStore

        assert self.settings is not None
        return SeenStore.from_settings(self.settings) if self.settings.getbool("SEEN_ENABLED") else None
