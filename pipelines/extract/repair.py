"""Page repairs before trafilatura reads a page (``pipelines.extract``): text a browser shows
but trafilatura never sees.

* ``repair_end_tags``: a page that closes ``</body></html>`` early and goes on with its
  content; browsers (HTML5 parsing) keep reading, libxml2 drops the rest.
* tree repairs: React's streamed segments put in place (``drop_streaming_fallbacks``,
  ``place_streamed_segments``), attributed quotations in ``<figure>`` read as text
  (``open_quotation_figures``), collapsed disclosure panels opened and their buttons read as text
  (``open_disclosure_panels``, ``label_disclosure_controls``), a ``<nav>`` wrapping the article read
  as a division (``open_misplaced_navigation``), loose prose between blocks wrapped in paragraphs
  (``wrap_prose_tails``), bare prose divisions among paragraphs read as paragraphs
  (``read_prose_divisions``), link lists of the running text unlinked (``unlink_article_link_lists``),
  ordered-list items numbered as a browser shows them (``number_ordered_items``).
Ordered-list numbering, link-list unlinking and heading restoring live in ``pipelines.extract.blocks``;
every repair is a rule of ``pipelines.extract.rules`` (evidence in ``docs/extraction-rules.md``).

Each rule was measured on the dev corpus (``benchmarks/eval_extraction.py``), tuned on the
even pages and confirmed on the odd ones; none of them uses a string of a particular site.
lxml proxies cost here (trafilatura's tree builds a Python object per element visited): the
repairs filter in XPath or on the raw HTML first where they can.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree


def words_in(element: Any) -> int:
    """Words in ``element``'s text."""
    return len(" ".join(element.itertext()).split())


_END_TAG = re.compile(r"</(body|html)\s*>", re.IGNORECASE)


def repair_end_tags(html: str) -> str:
    """``html`` without ``</body>`` / ``</html>`` end tags that are not the last of their kind.

    HTML5 parsers ignore such early end tags and keep the content after them in the body;
    libxml2 (lxml, trafilatura) stops there and loses the rest of the page.
    """
    kinds = [kind.lower() for kind in _END_TAG.findall(html)]  # one pass, ~0.3 ms on a 200 kB page
    if len(kinds) == len(set(kinds)):
        return html
    last = {m.group(1).lower(): m.start() for m in _END_TAG.finditer(html)}
    keep = set(last.values())
    return _END_TAG.sub(lambda m: m.group(0) if m.start() in keep else "", html)


_STREAM_SEGMENT = '<div hidden id="S:'
_STREAM_FALLBACK = re.compile(
    r'(<template id="B:[0-9a-z]+"></template>)(?:(?!<template|<!--/\$-->).){0,4000}?<!--/\$-->', re.DOTALL)
_STREAM_SWAP = re.compile(r'\$RC\("(B:[0-9a-z]+)","(S:[0-9a-z]+)"\)')


def drop_streaming_fallbacks(html: str) -> str:
    """``html`` without the fallbacks ("Loading…", skeletons) of React's pending streamed boundaries
    (``<!--$?--><template id="B:n"></template>fallback<!--/$-->``), on pages that stream segments.

    The fallback ends at a comment, which the parsed tree no longer holds, so it goes here."""
    if _STREAM_SEGMENT not in html:
        return html
    return _STREAM_FALLBACK.sub(r"\1", html)


