"""``scrapy dedup FILE.jsonl``: stream records through the dedup engine, offline.

Input records: ``{"id", "text", "url"?, "site"?, "published"?}``, one JSON object per line.
Output (``-o``, default stdout): ``{"id", "duplicate_of", "method", "scores"}`` per record,
``duplicate_of`` null for kept records. By default the index is the crawler's (same settings,
made a current build of the database first), so this seeds it from an existing archive.

Measuring never touches that index:

- ``--index NAME``: a separate index under key prefix NAME, with no database behind it (the
  database is neither read nor written); created on first use, kept for the next call.
- ``--dry-run``: checks without inserting anything into the index it reads (the crawler's, or
  NAME): the records go through the engine's own check-and-insert on a throwaway copy of it,
  deleted at the end (``pipelines.dedup.scratch``), so each record is also checked against the
  file's earlier records, exactly as a real run would decide. The crawler's index is read as it
  stands: a dry run never rebuilds it from the database nor reconciles articles.
  ``--index NAME --dry-run`` on a new NAME measures a file against itself.

Nothing is indexed or written before the whole input was checked (``crawler.jsonl_input``):
each bad line is reported as ``line N: skipped (reason)`` on stderr, and then the command
exits 1 without indexing anything, unless ``--skip-bad`` (the good lines are processed, exit 0).
Exit 2, nothing done: a file that is not UTF-8 text, an ``-o`` that cannot be written (checked
first), Redis unreachable or an index built with other parameters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import OperatorError, operator_errors
from crawler.commands import FollowsDataDir
from crawler.connection import redis_key_prefix
from crawler.jsonl_input import BadRecord, InputLimits, ScanResult, UnreadableFile, records, scan
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems

if TYPE_CHECKING:  # the engine (numpy, scipy via datasketch) is imported when records are checked
    from pipelines.dedup.engine import Deduper
    from pipelines.dedup.records import RecordDeduper


def check_output(output: Path, source: Path) -> None:
    """Raise ``OperatorError`` when decisions cannot be written to ``output`` (checked before
    anything is indexed): a missing or read-only folder, a folder in its place, the input itself."""
    folder = output.parent
    if not folder.is_dir():
        raise OperatorError(f"cannot write {output}: folder {folder} does not exist")
    if output.is_dir():
        raise OperatorError(f"cannot write {output}: it is a folder")
    if not os.access(output if output.exists() else folder, os.W_OK):
        raise OperatorError(f"cannot write {output}: permission denied")
    if output.exists() and output.resolve() == source.resolve():
        raise OperatorError(f"cannot write {output}: it is the input file")


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # the Redis index only: no crawler
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] FILE.jsonl | rebuild"

    def short_desc(self) -> str:
        return "Check a JSONL file of articles against the dedup index (seeds it), or rebuild the index"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="write decisions here (JSONL); default stdout")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--skip-bad", action="store_true",
                            help="process the good lines even when some are bad (default is none, exit 1)")
        parser.add_argument("--index", metavar="NAME",
                            help="a separate index under key prefix NAME, not the crawler's (no database behind it)")
        parser.add_argument("--dry-run", action="store_true",
                            help="check without inserting anything into the index (a throwaway copy is used)")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if args == ["rebuild"]:
            if opts.index or opts.dry_run:
                raise UsageError("`rebuild` rebuilds the crawler's index: no --index, no --dry-run")
            return self._rebuild()
        if len(args) != 1:
            raise UsageError("give exactly one JSONL file, or `rebuild`")
        if opts.index is not None:
            _check_index_name(opts.index, redis_key_prefix(self.settings))
        path = Path(args[0])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        output = Path(opts.output) if opts.output and opts.output != "-" else None
        if output is not None:
            check_output(output, path)
        # the crawler's index is made a current build of the database, except by a dry run (which
        # changes nothing) and for a separate index (no database behind it)
        needs = {"redis"} if opts.index or opts.dry_run else {"index"}
        preflight = Preflight(self.settings, needs=needs)
        if preflight.run():
            report_problems("dedup", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        limits = InputLimits.from_settings(self.settings)
        try:
            checked = scan(path, limits, lambda number, bad: print(f"line {number}: skipped ({bad.detail})",
                                                                   file=sys.stderr))
        except UnreadableFile as exc:
            raise OperatorError(f"{path}: {exc}; nothing indexed") from None
        bad = len(checked.bad)
        if bad and not opts.skip_bad:
            print(f"dedup: {bad} bad lines ({_reasons(checked.reasons)}), nothing indexed or written; fix them, "
                  f"or pass --skip-bad to process the {checked.good} good lines", file=sys.stderr)
            self.exitcode = 1
            return
        from pipelines.dedup.records import RecordDeduper

        with ExitStack() as stack:
            engine = self._deduper(opts, stack)
            stack.callback(engine.close)  # learned site footers written (to the copy, for a dry run)
            self._check(path, limits, checked, output, opts, RecordDeduper(engine))

    def _deduper(self, opts: argparse.Namespace, stack: ExitStack) -> Deduper:
        """The engine on the index this run checks against: the crawler's or ``--index`` NAME, or a
        throwaway copy of it for ``--dry-run`` (deleted when ``stack`` closes)."""
        import dataclasses

        from crawler.connection import get_redis
        from pipelines.dedup.engine import DedupConfig, Deduper
        from pipelines.dedup.index import STANDALONE, IndexParamsMismatch, stored_generation
        from pipelines.dedup.scratch import scratch_copy

        assert self.settings is not None
        source = opts.index or redis_key_prefix(self.settings)
        try:
            config = DedupConfig.from_settings(self.settings, key_prefix=source)
        except ValueError as exc:
            raise OperatorError(f"invalid DEDUP_* setting or index name: {exc}") from None
        client = get_redis(self.settings)
        generation = stored_generation(client, source)
        if opts.index and generation != STANDALONE:
            raise OperatorError(f"index {source!r} is a crawler's index (it serves a database): "
                                "give --index a name of its own")
        prefix = source
        if opts.dry_run:
            prefix, copied = stack.enter_context(scratch_copy(client, source))
            if not copied:
                print(f"dedup: index {source!r} is empty: the records are checked against each other only",
                      file=sys.stderr)
        try:
            return Deduper(client, dataclasses.replace(config, key_prefix=prefix), generation)
        except IndexParamsMismatch as exc:
            raise OperatorError(str(exc).replace(repr(prefix), repr(source))) from None

    def _check(self, path: Path, limits: InputLimits, checked: ScanResult, output: Path | None,
               opts: argparse.Namespace, deduper: RecordDeduper) -> None:
        """Check every good record of ``path`` with ``deduper``; decisions to ``output`` (stdout)."""
        bad = len(checked.bad)
        out: IO[str] = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115
        progress = _progress(checked.good, sys.stderr.isatty() and not opts.no_progress)
        started, counts = time.perf_counter(), {"records": 0, "dropped": 0}
        try:
            for record in records(path, limits, checked.bad):
                result = deduper.check(record)
                counts["records"] += 1
                counts["dropped"] += result["duplicate_of"] is not None
                out.write(json.dumps(result) + "\n")
                if progress is not None:
                    progress.update(1)
        except (BadRecord, UnreadableFile) as exc:
            indexed = "checked, none indexed (dry run)" if opts.dry_run else "indexed"
            raise OperatorError(f"{path} changed while it was read ({exc}); "
                                f"{counts['records']} records were {indexed}") from None
        finally:
            if progress is not None:
                progress.close()
            if out is not sys.stdout:
                out.close()
        elapsed = time.perf_counter() - started
        rate = counts["records"] / elapsed if elapsed else 0.0
        index = opts.index or redis_key_prefix(self.settings)
        print(
            f"{counts['records']} records, {counts['dropped']} duplicates, {bad} bad lines"
            f"{f' ({_reasons(checked.reasons)})' if bad else ''} in {elapsed:.1f} s ({rate:.0f} records/s); "
            + (f"dry run: index {index!r} unchanged" if opts.dry_run else f"index {index!r}"),
            file=sys.stderr,
        )


    def _rebuild(self) -> None:
        """``scrapy dedup rebuild``: rebuild the index from the database now, whatever its state."""
        from crawler.index_sync import sync_index

        assert self.settings is not None
        preflight = Preflight(self.settings, needs={"database", "redis"})
        if preflight.run():
            report_problems("dedup", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        result = sync_index(self.settings, force=True)
        print(f"dedup: index {redis_key_prefix(self.settings)!r} rebuilt from {result.rows} rows in "
              f"{result.seconds:.1f} s", file=sys.stderr)


def _check_index_name(name: str, crawler_prefix: str) -> None:
    """``UsageError`` unless ``name`` can be a separate index's key prefix."""
    if not name or any(c in name for c in " \n{}:*?[]"):
        raise UsageError(f"--index takes a plain name (no spaces, ':', braces or wildcards), got {name!r}")
    if name == crawler_prefix:
        raise UsageError(f"--index {name!r} is the crawler's index (DEDUP_KEY_PREFIX); give a name of its own, "
                         "or leave --index out to use the crawler's index")


def _reasons(reasons: dict[str, int]) -> str:
    return " ".join(f"{reason}={count}" for reason, count in sorted(reasons.items()))


def _progress(total: int, show: bool):  # noqa: ANN202 (tqdm or None)
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="rec", file=sys.stderr)

