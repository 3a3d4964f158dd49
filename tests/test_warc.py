"""WARC out and WARC in: a demo crawl with ``WARC_ARCHIVE`` on writes WARCs warcio validates,
and replaying them into a fresh data folder gives the crawl's stored / duplicate / rejected sets;
a CC-NEWS-style WARC built here (many hosts, gzip per record, WARC 1.0 and 1.1, revisit and
non-HTML records, one truncated record, reprints across hosts) replays with every reprint dropped
and every record counted by outcome. Real demo network, real Redis, real SQLite."""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
import subprocess
import sys
import uuid
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warcread import WarcPage, read_page, warc_path
from tests.conftest import demo_network_settings, redis_url
from tests.crawl import scrapy

WARCIO = str(Path(sys.executable).parent / "warcio")


def _rows(db: Path) -> dict[str, set[tuple[str, ...]]]:
    """The stored / duplicate / rejected sets of a database: (site, url[, reason])."""
    with sqlite3.connect(db) as conn:
        return {
            "articles": set(conn.execute("select site, url from articles")),
            "duplicates": set(conn.execute("select site, url from duplicates")),
            "rejections": set(conn.execute("select site, url, reason from rejections")),
        }


def _locations(db: Path) -> list[tuple[str, str, str | None, int | None]]:
    with sqlite3.connect(db) as conn:
        return [row for table in ("articles", "duplicates", "rejections")
                for row in conn.execute(f"select '{table}', url, warc_file, warc_offset from {table}")]  # noqa: S608


