"""Text clean-ups and rescues around trafilatura for the extraction stage (``pipelines.extract``).

* ``structured_body``: schema.org JSON-LD ``articleBody``, used when it is much longer than
  the extracted text and contains it (the extractor then found only part of the article).
* ``rescue_text``: jusText on a page where trafilatura returned almost nothing although the
  page holds a lot of sentence-length paragraphs.
* ``drop_title_line``, ``cut_author_bio``: the headline repeated at the top of the body and a
  trailing "<author> is a writer …" paragraph are not article text (the title and authors are
  separate fields); ``cut_consent_notice``: a cookie-consent panel that trafilatura kept.

The page's closing chrome is cut in ``pipelines.extract.closing``, lines from outside the
article's container in ``pipelines.extract.container``.

Page repairs before extraction live in ``pipelines.extract.repair``; the URL-day date rule in
``pipelines.extract.metadata``.

Each rule is registered in ``pipelines.extract.rules``; its measured evidence is in
``docs/extraction-rules.md``. None of them uses a string of a particular site.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import logging
import re
from collections import Counter
from typing import Any

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


def drop_title_line(text: str, title: str, max_lines: int = 5, max_extra_words: int = 8) -> str:
    """``text`` without the headline when one of its first ``max_lines`` lines repeats ``title``
    (the whole title, or a part of four or more words that starts it, or the title followed by at
    most ``max_extra_words`` words: a site suffix). A line that merely starts with the headline and
    goes on (a table-layout page read as one long line) is text and stays."""
    wanted = line_key(title)
    if not wanted:
        return text
    lines = text.splitlines()
    most = len(wanted.split()) + max_extra_words
    for i in [i for i, line in enumerate(lines) if line.strip()][:max_lines]:
        key = line_key(lines[i])
        if key and len(key.split()) > most:
            continue
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
