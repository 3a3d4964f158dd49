"""Text normalisation before hashing.

``normalize_chars`` repairs and folds characters (HTML entities, mojibake, NFKC, invisible
characters, quotes and dashes, words broken by a hyphen at a line end) and keeps lines.
``body_lines`` then splits into paragraphs (unwrapping hard-wrapped text), drops the
headline, generic boilerplate lines and a leading dateline. Both are pure and
deterministic: bump ``NORMALIZATION_VERSION`` whenever their output changes, because the
Redis index records the version it was built with.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pipelines.dedup.boilerplate_v6 import is_boilerplate
from pipelines.textunits import count_units

# 4: a first line ending with a full stop is not a headline
# 5: unspaced scripts (CJK, Thai, …): code-point shingles, lengths in units (pipelines.textunits),
#    "。" and "।" end a sentence; boilerplate rules frozen in boilerplate_v5
# 6: registration/subscription wall lines are boilerplate too (boilerplate_v6)
NORMALIZATION_VERSION = 6
_SENTENCE_END = (".", "\u3002", "\u0964")  # full stop, ideographic full stop, Devanagari danda

# Mojibake (UTF-8 read as cp1252, e.g. "â€™" for "’"). ftfy does this and more but costs
# ~1.7 ms per article here against ~0.2 ms for this whole function, so we undo only that
# one, most common, damage: runs of cp1252 characters that decode as UTF-8.
_CHAR_TO_BYTE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    try:
        _CHAR_TO_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        _CHAR_TO_BYTE[bytes([_b]).decode("latin-1")] = _b
_LEAD = "".join(c for c, b in _CHAR_TO_BYTE.items() if 0xC2 <= b <= 0xF4)
_CONT = "".join(c for c, b in _CHAR_TO_BYTE.items() if 0x80 <= b <= 0xBF)
_MOJIBAKE = re.compile(f"[{re.escape(_LEAD)}][{re.escape(_CONT)}]{{1,3}}")

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ",
}
_WRAP_HYPHEN = re.compile(r"(?<=\w)-[ \t]*\n[ \t]*(?=\w)")
_LINE_END_HYPHEN = re.compile(r"-[ \t]*\n")  # a literal first character: re scans for it fast
# "CHICAGO (Agency) — ", "NEW YORK, N.Y. — ", "LONDON (Reuters) - " at the start of the body
_DATELINE = re.compile(r"^[A-Z][A-Z.'\- ]{1,40}(,\s*[A-Z][A-Za-z.]{1,15}\.?)?\s*(\([^()\n]{1,60}\))?\s*-{1,2}\s+")


def _unmojibake(match: re.Match[str]) -> str:
    try:
        return bytes(_CHAR_TO_BYTE[c] for c in match.group(0)).decode("utf-8")
    except (UnicodeDecodeError, KeyError):
        return match.group(0)


def normalize_chars(text: str) -> str:
    """Character-level repair and folding; keeps case and line structure."""
    if "&" in text:
        text = html.unescape(html.unescape(text))  # double-escaped feeds exist
    if not text.isascii():  # ASCII is already NFKC, with no mojibake, invisible or curly characters
        if _MOJIBAKE.search(text):
            text = _MOJIBAKE.sub(_unmojibake, text)
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
        for src, dst in _FOLD.items():  # str.replace beats str.translate here
            if src in text:
                text = text.replace(src, dst)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # The lookbehind makes _WRAP_HYPHEN scan slowly (~0.1 ms per article): look for its cheap core first.
    return _WRAP_HYPHEN.sub("", text) if _LINE_END_HYPHEN.search(text) else text


_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#[0-9]{2,6}|#[xX][0-9A-Fa-f]{2,5});")
_DAMAGE = (_MOJIBAKE, _ENTITY, _INVISIBLE, _LINE_END_HYPHEN)


def damage_kinds(text: str) -> int:
    """How many kinds of broken characters ``text`` shows a reader: mojibake, HTML entities left
    as text, invisible characters inside words, words broken at line ends (one each, however often)."""
    return sum(1 for pattern in _DAMAGE if pattern.search(text))


def blemishes(text: str, normalized: str) -> int:
    """What a reader of ``text`` (``normalized`` = ``normalize_chars(text)``) would see as damage:
    ``damage_kinds`` plus its paragraphs of leftover page chrome (``boilerplate_v6``: share bars,
    promos, "Related:" lines, copyright lines, walls). Among near-equal copies of a story the index
    keeps the one with fewer (``check_and_insert.lua``): pure and deterministic, so a rebuild ranks
    as the check did."""
    return damage_kinds(text) + body_and_chrome(normalized)[1]


def split_paragraphs(text: str) -> list[str]:
    """Non-empty, whitespace-collapsed lines; hard-wrapped text (blank-line paragraphs whose
    lines are all short) is unwrapped to one line per paragraph."""
    lines = text.split("\n")
    nonempty = [line for line in lines if line.strip()]
    if 10 <= len(nonempty) < len(lines) and max(len(line) for line in nonempty) <= 100:
        lines = [" ".join(block.split("\n")) for block in re.split(r"\n[ \t]*\n", text)]
    return [" ".join(line.split()) for line in lines if line.strip()]


def body_lines(normalized: str, fallback: bool = True) -> list[str]:
    """Paragraphs (single-spaced, see ``split_paragraphs``) of ``normalize_chars`` output that
    carry the story: no headline, boilerplate (``boilerplate_v6``: chrome and wall lines) or dateline.

    The first line is taken for a headline when it does not end with a full stop ("." or "。")
    and at least two more lines with 40+ words (units, ``pipelines.textunits``) follow
    (reprints change headlines; an extractor that already dropped the headline leaves the lead
    paragraph first, which is kept). If everything would be dropped, all lines are kept, or,
    with ``fallback=False``, none (how little story text a page carries, ``Deduper``'s evidence).
    """
    return body_and_chrome(normalized, fallback)[0]


def body_and_chrome(normalized: str, fallback: bool = True) -> tuple[list[str], int]:
    """``body_lines`` and how many paragraphs it dropped as boilerplate (chrome and wall lines)."""
    raw = split_paragraphs(normalized)
    headline = len(raw) >= 3 and not raw[0].endswith(_SENTENCE_END) and sum(map(count_units, raw[1:])) >= 40
    lines = raw[1:] if headline else raw
    out: list[str] = []
    chrome = 0
    for line in lines:
        if is_boilerplate(line):
            chrome += 1
            continue
        if len(out) < 2:  # datelines open the body
            match = _DATELINE.match(line)
            if match and count_units(line) > len(match.group(0).split()) + 3:
                line = line[match.end():]
        out.append(line)
    return out or (raw if fallback else []), chrome
