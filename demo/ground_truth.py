"""Ground truth of a running demo network: what a perfect crawler + deduplicator keeps.

One dict per served article-like URL (articles, reprints, updates, URL duplicates and
broken pages), with keys:

``url``            absolute URL (query included for query variants)
``site``           publisher slug
``story``          story id (shared by an original, its reprints and URL duplicates);
                   None for story-less broken pages (404, 500, binary, not_article, empty)
``role``           "original" | "reprint" | "independent" | "update" | "url_duplicate" | "broken"
``same_story_as``  the other URLs with the same story id
``updates``        URL of the page an update revises, else None
``updated_by``     URLs of updates of this page (usually empty)
``broken``         None or "404" | "500" | "malformed" | "not_article" | "empty" | "wrong_charset" | "binary"
``expect``         "store_one_of_story" (originals and reprints: exactly one page per story id
                   is stored, which one depends on crawl order) | "store" | "drop_url_duplicate" |
                   "drop_error" | "drop_not_article" | "drop_empty"
``text``           the body paragraphs joined by "\n" (None for story-less pages, "" for the
                   empty page). In-body boilerplate lines are NOT part of it; they are listed
                   in ``boilerplate`` (an extractor will usually return them too).
``furniture``      roundup headings, photo captions and pull quotes of the page (not part of
                   ``text``: whether an extractor keeps them is not checked).
``lang``           the page's ``<html lang>`` ("en", "zh", "ja", "ko", "ar", "ru").
``layout``         "standard" | "table" | "feature" | "roundup" | "paywall_template" (see
                   ``demo.model.LAYOUTS``): pages whose markup is itself the trap. All of them
                   are complete, free articles and keep their role's expectation: a ``table``
                   page must be stored with its whole text although the extractor sees one long
                   line starting with the headline; a ``feature`` whole, with its photos and pull
                   quotes; a ``roundup`` although its prose sits under list headings with links;
                   a ``paywall_template`` page (a short reprint whose sitewide Organization
                   JSON-LD says ``"isAccessibleForFree": false``) recorded as a duplicate of its
                   story (or stored once, if it arrives first), never dropped as a paywall teaser.
``image``, ``description``, ``tags``, ``section``, ``free_access``: what the article page states
                   beside its text (``demo.newsmeta.news_of``: the image as an absolute URL, the
                   description "" when the page has none); None for story-less pages.
``headline``, ``author``, ``published`` (ISO 8601 with offset), ``event`` (independent
reports of one event share it), ``canonical`` (absolute canonical URL), ``held`` (True
when the page only appeared through ``publish_more``).

Pages in other languages follow the same expectations: the Chinese story and its reprint
(new headline, trimmed end) are one story, stored once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from demo.catalog import Catalog
from demo.model import Page
from demo.newsmeta import news_of

EXPECT_BY_ROLE = {
    "original": "store_one_of_story",
    "reprint": "store_one_of_story",
    "independent": "store",
    "update": "store",
    "url_duplicate": "drop_url_duplicate",
}
EXPECT_BY_BROKEN = {
    "malformed": "store",
    "wrong_charset": "store",
    "404": "drop_error",
    "500": "drop_error",
    "binary": "drop_error",
    "not_article": "drop_not_article",
    "empty": "drop_empty",
}


def expectation(page: Page) -> str:
    """What should happen to ``page`` (see module docstring)."""
    if page.role == "broken":
        return EXPECT_BY_BROKEN[page.broken or ""]
    return EXPECT_BY_ROLE[page.role]


def _boilerplate(page: Page) -> list[str]:
    return [("Read more: " + b.text) if b.kind == "readmore" else b.text for b in page.blocks if b.kind != "p"]


def build(catalog: Catalog, families: set[str], base_urls: dict[str, str]) -> list[dict[str, Any]]:
    """Ground truth for the pages of ``families`` (the published ones) under ``base_urls``."""
    pages = [p for p in catalog.pages if p.family in families]
    by_key = {p.key: p for p in pages}

    def url(p: Page) -> str:
        return base_urls[p.site] + p.path

    by_story: dict[str, list[str]] = defaultdict(list)
    updated_by: dict[str, list[str]] = defaultdict(list)
    for p in pages:
        if p.story is not None:
            by_story[p.story].append(url(p))
        if p.updates:
            updated_by[p.updates].append(url(p))
    out = []
    for p in pages:
        me = url(p)
        if p.story is not None:
            text: str | None = "\n".join(p.paragraphs)
        else:
            text = "" if p.broken == "empty" else None
        news = news_of(p, base_urls[p.site]) or dict.fromkeys(("image", "description", "tags", "section",
                                                                  "free_access"))
        out.append({
            "url": me,
            "site": p.site,
            "story": p.story,
            "role": p.role,
            "same_story_as": [u for u in by_story.get(p.story or "", []) if u != me],
            "updates": url(by_key[p.updates]) if p.updates and p.updates in by_key else None,
            "updated_by": updated_by.get(p.key, []),
            "broken": p.broken,
            "expect": expectation(p),
            "text": text,
            "boilerplate": _boilerplate(p),
            "furniture": p.furniture,
            "lang": p.lang,
            "layout": p.layout,
            "headline": p.headline,
            "author": p.author or None,
            "published": p.published.isoformat(),
            "event": p.event,
            "canonical": url(by_key[p.canonical]) if p.canonical else me,
            "held": p.held,
            **{k: news[k] for k in ("image", "description", "tags", "section", "free_access")},
        })
    return out