def test_demo_crawl_archives_and_replays_to_the_same_sets(tmp_path: Path, redis_client: Any) -> None:
    crawl_db, warc_dir = tmp_path / "crawl.sqlite3", tmp_path / "warc"
    with demo_network_settings(crawl_db, redis_client) as (_net, settings):
        proc = scrapy(["demo"], tmp_path, {**settings, "WARC_ARCHIVE": True, "WARC_DIR": str(warc_dir)})
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert len(files) == 5  # one per demo site (nothing rotated)
    check = subprocess.run([WARCIO, "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "fail" not in check.stdout
    responses = 0
    for path in files:
        with path.open("rb") as fh:
            records = list(ArchiveIterator(fh))
        types = [r.rec_type for r in records]
        assert types[0] == "warcinfo" and types[1::2] == ["response"] * (len(types) // 2)
        assert types[2::2] == ["request"] * (len(types) // 2)
        responses += types.count("response")
    crawled = _rows(crawl_db)
    assert crawled["articles"] and crawled["duplicates"] and crawled["rejections"]
    # every stored article, duplicate and rejection names the record holding its page
    locations = _locations(crawl_db)
    assert len(locations) == sum(len(v) for v in crawled.values())
    for table, url, name, offset in locations:
        assert name and offset is not None, (table, url)
        page = read_page(warc_path(warc_dir, name), offset)
        assert isinstance(page, WarcPage) and page.url == url, (table, url, page)
    assert responses >= len(locations)

    replay_data, replay_db = tmp_path / "replay", tmp_path / "replay" / "replay.sqlite3"
    prefix = f"t-replay-{uuid.uuid4().hex[:8]}"
    stats_file = tmp_path / "replay-stats.json"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "replay", str(warc_dir), "--site-from", "spider",
             "-s", f"DATABASE_URL=sqlite:///{replay_db}", "-s", f"REDIS_URL={redis_url(redis_client)}",
             "-s", f"DEDUP_KEY_PREFIX={prefix}", "-s", f"STATS_FILE={stats_file}"],
            cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=240,
            env=_env(replay_data))
    finally:
        keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            redis_client.delete(*keys)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    assert _rows(replay_db) == crawled
    stats = json.loads(stats_file.read_text())
    assert stats["replay/records"] == sum(1 for path in files for _ in ArchiveIterator(path.open("rb")))
    # the replayed rows name the crawl's WARC files (absolute: outside the replay's WARC_DIR)
    assert all(Path(name).is_absolute() and Path(name).parent == warc_dir.resolve()
               for _t, _u, name, _o in _locations(replay_db))


def _env(data_dir: Path) -> dict[str, str]:
    from tests.crawl import scrapy_env

    return scrapy_env(data_dir)


# --- a CC-NEWS-style archive -------------------------------------------------------------------------

WORDS = ("council harbour budget river school water market police bridge report plan street museum festival "
         "farmers rail station hospital weather storm energy project housing library court minister village "
         "tourism fishing vote election coast forest road teachers students ferry airport bakery orchestra "
         "archive garden factory workers union pension tax district mayor island mountain valley season").split()


def _story(seed: int) -> list[str]:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(6):
        sentences = []
        for _ in range(3):
            words = [rng.choice(WORDS) for _ in range(14)]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


PUBLISHERS = [f"{tree} Gazette" for tree in "Alder Birch Cedar Dogwood Elm Fir Ginkgo Hazel".split()]


def _page(host: str, title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    name = PUBLISHERS[int(host.split(".")[1][-1])]
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | {name}</title>"
            f"<meta property='og:site_name' content='{name}'></head>"
            f"<body><header><nav><a href='/'>Home</a> <a href='/news/'>News</a></nav></header>"
            f"<article><h1>{title}</h1>{body}</article>"
            f"<footer><p>Copyright {host}. All rights reserved.</p></footer></body></html>").encode()


class _Archive:
    """A WARC file being written with warcio, counting its records by the outcome a replay must give."""

    def __init__(self, path: Path, version: str, counts: dict[str, int]) -> None:
        self.fh = path.open("wb")
        self.writer = WARCWriter(self.fh, gzip=True, warc_version=version)
        self.counts = counts
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, {"software": "test"}))
        self._count("other")

    def _count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.counts["records"] = self.counts.get("records", 0) + 1

    def response(self, url: str, body: bytes, status: str = "200 OK", ctype: str = "text/html; charset=utf-8",
                 extra: list[tuple[str, str]] | None = None, outcome: str = "pages", request: bool = True) -> None:
        http = StatusAndHeaders(status, [("Content-Type", ctype), *(extra or [])], protocol="HTTP/1.1")
        record = self.writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                http_headers=http)
        self.writer.write_record(record)
        self._count(outcome)
        if request:
            split = urlsplit(url)
            req = StatusAndHeaders(f"GET {split.path} HTTP/1.1", [("Host", split.netloc)], is_http_request=True)
            self.writer.write_record(self.writer.create_warc_record(url, "request", http_headers=req))
            self._count("other")

    def revisit(self, url: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                   "http://example.org/original", "2026-11-01T00:00:00Z",
                                                   http_headers=http)
        self.writer.write_record(record)
        self._count("revisit")

    def close(self) -> None:
        self.fh.close()


def _cc_news(folder: Path) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Two CC-NEWS-style files; the record counts by outcome, and each story's URLs (first = original)."""
    folder.mkdir()
    counts: dict[str, int] = {}
    stories: dict[str, set[str]] = {}
    hosts = [f"www.paper{n}.example" for n in range(8)]
    first = _Archive(folder / "CC-NEWS-20261101000000-00001.warc.gz", "1.0", counts)
    second = _Archive(folder / "CC-NEWS-20261101010000-00002.warc.gz", "1.1", counts)
    for n in range(12):  # 12 stories, each on its own host and reprinted on 0-3 other hosts
        text = _story(n)
        origin = hosts[n % len(hosts)]
        reprints = [h for h in hosts if h != origin][: n % 4]
        urls = set()
        for k, host in enumerate([origin, *reprints]):
            url = f"https://{host}/2026/11/01/story-{n}-{k}.html"
            urls.add(url)
            archive = first if (n + k) % 2 == 0 else second
            credit = f"This story was originally published by {PUBLISHERS[n % len(hosts)]}."
            page_text = text if k == 0 else [*text, credit]
            body = _page(host, f"Story number {n}", page_text)
            if k % 2:  # some publishers send gzip: the record keeps it content-encoded
                archive.response(url, gzip.compress(body), extra=[("Content-Encoding", "gzip")])
            else:
                archive.response(url, body)
        stories[f"story-{n}"] = urls
    first.revisit(f"https://{hosts[0]}/2026/11/01/story-0-0.html")
    second.revisit(f"https://{hosts[1]}/2026/11/01/story-1-0.html")
    first.response(f"https://{hosts[2]}/report.pdf", b"%PDF-1.4 not html", ctype="application/pdf",
                   outcome="not_html")
    second.response(f"https://{hosts[3]}/logo.png", b"\x89PNG\r\n\x1a\n", ctype="image/png", outcome="not_html")
    second.response(f"https://{hosts[4]}/feed.json", b"{}", ctype="application/json", outcome="not_html")
    first.response(f"https://{hosts[5]}/gone.html", b"<html>gone</html>", status="404 Not Found", outcome="status")
    first.close()
    # the last record of the second file is cut short, as a download that stopped
    cut_story = _page(hosts[6], "A long story cut short", _story(99) * 3)
    second.response(f"https://{hosts[6]}/2026/11/01/cut.html", cut_story, outcome="truncated", request=False)
    second.close()
    path = folder / "CC-NEWS-20261101010000-00002.warc.gz"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    return counts, stories


