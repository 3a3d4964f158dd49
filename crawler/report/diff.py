"""The report's word diff of a dropped copy against its kept article.

Differences a reader would not call differences are ignored: whitespace, case, and typography
(curly vs straight quotes, dash kinds, ``…`` vs ``...``, ligatures, full-width forms). Each side
keeps its own characters in the segments; only the comparison is folded.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

MAX_DIFF_TOKENS = 4000  # words of each text compared (SequenceMatcher is quadratic on long texts)
# Typography that is not a difference between two texts: curly and straight quotes, dash kinds,
# the ellipsis character (NFKC also folds ligatures, full-width forms and no-break spaces).
TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
})


def _tokens(text: str) -> list[str]:
    """Words with their trailing whitespace: joining them gives the text back (paragraphs kept)."""
    return re.findall(r"\S+\s*", text)[:MAX_DIFF_TOKENS]


def _compared(token: str) -> str:
    """What a word is compared as: case, surrounding whitespace and typography (``TYPOGRAPHY``,
    NFKC) removed; a run of dashes counts as one (``--`` for an em dash)."""
    folded = unicodedata.normalize("NFKC", token.strip()).translate(TYPOGRAPHY).lower()
    return re.sub(r"-{2,}", "-", folded)


def diff_segments(copy_text: str, kept_text: str) -> list[dict[str, str]]:
    """Word diff of copy vs kept: ``[{"op": equal|delete|insert|replace, "copy": …, "kept": …}]``.

    ``delete``: only in the copy; ``insert``: only in the kept article. Whitespace, case and
    typography (curly vs straight quotes, dash kinds, ``…`` vs ``...``) alone count as equal;
    each side keeps its own characters.
    """
    a, b = _tokens(copy_text), _tokens(kept_text)
    matcher = difflib.SequenceMatcher(None, [_compared(t) for t in a], [_compared(t) for t in b], autojunk=False)
    return [
        {"op": op, "copy": "".join(a[i1:i2]), "kept": "".join(b[j1:j2])}
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
