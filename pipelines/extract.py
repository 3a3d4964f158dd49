"""Extraction stage: ``ArticlePage`` (html) -> ``Article`` (text + metadata) with trafilatura.

The html travels no further than this stage. Pages that are not articles, paywall teasers
and pages with no text are dropped with their own ``DropItem`` subclass; nothing here
raises anything else.

How a page is read (settings ``EXTRACT_*``, chosen by measurement, see
``benchmarks/eval_extraction.py``):

1. Parse once (``trafilatura.load_html``); every pass works on a copy of that tree.
2. First pass: ``bare_extraction`` with comments off and the ``EXTRACT_FIRST_PASS`` mode
   (``recall`` by default: on the dev corpus it scores like the balanced mode, is faster and
   never came back empty), with metadata.
3. Second pass only when the first returned too little: fewer than
   ``EXTRACT_SECOND_PASS_MIN_WORDS`` words or less than ``EXTRACT_SECOND_PASS_SHARE`` of the
   words in the page's ``<p>`` elements. The longer of the two texts wins.
4. Generic boilerplate lines are stripped (``pipelines.boilerplate``) and a trailing
   "related / more from / about the author" block is cut.
5. Classification: not an article (listing page), paywall teaser, too little text.
6. Metadata normalised: ISO 8601 dates (with time and zone when the page states them),
   a list of authors, language subtag, canonical URL, site name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from htmldate import find_date
from scrapy.crawler import Crawler
from scrapy.settings import Settings

from crawler.items import Article, ArticlePage
from crawler.urls import article_id, normalize_url
from pipelines.boilerplate import strip_boilerplate
from pipelines.drops import ExtractionDrop, ExtractionFailed, NoArticleText, NotAnArticle, PaywallTeaser

logger = logging.getLogger(__name__)


_TEASER_END = ("…", "...")
_MODES = {"recall": {"favor_recall": True}, "balanced": {}, "precision": {"favor_precision": True}}


def listing_share(tree: Any, text: str) -> float:
    """Share of the extracted words in lines that look like a listing: link texts (also as
    list items, which trafilatura writes ``- item``) and truncated teasers ending in an ellipsis.

    A section, tag, archive or search page extracts as a run of headlines and teasers;
    an article is mostly paragraphs that are none of these. List items of plain text (a
    guide's bullet points) are prose: on the dev corpus counting every list item dropped 25
    of 400 real articles.
    """
    anchors = {" ".join(" ".join(a.itertext()).split()).lower() for a in tree.iter("a")}
    anchors = {a for a in anchors if len(a.split()) >= 2}
    total = listed = 0
    for raw in text.splitlines():
        line = " ".join(raw.split())
        words = len(line.split())
        total += words
        lowered = line.lower()
        if lowered.startswith(("- ", "* ", "• ")):
            lowered = lowered[2:]
        if line.endswith(_TEASER_END) or lowered in anchors:
            listed += words
        else:  # headlines glued into one line, or a link inside a list item: count the anchor texts
            in_links = min(words, sum(len(a.split()) for a in anchors if a in lowered))
            listed += words if line[:2] in ("- ", "* ", "• ") and in_links * 2 >= words else in_links
    return listed / total if total else 0.0


def prose_words(text: str, min_line_words: int = 8) -> int:
    """Words in lines long enough to be sentences (menus, labels and buttons are not)."""
    return sum(n for n in (len(line.split()) for line in text.splitlines()) if n >= min_line_words)


# --- page classification ----------------------------------------------------------------------

# Paths that end on a listing: /tag/x, /category/x/, /search?q=, /author/x, /page/3, /archive/2026/11
_LISTING_PATH = re.compile(
    r"/(tags?|categor(y|ies)|topics?|sections?|search|authors?|archives?|page)(/[^/]*){0,2}/?$"
    r"|/(index|default)\.\w+$|^/?$",
    re.IGNORECASE,
)
_SEARCH_QUERY = re.compile(r"(^|&)(q|s|query|search|tag|category)=", re.IGNORECASE)


def looks_like_listing_url(url: str) -> bool:
    """True for URLs shaped like section, tag, author, search or pagination pages."""
    parts = urlsplit(url)
    return bool(_LISTING_PATH.search(parts.path) or _SEARCH_QUERY.search(parts.query))


# Generic paywall / registration-wall notices (English, plus a few common German/French/Spanish ones).
_PAYWALL = re.compile(
    r"(subscribe|subscription|sign in|log in|login|register)\b.{0,40}\b(to|and) (continue|keep|read|access|unlock)"
    r"|(to|and) (continue|keep) reading.{0,40}\b(subscribe|subscription|sign in|log in|register|become a)"
    r"|(this|the) (article|story|content|post) is (only )?(available |reserved )?(for|to) "
    r"(subscribers|members|premium|paying)"
    r"|(exclusive|only|available) (to|for) (paid |premium |digital )?(subscribers|members)"
    r"|already (a )?(subscriber|member|have an account)\W{0,3}\s*(log|sign) ?in"
    r"|(unlock|get) (full|unlimited|this) (access|article|story)"
    r"|you('ve| have) (reached|used) (your|all( of)? your) (free|monthly|article) (article|limit|stories|views)"
    r"|(subscribe|subscribers?) (now|today) (to|for) (read|continue|unlock|full)"
    r"|premium (article|content|story)"
    r"|weiterlesen mit|jetzt abonnieren|réservé aux abonnés|contenido exclusivo para suscriptores",
    re.IGNORECASE,
)
_PAYWALL_CLASS = re.compile(r"paywall|regwall|piano-|premium-(wall|content|banner)|subscriber-only|meter-", re.I)
_NOT_FREE = re.compile(r'"isAccessibleForFree"\s*:\s*"?(false|False|no)"?')


def paywall_notice(text: str, tail_words: int = 80) -> str:
    """The paywall phrase in the last ``tail_words`` words of ``text``, or ""."""
    tail = " ".join(text.split()[-tail_words:])
    match = _PAYWALL.search(tail)
    return match.group(0) if match else ""


def _paywall_in_tree(tree: Any, html: str) -> str:
    """A paywall marker of the page itself: schema.org ``isAccessibleForFree: false`` or a
    visible element of a paywall class whose text is a paywall notice."""
    if _NOT_FREE.search(html):
        return "isAccessibleForFree: false"
    for element in tree.xpath("//*[@class or @id]"):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if _PAYWALL_CLASS.search(marker):
            notice = paywall_notice(" ".join(element.itertext()), 200)
            if notice:
                return notice
    return ""


# A trailing block of links/bios under a heading like these is not article text.
_TAIL_HEADING = re.compile(
    r"(related|similar) (posts?|articles?|stories|reads|content|coverage)|(read|up) (this )?next|"
    r"you (may|might|will) (also )?(like|enjoy|be interested in)|recommended( for you| reading| stories)?|"
    r"more (from|stories|articles|news)( .{0,40})?|about the (author|writer)|author bio",
    re.IGNORECASE,
)


def cut_trailing_block(text: str, min_position: float = 0.5) -> str:
    """``text`` without a trailing "related stories" / "more from" / author-bio block that
    starts, under a short heading, after ``min_position`` of the words."""
    lines = text.splitlines()
    total, seen = len(text.split()), 0
    for i, line in enumerate(lines):
        label = line.strip().rstrip(":").strip()
        if seen >= min_position * total and len(label.split()) <= 8 and _TAIL_HEADING.fullmatch(label):
            return "\n".join(lines[:i])
        seen += len(line.split())
    return text


# --- metadata -----------------------------------------------------------------------------------

_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "publishdate", "pubdate",
    "publish-date", "publish_date", "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
    "date",
)
_UPDATED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
_JSONLD_DATE = re.compile(r'"(datePublished|dateModified)"\s*:\s*"([^"]{8,40})"')


def normalize_date(value: str | None) -> str:
    """ISO 8601: ``YYYY-MM-DDTHH:MM:SS±HH:MM`` when the value has a time (and zone), else
    ``YYYY-MM-DD``; "" when it cannot be read."""
    if not value:
        return ""
    value = value.strip()
    candidate = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)  # +0100 -> +01:00
    try:
        parsed = datetime.fromisoformat(candidate.replace(" ", "T", 1))
    except ValueError:
        match = re.match(r"\d{4}-\d{2}-\d{2}", value)
        return match.group(0) if match else ""
    if len(value) <= 10 or (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0) and parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()


def _stated_dates(tree: Any, html: str) -> tuple[list[str], list[str]]:
    """Published and modified timestamps stated in meta tags, ``<time>`` and JSON-LD, in order."""
    published: list[str] = []
    updated: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content") or ""
        if key in _PUBLISHED_META:
            published.append(content)
        elif key in _UPDATED_META:
            updated.append(content)
    for kind, value in _JSONLD_DATE.findall(html):
        (published if kind == "datePublished" else updated).append(value)
    for element in tree.xpath("//time[@datetime][@itemprop]"):
        prop = element.get("itemprop", "").lower()
        if prop in ("datepublished", "datemodified"):
            (published if prop == "datepublished" else updated).append(element.get("datetime"))
    return published, updated


def _best_timestamp(day: str, stated: list[str]) -> str:
    """The first stated timestamp on ``day`` (any day when ``day`` is empty), with its time."""
    for value in stated:
        iso = normalize_date(value)
        if iso and (not day or iso[:10] == day) and len(iso) > 10:
            return iso
    return day


def split_authors(value: str | None) -> list[str]:
    """trafilatura joins authors with "; "; a list, without "By " prefixes and repeats."""
    authors: list[str] = []
    for part in (value or "").split(";"):
        name = re.sub(r"^\s*by\s+", "", part, flags=re.IGNORECASE).strip(" ,")
        if name and name.lower() not in (a.lower() for a in authors):
            authors.append(name)
    return authors


def _language(tree: Any, doc: Any) -> str:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    if not lang:
        for meta in tree.iter("meta"):
            if (meta.get("http-equiv") or "").lower() == "content-language" or meta.get("property") == "og:locale":
                lang = meta.get("content") or ""
                break
    lang = lang or (getattr(doc, "language", None) or "")
    return re.split(r"[-_]", lang.strip())[0].lower() if lang.strip() else ""


_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def _today() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d")


_AUTHOR_XPATH = (
    "//*[@rel='author' or @itemprop='author' or contains(@class, 'author-name') or contains(@class, 'byline')"
    " or contains(@class, 'author') and not(contains(@class, 'author-bio') or contains(@class, 'authors'))]"
)


def _byline_author(tree: Any) -> str | None:
    """A short author name from the page's byline markup (rel/itemprop/class ``author``,
    ``byline``): a cheap stand-in for ``trafilatura.metadata.extract_author``, which deep-copies
    the tree and costs about 9 ms a page."""
    for element in tree.xpath(_AUTHOR_XPATH)[:6]:
        name = " ".join(" ".join(element.itertext()).split())
        name = re.sub(r"^(written |posted |reviewed |words |story )?by\s*:?\s*", "", name, flags=re.IGNORECASE)
        if 1 < len(name.split()) <= 5 and not re.search(r"\d|@|https?:|\b(share|follow|more|posts?)\b", name, re.I):
            return name
    return None


def read_metadata(tree: Any, url: str) -> Any:
    """trafilatura's metadata (meta tags, JSON-LD, title, author, canonical URL, site name)
    without the parts we do not use (categories, tags, license: a third of its cost) and
    without its date, which ``ArticleExtractor`` reads itself. Falls back to
    ``trafilatura.extract_metadata`` if trafilatura's internals change."""
    try:
        from trafilatura import metadata as tm

        doc = tm.examine_meta(tree)
        if doc.author and " " not in doc.author:
            doc.author = None
        try:
            doc = tm.extract_meta_json(tree, doc)
        except Exception:  # noqa: BLE001 (trafilatura's JSON-LD parser on a broken page)
            logger.debug("JSON-LD metadata unreadable: %s", url)
        doc.title = doc.title or tm.extract_title(tree)
        doc.author = doc.author or _byline_author(tree)
        doc.url = doc.url or tm.extract_url(tree, url)
        if not doc.sitename:
            doc.sitename = tm.extract_sitename(tree)
        if doc.sitename:
            doc.sitename = doc.sitename.lstrip("@")
            if "." not in doc.sitename and not doc.sitename[:1].isupper():
                doc.sitename = doc.sitename.title()
        return doc
    except (AttributeError, TypeError):
        return trafilatura.extract_metadata(tree, default_url=url, extensive=False)


