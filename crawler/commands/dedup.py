"""``scrapy dedup FILE.jsonl``: stream records through the dedup engine, offline.

Input records: ``{"id", "text", "url"?, "site"?, "published"?}``, one JSON object per line.
Output (``-o``, default stdout): ``{"id", "duplicate_of", "method", "scores"}`` per record,
``duplicate_of`` null for kept records. The index is the crawler's (same settings), so this
seeds it from an existing archive; it is also how quality is measured (``make eval``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import IO

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.connection import get_redis
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.records import RecordDeduper


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[options] FILE.jsonl"

    def short_desc(self) -> str:
        return "Run the dedup engine over a JSONL file of articles (seeds the index)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("-o", "--output", help="write decisions here (JSONL); default stdout")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one JSONL file")
        path = Path(args[0])
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
        assert self.settings is not None
        deduper = RecordDeduper(Deduper(get_redis(self.settings), DedupConfig.from_settings(self.settings)))
        out: IO[str] = open(opts.output, "w", encoding="utf-8") if opts.output else sys.stdout  # noqa: SIM115
        show = sys.stderr.isatty() and not opts.no_progress
        started, counts = time.perf_counter(), {"records": 0, "dropped": 0, "bad": 0}
        try:
            with path.open(encoding="utf-8") as lines:
                progress = _progress(path, show)
                for number, line in enumerate(lines, 1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                        result = deduper.check(record)
                    except (ValueError, KeyError, TypeError) as exc:
                        counts["bad"] += 1
                        print(f"line {number}: skipped ({exc})", file=sys.stderr)
                        continue
                    counts["records"] += 1
                    counts["dropped"] += result["duplicate_of"] is not None
                    out.write(json.dumps(result) + "\n")
                    if progress is not None:
                        progress.update(1)
                if progress is not None:
                    progress.close()
        finally:
            if out is not sys.stdout:
                out.close()
        elapsed = time.perf_counter() - started
        rate = counts["records"] / elapsed if elapsed else 0.0
        print(
            f"{counts['records']} records, {counts['dropped']} duplicates, {counts['bad']} bad lines "
            f"in {elapsed:.1f} s ({rate:.0f} records/s)",
            file=sys.stderr,
        )


def _progress(path: Path, show: bool):  # noqa: ANN202 (tqdm or None)
    if not show:
        return None
    from tqdm import tqdm

    with path.open(encoding="utf-8") as fh:
        total = sum(1 for _ in fh)
    return tqdm(total=total, unit="rec", file=sys.stderr)
