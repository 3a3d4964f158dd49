"""Cuts of the page's closing chrome from the extracted text (``pipelines.extract``).

* ``cut_related_block``: a "related / references" block under a tail heading, or only the box
  when it sits inside the article.
* ``cut_closing_block``, ``cut_closing_lines``: the page's closing appeals, credits, dates and tags.
* ``drop_template_runs``: lists of links to sibling pages.
* ``drop_call_to_action_lines``: button labels ("Where to buy", "Get started").

Pure functions of the text; each is a rule of ``pipelines.extract.rules`` (evidence in
``docs/extraction-rules.md``).
"""

from __future__ import annotations

import re

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
