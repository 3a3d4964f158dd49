"""Text clean-ups and rescues around trafilatura for the extraction stage (``pipelines.extract``).

* ``structured_body``: schema.org JSON-LD ``articleBody``, used when it is much longer than
  the extracted text and contains it (the extractor then found only part of the article).
* ``rescue_text``: jusText on a page where trafilatura returned almost nothing although the
  page holds a lot of sentence-length paragraphs.
* ``drop_title_line``, ``cut_author_bio``: the headline repeated at the top of the body and a
  trailing "<author> is a writer …" paragraph are not article text (the title and authors are
  separate fields); ``cut_consent_notice``: a cookie-consent panel that trafilatura kept.
* ``cut_related_block``: a "related / references" block under a tail heading, or only the box
  when it sits inside the article; ``cut_closing_block``, ``cut_closing_lines``: the page's
  closing appeals, credits, dates and tags; ``drop_template_runs``: lists of links to sibling
  pages; ``drop_call_to_action_lines``: button labels ("Where to buy", "Get started").
* ``drop_foreign_lines``: lines whose source lies outside the article's container in the page
  (sidebars, related-post boxes, footers, site banners that trafilatura read along).

Page repairs before extraction live in ``pipelines.extract.repair``; the URL-day date rule in
``pipelines.extract.metadata``.

Each rule was measured on the dev corpus (``benchmarks/eval_extraction.py``), tuned on the
even pages and confirmed on the odd ones; none of them uses a string of a particular site.
"""

from __future__ import annotations

import copy
import heapq
import html as htmllib
import json
import logging
import re
from collections import Counter
from typing import Any

from lxml import etree

from pipelines.textunits import count_units

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _WORD.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def containment(part: str, whole: str) -> float:
    """Share of ``part``'s word 4-grams (multiset) that ``whole`` contains."""
    mine, theirs = _shingles(part), _shingles(whole)
    total = sum(mine.values())
    return sum((mine & theirs).values()) / total if total else 0.0


_JSONLD = re.compile(r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]{1,400}>")


