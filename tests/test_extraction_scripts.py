"""Extraction of articles in scripts written without spaces, and the article language:
detection, ISO 639-1 normalisation, ``LANGUAGES`` / a spider's ``languages`` -> ``WrongLanguage``."""

from __future__ import annotations

import time
from html import escape

import pytest
from scrapy import Spider
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import Article, ArticlePage
from crawler.spiders.base import NewsSpider
from pipelines.drops import ExtractionDrop, NoArticleText, WrongLanguage
from pipelines.extract import ArticleExtractor, ExtractionPipeline
from pipelines.extract.language import allowed_languages, detect_language, normalize_language
from tests.conftest import project_settings, settled
from tests.multiscript_samples import JA_A, RU_A, ZH_A


def article_html(title: str, paragraphs: list[str], lang: str = "") -> str:
    """A plain news page: navigation, headline, paragraphs, footer; ``lang`` on <html> when given."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><meta charset='utf-8'><title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news/'>News</a></nav>"
        f"<main><article><h1>{escape(title)}</h1>{body}</article></main>"
        "<footer><a href='/about'>About</a></footer></body></html>"
    )


def page(html: str, url: str = "https://news.example/2026/12/05/story", site: str = "news") -> ArticlePage:
    return ArticlePage(url=url, final_url=url, site=site, fetched_at="2026-12-05T10:00:00+00:00", html=html)


ZH_PAGE = article_html("新城地铁三号线今天开通", ZH_A)
JA_PAGE = article_html("図書館が夜九時まで開館へ", JA_A)


@pytest.mark.parametrize(("html", "lang"), [(ZH_PAGE, "zh"), (JA_PAGE, "ja")], ids=["zh", "ja"])
def test_short_unspaced_article_is_kept_with_its_detected_language(html: str, lang: str) -> None:
    result = ArticleExtractor().analyse(html, "https://news.example/2026/12/05/story")
    assert result.drop is None, result.drop  # was NoArticleText: every line was one "word"
    assert len(result.text) < 400 and result.text.count("\n") >= 4
    assert result.detected_language == lang and result.language == lang  # no metadata: detection fills it
    assert result.language_probability >= 0.8


def test_too_little_chinese_text_is_still_no_article_text() -> None:
    html = article_html("短讯", [ZH_A[0][:30]])  # one line of 30 characters: 20 units
    with pytest.raises(NoArticleText):
        ArticleExtractor().extract(page(html))


def test_declared_language_is_normalised_and_wins_for_storage() -> None:
    html = article_html("Набережную перестроят", RU_A, lang="RU-ru")
    result = ArticleExtractor().analyse(html, "https://n.example/a")
    assert result.drop is None and result.language == "ru"
    assert result.detected_language == ""  # a declared language and no allow-list: detection is not run
    checked = ArticleExtractor(languages=("ru",)).analyse(html, "https://n.example/a")
    assert checked.drop is None and checked.language == "ru" and checked.detected_language == "ru"
    assert [normalize_language(c) for c in ("en-US", "zh_Hans", "ENG", "iw", "zxx", "", "x1")] == [
        "en", "zh", "en", "he", "", "", ""]
    assert allowed_languages("en, FR") == ("en", "fr") and allowed_languages(["de", "deu"]) == ("de",)


def test_languages_miss_raises_wrong_language_with_detected_language_and_allow_list() -> None:
    extractor = ArticleExtractor(languages=("en", "fr"))
    with pytest.raises(WrongLanguage) as caught:
        extractor.extract(page(ZH_PAGE))
    assert isinstance(caught.value, ExtractionDrop)
    message = str(caught.value)
    assert "'zh'" in message and "en, fr" in message and "news.example" in message
    assert isinstance(ArticleExtractor(languages=("zh",)).extract(page(ZH_PAGE)), Article)


def test_detected_language_overrides_a_wrong_template_lang() -> None:
    html = article_html("新城地铁三号线今天开通", ZH_A, lang="en")  # the site template says English
    result = ArticleExtractor(languages=("en",)).analyse(html, "https://news.example/a")
    assert result.language == "en" and result.detected_language == "zh"  # stored as the page states it
    assert isinstance(result.drop, WrongLanguage)  # decided on the text


def _stage(settings: dict, spider_cls: type[Spider]) -> ExtractionPipeline:
    crawler = get_crawler(spider_cls, settings_dict=project_settings(**settings))
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return build_from_crawler(ExtractionPipeline, crawler)


class _Plain(Spider):
    name = "plain"


class _ChineseOnly(Spider):
    name = "zh_only"
    languages = ["zh"]


def test_languages_setting_and_spider_attribute_override() -> None:
    stage = _stage({"LANGUAGES": ["ja"], "EXTRACT_WORKERS": 0}, _Plain)
    with pytest.raises(WrongLanguage, match="allowed: ja"):
        settled(stage.process_item(page(ZH_PAGE)))
    assert isinstance(settled(stage.process_item(page(JA_PAGE))), Article)
    stage = _stage({"LANGUAGES": ["ja"], "EXTRACT_WORKERS": 0}, _ChineseOnly)
    assert settled(stage.process_item(page(ZH_PAGE))).language == "zh"
    with pytest.raises(WrongLanguage, match="allowed: zh"):
        settled(stage.process_item(page(JA_PAGE)))


def test_news_spider_accepts_languages_as_an_option() -> None:
    base = {"name": "s", "feeds": ["/feed.xml"], "article_patterns": [r"/\d+$"]}
    assert NewsSpider.__class__("Good", (NewsSpider,), {**base, "languages": ["en"]}).config_problems() == []
    problems = NewsSpider.__class__("Bad", (NewsSpider,), {**base, "languages": "en"}).config_problems()
    assert problems == ["languages must be a list of strings, not one string"]


def test_detection_cost_per_page() -> None:
    detect_language("warm up the model")
    texts = ["\n".join(ZH_A), "\n".join(JA_A), "\n".join(RU_A), "The council approved the budget. " * 100]
    started = time.perf_counter()
    for _ in range(50):
        for text in texts:
            detect_language(text)
    per_page_ms = (time.perf_counter() - started) * 1000 / (50 * len(texts))
    print(f"language detection: {per_page_ms:.3f} ms per page")
    assert per_page_ms < 5  # bounded input (DETECT_MAX_CHARS): well under extraction's own cost
