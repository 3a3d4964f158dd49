"""``scrapy dedup FILE.jsonl``: stream records through the dedup engine, offline.

Input records: ``{"id", "text", "url"?, "site"?, "published"?}``, one JSON object per line.
Output (``-o``, default stdout): ``{"id", "duplicate_of", "method", "scores"}`` per record,
``duplicate_of`` null for kept records. The index is the crawler's (same settings), so this
seeds it from an existing archive; it is also how quality is measured (``make eval``).

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
from pathlib import Path
from typing import IO

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.cli import OperatorError, operator_errors
from crawler.index_sync import current_deduper
from crawler.jsonl_input import BadRecord, InputLimits, UnreadableFile, records, scan
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems
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


class Command(ScrapyCommand):
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
                            help="process the good lines even when some are bad (default: process none, exit 1)")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args == ["rebuild"]:
            return self._rebuild()
        if len(args) != 1:
            raise UsageError("give exactly one JSONL file, or `rebuild`")
        path = Path(args[0])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        output = Path(opts.output) if opts.output and opts.output != "-" else None
        if output is not None:
            check_output(output, path)
        assert self.settings is not None
        preflight = Preflight(self.settings, needs={"index"})
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
        deduper = RecordDeduper(current_deduper(self.settings))
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
            raise OperatorError(f"{path} changed while it was read ({exc}); "
                                f"{counts['records']} records were indexed") from None
        finally:
            if progress is not None:
                progress.close()
            if out is not sys.stdout:
                out.close()
        elapsed = time.perf_counter() - started
        rate = counts["records"] / elapsed if elapsed else 0.0
        print(
            f"{counts['records']} records, {counts['dropped']} duplicates, {bad} bad lines"
            f"{f' ({_reasons(checked.reasons)})' if bad else ''} in {elapsed:.1f} s ({rate:.0f} records/s)",
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
        print(f"dedup: index {self.settings.get('DEDUP_KEY_PREFIX')!r} rebuilt from {result.rows} rows in "
              f"{result.seconds:.1f} s", file=sys.stderr)


def _reasons(reasons: dict[str, int]) -> str:
    return " ".join(f"{reason}={count}" for reason, count in sorted(reasons.items()))


def _progress(total: int, show: bool):  # noqa: ANN202 (tqdm or None)
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="rec", file=sys.stderr)

