"""Block repairs (``pipelines.extract``): ordered-list items numbered as a browser shows them
(``number_ordered_items``), link lists of the running text unlinked (``unlink_article_link_lists``)
before extraction, and subheadings trafilatura dropped put back (``restore_headings``) after it.

Rules of ``pipelines.extract.rules`` (evidence in ``docs/extraction-rules.md``).
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from pipelines.extract.cleanup import line_key
from pipelines.extract.repair import CHROME_TAGS, in_chrome, words_in

_NUMBERED = re.compile(r"\s*\d+\s*[.)]")
_LETTERED_TYPES = frozenset({"a", "A", "i", "I"})


def _first_text_slot(item: Any) -> tuple[Any, str]:
    """The element whose ``text`` (``"text"``) or ``tail`` (``"tail"``) holds ``item``'s first visible text,
    or (None, "")."""
    if (item.text or "").strip():
        return item, "text"
    for node in item.iterdescendants():
        if isinstance(node.tag, str) and node.tag not in ("script", "style") and (node.text or "").strip():
            return node, "text"
        if (node.tail or "").strip():
            return node, "tail"
    return None, ""


def _list_number(value: str | None, default: int) -> int:
    """The integer an ``<ol start>`` or ``<li value>`` attribute states, else ``default``."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def number_ordered_items(tree: Any) -> int:
    """Prefix each ``<li>`` of an ``<ol>`` with its number ("1. ", from ``start``, counting down when
    ``reversed``, reset by an item's ``value``), as a browser renders it; returns how many items were numbered.

    trafilatura writes every list item as "- " in plain text, while article texts as readers copy
    them (and the dev corpus' gold texts, for about three lists in four) keep the numbers. Items
    that already open with a number, lists numbered with letters or roman numerals and comment
    threads (shown without numbers; their commenters' names feed the byline search) stay as they are."""
    numbered = 0
    for ordered in tree.iter("ol"):
        names = f"{ordered.get('class') or ''} {ordered.get('id') or ''}"
        if (ordered.get("type") or "1") in _LETTERED_TYPES or "comment" in names.lower():
            continue
        items = list(ordered.iterchildren("li"))
        step = -1 if ordered.get("reversed") is not None else 1
        number = _list_number(ordered.get("start"), len(items) if step < 0 else 1)
        for item in items:
            number = _list_number(item.get("value"), number)
            holder, slot = _first_text_slot(item)
            text = getattr(holder, slot) if holder is not None else ""
            if text and not _NUMBERED.match(text):
                setattr(holder, slot, f"{number}. {text.lstrip()}")
                numbered += 1
            number += step
    return numbered


_LIST_CHROME_TAGS = CHROME_TAGS | {"menu"}
_LIST_CHROME_NAMES = re.compile(
    r"menu|nav|related|share|social|footer|sidebar|breadcrumb|tags|widget|toc|table-of-contents", re.IGNORECASE)
_RELATED_INTRO = re.compile(
    r"\b(related|learn more|read more|more from|other (posts|articles|stories)|you may (also )?(like|enjoy)|see also"
    r"|further reading|resources|useful links|links|recommended (reading|articles|posts)|popular (posts|articles))\b",
    re.IGNORECASE)


def _is_article_link_list(items: Any, parent: Any, min_paragraphs: int) -> bool:
    """Whether the list ``items`` (``<ul>``/``<ol>``) under ``parent`` sits in the article's running text:
    not in page chrome, among ``min_paragraphs`` sentence-length paragraphs, not introduced as
    "related / read more / resources" links."""
    if in_chrome(items, _LIST_CHROME_TAGS):
        return False
    if any(_LIST_CHROME_NAMES.search(f"{e.get('class') or ''} {e.get('id') or ''}") for e in (items, parent)):
        return False
    if sum(1 for p in parent if p.tag == "p" and words_in(p) >= 8) < min_paragraphs:
        return False
    intro = items.getprevious()
    intro_text = " ".join(intro.itertext()) if intro is not None else ""
    return not (intro_text and len(intro_text.split()) <= 15 and _RELATED_INTRO.search(intro_text))


