"""Extraction stage: ``ArticlePage`` (html) -> ``Article`` (text + metadata) with trafilatura.

The html travels no further than this stage. Pages that are not articles or have no text
are dropped with their own ``DropItem`` subclass; nothing here raises anything else.
"""

from __future__ import annotations

import logging
from typing import Any

import trafilatura
from scrapy.crawler import Crawler

from crawler.items import Article, ArticlePage
from crawler.urls import article_id, normalize_url
from pipelines.boilerplate import strip_boilerplate
from pipelines.drops import ExtractionFailed, NoArticleText, NotAnArticle

logger = logging.getLogger(__name__)


_TEASER_END = ("…", "...")


def listing_share(tree: Any, text: str) -> float:
    """Share of the extracted words in lines that look like a listing: link texts, list
    items (trafilatura writes ``- item``) and truncated teasers ending in an ellipsis.

    A section, tag, archive or search page extracts as a run of headlines and teasers;
    an article is mostly paragraphs that are none of these.
    """
    anchors = {" ".join(" ".join(a.itertext()).split()).lower() for a in tree.iter("a")}
    anchors = {a for a in anchors if len(a.split()) >= 2}
    total = listed = 0
    for raw in text.splitlines():
        line = " ".join(raw.split())
        words = len(line.split())
        total += words
        lowered = line.lower()
        if line.startswith(("- ", "* ", "• ")) or line.endswith(_TEASER_END) or lowered in anchors:
            listed += words
        else:  # headlines glued into one line: count the anchor texts inside it
            listed += min(words, sum(len(a.split()) for a in anchors if a in lowered))
    return listed / total if total else 0.0


def prose_words(text: str, min_line_words: int = 8) -> int:
    """Words in lines long enough to be sentences (menus, labels and buttons are not)."""
    return sum(n for n in (len(line.split()) for line in text.splitlines()) if n >= min_line_words)


class ArticleExtractor:
    """Plain extraction logic, reusable outside Scrapy (commands, benchmarks)."""

    def __init__(
        self,
        *,
        include_comments: bool = False,
        include_tables: bool = True,
        favor_precision: bool = False,
        min_words: int = 40,
        fallback_recall: bool = True,
        max_link_share: float = 0.5,
    ) -> None:
        self.include_comments = include_comments
        self.include_tables = include_tables
        self.favor_precision = favor_precision
        self.min_words = min_words
        self.fallback_recall = fallback_recall
        self.max_link_share = max_link_share

    @classmethod
    def from_settings(cls, settings: Any) -> ArticleExtractor:
        return cls(
            include_comments=settings.getbool("EXTRACT_INCLUDE_COMMENTS"),
            include_tables=settings.getbool("EXTRACT_INCLUDE_TABLES"),
            favor_precision=settings.getbool("EXTRACT_FAVOR_PRECISION"),
            min_words=settings.getint("EXTRACT_MIN_WORDS"),
            fallback_recall=settings.getbool("EXTRACT_FALLBACK_RECALL"),
            max_link_share=settings.getfloat("EXTRACT_MAX_LINK_SHARE"),
        )

    def _run(self, tree: Any, url: str, **options: Any) -> Any:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
            with_metadata=True,
            **options,
        )

    def extract(self, page: ArticlePage) -> Article:
        """Return the ``Article`` of ``page`` or raise an ``ExtractionDrop`` subclass."""
        tree = trafilatura.load_html(page.html)
        if tree is None:
            raise ExtractionFailed(f"Unparsable HTML: {page.url}")
        lang = (tree.get("lang") or "").split("-")[0].lower()
        doc = self._run(tree, page.final_url, favor_precision=self.favor_precision)
        text = (doc.text or "") if doc is not None else ""
        if self.fallback_recall and len(text.split()) < self.min_words:
            retry = self._run(trafilatura.load_html(page.html), page.final_url, favor_recall=True)
            if retry is not None and len((retry.text or "").split()) > len(text.split()):
                doc, text = retry, retry.text or ""
        text = strip_boilerplate(text)
        if text and listing_share(tree, text) >= self.max_link_share:
            raise NotAnArticle(f"Mostly headlines, links and teasers (a listing page): {page.url}")
        words = prose_words(text)
        if words == 0:
            raise NoArticleText(f"No article text: {page.url}")
        if words < self.min_words:
            raise NoArticleText(f"Too little article text ({words} words in sentences): {page.url}")
        canonical = normalize_url(doc.url) if doc.url else normalize_url(page.final_url)
        return Article(
            id=article_id(page.url),
            url=normalize_url(page.url),
            final_url=normalize_url(page.final_url),
            canonical_url=canonical,
            site=page.site,
            fetched_at=page.fetched_at,
            title=(doc.title or "").strip(),
            text=text.strip(),
            author=(doc.author or "").strip(),
            published=doc.date or "",
            language=lang or (doc.language or ""),
        )


class ExtractionPipeline:
    """Scrapy component wrapping ``ArticleExtractor``; passes non-page items through."""

    def __init__(self, extractor: ArticleExtractor, crawler: Crawler) -> None:
        self.extractor = extractor
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(ArticleExtractor.from_settings(crawler.settings), crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            article = self.extractor.extract(item)
        except (ExtractionFailed, NoArticleText, NotAnArticle):
            raise
        except Exception as exc:  # a parser bug on one page must not stop the crawl
            logger.error("Extraction crashed on %s: %r", item.url, exc)
            raise ExtractionFailed(f"Extraction error ({exc.__class__.__name__}): {item.url}") from exc
        self.stats.inc_value("extract/articles")
        return article