def test_cc_news_style_warc_replays_with_reprints_dropped(tmp_path: Path, redis_client: Any) -> None:
    counts, stories = _cc_news(tmp_path / "cc-news")
    data = tmp_path / "data"
    stats_file = tmp_path / "stats.json"
    prefix = f"t-ccnews-{uuid.uuid4().hex[:8]}"
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "replay", str(tmp_path / "cc-news"),
             "-s", f"REDIS_URL={redis_url(redis_client)}", "-s", f"DEDUP_KEY_PREFIX={prefix}",
             "-s", f"STATS_FILE={stats_file}"],
            cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=240, env=_env(data))
    finally:
        keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            redis_client.delete(*keys)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    stats = json.loads(stats_file.read_text())
    # every record counted once, by outcome
    assert stats["replay/records"] == counts["records"]
    assert stats["replay/pages"] == counts["pages"]
    for reason in ("revisit", "not_html", "status", "truncated", "other"):
        assert stats.get(f"replay/skipped/{reason}", 0) == counts[reason], reason
    assert stats["replay/pages"] + sum(v for k, v in stats.items() if k.startswith("replay/skipped/")) \
        == stats["replay/records"]
    assert "replay:" in proc.stderr and "truncated=1" in proc.stderr
    # every reprint dropped: one stored article per story, the other copies recorded as duplicates
    rows = _rows(data / "newsdedup.sqlite3")
    stored_urls = {url for _site, url in rows["articles"]}
    dropped_urls = {url for _site, url in rows["duplicates"]}
    assert not rows["rejections"]
    for story, urls in stories.items():  # the original kept (the reprints credit it), wherever it came in the files
        assert len(urls & stored_urls) == 1 and story + "-0.html" in next(iter(urls & stored_urls)), story
        assert urls - stored_urls == urls & dropped_urls, story
    assert {site for site, _url in rows["articles"]} == {f"paper{n}.example" for n in range(8)}


