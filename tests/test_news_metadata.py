"""The metadata a news user expects beside the text (lead image, description, tags, section,
free access, word count), read by the extraction stage: on every demo article page equal to
the demo's ground truth, and through to ``Article`` and storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from crawler.encoding import decode_bytes
from crawler.items import ArticlePage
from demo import ground_truth
from demo.catalog import build_catalog
from demo.publishers import PUBLISHERS
from demo.site import Site
from pipelines.extract import ArticleExtractor
from pipelines.storage.store import open_store, prepare
from pipelines.textunits import count_units

NEWS_FIELDS = ("image", "description", "tags", "section", "free_access")
ARTICLE_EXPECT = ("store", "store_one_of_story")


@pytest.fixture(scope="module")
def demo_pages() -> list[tuple[dict, str]]:
    """(ground-truth entry, html) of every demo article page that should be stored."""
    catalog = build_catalog(1)
    families = catalog.initial_families()
    urls = {p.slug: f"http://{p.slug.replace('_', '-')}.test" for p in PUBLISHERS}
    sites = {}
    for pub in PUBLISHERS:
        sites[pub.slug] = Site(pub, catalog, urls[pub.slug])
        sites[pub.slug].publish(families)
    pages = []
    for truth in ground_truth.build(catalog, families, urls):
        if truth["expect"] in ARTICLE_EXPECT:
            body = sites[truth["site"]].lookup(truth["url"].removeprefix(urls[truth["site"]])).body
            pages.append((truth, decode_bytes(body, "utf-8")[0]))
    return pages


def test_each_demo_article_states_its_metadata_and_extraction_reads_it_as_the_ground_truth(demo_pages) -> None:
    extractor = ArticleExtractor()
    assert len(demo_pages) >= 50
    assert {t["site"] for t, _ in demo_pages} == {p.slug for p in PUBLISHERS}
    wrong = []
    for truth, html in demo_pages:
        news = extractor.analyse(html, truth["url"]).news
        assert truth["image"].startswith("http") and truth["tags"] and truth["section"]
        wrong += [(truth["url"], name, getattr(news, name), truth[name]) for name in NEWS_FIELDS
                  if getattr(news, name) != truth[name]]
    assert wrong == []


def test_a_sitewide_not_free_block_leaves_the_article_free_and_its_own_flag_does_not(demo_pages) -> None:
    extractor = ArticleExtractor()
    truth, html = next((t, h) for t, h in demo_pages if t["layout"] == "paywall_template")
    assert '"isAccessibleForFree": false' in html
    assert extractor.analyse(html, truth["url"]).news.free_access is True
    truth, html = next((t, h) for t, h in demo_pages if t["site"] == "harbor_gazette" and t["layout"] == "standard")
    own = html.replace('"isAccessibleForFree": true', '"isAccessibleForFree": false')
    assert own != html
    assert extractor.analyse(own, truth["url"]).news.free_access is False


def test_the_article_carries_the_metadata_and_storage_keeps_it(demo_pages, tmp_path: Path) -> None:
    truth, html = next((t, h) for t, h in demo_pages if t["site"] == "northern_wire")
    page = ArticlePage(url=truth["url"], final_url=truth["url"], site=truth["site"],
                       fetched_at="2026-11-01T00:00:00+00:00", html=html)
    article = ArticleExtractor().extract(page)
    assert (article.image, article.tags, article.section) == (truth["image"], truth["tags"], truth["section"])
    assert article.word_count == count_units(article.text) > 50
    assert article.language == "en"
    url = f"sqlite:///{tmp_path / 'meta.sqlite3'}"
    prepare(url)
    store = open_store(url)
    assert store.add_article(article)
    with store.engine.connect() as conn:
        row = conn.execute(text("select image, description, tags, section, free_access, word_count "
                                "from articles")).one()
    store.engine.dispose()
    assert row.image == truth["image"] and row.description == truth["description"]
    assert json.loads(row.tags) == truth["tags"] and row.section == truth["section"]
    assert bool(row.free_access) is True and row.word_count == article.word_count