# --- the extractor ------------------------------------------------------------------------------


@dataclass
class Extraction:
    """What the extraction stage read from one page (also when it drops the page)."""

    text: str = ""
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    updated: str = ""
    language: str = ""
    canonical_url: str = ""
    sitename: str = ""
    passes: list[str] = field(default_factory=list)  # extraction modes run, in order
    drop: ExtractionDrop | None = None  # why the page is not kept, or None

    @property
    def drop_reason(self) -> str:
        return self.drop.__class__.__name__ if self.drop is not None else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title, "authors": self.authors, "published": self.published, "updated": self.updated,
            "language": self.language, "canonical_url": self.canonical_url, "sitename": self.sitename,
            "passes": self.passes, "dropped": self.drop_reason or None,
            "drop_message": str(self.drop) if self.drop is not None else None, "text": self.text,
        }


class ArticleExtractor:
    """Plain extraction logic, reusable outside Scrapy (commands, benchmarks)."""

    def __init__(
        self,
        *,
        include_comments: bool = False,
        include_tables: bool = True,
        first_pass: str = "recall",
        second_pass: bool = True,
        second_pass_min_words: int = 100,
        second_pass_share: float = 0.3,
        min_words: int = 40,
        max_link_share: float = 0.5,
        listing_url_link_share: float = 0.25,
        paywall_max_words: int = 350,
        trim_related: bool = True,
        updated_date_search: bool = True,
        date_extensive: bool = True,
        date_search: str = "fallback",
        body_selector: str = "",
        boilerplate_lines: Any = (),
    ) -> None:
        if first_pass not in _MODES:
            raise ValueError(f"first_pass must be one of {sorted(_MODES)}, not {first_pass!r}")
        self.include_comments = include_comments
        self.include_tables = include_tables
        self.first_pass = first_pass
        self.second_pass = second_pass
        self.second_pass_min_words = second_pass_min_words
        self.second_pass_share = second_pass_share
        self.min_words = min_words
        self.max_link_share = max_link_share
        self.listing_url_link_share = listing_url_link_share
        self.paywall_max_words = paywall_max_words
        self.trim_related = trim_related
        self.updated_date_search = updated_date_search
        self.date_extensive = date_extensive
        self.date_search = date_search  # "fallback": htmldate only when no tag states the date
        self.body_selector = body_selector  # a site's body: CSS, or XPath when it starts with "/" or "("
        self.boilerplate_lines = [re.compile(p) for p in boilerplate_lines]  # a site's lines to strip

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
            include_tables=settings.getbool("EXTRACT_INCLUDE_TABLES", True),
            first_pass=settings.get("EXTRACT_FIRST_PASS", "recall"),
            second_pass=settings.getbool("EXTRACT_SECOND_PASS", True),
            second_pass_min_words=settings.getint("EXTRACT_SECOND_PASS_MIN_WORDS", 100),
            second_pass_share=settings.getfloat("EXTRACT_SECOND_PASS_SHARE", 0.3),
            min_words=settings.getint("EXTRACT_MIN_WORDS", 40),
            max_link_share=settings.getfloat("EXTRACT_MAX_LINK_SHARE", 0.5),
            listing_url_link_share=settings.getfloat("EXTRACT_LISTING_URL_LINK_SHARE", 0.25),
            paywall_max_words=settings.getint("EXTRACT_PAYWALL_MAX_WORDS", 350),
            trim_related=settings.getbool("EXTRACT_TRIM_RELATED", True),
            updated_date_search=settings.getbool("EXTRACT_UPDATED_DATE_SEARCH", True),
            date_extensive=settings.getbool("EXTRACT_DATE_EXTENSIVE", True),
            body_selector=settings.get("EXTRACT_BODY_SELECTOR") or "",
            boilerplate_lines=settings.getlist("EXTRACT_BOILERPLATE_LINES"),
        )

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

    def _strip_site_lines(self, text: str) -> str:
        if not self.boilerplate_lines:
            return text
        return "\n".join(
            line for line in text.splitlines() if not any(r.fullmatch(line.strip()) for r in self.boilerplate_lines)
        )

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
        words = len(text.split())
        wanted = self.second_pass_min_words
        if words >= wanted and self.second_pass_share > 0:
            in_paragraphs = sum(len(" ".join(p.itertext()).split()) for p in tree.iter("p"))
            wanted = max(wanted, int(self.second_pass_share * in_paragraphs))
        if words < wanted:
            mode = "balanced" if self.first_pass == "recall" else "recall"
            retry = self._run(tree, url, mode)
            passes.append(mode)
            retry_text = (retry.text or "") if retry is not None else ""
            if len(retry_text.split()) > words:
                text = retry_text
                doc = doc if doc is not None else retry
        return doc, text, passes

    def analyse(self, html: str, url: str) -> Extraction:
        """Text, metadata and the drop decision of one page (never raises a drop)."""
        tree = trafilatura.load_html(html) if html and html.strip() else None
        if tree is None:
            return Extraction(drop=ExtractionFailed(f"Unparsable HTML: {url}"))
        doc, raw, passes = self._passes(self._body_tree(html, tree), url)
        text = self._strip_site_lines(strip_boilerplate(raw))
        if self.trim_related:
            text = cut_trailing_block(text)
        result = Extraction(text=text.strip(), passes=passes, language=_language(tree, doc))
        self._metadata(result, tree, html, url)
        result.drop = self._classify(tree, html, url, raw, result.text)
        return result

    def _metadata(self, result: Extraction, tree: Any, html: str, url: str) -> None:
        doc = read_metadata(tree, url)
        result.title = " ".join((doc.title or "").split())
        result.authors = split_authors(doc.author)
        result.sitename = (doc.sitename or "").strip()
        result.canonical_url = normalize_url(doc.url) if doc.url else normalize_url(url)
        result.language = result.language or _language(tree, None)
        stated_published, stated_updated = _stated_dates(tree, html)
        result.published = next((d for d in map(normalize_date, stated_published) if d), "")
        if not result.published or self.date_search == "always":
            found = find_date(tree, url=doc.url or url, original_date=True, extensive_search=self.date_extensive,
                              outputformat=_HTMLDATE_FORMAT, max_date=_today())
            day = normalize_date(found)[:10] if found else ""
            result.published = _best_timestamp(day, stated_published) if day else result.published
        updated = next((d for d in map(normalize_date, stated_updated) if d), "")
        if not updated and self.updated_date_search:
            found = find_date(tree, url=doc.url or url, original_date=False, extensive_search=False,
                              outputformat=_HTMLDATE_FORMAT, max_date=_today())
            updated = normalize_date(found) if found else ""
        if updated and updated[:10] >= (result.published[:10] or "0") and updated != result.published:
            result.updated = updated

    def _classify(self, tree: Any, html: str, url: str, raw: str, text: str) -> ExtractionDrop | None:
        max_share = self.listing_url_link_share if looks_like_listing_url(url) else self.max_link_share
        if text and listing_share(tree, text) >= max_share:
            return NotAnArticle(f"Mostly headlines, links and teasers (a listing page): {url}")
        words = prose_words(text)
        if words < self.paywall_max_words:
            notice = paywall_notice(raw) or _paywall_in_tree(tree, html)
            if notice:
                return PaywallTeaser(f"Paywall or teaser-only text ({words} words, {notice!r}): {url}")
        if words == 0:
            return NoArticleText(f"No article text: {url}")
        if words < self.min_words:
            return NoArticleText(f"Too little article text ({words} words in sentences): {url}")
        return None

    def extract(self, page: ArticlePage) -> Article:
        """Return the ``Article`` of ``page`` or raise an ``ExtractionDrop`` subclass."""
        result = self.analyse(page.html, page.final_url)
        if result.drop is not None:
            raise result.drop
        return Article(
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
        )