def unlink_article_link_lists(tree: Any, min_items: int = 2, min_paragraphs: int = 2) -> int:
    """Turn the links of lists made mostly of links (half their words or more) into plain text when
    the list sits in the article's running text (see ``_is_article_link_list``); returns how many lists.

    trafilatura drops link-dense lists as navigation; inside an article they are its content
    (the courses, products, sources or tools it names)."""
    unlinked = 0
    for items in list(tree.iter("ul", "ol")):
        parent = items.getparent()
        if parent is None or sum(1 for child in items if child.tag == "li") < min_items:
            continue
        if sum(1 for p in parent if p.tag == "p") < min_paragraphs:  # cheap; _is_article_link_list checks more
            continue
        links = items.findall(".//a")
        if not links:
            continue
        total = words_in(items)
        if not total or sum(words_in(a) for a in links) < 0.5 * total:
            continue
        if _is_article_link_list(items, parent, min_paragraphs):
            for link in links:
                link.tag = "span"
            unlinked += 1
    return unlinked


_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_HEADING_CHROME_TAGS = frozenset({"nav", "footer", "aside"})  # a <header>/<form> may wrap a whole page


_VISIBLE_TEXT = etree.XPath(
    "boolean(.//text()[normalize-space()][not(ancestor::script or ancestor::style or ancestor::noscript)])")


def _shows_text(element: Any) -> bool:
    """Whether ``element`` holds text outside scripts and styles (an image wrapper's inline script does not count)."""
    if not isinstance(element.tag, str) or element.tag in ("script", "style", "noscript"):
        return False
    if not "".join(element.itertext()).strip():
        return False
    if next(element.iter("script", "style", "noscript"), None) is None:
        return True
    return bool(_VISIBLE_TEXT(element))


def _next_block(element: Any) -> Any:
    """The next sibling element of ``element`` that shows text, or None."""
    following = element.getnext()
    while following is not None and not _shows_text(following):
        following = following.getnext()
    return following


def _heading_text(heading: Any, max_words: int) -> str:
    """The text of ``heading`` when it reads as a subheading (``max_words`` words at most), else ""."""
    text = " ".join(" ".join(heading.itertext()).split())
    return text if text and len(text.split()) <= max_words else ""


def _block_key(heading: Any, min_words: int) -> str:
    """The key (first 50 characters of ``line_key``) of the paragraph, list or division after ``heading``
    when it has ``min_words`` words or more, else ""."""
    block = _next_block(heading)
    if block is None or block.tag not in ("p", "ul", "ol", "div"):
        return ""
    key = line_key(" ".join(block.itertext())[:400])
    return key[:50] if len(key.split()) >= min_words else ""


def _opens_text(heading: Any, text: str, chars: int = 24) -> bool:
    """Whether the block after ``heading`` starts with ``chars`` characters found verbatim in ``text``
    (a cheap test before the line-by-line one)."""
    block = _next_block(heading)
    start = " ".join("".join(block.itertext())[: 4 * chars].split())[:chars] if block is not None else ""
    return len(start) == chars and start in text


def restore_headings(tree: Any, text: str, max_words: int = 20, min_words: int = 8) -> str:
    """``text`` with the subheadings (``<h2>``–``<h6>``) it lost put back above the paragraph each opens.

    trafilatura drops the headings of a text block it reads as one ``<div>`` (when the first body
    candidate it tries is too small) and keeps the paragraphs; a heading comes back only when the
    line that starts its next block (same first 50 characters, ``min_words`` words or more) is in
    ``text`` and the heading is not, and not from navigation, footers or asides (a ``<header>`` or
    ``<form>`` may wrap a whole page: its paragraph in ``text`` says it is article text). The next block
    is the next sibling showing text: an image wrapper whose only text is its lazy-loading script is
    passed over."""
    if not text:
        return text
    missing = [(heading, title) for heading in tree.iter(*_HEADINGS)
               if (title := _heading_text(heading, max_words)) and title not in text and _opens_text(heading, text)]
    if not missing:  # the common case: every heading is in the text, or its block is not
        return text
    lines = text.split("\n")
    starts: dict[str, int] = {}
    present: set[str] = set()
    for index, line in enumerate(lines):
        key = line_key(line) if len(line) < 40 * max_words else line_key(line[:150])
        present.add(key)
        if len(key) >= 30:
            starts.setdefault(key[:50], index)
    inserts: dict[int, str] = {}
    for heading, title in missing:
        if line_key(title) in present:
            continue
        index = starts.get(_block_key(heading, min_words))
        if index is None or index in inserts or (index and line_key(lines[index - 1]) == line_key(title)):
            continue
        if not in_chrome(heading, _HEADING_CHROME_TAGS):
            inserts[index] = title
    if not inserts:
        return text
    merged = (part for index, line in enumerate(lines) for part in (inserts.get(index), line))
    return "\n".join(part for part in merged if part is not None)