def _remove_keeping_tail(element: Any) -> None:
    """Remove ``element`` from its parent, its tail text going to the previous node."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def place_streamed_segments(tree: Any) -> int:
    """Move React's streamed segments into their boundaries, as the page's ``$RC("B:n","S:m")``
    calls do in a browser; returns how many moved.

    A streaming page (React 18+, Next.js app router) ends with ``<div hidden id="S:m">`` blocks that
    a script swaps into the ``<template id="B:n">`` placeholders of the article; without the swap the
    text sits hidden after the footer. Only completed boundaries (``$RC``) are placed: the inner
    ``$RS`` segments, when placed as well, made trafilatura pick a comment thread over the post."""
    segments = {e.get("id"): e for e in tree.iterfind(".//div[@hidden]") if (e.get("id") or "").startswith("S:")}
    if not segments:
        return 0
    slots = {e.get("id"): e for e in tree.iter("template") if (e.get("id") or "").startswith("B:")}
    pairs = [pair for script in tree.iter("script") for pair in _STREAM_SWAP.findall(script.text or "")]
    if not pairs:  # scripts stripped (a saved page): boundaries and segments share their number
        pairs = [("B:" + sid[2:], sid) for sid in segments]
    moved = 0
    for slot_id, segment_id in pairs:
        slot, segment = slots.get(slot_id), segments.pop(segment_id, None)
        if slot is None or segment is None or slot.getparent() is None:
            continue
        parent = slot.getparent()
        index = parent.index(slot)
        for offset, child in enumerate(list(segment)):
            parent.insert(index + 1 + offset, child)
        _remove_keeping_tail(slot)
        _remove_keeping_tail(segment)
        moved += 1
    return moved


_EMBEDDED_MEDIA = ("embed", "tweet", "twitter", "instagram", "tiktok", "facebook")


def open_quotation_figures(tree: Any) -> int:
    """Read ``<figure>``s holding a ``<blockquote>`` and a ``<figcaption>`` (an attributed
    quotation: testimonial, interview quote) as ``<div>``s; returns how many.

    trafilatura drops every ``<figure>``; a pull quote without a caption (usually a repeat of the
    article or a definition box) and social-media embeds stay figures."""
    opened = 0
    for figure in tree.xpath("//figure[.//blockquote and .//figcaption]"):
        names = " ".join([figure.get("class") or ""] + [q.get("class") or "" for q in figure.iter("blockquote")])
        if any(word in names.lower() for word in _EMBEDDED_MEDIA):
            continue
        figure.tag = "div"
        opened += 1
    return opened


_HIDING_CLASSES = frozenset({"hidden", "hide", "collapse", "collapsed"})
_HIDING_STYLE = re.compile(
    r"(display\s*:\s*none|visibility\s*:\s*hidden|height\s*:\s*0(px)?|overflow\s*:\s*hidden)\s*;?")
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})


def in_chrome(element: Any, tags: frozenset[str] = CHROME_TAGS) -> bool:
    """Whether ``element`` sits inside page chrome (one of ``tags``)."""
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _first_controlled(control: Any) -> str:
    """The first id named by ``control``'s ``aria-controls``, or ""."""
    ids = (control.get("aria-controls") or "").split()
    return ids[0] if ids else ""
_MENU_NAMES = re.compile(r"menu|nav|dropdown|off-?canvas|sidepanel|banner|comment", re.IGNORECASE)


def _reveal(element: Any) -> None:
    """Strip the markers that hide ``element`` (hidden class tokens and attributes, hiding styles)."""
    if element.get("class") is not None:
        element.set("class", " ".join(c for c in element.get("class").split() if c not in _HIDING_CLASSES))
    for attribute in ("hidden", "aria-hidden"):
        element.attrib.pop(attribute, None)
    if element.get("style"):
        element.set("style", _HIDING_STYLE.sub("", element.get("style")))


def _elements_by_id(tree: Any, ids: set[str]) -> list[Any]:
    """The elements whose ``id`` is one of ``ids`` (filtered by libxml2: no proxy for the others)."""
    wanted = " " + " ".join(ids) + " "
    return tree.xpath("//*[@id][contains($wanted, concat(' ', @id, ' '))]", wanted=wanted) if ids else []


def open_disclosure_panels(tree: Any, min_words: int = 5) -> int:
    """Reveal collapsed disclosure panels (accordion answers, "read more" sections): hidden
    elements whose id a control names in ``aria-controls``; returns how many.

    trafilatura discards hidden elements; a panel the reader opens with a click is page text.
    Menus, navigation, headers, footers and off-canvas drawers stay hidden."""
    controlled = {name for e in tree.xpath("//*[@aria-controls]") for name in (e.get("aria-controls") or "").split()}
    if not controlled:
        return 0
    opened = 0
    for panel in _elements_by_id(tree, controlled):
        if panel.tag not in ("div", "section", "dd", "p", "ul", "ol"):
            continue
        hidden = ("hidden" in panel.attrib or panel.get("aria-hidden") == "true"
                  or _HIDING_CLASSES & set((panel.get("class") or "").split())
                  or _HIDING_STYLE.search(panel.get("style") or ""))
        names = f"{panel.get('class') or ''} {panel.get('id')}"
        if not hidden or _MENU_NAMES.search(names) or in_chrome(panel):
            continue
        if len(" ".join(panel.itertext()).split()) >= min_words:
            _reveal(panel)
            opened += 1
    return opened


