"""Review of pages refused by extraction (``rejections`` rows that still keep their html).

- ``accept``: a human says the page is an article. Its html is extracted again with the site's
  *current* declaration, every refusal rule bypassed (only a page with no text at all fails),
  then deduplicated like a new article and stored — or recorded as a dropped copy.
A rejection's page is read from the WARC archive when its record is there (``warc_file``,
``warc_offset``, ``crawler.warcarchive``), else from the html the row keeps.

- ``reextract``: a site's open rejections go through extraction again, every rule applied:
  pages that pass are deduplicated and stored; the others get their row updated with the new
  reason and evidence.

A resolved rejection keeps its row (``resolution`` = accepted | reextracted, the article id it
became) and the action is logged in ``reviews``. The seen-store is told: a stored page is seen
for ``SEEN_TTL_DAYS``, a still refused one is marked rejected under the current declaration.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from scrapy.settings import Settings

from crawler.incremental import SeenStore
from crawler.items import Article, ArticlePage
from crawler.urls import article_id, normalize_url
from pipelines.drops import ExtractionDrop
from pipelines.extract.declaration import declaration_hash
from pipelines.extract.extractor import ArticleExtractor, Extraction
from pipelines.storage.store import Store
from pipelines.textunits import count_units


class NoText(ValueError):
    """Even with every refusal rule bypassed, the page yields no text."""


def site_settings(settings: Any, site: str) -> tuple[Settings, bool]:
    """The settings a crawl of ``site`` runs with (its spider's ``custom_settings`` and declared
    extraction overrides applied); second value: whether a spider of that name exists."""
    from scrapy.spiderloader import get_spider_loader

    merged = settings.copy()
    try:
        spidercls = get_spider_loader(settings).load(site)
    except KeyError:
        return merged, False
    spidercls.update_settings(merged)
    return merged, True


class NoPage(LookupError):
    """A rejection keeps no html and its WARC record cannot be read."""


def archived_html(row: dict[str, Any], warc_dir: str) -> str | None:
    """The page of ``row`` read from its WARC record (``warc_file``, ``warc_offset``) and decoded
    as the crawler decodes pages; None when it names none or the record cannot be read as a page."""
    if not row.get("warc_file") or row.get("warc_offset") is None:
        return None
    from scrapy.http import HtmlResponse

    from crawler.encoding import UndecodableBody, decode_body
    from crawler.warcread import WarcPage, read_page, warc_path

    page = read_page(warc_path(warc_dir, row["warc_file"]), int(row["warc_offset"]))
    if not isinstance(page, WarcPage):
        return None
    try:
        html, _note = decode_body(HtmlResponse(url=page.url, body=page.body, headers=page.headers))
    except UndecodableBody:
        return None
    return html


def page_of(row: dict[str, Any], warc_dir: str = "") -> ArticlePage:
    """The page of a ``rejections`` row: read from the WARC archive when its record is there,
    else its kept html; ``NoPage`` when neither."""
    html = archived_html(row, warc_dir)
    if html is None and row["html"] is not None:
        html = zlib.decompress(bytes(row["html"])).decode("utf-8", "surrogatepass")
    if html is None:
        raise NoPage(f"rejection {row['id']} ({row['url']}) keeps no html and its WARC record is not readable")
    evidence = json.loads(row["evidence"] or "{}")
    fetched = evidence.get("fetched_at") or _iso(row["rejected_at"])
    return ArticlePage(url=row["url"], final_url=row["final_url"] or row["url"], site=row["site"],
                       fetched_at=fetched, html=html, warc_file=row.get("warc_file") or "",
                       warc_offset=row.get("warc_offset"))


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value or "")


def article_of(page: ArticlePage, result: Extraction) -> Article:
    """The ``Article`` ``ArticleExtractor.extract`` builds from ``result`` (its drop ignored)."""
    return Article(
        id=article_id(page.url), url=normalize_url(page.url), final_url=normalize_url(page.final_url),
        canonical_url=result.canonical_url or normalize_url(page.final_url), site=page.site,
        fetched_at=page.fetched_at, title=result.title, text=result.text, author="; ".join(result.authors),
        authors=result.authors, published=result.published, updated=result.updated, language=result.language,
        sitename=result.sitename, credits=result.credits, word_count=count_units(result.text), **asdict(result.news),
        warc_file=page.warc_file, warc_offset=page.warc_offset,
    )


def dedup_and_store(store: Store, deduper: Any, article: Article) -> str:
    """Check ``article`` against the dedup index like the crawl's dedup stage, then store it
    (``stored``), record it as a dropped copy (``duplicate``), or find it stored already
    (``already_stored``)."""
    if store.article_exists(article.id):
        return "already_stored"
    decision = deduper.check(article.id, article.text, article.site,
                             (article.url, article.final_url, article.canonical_url))
    if decision.is_duplicate:
        store.add_duplicate(article, decision)
        return "duplicate"
    article.dedup = {"verdict": decision.verdict, "updates": decision.updates, "scores": decision.scores,
                     "method": "earlier_version" if decision.relation == "updated_by" else decision.method,
                     "seq": decision.seq, "entry": decision.entry}
    return "stored" if store.add_article(article) else "already_stored"


@dataclass
class Reviewer:
    """Accept / re-extract rejections of one database against one dedup index and seen-store."""

    store: Store
    deduper: Any
    settings: Any  # the project's settings (the site's are derived per site)
    seen: SeenStore | None = None

    def extractor(self, site: str) -> tuple[ArticleExtractor, Settings]:
        settings, _ = site_settings(self.settings, site)
        return ArticleExtractor.from_settings(settings, site), settings

    def _stored(self, page: ArticlePage, article: Article) -> str:
        outcome = dedup_and_store(self.store, self.deduper, article)
        if self.seen is not None:
            self.seen.mark(page.url, page.final_url, article.canonical_url)
        return outcome

    def accept(self, row: dict[str, Any], note: str = "") -> tuple[Article, str]:
        """Store rejection ``row``'s page as an article, no refusal rule applied; (article, outcome).
        Raises ``NoText`` when extraction yields no text at all."""
        page = page_of(row, self.settings.get("WARC_DIR") or "")
        extractor, _ = self.extractor(page.site)
        result = extractor.analyse(page.html, page.final_url)
        if not result.text.strip():
            raise NoText(f"rejection {row['id']} ({page.url}) yields no text even with every rule bypassed")
        article = article_of(page, result)
        outcome = self._stored(page, article)
        self.store.resolve_rejection(row["id"], "accepted", article.id, note=note or outcome)
        return article, outcome

    def reextract(self, site: str, since: datetime | None = None) -> dict[str, int]:
        """Re-run extraction (all rules, current declaration) on ``site``'s open rejections."""
        counts = {"reextracted": 0, "stored": 0, "duplicate": 0, "already_stored": 0, "rejected": 0, "unreadable": 0}
        extractor, settings = self.extractor(site)
        declaration = declaration_hash(settings, site)
        retry = settings.getfloat("REJECTION_RETRY_HOURS") * 3600
        for row in self.store.open_rejections(site, since):
            try:
                page = page_of(row, self.settings.get("WARC_DIR") or "")
            except NoPage:
                counts["unreadable"] += 1
                continue
            counts["reextracted"] += 1
            try:
                article = extractor.extract(page)
            except ExtractionDrop as drop:
                counts["rejected"] += 1
                evidence = {"fetched_at": page.fetched_at, **drop.evidence}
                self.store.update_rejection(row["id"], drop.__class__.__name__, str(drop), evidence, drop.text)
                if self.seen is not None:
                    self.seen.mark_rejected(declaration, retry, page.url, page.final_url)
                continue
            outcome = self._stored(page, article)
            counts[outcome] += 1
            self.store.resolve_rejection(row["id"], "reextracted", article.id, note=outcome)
        return counts