@pytest.mark.parametrize("name", ["missing.warc.gz"])
def test_replay_of_no_such_file_is_one_line_exit_2(tmp_path: Path, name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", "replay", str(tmp_path / name)],
                          cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=120,
                          env=_env(tmp_path / "data"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == f"replay: {tmp_path / name}: no such file or folder"


# --- the writer ------------------------------------------------------------------------------------------

def test_files_rotate_by_size_and_time_and_each_offset_holds_its_page(tmp_path: Path) -> None:
    from crawler.warcarchive import WarcFiles

    by_size = WarcFiles(tmp_path / "size", "site", rotate_bytes=1, rotate_seconds=0, gzip_level=6)
    by_time = WarcFiles(tmp_path / "time", "site", rotate_bytes=0, rotate_seconds=1e-9, gzip_level=6)
    never = WarcFiles(tmp_path / "never", "site", rotate_bytes=0, rotate_seconds=0, gzip_level=6)
    written = []
    for n in range(3):
        url, body = f"https://a.example/{n}.html", f"<html><p>page {n}</p></html>".encode()
        for files in (by_size, by_time, never):
            written.append((files, url, body, files.write(url, 200, "OK", [("Content-Type", "text/html")], body,
                                                         "GET", [], b"")))
    for files in (by_size, by_time, never):
        files.close()
    assert len(list((tmp_path / "size").iterdir())) == 3
    assert len(list((tmp_path / "time").iterdir())) == 3
    assert len(list((tmp_path / "never").iterdir())) == 1
    for files, url, body, (name, offset) in written:
        page = read_page(files.folder / name, offset)
        assert isinstance(page, WarcPage) and (page.url, page.body) == (url, body)
    check = subprocess.run([WARCIO, "check", *map(str, sorted(tmp_path.rglob("*.warc.gz")))],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # the members zlib-ng writes are plain gzip: the standard library reads the file whole
    whole = gzip.decompress((never.folder / written[-1][3][0]).read_bytes())
    assert whole.startswith(b"WARC/1.1\r\nWARC-Type: warcinfo") and whole.count(b"WARC-Type: response") == 3


def test_the_gzip_level_trades_bytes_only(tmp_path: Path) -> None:
    """Every level writes the same records (read back by offset, by warcio and by the standard
    library's gzip); a lower level writes more bytes; a level zlib has not is refused."""
    from crawler.warcarchive import WarcFiles

    pages = [(f"https://a.example/{n}.html", ("<html><p>" + f"Paragraph {n} of the story. " * 200 + "</p></html>")
              .encode()) for n in range(5)]
    sizes = {}
    for level in (0, 1, 9):
        files = WarcFiles(tmp_path / str(level), "site", rotate_bytes=0, rotate_seconds=0, gzip_level=level)
        written = [files.write(url, 200, "OK", [("Content-Type", "text/html")], body, "GET", [], b"")
                   for url, body in pages]
        files.close()
        for (url, body), (name, offset) in zip(pages, written, strict=True):
            page = read_page(files.folder / name, offset)
            assert isinstance(page, WarcPage) and (page.url, page.body) == (url, body)
        [path] = files.folder.iterdir()
        assert gzip.decompress(path.read_bytes()).count(b"WARC-Type: response") == len(pages)
        check = subprocess.run([WARCIO, "check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        sizes[level] = path.stat().st_size
    assert sizes[0] > sizes[1] > sizes[9]
    for bad in (10, -1, "fast", 4.5):
        with pytest.raises(ValueError, match="WARC_GZIP_LEVEL must be a whole number from 0 to 9"):
            WarcFiles(tmp_path / "bad", "site", rotate_bytes=0, rotate_seconds=0, gzip_level=bad)


def test_a_failed_write_loses_no_page(tmp_path: Path, demo_site: Any) -> None:
    from tests.crawl import run_spider

    _net, settings = demo_site
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where WARC_DIR should be")
    stats, log = run_spider("northern_wire", tmp_path, {**settings, "WARC_ARCHIVE": True, "WARC_DIR": str(blocked)})
    assert stats["warc/write_failed"] >= 1 and "warc/pages" not in stats
    assert "WARC write failed for" in log and "Traceback" not in log
    db = Path(settings["DATABASE_URL"].removeprefix("sqlite:///"))
    rows = _rows(db)
    assert len(rows["articles"]) == stats["storage/articles"] > 0
    assert all(name is None for _t, _u, name, _o in _locations(db))


def test_since_skips_older_records_counted(tmp_path: Path) -> None:
    counts, _stories = _cc_news(tmp_path / "cc-news")
    stats_file = tmp_path / "stats.json"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "replay", str(tmp_path / "cc-news"), "--since", "2100-01-01",
         "-s", f"STATS_FILE={stats_file}"],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=240,
        env=_env(tmp_path / "data"))
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    stats = json.loads(stats_file.read_text())
    assert stats.get("replay/pages", 0) == 0
    assert stats["replay/skipped/before_since"] == counts["pages"]
    assert stats["replay/records"] == counts["records"]