def _article_bodies(data: Any) -> list[str]:
    """Every string ``articleBody`` in a parsed JSON-LD value (nested, ``@graph``, lists)."""
    found, stack = [], [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            body = value.get("articleBody")
            if isinstance(body, str):
                found.append(body)
            stack.extend(v for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend(value)
    return found


def jsonld_article_body(html: str) -> str:
    """The longest schema.org ``articleBody`` of the page as plain text, or ""."""
    if "articleBody" not in html:
        return ""
    bodies: list[str] = []
    for block in _JSONLD.findall(html):
        if "articleBody" not in block:
            continue
        try:
            bodies.extend(_article_bodies(json.loads(block.strip())))
        except ValueError:
            continue
    if not bodies:
        return ""
    body = htmllib.unescape(_TAG.sub(" ", max(bodies, key=len)))  # some sites put HTML or entities in it
    return "\n".join(" ".join(line.split()) for line in body.splitlines() if line.strip())


def structured_body(html: str, text: str, min_ratio: float = 1.5, min_containment: float = 0.6) -> str:
    """The page's JSON-LD ``articleBody`` when it has ``min_ratio`` times the words of ``text``
    and contains at least ``min_containment`` of it (same article, more of it), else ""."""
    body = jsonld_article_body(html)
    if not body or count_units(body) < min_ratio * max(1, count_units(text)):
        return ""
    return body if containment(text, body) >= min_containment else ""


def paragraph_words(tree: Any, min_words: int = 0) -> int:
    """Words in the page's ``<p>`` elements of at least ``min_words`` words (8: sentence-length)."""
    counts = (count_units(" ".join(p.itertext())) for p in tree.iter("p"))
    return sum(n for n in counts if n >= min_words)


def rescue_text(tree: Any, url: str, language: str) -> str:
    """jusText's paragraphs of ``tree`` (one a line), through trafilatura's wrapper (it picks the
    stop-word list of ``language`` or all lists); "" if that fails."""
    try:
        from trafilatura.external import try_justext

        body = try_justext(copy.deepcopy(tree), url, language or None)
    except Exception:  # noqa: BLE001 (a fallback must never break extraction)
        logger.debug("jusText rescue failed on %s", url, exc_info=True)
        return ""
    lines = (" ".join(" ".join(p.itertext()).split()) for p in body)
    return "\n".join(line for line in lines if line)


def line_key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def drop_title_line(text: str, title: str, max_lines: int = 5) -> str:
    """``text`` without the headline when one of its first ``max_lines`` lines repeats ``title``
    (the whole title, or a part of four or more words that starts it)."""
    wanted = line_key(title)
    if not wanted:
        return text
    lines = text.splitlines()
    for i in [i for i, line in enumerate(lines) if line.strip()][:max_lines]:
        key = line_key(lines[i])
        if key and (key == wanted or len(key.split()) >= 4 and (wanted.startswith(key) or key.startswith(wanted))):
            return "\n".join(lines[:i] + lines[i + 1 :])
    return text


_BIO_LEAD = re.compile(r"^(about|written by|reviewed by|by)\s*:?\s*", re.IGNORECASE)
_BIO_REST = re.compile(r"\s*(,|\(|is\b|was\b|has\b|$)")


def _tail_lines(lines: list[str], count: int, min_position: float) -> list[int]:
    """Indexes of the last ``count`` non-blank ``lines`` that start after ``min_position`` of the words."""
    starts, seen = [], 0
    for line in lines:
        starts.append(seen)
        seen += len(line.split())
    last = [i for i, line in enumerate(lines) if line.strip()][-count:]
    return [i for i in last if starts[i] >= min_position * seen]


def cut_author_bio(text: str, authors: list[str], tail_lines: int = 4, min_position: float = 0.5) -> str:
    """``text`` without a trailing author bio: one of the last ``tail_lines`` lines, after
    ``min_position`` of the words, starting with an author's full name followed by "is", "has",
    "was", a comma or nothing ("Jane Roe is a freelance writer …"); it and what follows go."""
    names = [a.lower() for a in authors if len(a.split()) >= 2]
    if not names:
        return text
    lines = text.splitlines()
    for i in _tail_lines(lines, tail_lines, min_position):
        line = _BIO_LEAD.sub("", lines[i].strip()).lower()
        if any(line.startswith(name) and _BIO_REST.match(line[len(name) :]) for name in names):
            return "\n".join(lines[:i])
    return text


_FIRST_NAME_BIO = re.compile(r" [a-z]+\b")


def cut_first_name_bio(
    text: str, authors: list[str], tail_lines: int = 4, min_position: float = 0.5, min_words: int = 12,
) -> str:
    """``text`` without a trailing author bio that names the author by first name only: one of the
    last ``tail_lines`` lines, after ``min_position`` of the words and of ``min_words`` words or more,
    starting with the first name of a two-word-or-longer author followed by a lower-case word
    ("Jane founded …", "Jean-Luc started …"); it and what follows go. Team bylines ("The … Team") and
    first names under three letters are ignored."""
    firsts = {
        a.split()[0] for a in authors
        if len(a.split()) >= 2 and len(a.split()[0]) >= 3 and a.split()[0][0].isupper() and a.split()[0] != "The"
    }
    if not firsts:
        return text
    lines = text.splitlines()
    for i in _tail_lines(lines, tail_lines, min_position):
        line = lines[i].strip()
        if len(line.split()) < min_words:
            continue
        if any(line.startswith(first) and _FIRST_NAME_BIO.match(line[len(first) :]) for first in firsts):
            return "\n".join(lines[:i])
    return text


def drop_repeated_lines(text: str, min_words: int = 8, min_count: int = 3) -> str:
    """``text`` keeping only the first copy of each line of ``min_words`` words or more that occurs
    ``min_count`` times or more (same words, case and punctuation aside): a box or a block the page
    repeats (tabs, carousels, per-section call-outs). Lines seen twice stay: the gold texts keep
    pull quotes and summaries that restate a paragraph."""
    lines = text.splitlines()
    keys = [line_key(line) for line in lines]
    counts = Counter(key for key in keys if len(key.split()) >= min_words)
    if not counts or max(counts.values()) < min_count:
        return text
    kept, seen = [], set()
    for line, key in zip(lines, keys, strict=True):
        if counts.get(key, 0) >= min_count and key in seen:
            continue
        seen.add(key)
        kept.append(line)
    return "\n".join(kept)


_CONSENT = re.compile(
    r"(we|this (web)?site|our (web)?site) uses? cookies|we value your privacy|"
    r"by (continuing to (use|browse)|using) (this|our) (web)?site,? you (agree|accept|consent)",
    re.IGNORECASE,
)
_CONSENT_WORDS = ("cookies", "privacy", "you agree", "you accept", "you consent")


def cut_consent_notice(text: str, min_position: float = 0.5) -> str:
    """``text`` without a trailing cookie-consent panel: everything from a line, after
    ``min_position`` of the words, that opens with a consent sentence ("We use cookies …")."""
    lowered = text.lower()
    if not any(word in lowered for word in _CONSENT_WORDS):  # most texts: skip the line-by-line match
        return text
    lines = text.splitlines()
    total, seen = len(text.split()), 0
    for i, line in enumerate(lines):
        if seen >= min_position * total and _CONSENT.match(line.strip()):
            return "\n".join(lines[:i])
        seen += len(line.split())
    return text


# --- "related" blocks and boxes, closing chrome, template listings --------------------------

# A trailing block of links/bios under a heading like these is not article text.
TAIL_HEADING = re.compile(
    r"(related|similar) (posts?|articles?|stories|reads|content|coverage)|(read|up) (this )?next|"
    r"you (may|might|will) (also )?(like|enjoy|be interested in)|recommended( for you| reading| stories)?|"
    r"more (from|stories|articles|news)( .{0,40})?|about the (author|writer)|author bio|"
    # reference lists and share/follow boxes ("notes" left out: as often article text as not)
    r"(article |research )?(references|sources|citations|footnotes|bibliography|works cited)"
    r"( (and|&) (sources|citations|notes|further reading))?|"
    r"share (this|the) (article|post|story)|share your (story|thoughts)|follow us",
    re.IGNORECASE,
)

_PROSE_END = (".", "!", "?", '"', "”", "'", "’", ")")


def _is_prose(line: str, min_words: int = 25) -> bool:
    """A paragraph of running text: ``min_words`` words or more, ending like a sentence."""
    return len(line.split()) >= min_words and line.rstrip().endswith(_PROSE_END)


def cut_related_block(
    text: str, heading: re.Pattern[str] = TAIL_HEADING, min_position: float = 0.4, max_box_lines: int = 4,
    min_prose_after: int = 100,
) -> str:
    """``text`` without a "related / more from / references" block under a short ``heading`` line
    (fullmatch, 8 words at most) that starts after ``min_position`` of the words.

    Normally the heading and everything after it go. An inline box is the exception: when at most
    ``max_box_lines`` short lines follow the heading before a prose paragraph and at least
    ``min_prose_after`` words of prose follow, only the heading and those lines go and the
    article goes on.
    """
    lines = text.splitlines()
    total, seen, i = len(text.split()), 0, 0
    while i < len(lines):
        label = lines[i].strip().rstrip(":").strip()
        if seen >= min_position * total and len(label.split()) <= 8 and heading.fullmatch(label):
            end = i + 1
            while end < len(lines) and end - i <= max_box_lines and not _is_prose(lines[end]):
                end += 1
            prose_after = sum(len(line.split()) for line in lines[end:] if _is_prose(line))
            if end < len(lines) and end - i <= max_box_lines and prose_after >= min_prose_after:
                lines = lines[:i] + lines[end:]
                continue
            return "\n".join(lines[:i])
        seen += len(lines[i].split())
        i += 1
    return "\n".join(lines)


# Lines that close a page rather than the article: dates, tags, credits, disclaimers, appeals.
_CLOSING_LINE = re.compile(
    r"^(last )?(updated|published|posted)( on)?:? \w+ \d{1,2},? \d{4}\.?$|^\w{3,9} \d{1,2}, \d{4}$|"
    r"^tags?:|^filed under:|^categories:|"
    r"^(this|the) (article|story|post|piece)\b.{0,80}\b(originally|first) (written|published|appeared)|"
    r"^(this|the) (article|story|post|piece|content)\b.{0,60}\b(was )?(developed|produced|written|created) "
    r"(in partnership|by)|"
    r"the views (and opinions )?expressed|do(es)? not necessarily reflect|prices (were|are) accurate|"
    r"^(support|donate to|become a (paid )?(subscriber|member|patron))\b|"
    r"we need your (help|support)|enjoyed this (piece|article|post|story)|"
    r"would you like to receive (notifications|updates)|"
    r"^(rate this (article|post)|view author page|(back to|see all) (posts|articles|blog))\W*$|"
    r"^a message from\b|"
    r"for (general )?informational purposes only|transcripts? may (vary|be revised)|"
    r"(does|do) not (provide|constitute|offer) (tax|legal|financial|investment|medical)",
    re.IGNORECASE,
)


def cut_closing_lines(text: str, min_position: float = 0.8, max_lines: int = 6) -> str:
    """``text`` without its trailing run (``max_lines`` at most, all after ``min_position`` of the
    words) of closing lines: "Last updated: <date>", "Tags: …", "This story was produced by …",
    "The views expressed … do not necessarily reflect …", donation and notification appeals."""
    lines = text.splitlines()
    total = len(text.split())
    seen, cut, found = total, len(lines), 0
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip().strip("|").strip()
        if not line:
            continue
        seen -= len(lines[i].split())
        if seen < min_position * total or found >= max_lines or not _CLOSING_LINE.search(line):
            break
        cut, found = i, found + 1
    return "\n".join(lines[:cut])


# Lines that open a closing block (an appeal, a credit, an offer), whatever follows them.
_CLOSING_OPENER = re.compile(
    r"^(enjoyed|liked|love) (this|the) (piece|article|post|story)\b|^a message from\b|"
    r"^(support|donate to) [A-Z]|^become a (paid )?(subscriber|member|patron)\b|"
    r"^more ways (i|we) can help|^about the (author|writer)\s*[:\-–—]|"
    r"^(this|the) (article|story|post|piece)\b.{0,80}\b(was )?(written|developed|produced) (by|in partnership)|"
    r"^contact (the )?(staff )?(writer|reporter|author|editor)\b|"
    r"^(want|ready) to (learn|know|read) more\b|^(still )?have (any )?(more )?questions\?|^would you like to\b|"
    r"^(written|reviewed|edited|fact[- ]checked) by\b\W*(\w+\W*){0,4}$",
    re.IGNORECASE,
)


def cut_closing_block(text: str, min_position: float = 0.8, max_share: float = 0.2) -> str:
    """``text`` cut at a line that opens a closing block ("Enjoyed this piece? …", "Become a paid
    subscriber …", "About the author: …", "This story was produced by …", "Still have questions?")
    when it starts after ``min_position`` of the words and what it opens is at most ``max_share``
    of them."""
    lines = text.splitlines()
    total, seen = len(text.split()), 0
    for i, line in enumerate(lines):
        words = len(line.split())
        if seen >= min_position * total and total - seen - words <= max_share * total:
            if _CLOSING_OPENER.search(line.strip()):
                return "\n".join(lines[:i])
        seen += words
    return text


def drop_template_runs(text: str, min_run: int = 8, max_words: int = 12, prefix: int = 3) -> str:
    """``text`` without runs of ``min_run`` or more consecutive short lines (``max_words`` at
    most) that all start with the same ``prefix`` words and say more than them ("Average costs
    in Boston", "Average costs in Chicago", …): a list of links to sibling pages."""
    lines = text.splitlines()
    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        words = lines[i].split()
        if not words or len(words) > max_words:
            i += 1
            continue
        key = [w.lower() for w in words[:prefix]]
        end = i + 1
        while end < len(lines) and len(lines[end].split()) <= max_words and \
                [w.lower() for w in lines[end].split()[:prefix]] == key:
            end += 1
        if end - i >= min_run and len(words) > prefix:
            keep[i:end] = [False] * (end - i)
        i = max(end, i + 1)
    return "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept)


# Button labels left in the text: shop, sign-up and contact calls to action.
_CALL_TO_ACTION = re.compile(
    r"^(where to buy|check (the )?(latest )?price|see (the )?(latest )?price|view (the )?deal|shop now|buy now|"
    r"order now|get started|sign up|start your free|book a (demo|call|consultation)|request a (demo|quote)|"
    r"schedule a (demo|call|consultation)|contact us|call us|talk to (us|an expert|our)|click here)\b",
    re.IGNORECASE,
)


def drop_call_to_action_lines(text: str, max_words: int = 15) -> str:
    """``text`` without short lines (``max_words`` at most) that open with a call to action:
    "Where to buy", "Check price", "Get started", "Request a quote", "Contact us", "Click here…"."""
    return "\n".join(
        line for line in text.splitlines()
        if len(line.split()) > max_words or not _CALL_TO_ACTION.match(line.strip().lstrip("-•*> ").strip())
    )


# --- lines from outside the article's container ----------------------------------------------

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
