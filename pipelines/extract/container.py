"""Lines whose source lies outside the article's container in the page (``pipelines.extract``):
sidebars, related-post boxes, footers, site banners that trafilatura read along.

A rule of ``pipelines.extract.rules`` (evidence in ``docs/extraction-rules.md``).
"""

from __future__ import annotations

import heapq
from typing import Any

from lxml import etree

_STRING = etree.XPath("string()")
_NOT_TEXT = frozenset(("script", "style", "template", "noscript"))


def _flat(text: str) -> str:
    """``text`` with its whitespace runs collapsed to one space, as the line keys are (the page's
    source breaks lines inside paragraphs; trafilatura's text does not)."""
    return " ".join(text.split())


def _page_text(tree: Any) -> str:
    """The text of the page's ``<body>`` (of ``tree`` when it has none), its script, style and
    template children left out (a JSON copy of the article there would match every line)."""
    body = tree.find("body")
    root = body if body is not None else tree
    parts = (_STRING(child) for child in root if isinstance(child.tag, str) and child.tag not in _NOT_TEXT)
    return _flat(" ".join(parts))


def _common_ancestor(elements: list[Any]) -> Any | None:
    """The nearest element holding all of ``elements`` (one of them when it holds the others)."""
    found = elements[0]
    for element in elements[1:]:
        while found is not None and element is not found and not any(a is found for a in element.iterancestors()):
            found = found.getparent()
    return found


def _leading_text(element: Any, depth: int = 2) -> str:
    """The text ``element`` opens with: its own, else (blank) that of its first child, ``depth`` levels
    down at most (``<p><span>…</span></p>``)."""
    text = element.text
    while (not text or text.isspace()) and depth and len(element) and isinstance(element[0].tag, str):
        element, depth = element[0], depth - 1
        text = element.text
    return text or ""


def drop_foreign_lines(
    text: str, tree: Any, min_position: float = 0.8, long_lines: int = 8, min_found: int = 5, key_chars: int = 40,
    min_key: int = 10, lead_words: int = 12,
) -> str:
    """``text`` without the lines that come from outside the article's container in ``tree``
    (sidebars, related-post boxes, site banners, footers, call-to-action panels read along).

    The container is the nearest common ancestor of the ``<p>`` elements whose leading text (their own,
    or their first child's) starts like one of the ``long_lines`` longest lines that start before
    ``min_position`` of the characters; with fewer than ``min_found`` of them found (or no line after
    ``min_position``) ``text`` is returned as is. A line is matched by its first ``key_chars``
    characters (whitespace collapsed, in the page's text too; a list item's "- " left out; shorter keys
    than ``min_key`` are kept): a line the container's text lacks and the rest of the page's body has
    goes. Lines not found anywhere (text trafilatura assembled: table rows, joined inline elements)
    stay, and so do lines of ``lead_words`` words or more before the first line found in the container
    (a standfirst or lead paragraph above the article's body).
    """
    lines = text.split("\n")
    sizes = [len(line) for line in lines]
    limit, seen, early, late = min_position * sum(sizes), 0, [], False
    for index, size in enumerate(sizes):
        if size and seen < limit:
            early.append(index)
        elif size:
            late = True
        seen += size
    if not early or not late:
        return text

    def key_of(line: str) -> str:
        return _flat(line[: key_chars + 20])[:key_chars]

    wanted = {key_of(lines[i]) for i in heapq.nlargest(long_lines, early, key=sizes.__getitem__)}
    heads = {key[:12] for key in wanted if len(key) >= min_key}
    found = []
    for p in tree.iter("p"):
        start = p.text if p.text and not p.text.isspace() else _leading_text(p)
        if start.lstrip()[:12] in heads and key_of(start) in wanted:
            found.append(p)
    if len(found) < min_found:
        return text
    container = _common_ancestor(found)
    if container is None:
        return text
    inside, page, drop, started, at = _flat(_STRING(container)), None, set(), False, 0
    for index, line in enumerate(lines):
        key = key_of(line) if len(line) >= min_key else ""
        key = key[2:] if key.startswith("- ") else key
        if len(key) < min_key:
            continue
        found_at = inside.find(key, at)  # lines come in the container's order: search on from the last one
        found_at = found_at if found_at >= 0 else inside.find(key)
        if found_at >= 0:
            started, at = True, found_at
        elif started or len(line.split()) < lead_words:
            page = _page_text(tree) if page is None else page
            if key in page:
                drop.add(index)
    if not drop:
        return text
    return "\n".join(line for index, line in enumerate(lines) if index not in drop)
