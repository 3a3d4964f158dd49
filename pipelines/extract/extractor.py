"""Extraction stage: ``ArticlePage`` (html) -> ``Article`` (text + metadata) with trafilatura.

The html travels no further than this stage. Pages that are not articles, paywall teasers
and pages with no text are dropped with their own ``DropItem`` subclass; nothing here
raises anything else.

How a page is read (settings ``EXTRACT_*``, chosen by measurement, see
``benchmarks/eval_extraction.py``). Every rule below is an entry of the registry
``pipelines.extract.rules`` (its name, phase, switching setting and reason; evidence in
``docs/extraction-rules.md``), and ``analyse`` runs the registry:

1. Parse once (``trafilatura.load_html``, after dropping early ``</body>``/``</html>`` tags);
   every pass works on a copy of that tree. Text a browser shows but trafilatura never sees is
   brought back first (``EXTRACT_REPAIR_TREE``): React's streamed segments put in their place,
   attributed quotations (``<figure>`` with ``<blockquote>`` and ``<figcaption>``) read as text,
   collapsed disclosure panels (``aria-controls`` targets) opened and their buttons read as text,
   a ``<nav>`` wrapping the article read as a division, loose prose between blocks wrapped in
   paragraphs, bare prose ``<div>``s among paragraphs read as paragraphs, link lists of the
   running text unlinked, ordered-list items numbered as a browser shows them.
2. First pass: ``bare_extraction`` with comments off and the ``EXTRACT_FIRST_PASS`` mode
   (``recall`` by default: on the dev corpus it scores like the balanced mode, is faster and
   never came back empty), with metadata.
3. Second pass only when the first returned too little: fewer than
   ``EXTRACT_SECOND_PASS_MIN_WORDS`` words or less than ``EXTRACT_SECOND_PASS_SHARE`` of the
   words in the page's ``<p>`` elements. The longer of the two texts wins.
4. Text rules, guarded: trafilatura's text of step 3 is the reference; a rule removing more than
   ``EXTRACT_GUARD_MAX_LOSS`` of its words is undone for the page (unless the registry marks it
   strong), and a text the rules emptied falls back to the reference.
   Rescues (``pipelines.extract.cleanup``): the page's JSON-LD ``articleBody`` when it is much
   longer than the text and contains it; jusText when the text is a sliver of the page's prose.
5. Subheadings trafilatura dropped above paragraphs it kept are put back. Generic boilerplate
   lines are stripped (``pipelines.extract.boilerplate``), a trailing
   "related / more from / about the author / references" block is cut (an inline box under
   such a heading, with the article going on after it, only loses the box), and so are the
   headline repeated atop the text, a trailing bio of the article's author (by full or first
   name), the page's closing chrome (appeals, credits, "Written by" lines, disclaimers, "Last
   updated" dates, tags), call-to-action lines, runs of template link lines, the extra copies
   of lines the page repeats three times or more, and the lines whose source lies outside the
   article's container (the common ancestor of its longest paragraphs): sidebars, banners, footers.
6. Classification: too much text (``EXTRACT_MAX_TEXT_CHARS``), not an article (listing page: the
   link share limit rises with the prose outside the links), paywall teaser (a notice in the text,
   a paywall element, or ``isAccessibleForFree: false`` on this page's own JSON-LD object), too
   little text. Each drop carries ``evidence`` (the numbers behind it).
7. Metadata normalised: ISO 8601 dates (with time and zone when the page states them; the
   URL's day for a UTC timestamp one day off it), authors, language, canonical URL, site name, ``newsmeta``.
   The updated date is the one the page states; ``EXTRACT_UPDATED_DATE_SEARCH`` also asks htmldate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import trafilatura
from htmldate import find_date
from scrapy.settings import Settings

from crawler.items import Article, ArticlePage
from crawler.urls import article_id, normalize_url
from pipelines.credits import credited_names
from pipelines.drops import ExtractionDrop, ExtractionFailed, NoArticleText, NotAnArticle, PaywallTeaser, TextTooLong
from pipelines.extract.classify import (
    listing_limit,
    listing_share,
    looks_like_listing_url,
    paywall_in_tree,
    paywall_notice,
    prose_words,
)
from pipelines.extract.cleanup import paragraph_words, rescue_text
from pipelines.extract.extraction import Extraction
from pipelines.extract.language import allowed_languages, settle_language
from pipelines.extract.metadata import (
    HTMLDATE_FORMAT,
    best_timestamp,
    language_of,
    local_publication_day,
    normalize_date,
    read_metadata,
    split_authors,
    stated_dates,
    today,
)
from pipelines.extract.newsmeta import news_metadata
from pipelines.extract.rules import Page, Rule, run_html_rules, run_text_rules, run_tree_rules
from pipelines.textunits import count_units
from settings import base as defaults

logger = logging.getLogger(__name__)


_MODES = {"recall": {"favor_recall": True}, "balanced": {}, "precision": {"favor_precision": True}}


@dataclass(kw_only=True)
class ArticleExtractor:
    """Plain extraction logic, reusable outside Scrapy (commands, benchmarks).

    The options mirror the ``EXTRACT_*`` settings (see ``from_settings``); each default is its
    setting's value in ``settings.base``.
    """

    include_comments: bool = defaults.EXTRACT_INCLUDE_COMMENTS
    include_tables: bool = defaults.EXTRACT_INCLUDE_TABLES
    first_pass: str = defaults.EXTRACT_FIRST_PASS
    second_pass: bool = defaults.EXTRACT_SECOND_PASS
    second_pass_min_words: int = defaults.EXTRACT_SECOND_PASS_MIN_WORDS
    second_pass_share: float = defaults.EXTRACT_SECOND_PASS_SHARE
    min_words: int = defaults.EXTRACT_MIN_WORDS
    max_link_share: float = defaults.EXTRACT_MAX_LINK_SHARE
    listing_url_link_share: float = defaults.EXTRACT_LISTING_URL_LINK_SHARE
    paywall_max_words: int = defaults.EXTRACT_PAYWALL_MAX_WORDS
    max_text_chars: int = defaults.EXTRACT_MAX_TEXT_CHARS  # a longer text -> TextTooLong (0: no bound)
    # rule families (pipelines.extract.rules): each switches the rules registered under its setting
    repair_tree: bool = defaults.EXTRACT_REPAIR_TREE  # text a browser shows that trafilatura misses
    structured_body: bool = defaults.EXTRACT_STRUCTURED_BODY  # JSON-LD articleBody when much longer, containing it
    strip_boilerplate: bool = defaults.EXTRACT_STRIP_BOILERPLATE  # generic and site boilerplate lines
    trim_related: bool = defaults.EXTRACT_TRIM_RELATED  # "related / more from / references" blocks
    trim_consent: bool = defaults.EXTRACT_TRIM_CONSENT  # a trailing cookie-consent panel
    trim_title: bool = defaults.EXTRACT_TRIM_TITLE  # the headline repeated atop the text
    trim_bio: bool = defaults.EXTRACT_TRIM_BIO  # a trailing bio of the author
    trim_closing: bool = defaults.EXTRACT_TRIM_CLOSING  # calls to action, closing appeals, credits, dates, tags
    trim_repeats: bool = defaults.EXTRACT_TRIM_REPEATS  # template link runs, lines printed three times or more
    trim_foreign: bool = defaults.EXTRACT_TRIM_FOREIGN  # lines from outside the article's container
    guard_max_loss: float = defaults.EXTRACT_GUARD_MAX_LOSS  # a rule losing more of the reference is undone (0: off)
    listing_prose_margin: float = defaults.EXTRACT_LISTING_PROSE_MARGIN  # most a page's prose raises the listing limit…
    listing_prose_words: int = defaults.EXTRACT_LISTING_PROSE_WORDS  # …reached at this many words of such prose
    rescue_max_words: int = defaults.EXTRACT_RESCUE_MAX_WORDS  # jusText when the text has fewer words than this…
    rescue_share: float = defaults.EXTRACT_RESCUE_SHARE  # …and under this share of <p> prose (0: never)
    updated_date_search: bool = defaults.EXTRACT_UPDATED_DATE_SEARCH
    date_extensive: bool = defaults.EXTRACT_DATE_EXTENSIVE
    date_search: str = "fallback"  # "fallback": htmldate only when no tag states the date
    body_selector: str = defaults.EXTRACT_BODY_SELECTOR  # a site's body: CSS, or XPath when it starts with "/" or "("
    boilerplate_lines: Any = tuple(defaults.EXTRACT_BOILERPLATE_LINES)  # a site's lines to strip (regexes)
    languages: tuple[str, ...] = tuple(defaults.LANGUAGES)  # ISO 639-1 codes to keep; empty: all

    def __post_init__(self) -> None:
        if self.first_pass not in _MODES:
            raise ValueError(f"first_pass must be one of {sorted(_MODES)}, not {self.first_pass!r}")
        self.boilerplate_lines = [re.compile(p) for p in self.boilerplate_lines]

    @classmethod
    def from_settings(cls, settings: Any, site: str | None = None) -> ArticleExtractor:
        """Built from ``EXTRACT_*`` settings; ``site``'s entry of ``EXTRACT_SITE_OVERRIDES`` wins."""
        overrides: Mapping[str, Any] = (settings.getdict("EXTRACT_SITE_OVERRIDES") or {}).get(site or "", {})
        if overrides:
            merged = Settings(dict(settings))
            merged.setdict(dict(overrides), priority="cmdline")
            settings = merged
        return cls(
            include_comments=settings.getbool("EXTRACT_INCLUDE_COMMENTS"),
            include_tables=settings.getbool("EXTRACT_INCLUDE_TABLES"),
            first_pass=settings.get("EXTRACT_FIRST_PASS"),
            second_pass=settings.getbool("EXTRACT_SECOND_PASS"),
            second_pass_min_words=settings.getint("EXTRACT_SECOND_PASS_MIN_WORDS"),
            second_pass_share=settings.getfloat("EXTRACT_SECOND_PASS_SHARE"),
            min_words=settings.getint("EXTRACT_MIN_WORDS"),
            max_link_share=settings.getfloat("EXTRACT_MAX_LINK_SHARE"),
            listing_url_link_share=settings.getfloat("EXTRACT_LISTING_URL_LINK_SHARE"),
            listing_prose_margin=settings.getfloat("EXTRACT_LISTING_PROSE_MARGIN"),
            listing_prose_words=settings.getint("EXTRACT_LISTING_PROSE_WORDS"),
            paywall_max_words=settings.getint("EXTRACT_PAYWALL_MAX_WORDS"),
            max_text_chars=settings.getint("EXTRACT_MAX_TEXT_CHARS"),
            repair_tree=settings.getbool("EXTRACT_REPAIR_TREE"),
            structured_body=settings.getbool("EXTRACT_STRUCTURED_BODY"),
            strip_boilerplate=settings.getbool("EXTRACT_STRIP_BOILERPLATE"),
            trim_related=settings.getbool("EXTRACT_TRIM_RELATED"),
            trim_consent=settings.getbool("EXTRACT_TRIM_CONSENT"),
            trim_title=settings.getbool("EXTRACT_TRIM_TITLE"),
            trim_bio=settings.getbool("EXTRACT_TRIM_BIO"),
            trim_closing=settings.getbool("EXTRACT_TRIM_CLOSING"),
            trim_repeats=settings.getbool("EXTRACT_TRIM_REPEATS"),
            trim_foreign=settings.getbool("EXTRACT_TRIM_FOREIGN"),
            guard_max_loss=settings.getfloat("EXTRACT_GUARD_MAX_LOSS"),
            rescue_max_words=settings.getint("EXTRACT_RESCUE_MAX_WORDS"),
            rescue_share=settings.getfloat("EXTRACT_RESCUE_SHARE"),
            updated_date_search=settings.getbool("EXTRACT_UPDATED_DATE_SEARCH"),
            date_extensive=settings.getbool("EXTRACT_DATE_EXTENSIVE"),
            body_selector=settings.get("EXTRACT_BODY_SELECTOR") or "",
            boilerplate_lines=settings.getlist("EXTRACT_BOILERPLATE_LINES"),
            languages=allowed_languages(settings.getlist("LANGUAGES")),
        )

    def enabled(self, rule: Rule) -> bool:
        """Whether ``rule``'s family is switched on (its setting, lower-cased without ``EXTRACT_``)."""
        return bool(getattr(self, rule.setting.removeprefix("EXTRACT_").lower()))

    def _body_tree(self, html: str, tree: Any) -> Any:
        """The tree text is extracted from: the ``body_selector`` elements when set and found, else the page."""
        if not self.body_selector:
            return tree
        from parsel import Selector

        page = Selector(text=html)
        selected = page.xpath(self.body_selector) if self.body_selector.lstrip()[:1] in "/(" else page.css(
            self.body_selector)
        parts = [part for part in selected.getall() if isinstance(part, str) and part.strip()]
        if not parts:
            logger.debug("body_selector %r matched nothing; extracting from the whole page", self.body_selector)
            return tree
        title = "".join(page.css("head title").getall())
        body = trafilatura.load_html(f"<html><head>{title}</head><body>{''.join(parts)}</body></html>")
        return body if body is not None else tree

    def _run(self, tree: Any, url: str, mode: str) -> Any:
        return trafilatura.bare_extraction(
            tree,  # bare_extraction works on a copy of a parsed tree
            url=url,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
            with_metadata=False,  # read once by read_metadata, cheaper than trafilatura's full set
            **_MODES[mode],
        )

    def _passes(self, tree: Any, url: str) -> tuple[Any, str, list[str]]:
        """(document, raw text, modes run)."""
        doc = self._run(tree, url, self.first_pass)
        text = (doc.text or "") if doc is not None else ""
        passes = [self.first_pass]
        if not self.second_pass:
            return doc, text, passes
        words = count_units(text)
        wanted = self.second_pass_min_words
        if words >= wanted and self.second_pass_share > 0:
            wanted = max(wanted, int(self.second_pass_share * paragraph_words(tree)))
        if words < wanted:
            mode = "balanced" if self.first_pass == "recall" else "recall"
            retry = self._run(tree, url, mode)
            passes.append(mode)
            retry_text = (retry.text or "") if retry is not None else ""
            if count_units(retry_text) > words:
                text = retry_text
                doc = doc if doc is not None else retry
        return doc, text, passes

    def _rescue(self, tree: Any, url: str, text: str, passes: list[str]) -> str:
        """jusText's text when trafilatura kept almost nothing of a page full of paragraphs
        (it picked a teaser or a sidebar); ``text`` otherwise."""
        words = prose_words(text)
        if self.rescue_share <= 0 or words >= self.rescue_max_words:
            return text
        if words >= self.rescue_share * paragraph_words(tree, min_words=8):
            return text
        passes.append("justext")
        rescued = rescue_text(tree, url, language_of(tree, None))
        return rescued if prose_words(rescued) > 2 * words else text

    def analyse(self, html: str, url: str) -> Extraction:
        """Text, metadata and the drop decision of one page (never raises a drop). Runs the rule
        registry (``pipelines.extract.rules``) around trafilatura's passes, guarded by trafilatura's
        own text of the page (the reference)."""
        html = run_html_rules(html, self.enabled) if html else html
        tree = trafilatura.load_html(html) if html and html.strip() else None
        if tree is None:
            return Extraction(drop=ExtractionFailed(f"Unparsable HTML: {url}",
                                                    evidence={"html_chars": len(html or "")}))
        run_tree_rules(tree, html, self.enabled)
        body_tree = self._body_tree(html, tree)
        doc, raw, passes = self._passes(body_tree, url)
        result = Extraction(passes=passes, language=language_of(tree, doc))
        self._metadata(result, tree, html, url, raw)
        result.credits = credited_names(raw, result.authors)  # before the rules cut closing credit lines
        page = Page(tree=tree, html=html, url=url, title=result.title, authors=result.authors,
                    site_lines=self.boilerplate_lines, passes=passes,
                    rescue=lambda text: self._rescue(body_tree, url, text, passes))
        run = run_text_rules(raw, raw, page, self.enabled, self.guard_max_loss)
        result.text, result.guarded, result.guard_evidence = run.text.strip(), run.guarded, run.evidence
        reference_prose = prose_words(raw)
        if self.guard_max_loss > 0 and prose_words(result.text) < self.min_words <= reference_prose:
            result.guarded.append("empty")  # the rules left nothing of a page trafilatura read: its text stands
            result.guard_evidence["empty"] = {"kept_prose_words": prose_words(result.text),
                                              "reference_prose_words": reference_prose}
            result.text = raw.strip()
        result.drop = self._classify(tree, html, url, raw, result)
        if result.drop is None:
            result.drop = settle_language(result, self.languages, url)
        return result

    def _metadata(self, result: Extraction, tree: Any, html: str, url: str, raw: str) -> None:
        doc = read_metadata(tree, url)
        result.title = " ".join((doc.title or "").split())
        result.authors = split_authors(doc.author)
        result.sitename = (doc.sitename or "").strip()
        result.canonical_url = normalize_url(doc.url) if doc.url else normalize_url(url)
        result.news = news_metadata(doc, tree, html, url, raw)
        result.language = result.language or language_of(tree, None)
        stated_published, stated_updated = stated_dates(tree, html)
        result.published = next((d for d in map(normalize_date, stated_published) if d), "")
        if not result.published or self.date_search == "always":
            found = find_date(tree, url=doc.url or url, original_date=True, extensive_search=self.date_extensive,
                              outputformat=HTMLDATE_FORMAT, max_date=today())
            day = normalize_date(found)[:10] if found else ""
            result.published = best_timestamp(day, stated_published) if day else result.published
        result.published = local_publication_day(result.published, url)
        updated = next((d for d in map(normalize_date, stated_updated) if d), "")
        if not updated and self.updated_date_search:
            found = find_date(tree, url=doc.url or url, original_date=False, extensive_search=False,
                              outputformat=HTMLDATE_FORMAT, max_date=today())
            updated = normalize_date(found) if found else ""
        if updated and updated[:10] >= (result.published[:10] or "0") and updated != result.published:
            result.updated = updated

    def _classify(self, tree: Any, html: str, url: str, raw: str, result: Extraction) -> ExtractionDrop | None:
        """The drop reason of the page, or None. Each drop carries ``evidence``: the numbers behind it."""
        text = result.text
        if self.max_text_chars and len(text) > self.max_text_chars:
            evidence = {"chars": len(text), "limit": self.max_text_chars}
            return TextTooLong(f"Text too long ({len(text)} characters, limit {self.max_text_chars}): {url}",
                               evidence=evidence, text=text)
        base = self.listing_url_link_share if looks_like_listing_url(url) else self.max_link_share
        share = listing_share(tree, text, stop_below=base) if text else 0.0
        if share >= base:  # exact from here (listing_share stops early only below ``base``)
            prose = prose_words(text)
            limit = listing_limit(base, prose, share, self.listing_prose_margin, self.listing_prose_words)
            if share >= limit:
                evidence = {"listing_share": round(share, 3), "base_limit": base, "limit": round(limit, 3),
                            "prose_words": prose}
                return NotAnArticle(
                    f"Mostly headlines, links and teasers (a listing page, share {share:.2f} >= {limit:.2f}): {url}",
                    evidence=evidence, text=text)
        words = prose_words(text)
        if words < self.paywall_max_words:
            notice = paywall_notice(raw) or paywall_in_tree(tree, html, url=url, title=result.title)
            if notice:
                evidence = {"prose_words": words, "limit": self.paywall_max_words, "marker": notice}
                return PaywallTeaser(f"Paywall or teaser-only text ({words} words, {notice!r}): {url}",
                                     evidence=evidence, text=text)
        if words < self.min_words:
            evidence = {"prose_words": words, "min_words": self.min_words,
                        "reference_prose_words": prose_words(raw)}
            message = f"No article text: {url}" if words == 0 else \
                f"Too little article text ({words} words in sentences): {url}"
            return NoArticleText(message, evidence=evidence, text=text)
        return None

    def extract(self, page: ArticlePage) -> Article:
        """Return the ``Article`` of ``page`` or raise an ``ExtractionDrop`` subclass."""
        result = self.analyse(page.html, page.final_url)
        if result.drop is not None:
            raise result.drop
        article = Article(
            id=article_id(page.url),
            url=normalize_url(page.url),
            final_url=normalize_url(page.final_url),
            canonical_url=result.canonical_url or normalize_url(page.final_url),
            site=page.site,
            fetched_at=page.fetched_at,
            title=result.title,
            text=result.text,
            author="; ".join(result.authors),
            authors=result.authors,
            published=result.published,
            updated=result.updated,
            language=result.language,
            sitename=result.sitename,
            credits=result.credits,
            word_count=count_units(result.text), **asdict(result.news),
            warc_file=page.warc_file, warc_offset=page.warc_offset,
        )
        article.guards = list(result.guarded)  # type: ignore[attr-defined]  # -> stats extract/guard/<rule>
        return article
