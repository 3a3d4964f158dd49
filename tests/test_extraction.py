"""Extraction stage on small pages written for these tests (tests/pages/): boilerplate,
page classification with its drop reason, wrong charsets, metadata and ``scrapy extract``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from benchmarks.eval_extraction import benchmark_f1, shingle_counts, shingle_f1
from crawler.encoding import decode_body
from crawler.items import Article, ArticlePage
from pipelines.drops import NotAnArticle, PaywallTeaser
from pipelines.extract import ArticleExtractor, ExtractionPipeline, normalize_date, split_authors
from tests.conftest import project_settings, settled
from tests.crawl import scrapy

PAGES = Path(__file__).resolve().parent / "pages"


def page(name: str, url: str, site: str = "courier") -> ArticlePage:
    html = (PAGES / name).read_text(encoding="utf-8")
    return ArticlePage(url=url, final_url=url, site=site, fetched_at="2026-11-26T10:00:00+00:00", html=html)


@pytest.fixture
def stage() -> ExtractionPipeline:
    crawler = get_crawler(settings_dict=project_settings())
    crawler.stats.open_spider()
    return build_from_crawler(ExtractionPipeline, crawler)


def test_article_text_without_comments_and_cookie_banner(stage: ExtractionPipeline) -> None:
    article = settled(stage.process_item(page("article.html", "https://courier.example/news/2026/11/24/harbour-cranes")))
    assert isinstance(article, Article)
    assert "Marta Quist" in article.text and "according to the harbour master's log" in article.text
    for chrome in ("cookie", "Accept all", "Leave a Reply", "eyesore", "email address", "Post Comment", "©"):
        assert chrome not in article.text, chrome


def test_metadata_normalised(stage: ExtractionPipeline) -> None:
    article = settled(stage.process_item(page("article.html", "https://courier.example/news/2026/11/24/harbour-cranes?utm_source=x")))
    assert article.title == "Harbour board votes to replace north quay cranes"
    assert article.authors == ["Lena Hart"] and article.author == "Lena Hart"
    assert article.published == "2026-11-24T08:30:00+01:00"
    assert article.updated == "2026-11-25T17:05:00+01:00"
    assert article.language == "en"
    assert article.canonical_url == "https://courier.example/news/2026/11/24/harbour-cranes"
    assert article.sitename == "The Kellsport Courier"


def test_paywall_teaser_dropped_with_its_reason(stage: ExtractionPipeline) -> None:
    with pytest.raises(PaywallTeaser, match="Paywall"):
        settled(stage.process_item(page("paywall_teaser.html", "https://courier.example/business/osterby-shipyard-deal")))


def test_section_page_dropped_as_not_an_article(stage: ExtractionPipeline) -> None:
    with pytest.raises(NotAnArticle):
        settled(stage.process_item(page("section.html", "https://courier.example/news/")))


def test_wrong_charset_page_extracts_correctly(stage: ExtractionPipeline) -> None:
    body = (PAGES / "wrong_charset_cp1252.html").read_bytes()  # cp1252 bytes, declared utf-8
    response = HtmlResponse(
        url="https://courier.example/fr/eglise", body=body, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    html, note = decode_body(response)
    assert note == "declared utf-8 (header), detected cp1252"
    item = ArticlePage(response.url, response.url, "courier", "2026-11-26T10:00:00+00:00", html, note)
    article = settled(stage.process_item(item))
    assert "\ufffd" not in article.text
    assert "l’église Saint-Étienne" in article.text and "Hélène Brémond" in article.text
    assert article.title.startswith("Château-Lévêque") and article.language == "fr"


def test_site_overrides_change_the_extractor() -> None:
    overrides = {"wire": {"EXTRACT_FIRST_PASS": "balanced", "EXTRACT_MIN_WORDS": 500}}
    settings = project_settings(EXTRACT_SITE_OVERRIDES=overrides)
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    stage = build_from_crawler(ExtractionPipeline, crawler)
    assert stage.extractor_for("wire").first_pass == "balanced" and stage.extractor_for("wire").min_words == 500
    assert stage.extractor_for("courier") is stage.extractor
    assert isinstance(settled(stage.process_item(page("article.html", "https://courier.example/a/1"))), Article)
    with pytest.raises(Exception, match="Too little"):
        settled(stage.process_item(page("article.html", "https://courier.example/a/1", site="wire")))


def test_helpers() -> None:
    assert normalize_date("2026-11-24T07:30:00Z") == "2026-11-24T07:30:00+00:00"
    assert normalize_date("2026-11-24T07:30:00+0100") == "2026-11-24T07:30:00+01:00"
    assert normalize_date("2026-11-24") == "2026-11-24" and normalize_date("soon") == ""
    assert split_authors("By Ana Brook; Tim Vale; ana brook") == ["Ana Brook", "Tim Vale"]
    assert ArticleExtractor().analyse("", "https://x.example/").drop_reason == "ExtractionFailed"


def test_shingle_f1_matches_the_benchmark_definition() -> None:
    gold = "one two three four five six"
    assert shingle_f1(gold, gold) == 1.0 and shingle_f1("", gold) == 0.0
    assert shingle_counts("one two three four five", gold) == (2, 0, 1)  # 4-gram shingles, multiset
    assert shingle_f1("One two three four five six", gold) < 1.0  # case is kept, as in evaluate.py
    assert benchmark_f1([(2, 0, 1), (0, 0, 3)]) == pytest.approx(2 * 1.0 * (1 / 3) / (1 + 1 / 3))


def test_scrapy_extract_command(tmp_path: Path) -> None:
    proc = scrapy(["extract", "--json", str(PAGES / "article.html"), str(PAGES / "paywall_teaser.html")], tmp_path, {})
    assert proc.returncode == 0, proc.stderr[-2000:]
    first, second = (json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{"))
    assert first["title"].startswith("Harbour board") and first["dropped"] is None and "Marta Quist" in first["text"]
    assert first["published"] == "2026-11-24T08:30:00+01:00" and first["authors"] == ["Lena Hart"]
    assert second["dropped"] == "PaywallTeaser"
    proc = scrapy(["extract", str(PAGES / "section.html"), str(tmp_path / "missing.html")], tmp_path, {})
    assert proc.returncode == 1 and "NotAnArticle" in proc.stdout and "cannot read" in proc.stderr
