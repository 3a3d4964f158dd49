"""Items that flow spider -> extract -> dedup -> store.

``ArticlePage`` is what a spider yields: the fetched page, html included. The extraction
stage turns it into an ``Article``; the html goes no further than extraction. Both carry the
WARC location of the page (``warc_file``, ``warc_offset``) when it was archived or replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ArticlePage:
    """A fetched page that an article-URL rule matched."""

    url: str  # the URL we requested (normalised)
    final_url: str  # the URL after redirects
    site: str  # spider name of the publisher
    fetched_at: str  # ISO 8601 UTC
    html: str  # decoded HTML (see crawler.encoding)
    charset_note: str = ""  # "" or why the declared charset was not used ("declared utf-8 (header), detected cp1252")
    warc_file: str = ""  # the WARC file holding the page's response record ("" = not archived): crawler.warcarchive
    warc_offset: int | None = None  # byte offset of that record in ``warc_file``


@dataclass
class Article:
    """An extracted article on its way to dedup and storage."""

    id: str  # 16 hex chars, derived from the normalised URL (crawler.urls.article_id)
    url: str
    final_url: str
    canonical_url: str
    site: str
    fetched_at: str
    title: str
    text: str
    author: str = ""  # authors joined with "; " (storage column)
    published: str = ""  # ISO 8601: date, or date-time with zone when the page states it
    language: str = ""
    authors: list[str] = field(default_factory=list)
    updated: str = ""  # ISO 8601, like ``published``; "" when not stated
    sitename: str = ""
    credits: list[str] = field(default_factory=list)  # name keys of the publishers it credits (pipelines.credits)
    image: str = ""  # lead image, absolute URL
    description: str = ""  # the page's own summary (meta description, og:description)
    tags: list[str] = field(default_factory=list)  # tags / keywords, in page order
    section: str = ""  # section or category
    free_access: bool = True  # False: its JSON-LD says isAccessibleForFree false, or its text ends on a paywall notice
    word_count: int = 0  # words of the text (pipelines.textunits.count_units: unspaced scripts in word equivalents)
    warc_file: str = ""  # the WARC file holding its page ("" = not archived; relative names: under WARC_DIR)
    warc_offset: int | None = None  # byte offset of the page's response record in ``warc_file``
    # Filled by the dedup stage for kept articles:
    dedup: dict[str, Any] = field(default_factory=dict)
