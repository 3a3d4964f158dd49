"""``scrapy export``: a database filled through the real storage code (SQLite and PostgreSQL) exported
as JSONL, CSV and Parquet and read back: the articles stored in the period as ``stored`` events, the
stored articles replaced or merged in it as ``replaced`` events with ``replaced_by``, every column of
``articles`` but the binary ones; bad input is one line and exit 2, nothing written."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from crawler.items import Article
from pipelines.dedup.engine import Decision
from pipelines.storage.export import export_columns
from pipelines.storage.models import articles
from pipelines.storage.store import open_store, prepare
from pipelines.storage.writes import LateMerge, RecordDuplicate, StoreArticle
from tests.crawl import ROOT, scrapy, scrapy_env


def article(name: str, **dedup: Any) -> Article:
    url = f"http://{name}.example/story"
    return Article(id=f"{name:0>16}", url=url, final_url=url, canonical_url=url, site=name, title=f"Title {name}",
                   fetched_at="2026-12-01T12:00:00+00:00", text=f"Text of {name}, ünïcode “quoted”, a, b",
                   authors=["Ann Lee"], credits=[], dedup={"entry": b"\x00\xffblob", **dedup})


def ident(name: str) -> str:
    return f"{name:0>16}"


STORED = {ident(n) for n in ("a", "b", "c2", "d")}  # kept now, stored in the period
REPLACED = {ident("c1"): (ident("c2"), "superseded_fuller"), ident("e"): (ident("d"), "late_merge")}


def fill(url: str) -> None:
    """Through ``Store.write_batch``: a, b, d stored; c1 stored then replaced by the fuller c2; e stored
    then merged into d; x a dropped copy of a (never exported); old stored 30 days ago."""
    prepare(url)
    store = open_store(url)
    try:
        store.write_batch([StoreArticle(article(n)) for n in ("a", "b", "c1", "d", "e", "old")])
        store.write_batch([StoreArticle(article("c2", replaces=ident("c1"), why="fuller", match="near",
                                                scores={"jaccard": 0.7, "contained": 0.9, "contains": 0.6}))])
        store.write_batch([LateMerge(ident("e"), ident("d")),
                           RecordDuplicate(article("x"), Decision("duplicate", "near", duplicate_of=ident("a"),
                                                                  scores={"jaccard": 0.8}))])
        with store.engine.begin() as conn:
            conn.execute(update(articles).where(articles.c.id == ident("old"))
                         .values(stored_at=datetime.now(UTC) - timedelta(days=30)))
    finally:
        store.engine.dispose()


def run_export(tmp: Path, db_url: str, *args: str, batch_size: int = 1000) -> subprocess.CompletedProcess:
    return scrapy(["export", *args], tmp, {"DATABASE_URL": db_url, "EXPORT_BATCH_SIZE": batch_size})


def read_back(path: Path, fmt: str) -> list[dict[str, Any]]:
    """The rows of an export, values as text ('' for none), as CSV would hold them."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    return [{k: "" if v is None else v.isoformat() if isinstance(v, datetime) else str(v) for k, v in r.items()}
            for r in rows]


def check_events(rows: list[dict[str, Any]]) -> None:
    assert list(rows[0]) == export_columns()
    assert "index_entry" not in rows[0] and {"text", "stored_at", "credits", "run_id"} <= set(rows[0])
    stored = {r["id"]: r for r in rows if r["event"] == "stored"}
    replaced = {r["id"]: r for r in rows if r["event"] == "replaced"}
    assert set(stored) == STORED and len(rows) == len(STORED) + len(REPLACED)
    assert {i: (r["replaced_by"], r["relation"]) for i, r in replaced.items()} == REPLACED
    assert stored[ident("a")]["text"] == article("a").text and stored[ident("a")]["authors"] == '["Ann Lee"]'
    assert replaced[ident("c1")]["title"] == "Title c1" and replaced[ident("c1")]["stored_at"] == ""
    assert all(r["replaced_by"] == "" for r in stored.values())
    times = [datetime.fromisoformat(r["event_at"]) for r in rows]
    assert times == sorted(times) and all(t.tzinfo is not None for t in times)
    assert max(times) - min(times) < timedelta(minutes=5)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_sqlite_round_trip_stored_and_replaced_events(tmp_path: Path, fmt: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    fill(db_url)
    out = tmp_path / "out" / f"changes.{fmt}"
    # the format from the extension; two rows read (and written) at a time
    proc = run_export(tmp_path, db_url, "--since", "7d", "-o", str(out), batch_size=2)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"Exported 6 rows (4 stored, 2 replaced) to {out} as {fmt}" in proc.stdout
    check_events(read_back(out, fmt))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.ParquetFile(out).metadata.num_row_groups == 3  # one per batch
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no partial file left beside it


def test_since_an_iso_date_and_everything(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    fill(db_url)
    old = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    proc = run_export(tmp_path, db_url, "--since", old, "--format", "csv", "-o", "-")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert {r["id"] for r in rows if r["event"] == "stored"} == STORED | {ident("old")}
    proc = run_export(tmp_path, db_url, "--format", "jsonl", "-o", "-")  # no --since: everything
    assert len(proc.stdout.splitlines()) == len(rows)


def test_postgresql_round_trip(tmp_path: Path, pg_url: str) -> None:
    fill(pg_url)
    for fmt in ("jsonl", "parquet"):
        out = tmp_path / f"changes.{fmt}"
        proc = run_export(tmp_path, pg_url, "--since", "24h", "--format", fmt, "-o", str(out))
        assert proc.returncode == 0, proc.stderr[-3000:]
        check_events(read_back(out, fmt))


@pytest.mark.parametrize(("args", "line"), [
    (["--since", "last week"], "export: --since: 'last week' is not 7d, 24h, 90m or an ISO date/time"),
    (["--format", "xml"], "export: --format: unknown format 'xml' (jsonl, csv or parquet)"),
    ([], "export: --format: give jsonl, csv or parquet (the extension of '{out}' names none)"),
    (["--format", "csv", "-o", "/proc/nowhere/out.csv"], "export: -o /proc/nowhere/out.csv: cannot write there"),
    (["--format", "parquet", "-o", "-"], "export: --format parquet writes a file, not stdout: give -o FILE"),
], ids=["since", "format", "no-format", "unwritable", "parquet-stdout"])
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], line: str) -> None:
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    fill(db_url)
    out = tmp_path / "out.data"
    proc = run_export(tmp_path, db_url, *([*args, "-o", str(out)] if "-o" not in args else args))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines()[0].startswith(line.format(out=out)), proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".*.part"))


def test_missing_schema_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_export(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}", "-o", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"export: database sqlite:///{tmp_path / 'empty.sqlite3'} has no newsdedup tables yet: a crawl creates them"]
    assert not out.exists()


def test_parquet_without_pyarrow_says_so_in_one_line(tmp_path: Path) -> None:
    """The same command in a Python where ``import pyarrow`` fails."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    fill(db_url)
    code = ("import sys; sys.modules['pyarrow'] = None; from scrapy.cmdline import execute; "
            f"execute(['scrapy', 'export', '--format', 'parquet', '-o', {str(tmp_path / 'x.parquet')!r}, "
            f"'-s', 'DATABASE_URL={db_url}'])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=scrapy_env(tmp_path / "data"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("export: --format parquet needs pyarrow, not installed here")
    assert not (tmp_path / "x.parquet").exists()
