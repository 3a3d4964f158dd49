"""``scrapy export [--since 7d] [--format jsonl|csv|parquet] -o FILE``: the database's changes as events.

Writes the articles stored since ``--since`` (``7d``, ``24h``, ``90m``, an ISO date or date-time, UTC
unless stated; default: everything) and the stored articles replaced since then, one row each
(``pipelines.storage.export``: ``event`` ``stored`` | ``replaced``, ``replaced_by``, every column of
``articles`` but the binary ones), oldest first. ``--format`` defaults to the extension of ``-o``
(``.jsonl``/``.jl``, ``.csv``, ``.parquet``); ``-o -`` writes JSONL or CSV to stdout. Parquet goes
through pyarrow (column types from the table). The file is written beside its final name and moved
there when complete: a failed export leaves no partial file. Rows are read and written
``EXPORT_BATCH_SIZE`` at a time.

Bad input (``--since``, the format, an ``-o`` that cannot be written, pyarrow missing for parquet) and
a database unreachable or without the current schema: one line, exit 2, nothing written.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

from scrapy.commands import ScrapyCommand

from crawler.cli import OperatorError, operator_errors
from crawler.commands import FollowsDataDir
from crawler.preflight import EXIT_CONFIG, Preflight, report_problems

FORMATS = ("jsonl", "csv", "parquet")
EXTENSIONS = {".jsonl": "jsonl", ".jl": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def export_format(fmt: str | None, output: str) -> str:
    """The format asked for, else the one ``output``'s extension names; OperatorError when neither
    gives one of ``FORMATS``."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise OperatorError(f"--format: unknown format {fmt!r} (jsonl, csv or parquet)")
        return fmt
    found = EXTENSIONS.get(Path(output).suffix.lower()) if output != "-" else None
    if found is None:
        raise OperatorError(f"--format: give jsonl, csv or parquet (the extension of {output!r} names none)")
    return found


def _text(value: Any) -> Any:
    """A value as JSON and CSV carry it: timestamps as ISO 8601 text."""
    return value.isoformat() if isinstance(value, datetime) else value


def write_jsonl(rows: Iterable[dict[str, Any]], out: IO[str]) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps({k: _text(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str], columns: list[str]) -> int:
    """A header, then one line per row; None is an empty cell."""
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: "" if v is None else _text(v) for k, v in row.items()})
        count += 1
    return count


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def arrow_schema(types: dict[str, type]) -> Any:
    """The pyarrow schema of the exported fields (``pipelines.storage.export.column_types``)."""
    import pyarrow as pa

    arrow = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
             datetime: pa.timestamp("us", tz="UTC")}
    return pa.schema([(name, arrow.get(kind, pa.string())) for name, kind in types.items()])


def write_parquet(rows: Iterable[dict[str, Any]], path: Path, types: dict[str, type], batch_size: int) -> int:
    """One row group per ``batch_size`` rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(types)
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in _batches(rows, batch_size):
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


def _require_pyarrow() -> None:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise OperatorError(f"--format parquet needs pyarrow, not installed here ({exc}): "
                            "make install (or pip install pyarrow)") from None


@contextlib.contextmanager
def _partial(path: Path) -> Iterator[Path]:
    """A file beside ``path`` to write into, moved to ``path`` when the block completes, removed when
    it fails. OperatorError when it cannot be created."""
    part = path.with_name(f".{path.name}.part")
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        part.open("wb").close()
    except OSError as exc:
        raise OperatorError(f"-o {path}: cannot write there ({exc.strerror or exc})") from None
    try:
        yield part
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)


def export(settings: Any, since: datetime | None, fmt: str, output: str) -> tuple[int, dict[str, int]]:
    """Write the events since ``since`` to ``output`` ('-': stdout) as ``fmt``; returns the rows
    written and the count per event."""
    from pipelines.storage.export import column_types, events, export_columns
    from pipelines.storage.store import open_store  # SQLAlchemy: imported when an export runs

    batch_size = settings.getint("EXPORT_BATCH_SIZE")
    store = open_store(settings.get("DATABASE_URL"))
    counts: dict[str, int] = {}

    def counted() -> Iterator[dict[str, Any]]:
        for row in events(store.engine, since, batch_size):
            counts[row["event"]] = counts.get(row["event"], 0) + 1
            yield row

    try:
        if output == "-":
            written = write_jsonl(counted(), sys.stdout) if fmt == "jsonl" else \
                write_csv(counted(), sys.stdout, export_columns())
            return written, counts
        with _partial(Path(output)) as part:
            if fmt == "parquet":
                return write_parquet(counted(), part, column_types(), batch_size), counts
            with part.open("w", encoding="utf-8", newline="") as out:
                written = write_jsonl(counted(), out) if fmt == "jsonl" else write_csv(counted(), out, export_columns())
            return written, counts
    finally:
        store.engine.dispose()


class Command(FollowsDataDir, ScrapyCommand):
    requires_project = True
    requires_crawler_process = False  # reads storage only: no crawler, no Scrapy startup log
    default_settings = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "[--since 7d] [--format jsonl|csv|parquet] -o FILE"

    def short_desc(self) -> str:
        return "Export stored and replaced articles from the database (JSONL, CSV or Parquet)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        # Help texts hold no colon: Scrapy's help formatter takes a wrapped line ending in one for a heading.
        parser.add_argument("--since", help="only changes from this time on, 7d, 24h or an ISO date/time "
                                            "(UTC unless stated); default everything")
        parser.add_argument("--format", help="jsonl, csv or parquet (default from the extension of -o)")
        parser.add_argument("-o", "--output", metavar="FILE", help="the file to write ('-' for stdout, jsonl or csv)")

    @operator_errors
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from crawler.report.data import parse_since

        if args:
            raise OperatorError(f"no positional arguments (got {' '.join(args)!r})")
        if not opts.output:
            raise OperatorError("-o FILE is required ('-' for stdout)")
        try:
            since = parse_since(opts.since) if opts.since else None
        except ValueError:
            raise OperatorError(f"--since: {opts.since!r} is not 7d, 24h, 90m or an ISO date/time") from None
        fmt = export_format(opts.format, opts.output)
        if fmt == "parquet":
            if opts.output == "-":
                raise OperatorError("--format parquet writes a file, not stdout: give -o FILE")
            _require_pyarrow()
        assert self.settings is not None
        preflight = Preflight(self.settings, {"database"})
        if preflight.run():
            report_problems("export", preflight.problems)
            self.exitcode = EXIT_CONFIG
            return
        written, counts = export(self.settings, since, fmt, opts.output)
        detail = ", ".join(f"{counts.get(kind, 0)} {kind}" for kind in ("stored", "replaced"))
        where = "stdout" if opts.output == "-" else opts.output
        print(f"Exported {written} rows ({detail}) to {where} as {fmt}", file=sys.stderr if where == "stdout" else
              sys.stdout)
