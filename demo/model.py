"""Plain data types of the demo network: written stories, reprint recipes and served pages.

A :class:`Story` is a text written once by one publisher. A :class:`Reprint` is a recipe
that turns a story into an edited copy on another publisher. Both, plus the intentionally
broken pages, become :class:`Page` objects (one per article-like URL) in ``demo.catalog``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

#: Story kinds. ``original`` and ``independent`` are plain articles; ``update`` republishes
#: an earlier story of the same publisher with a new section; ``malformed`` and
#: ``wrong_charset`` are real articles served with broken markup / mislabelled bytes.
STORY_KINDS = ("original", "independent", "update", "malformed", "wrong_charset")

#: Kinds of broken pages (``Page.broken``).
BROKEN_KINDS = ("404", "500", "malformed", "not_article", "empty", "wrong_charset", "binary")

#: Article page layouts (``Story.layout``): ``standard`` is one ``<p>`` per paragraph;
#: ``table`` puts the headline and the body into one ``<table><tr><td>`` cell with ``<br>``
#: between paragraphs (no ``<p>``); ``feature`` interleaves ``<figure>`` photos with long
#: captions and ``<blockquote class="pullquote">`` quotes; ``roundup`` is a numbered
#: ``<ol><li><h3>`` list of items with prose and links; ``paywall_template`` is a standard
#: page whose template carries a sitewide Organization JSON-LD block marked
#: ``"isAccessibleForFree": false`` (the article itself is complete and free).
LAYOUTS = ("standard", "table", "feature", "roundup", "paywall_template")

#: Paragraph prefixes in story bodies that make non-prose blocks: a heading of a roundup
#: item, a photo caption, a pull quote. ``[link text](@story-id)`` inside a paragraph links
#: "link text" to another story of the same publisher.
BLOCK_PREFIXES = {"## ": "h", "[fig] ": "figure", "[pq] ": "pullquote"}
_CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_LINK = re.compile(r"\[([^\]]+)\]\(@([a-z0-9-]+)\)")


@dataclass(frozen=True)
class Story:
    """A story as written by its own publisher.

    ``published`` is local wall-clock time of the publisher ("YYYY-MM-DD HH:MM"); the
    publisher's UTC offset is applied in ``demo.catalog``. ``paragraphs`` are plain text
    (no markup). ``event`` groups independent reports of the same event; ``updates`` is
    the id of the story an ``update`` republishes; ``held`` stories are only served after
    ``DemoNetwork.publish_more``; ``amp_duplicate`` serves a second URL (AMP or ``?ref=``
    variant, per publisher) with the same text and a canonical link to the first.
    """

    id: str
    site: str
    headline: str
    paragraphs: tuple[str, ...]
    published: str
    author: str
    kind: str = "original"
    event: str | None = None
    updates: str | None = None
    held: bool = False
    url_duplicate: bool = False
    layout: str = "standard"
    lang: str = "en"
    slug: str | None = None

    @property
    def prose(self) -> tuple[str, ...]:
        """The real prose paragraphs with link markup removed (what a reprint can copy)."""
        return tuple(b.text for b in (parse_block(p) for p in self.paragraphs) if b.kind == "p")


@dataclass(frozen=True)
class Reprint:
    """How ``site`` republishes story ``source`` (all edits optional).

    ``keep`` paragraphs are kept from the top (None = all); ``dateline`` is prefixed to the
    first paragraph; ``byline_top`` is inserted as a first paragraph; ``credit_bottom`` is
    appended as the last paragraph; ``local`` = (index, text) inserts a local paragraph at
    that index of the kept paragraphs; ``boilerplate`` = ((index, "share"|"ad"|"readmore"), …)
    inserts in-body boilerplate lines before that paragraph index; ``curly`` turns straight
    quotes into typographic ones. ``delay_minutes`` is relative to the source (may be < 0).
    """

    source: str
    site: str
    delay_minutes: int
    headline: str | None = None
    author: str | None = None
    keep: int | None = None
    dateline: str | None = None
    byline_top: str | None = None
    credit_bottom: str | None = None
    local: tuple[int, str] | None = None
    boilerplate: tuple[tuple[int, str], ...] = ()
    curly: bool = False
    layout: str = "standard"
    slug: str | None = None


@dataclass(frozen=True)
class BrokenSpec:
    """An intentionally broken, story-less page (404, 500, not_article, empty, binary)."""

    site: str
    broken: str
    headline: str
    published: str
    listed: bool = True


class Block(NamedTuple):
    """One line of an article body: ``kind`` is ``p`` (real prose), boilerplate (``share``,
    ``ad``, ``readmore``) or furniture (``h`` roundup heading, ``figure`` photo caption,
    ``pullquote``). ``ref`` is the page key a ``readmore`` links to; ``links`` are
    (anchor text, story id) pairs linked inside the text (story ids become page keys of
    the same publisher in ``demo.catalog``)."""

    kind: str
    text: str = ""
    ref: str | None = None
    links: tuple[tuple[str, str], ...] = ()


def parse_block(paragraph: str) -> Block:
    """A story paragraph as a :class:`Block` (see ``BLOCK_PREFIXES``; links stripped)."""
    kind = "p"
    for prefix, name in BLOCK_PREFIXES.items():
        if paragraph.startswith(prefix):
            kind, paragraph = name, paragraph[len(prefix):]
            break
    links = tuple((m.group(1), m.group(2)) for m in _LINK.finditer(paragraph))
    return Block(kind, _LINK.sub(r"\1", paragraph), None, links)


@dataclass(frozen=True)
class Page:
    """One article-like URL of one publisher, with its ground truth.

    ``key`` is unique across the catalog ("site/story-id", "site/broken-404", copies get
    "~kN"). ``path`` includes the query string when the page is a query variant.
    ``family`` is the publish unit (all pages of one story appear together); ``base_family``
    is the family before ``multiply``. ``canonical`` is the key of the page this one
    declares canonical (url duplicates), ``updates`` the key of the page an update revises.
    """

    key: str
    site: str
    slug: str
    num: int
    path: str
    headline: str
    author: str
    published: datetime
    blocks: tuple[Block, ...]
    story: str | None
    role: str
    family: str
    base_family: str
    broken: str | None = None
    event: str | None = None
    updates: str | None = None
    canonical: str | None = None
    listed: bool = True
    held: bool = False
    related: tuple[str, ...] = ()
    layout: str = "standard"
    lang: str = "en"

    @property
    def paragraphs(self) -> list[str]:
        """The real prose paragraphs (no boilerplate lines)."""
        return [b.text for b in self.blocks if b.kind == "p"]

    @property
    def furniture(self) -> list[str]:
        """Roundup headings, photo captions and pull quotes, in page order."""
        return [b.text for b in self.blocks if b.kind in ("h", "figure", "pullquote")]

    @property
    def summary(self) -> str:
        """A one-sentence teaser (first sentence of the first paragraph, at most ~30 words)."""
        paras = self.paragraphs
        if not paras:
            return self.headline
        first = paras[0]
        for stop in (". ", "? ", "! ", "。", "？", "！"):
            if stop in first:
                first = first.split(stop, 1)[0] + stop.strip()
                break
        words = first.split()
        return " ".join(words[:30]) + (" …" if len(words) > 30 else "")


def paragraphs(body: str) -> tuple[str, ...]:
    """Split a triple-quoted body into paragraphs: blank lines separate, newlines join (with a
    space, except between two Chinese/Japanese characters)."""
    out = []
    for chunk in body.strip().split("\n\n"):
        text = ""
        for line in (line.strip() for line in chunk.strip().splitlines()):
            if line:
                text += ("" if not text or (_CJK.match(text[-1]) and _CJK.match(line[0])) else " ") + line
        if text:
            out.append(text)
    return tuple(out)


def story(
    id: str, site: str, published: str, author: str, headline: str, body: str, **extra: object
) -> Story:
    """Shorthand used by ``demo.content``: ``body`` is split with :func:`paragraphs`."""
    return Story(
        id=id, site=site, headline=headline, paragraphs=paragraphs(body), published=published,
        author=author, **extra,  # type: ignore[arg-type]
    )
