"""Text normalisation before hashing.

Contract: ``normalize(text)`` returns lower-case, accent- and punctuation-folded text with
one paragraph per line, wire datelines/credits, bylines and generic boilerplate lines
(share/subscribe/cookie/comment-form/advertisement/copyright) removed. It is pure and
deterministic; bump ``NORMALIZATION_VERSION`` whenever its output changes, because the
Redis index records the version it was built with.
"""

from __future__ import annotations

import html
import re
import unicodedata

import ftfy

from pipelines.boilerplate import is_boilerplate

NORMALIZATION_VERSION = 1

_BYLINE = re.compile(r"^by\s+[\w.'’\- ]{2,60}$", re.IGNORECASE)
# "HARBORTON (Northern Wire) — ", "LONDON, Nov 3 (Reuters) - ", "NEW YORK (AP) —"
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'\-]{1,40}(?:,\s*[\w. ]{1,20})?\s*\([\w .&'\-]{2,40}\)\s*[—–-]+\s*"
)
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
                         "«": '"', "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})
_SOFT = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_HYPHEN_WRAP = re.compile(r"(\w)-\n(\w)")
_NON_WORD = re.compile(r"[^\w\n]+")
_SPACES = re.compile(r"[ \t]+")


def _fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_lines(text: str) -> list[str]:
    """Repair encoding damage and return the non-boilerplate lines, still cased."""
    text = ftfy.fix_text(html.unescape(text), normalization="NFKC")
    text = _SOFT.sub("", text).translate(_QUOTES)
    text = _HYPHEN_WRAP.sub(r"\1\2", text)
    lines = []
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if not line or is_boilerplate(line) or _BYLINE.match(line):
            continue
        line = _DATELINE.sub("", line)
        if line:
            lines.append(line)
    return lines


def normalize(text: str) -> str:
    """Normalised text: folded, boilerplate-free, one line per paragraph, words single-spaced."""
    out = []
    for line in clean_lines(text):
        folded = _NON_WORD.sub(" ", _fold_accents(line).lower()).strip()
        if folded:
            out.append(_SPACES.sub(" ", folded))
    return "\n".join(out)
