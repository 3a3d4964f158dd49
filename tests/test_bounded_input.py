"""Size bounds outside the crawl: extracted text (``TextTooLong``) and ``scrapy extract`` on a .gz bomb."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import Article, ArticlePage
from crawler.page_input import InputTooLarge, read_input
from pipelines.drops import TextTooLong
from pipelines.extract import ArticleExtractor, ExtractionPipeline
from tests.conftest import project_settings, settled
from tests.crawl import scrapy
from tests.hostile import gzip_stream

PAGES = Path(__file__).resolve().parent / "pages"
URL = "https://courier.example/a/1"


def stage(**settings: object) -> ExtractionPipeline:
    crawler = get_crawler(settings_dict=project_settings(**settings))
    crawler.stats.open_spider()
    return build_from_crawler(ExtractionPipeline, crawler)


def article_page() -> ArticlePage:
    html = (PAGES / "article.html").read_text(encoding="utf-8")
    return ArticlePage(url=URL, final_url=URL, site="courier", fetched_at="2026-11-26T10:00:00+00:00", html=html)


def test_text_longer_than_the_bound_is_dropped() -> None:
    length = len(ArticleExtractor(max_text_chars=0).analyse(article_page().html, URL).text)
    assert isinstance(settled(stage(EXTRACT_MAX_TEXT_CHARS=length).process_item(article_page())), Article)
    with pytest.raises(TextTooLong, match=rf"Text too long \({length} characters, limit {length - 1}\): {URL}"):
        settled(stage(EXTRACT_MAX_TEXT_CHARS=length - 1).process_item(article_page()))


def test_the_default_bound_keeps_articles_and_is_set() -> None:
    assert project_settings()["EXTRACT_MAX_TEXT_CHARS"] > 0
    assert isinstance(settled(stage().process_item(article_page())), Article)


def write_bomb(path: Path, size: int) -> None:
    with path.open("wb") as fh:
        for chunk in gzip_stream(size):
            fh.write(chunk)


def test_gz_input_is_decompressed_only_up_to_the_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    write_bomb(bomb, 512 << 20)  # 512 MB of zeros, ~0.5 MB on disk
    limit = 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(InputTooLarge, match=f"more than {limit} bytes"):
            read_input(str(bomb), max_bytes=limit)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * limit  # read incrementally: nowhere near the 512 MB it inflates to
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((PAGES / "article.html").read_bytes()))
    html, _url = read_input(str(page), max_bytes=limit)
    assert "Harbour board" in html
    plain = tmp_path / "big.html"
    plain.write_bytes(b"<p>x</p>" * (limit // 8 + 1))
    with pytest.raises(InputTooLarge):
        read_input(str(plain), max_bytes=limit)


def test_scrapy_extract_refuses_a_gz_bomb_in_one_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    write_bomb(bomb, 256 << 20)
    proc = scrapy(["extract", str(bomb), str(PAGES / "article.html")], tmp_path, {"DOWNLOAD_MAXSIZE": 1 << 20})
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if "bomb.html.gz" in line]
    assert lines == [f"{bomb}: cannot read (more than {1 << 20} bytes (DOWNLOAD_MAXSIZE))"]
    assert "Traceback" not in proc.stderr
    assert "Harbour board" in proc.stdout  # the other input is still extracted
