"""Operator errors give one line and an exit code, never a traceback: bad ``scrapy dedup``
input, a misconfigured spider in a ``crawlall`` group, the database or Redis unreachable."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from scrapy.settings import Settings

from crawler.jsonl_input import InputLimits, scan
from crawler.preflight import Preflight
from tests.conftest import project_settings
from tests.crawl import ROOT, scrapy, scrapy_cmd
from tests.httpserver import RouteServer
from tests.redisproc import RedisProcess, free_port

STORY = ("The harbour board approved a new ferry timetable on Tuesday after months of complaints "
         "from commuters about late crossings, said board chair Ines Varga. ") * 4
GOOD = [{"id": "g1", "text": STORY, "url": "https://paper.example/a/1"}, {"id": "g2", "text": STORY + " Update."}]


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def run_dedup(tmp_path: Path, redis_settings: dict, key_prefix: str, content: bytes, *extra: str) -> Any:
    src = tmp_path / "in.jsonl"
    src.write_bytes(content)
    return scrapy(["dedup", str(src), *extra], tmp_path, {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix})


def good_lines() -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in GOOD)


def keys(client: redis.Redis, prefix: str) -> list[bytes]:
    """Keys that hold indexed articles (records, URL/text and band entries, seen URLs); the
    preflight may have made an empty index build (``meta``, ``seq``) before the input was read."""
    return [k for pattern in ("d", "k", "b", "seen") for k in client.scan_iter(f"{prefix}:{pattern}:*")]


# --- scrapy dedup FILE: every bad line found before anything is indexed or written ----------------------

@pytest.mark.parametrize(("bad_line", "reason"), [
    (b'{"id": "b1", "text": "some text", "url": 42}', "url must be a string, not a number"),
    (b'{"id": "b1", "text": "some text"', "invalid JSON: Expecting ',' delimiter at column 33"),
    (b'{"id": "b1", "text": "x", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested deeper than 16 levels"),
], ids=["non-string-url", "malformed-json", "deeply-nested"])
def test_a_bad_line_is_one_line_and_exit_1_with_nothing_indexed(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str, bad_line: bytes, reason: str
) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_dedup(tmp_path, redis_settings, key_prefix, good_lines() + bad_line + b"\n", "-o", str(out))
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert [line for line in lines(proc.stderr) if line.startswith("line ")] == [f"line 3: skipped ({reason})"]
    assert "nothing indexed or written" in proc.stderr and "--skip-bad" in proc.stderr
    assert not out.exists()
    assert keys(redis_client, key_prefix) == []


def test_skip_bad_processes_the_good_lines(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    content = b'[1, 2]\n' + good_lines() + b'{"id": "b2", "text": null}\n'
    out = tmp_path / "out.jsonl"
    proc = run_dedup(tmp_path, redis_settings, key_prefix, content, "-o", str(out), "--skip-bad")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "line 1: skipped (not a JSON object but an array)" in proc.stderr
    assert "line 4: skipped (text must be a string, not null)" in proc.stderr
    assert "2 records, 1 duplicates, 2 bad lines (bad_text=1 not_object=1)" in proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["g1", "g2"] and rows[1]["duplicate_of"] == "g1"
    assert keys(redis_client, key_prefix)


@pytest.mark.parametrize("content", [
    good_lines() + '{"id": "l1", "text": "Caf\u00e9 cr\u00e8me"}\n'.encode("latin-1"),
    gzip.compress(good_lines()),
    '{"id": "u1", "text": "x"}\n'.encode("utf-16"),
], ids=["latin-1", "gzip", "utf-16"])
def test_a_file_that_is_not_utf8_text_is_refused_whole(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str, content: bytes
) -> None:
    out = tmp_path / "out.jsonl"
    proc = run_dedup(tmp_path, redis_settings, key_prefix, content, "-o", str(out), "--skip-bad")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    [line] = lines(proc.stderr)
    assert line.startswith(f"dedup: {tmp_path / 'in.jsonl'}: ") and "not UTF-8 text" in line
    assert not out.exists()
    assert keys(redis_client, key_prefix) == []


def test_output_into_a_missing_folder_is_refused_before_indexing(
    tmp_path: Path, redis_client: redis.Redis, redis_settings: dict, key_prefix: str
) -> None:
    out = tmp_path / "missing" / "out.jsonl"
    proc = run_dedup(tmp_path, redis_settings, key_prefix, good_lines(), "-o", str(out))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert lines(proc.stderr) == [f"dedup: cannot write {out}: folder {out.parent} does not exist"]
    assert not out.parent.exists()
    assert keys(redis_client, key_prefix) == []


def test_scan_bounds_lines_and_reads_a_byte_order_mark(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    long_text = "é" * 600  # 1200 bytes: over the limit, and cut mid-character by the bounded reads
    src.write_bytes(b"\xef\xbb\xbf" + good_lines() + b"\n  \n"
                    + json.dumps({"id": "x", "text": long_text}, ensure_ascii=False).encode() + b"\n"
                    + b'{"id": "s", "text": "\\ud800"}\n')
    found: list[tuple[int, str]] = []
    result = scan(src, InputLimits(max_line_bytes=1000, max_depth=16), lambda n, bad: found.append((n, bad.reason)))
    assert found == [(5, "too_long"), (6, "bad_text")]
    assert result.good == 2 and result.bad == {5, 6}


# --- crawlall: a misconfigured spider does not stop the others ------------------------------------------

ARTICLE = "<html><body><article><h1>{title}</h1>{body}</article></body></html>"


SENTENCES = {
    1: "the Larkin bridge reopened on day {i} after repairs, said engineer Ola Brandt, who counted {n} trucks "
       "crossing before noon on the new deck.",
    2: "volunteers planted {n} oak saplings along the river meadow in week {i}, and the parish council "
       "promised benches and a gravel path before the summer fair.",
}


def article(n: int) -> bytes:
    body = "".join(f"<p>{SENTENCES[n].format(i=i, n=i * 11 + 3)}</p>" for i in range(8))
    return ARTICLE.format(title=f"Story {n}", body=body).encode()


ROUTES = {
    "/section": (200, "text/html", b"<html><body><a href='/a/1'>one</a> <a href='/a/2'>two</a></body></html>"),
    "/a/1": (200, "text/html; charset=utf-8", article(1)),
    "/a/2": (200, "text/html; charset=utf-8", article(2)),
}


def test_crawlall_runs_the_good_spiders_and_names_the_misconfigured_one(
    tmp_path: Path, redis_settings: dict, key_prefix: str
) -> None:
    db = tmp_path / "crawl.sqlite3"
    with RouteServer(ROUTES) as site:
        proc = scrapy(["crawlall", "--group", "cli_errors"], tmp_path, {
            **redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": f"sqlite:///{db}",
            "SPIDER_MODULES": "tests.spiders.group_with_bad_site", "ROBOTSTXT_OBEY": False,
            "DEMO_SITE_URLS": {"cli_good_site": site.base_url},
        })
    logs = [p.read_text() for p in (tmp_path / "data" / "logs").glob("crawlall-*.log")]
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert len(logs) == 1
    assert all("Traceback" not in text for text in (proc.stdout, proc.stderr, *logs))
    table = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if line.strip()}
    assert table["cli_good_site"][3] == "2" and "cli_bad_site" not in table  # fetched seen articles stored
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles where site = 'cli_good_site'").fetchone()[0] == 2
    bad = [line for line in lines(proc.stderr) if "cli_bad_site" in line]
    assert len(bad) == 2 and all(line.startswith("crawlall: spider 'cli_bad_site' not run: ") for line in bad)
    assert "unknown option 'feedz'" in bad[0] and "no sources" in bad[1]
    assert "Spider closed (finished)" in logs[0] and "Preflight: spider 'cli_bad_site' not run" in logs[0]


@pytest.mark.parametrize(("name", "value", "message"), [
    ("WARC_GZIP_LEVEL", "fast", "WARC_GZIP_LEVEL must be a whole number from 0 to 9, not 'fast'"),
    ("WARC_ROTATE_BYTES", "-1", "WARC_ROTATE_BYTES must be a number >= 0 (0: no rotation by it), not '-1'"),
], ids=["gzip-level", "rotate-bytes"])
def test_a_bad_warc_setting_is_one_line_and_exit_2_before_anything_runs(
    tmp_path: Path, redis_settings: dict, key_prefix: str, name: str, value: str, message: str
) -> None:
    proc = scrapy(["crawlall", "--group", "demo"], tmp_path,
                  {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "WARC_ARCHIVE": True, name: value,
                   "DEMO_SITE_URLS": {"harbor_gazette": "http://127.0.0.1:9"}})
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert lines(proc.stderr) == [f"crawlall: {message}"]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "data" / "warc").exists()  # nothing crawled, nothing archived


# --- the database or Redis unreachable: one line naming it, exit 2 -------------------------------------

@pytest.mark.parametrize("command", [["crawlall", "--group", "demo"], ["demo"]])
def test_crawl_commands_with_the_database_unreachable(
    tmp_path: Path, redis_settings: dict, key_prefix: str, command: list[str]
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{port}/test"
    proc = scrapy(command, tmp_path, {**redis_settings, "DEDUP_KEY_PREFIX": key_prefix, "DATABASE_URL": url,
                                      "DEMO_SITE_URLS": {"harbor_gazette": "http://127.0.0.1:9"}})
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    [line] = lines(proc.stderr)
    assert line.startswith(f"{command[0]}: database postgresql+psycopg://postgres:***@127.0.0.1:{port}/test "
                           "unreachable: ")
    assert "s3cret" not in proc.stdout + proc.stderr and "Traceback" not in proc.stdout + proc.stderr
    assert "total" not in proc.stdout  # nothing crawled: no table


@pytest.mark.parametrize("command", [["review", "restore", "0123456789abcdef"], ["dedup", "in.jsonl"]])
def test_review_and_dedup_with_redis_unreachable(tmp_path: Path, command: list[str]) -> None:
    port = free_port()
    (tmp_path / "in.jsonl").write_bytes(good_lines())
    command = [str(tmp_path / arg) if arg == "in.jsonl" else arg for arg in command]
    proc = scrapy(command, tmp_path, {"REDIS_URL": f"redis://127.0.0.1:{port}/0",
                                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    [line] = lines(proc.stderr)
    assert line.startswith(f"{command[0]}: Redis at redis://127.0.0.1:{port}/0 unreachable: ")


def test_review_with_the_database_unreachable(tmp_path: Path, redis_settings: dict) -> None:
    port = free_port()
    proc = scrapy(["review", "restore", "0123456789abcdef"], tmp_path,
                  {**redis_settings, "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"})
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    [line] = lines(proc.stderr)
    assert line.startswith(f"review: database postgresql+psycopg://postgres@127.0.0.1:{port}/test unreachable: ")


def test_preflight_names_a_redis_that_hangs(tmp_path: Path) -> None:
    settings = Settings(project_settings(PREFLIGHT_CONNECT_TIMEOUT=1, DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    with RedisProcess(tmp_path / "redis", persist=False) as server:
        settings.set("REDIS_URL", f"redis://:pw@127.0.0.1:{server.port}/0")
        server.pause()  # accepts connections, answers nothing
        try:
            problems = Preflight(settings, {"database", "index"}).run()
        finally:
            server.resume()
    assert [(p.check, p.fatal) for p in problems] == [("redis", True)]
    assert problems[0].message.startswith(f"Redis at redis://:***@127.0.0.1:{server.port}/0 unreachable: ")


def test_preflight_reports_each_spider_problem_and_an_index_built_otherwise(
    redis_client: redis.Redis, redis_settings: dict, key_prefix: str, tmp_path: Path
) -> None:
    from tests.spiders.group_with_bad_site import GoodSiteSpider, MisconfiguredSiteSpider

    settings = Settings(project_settings(**redis_settings, DEDUP_KEY_PREFIX=key_prefix,
                                         DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    spiders = {"good": GoodSiteSpider, "bad": MisconfiguredSiteSpider}
    preflight = Preflight.for_crawl(settings, spiders)
    assert preflight.run() and not preflight.fatal
    assert sorted(preflight.bad_spiders) == ["bad"] and len(preflight.bad_spiders["bad"]) == 2
    redis_client.hset(f"{key_prefix}:meta", "params", "norm=v0;perm=64")  # an index built with other settings
    problems = Preflight.for_crawl(settings, spiders).run()
    assert [p.check for p in problems] == ["index"] and "DEDUP_KEY_PREFIX" in problems[0].message


# --- the distributed commands run the same checks ---------------------------------------------------------

def test_seed_queues_the_good_spiders_and_names_the_misconfigured_one(tmp_path: Path) -> None:
    from tests.test_distributed import REDIS, distributed_env

    client = redis.Redis.from_url(REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis server not reachable at {REDIS}")
    prefix = f"t-seed-{uuid.uuid4().hex[:8]}"
    settings = {"REDIS_URL": REDIS, "DEDUP_KEY_PREFIX": prefix, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "SPIDER_MODULES": "tests.spiders.group_with_bad_site",
                "DEMO_SITE_URLS": {"cli_good_site": "http://127.0.0.1:9"}}
    try:
        proc = subprocess.run(scrapy_cmd(["seed", "--group", "cli_errors"], settings), cwd=ROOT,
                              env=distributed_env(tmp_path / "data"), capture_output=True, text=True, timeout=120)
        queued = client.llen(f"{prefix}:crawl:cli_good_site:start_urls")
    finally:
        found = list(client.scan_iter(f"{prefix}:*"))
        if found:
            client.delete(*found)
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "cli_good_site: new round, 1 sources queued" in proc.stdout and queued == 1
    bad = [line for line in lines(proc.stderr) if "cli_bad_site" in line]
    assert len(bad) == 2 and all(line.startswith("seed: spider 'cli_bad_site' not run: ") for line in bad)


def test_worker_with_redis_unreachable(tmp_path: Path) -> None:
    from tests.test_distributed import distributed_env

    port = free_port()
    settings = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    proc = subprocess.run(scrapy_cmd(["worker", "--group", "demo"], settings), cwd=ROOT,
                          env=distributed_env(tmp_path / "data"), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, (proc.stdout + proc.stderr)[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    [line] = [line for line in lines(proc.stderr) if line.startswith("worker:")]  # after Scrapy's startup log
    assert line.startswith(f"worker: Redis at redis://127.0.0.1:{port}/0 unreachable: ")