class ExtractionPipeline:
    """Scrapy component wrapping ``ArticleExtractor``; passes non-page items through.

    ``EXTRACT_SITE_OVERRIDES`` ({site: {EXTRACT_…: value}}) gives a site its own extractor;
    a spider's ``custom_settings`` can also set ``EXTRACT_*`` for its crawl.
    """

    def __init__(self, extractor: ArticleExtractor, crawler: Crawler) -> None:
        self.extractor = extractor
        self.settings = crawler.settings
        self.stats = crawler.stats
        self._per_site: dict[str, ArticleExtractor] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionPipeline:
        return cls(ArticleExtractor.from_settings(crawler.settings), crawler)

    def extractor_for(self, site: str) -> ArticleExtractor:
        if site not in self._per_site:
            overrides = self.settings.getdict("EXTRACT_SITE_OVERRIDES") or {}
            self._per_site[site] = (
                ArticleExtractor.from_settings(self.settings, site) if site in overrides else self.extractor
            )
        return self._per_site[site]

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        try:
            article = self.extractor_for(item.site).extract(item)
        except ExtractionDrop:
            raise
        except Exception as exc:  # a parser bug on one page must not stop the crawl
            logger.error("Extraction crashed on %s: %r", item.url, exc)
            raise ExtractionFailed(f"Extraction error ({exc.__class__.__name__}): {item.url}") from exc
        self.stats.inc_value("extract/articles")
        return article