def label_disclosure_controls(tree: Any, max_words: int = 25, min_panel_words: int = 5) -> int:
    """Read the ``<button>`` that opens a disclosure panel (``aria-controls`` naming an element of
    ``min_panel_words`` words or more; an FAQ question, an accordion title) as a paragraph; returns
    how many. trafilatura drops every button; menu and navigation toggles stay buttons."""
    buttons = tree.xpath("//button[@aria-controls]")
    if not buttons:
        return 0
    targets = {target for b in buttons if (target := _first_controlled(b))}
    panels = {e.get("id"): e for e in _elements_by_id(tree, targets)}
    labelled = 0
    for button in buttons:
        panel = panels.get(_first_controlled(button))
        if panel is None or in_chrome(button):
            continue
        if _MENU_NAMES.search(f"{panel.get('class') or ''} {panel.get('id') or ''}"):
            continue
        if 2 <= words_in(button) <= max_words and words_in(panel) >= min_panel_words:
            button.tag = "p"
            labelled += 1
    return labelled


def open_misplaced_navigation(tree: Any) -> int:
    """Read a ``<nav>`` that holds the page's ``<main>`` or an ``<article>`` (a template that wraps the
    whole page in its navigation bar) as a ``<div>``; returns how many. trafilatura drops every nav."""
    misplaced = [nav for nav in tree.iter("nav") if next(nav.iter("main", "article"), None) is not None]
    for nav in misplaced:
        nav.tag = "div"
    return len(misplaced)


_BLOCK_TAGS = frozenset({"div", "p", "ul", "ol", "table", "section", "h2", "h3", "h4", "figure", "blockquote"})
_LOOSE_TEXT = etree.XPath(  # tails of children of containers, selected in libxml2 (no proxies)
    "(//div|//section|//article|//td|//span)/text()[string-length(normalize-space()) >= $chars]"
    "[preceding-sibling::node()[1][self::*]]")
_SENTENCE_END = re.compile(r"[.!?…:;)\"”’]$")


def wrap_prose_tails(tree: Any, min_words: int = 12) -> int:
    """Wrap runs of prose that sit loose between block elements (``<div>…</div> Text goes on.``)
    in ``<p>`` elements; returns how many.

    trafilatura loses such text, typically the sentences after an ad slot placed mid-paragraph.
    A run qualifies with ``min_words`` words ending like a sentence, after a child of a container
    that holds block elements (text after inline elements stays as it is)."""
    loose = []
    for text in _LOOSE_TEXT(tree, chars=2 * min_words):
        child = text.getparent()  # the element whose tail the text is
        tail = (child.tail or "").strip()
        if len(tail.split()) < min_words or not _SENTENCE_END.search(tail):
            continue
        if any(sibling.tag in _BLOCK_TAGS for sibling in child.getparent()):
            loose.append((child, tail))
    for child, tail in loose:
        paragraph = child.makeelement("p", {})
        paragraph.text, child.tail = tail, None
        child.addnext(paragraph)
    return len(loose)


_PROSE_DIVISION = etree.XPath(  # candidates selected in libxml2: no proxies for the page's other divs
    "//p[$paragraphs]/../div[string-length(normalize-space()) >= $chars][not(descendant::*["
    "self::div or self::p or self::ul or self::ol or self::dl or self::li or self::table or self::section"
    " or self::article or self::main or self::aside or self::nav or self::header or self::footer or self::form"
    " or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::blockquote or self::pre"
    " or self::figure or self::iframe or self::button or self::input or self::select or self::textarea"
    " or self::script or self::style or self::noscript])]")
_CAPTION_NAMES = re.compile(r"caption|credit|comment|image|photo", re.IGNORECASE)


def read_prose_divisions(tree: Any, min_words: int = 12, min_paragraphs: int = 2) -> int:
    """Read a ``<div>`` holding only a run of prose (inline markup, ``min_words`` words ending like a
    sentence) among ``min_paragraphs`` ``<p>`` siblings as a ``<p>``; returns how many.

    trafilatura drops such a division between paragraphs (a call-out or "Updates:" box written as a
    bare ``<div>``), although the same text in a ``<p>`` is kept. Captions, credits and comment
    notes (by class or id) and page chrome stay as they are."""
    read = 0
    for division in _PROSE_DIVISION(tree, paragraphs=min_paragraphs, chars=4 * min_words):
        text = " ".join(division.itertext()).strip()
        if len(text.split()) < min_words or not _SENTENCE_END.search(text):
            continue
        if _CAPTION_NAMES.search(f"{division.get('class') or ''} {division.get('id') or ''}") or in_chrome(division):
            continue
        division.tag = "p"
        read += 1
    return read
