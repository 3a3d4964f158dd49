"""Deterministic word scrambling used by ``DemoNetwork(multiply=K)``.

Copy ``k`` of a story replaces every content word (4+ letters, not a stop word) by an
invented word derived from ``(k, word)``. The same word always maps to the same invented
word within one copy number, so a reprint of copy ``k`` is still a near-duplicate of the
original of copy ``k`` (the edits are identical), while different copy numbers share only
stop words and numbers: they are different stories. Ground truth stays exact.

Text in other scripts is scrambled within its script, so a copy stays in its language:
every Han ideograph, kana and Hangul syllable, and every letter of Cyrillic and Arabic
words of 4+ letters, is replaced by a letter of the same block derived from ``(k, letter)``.
"""

from __future__ import annotations

import hashlib
import re

_STOP = frozenset(
    """about above after again against also been before being below between both could does doing
    down during each from further have having here into just more most must only other over same
    should some such than that their theirs them then there these they this those through under
    until very were what when where which while will with would your said says year years from
    will percent""".split()
)
_CONS = "bdfgklmnprstvz"
_VOWELS = "aeiou"
_WORD = re.compile(r"[A-Za-z]{4,}")
#: (first, last) code points of the letter ranges scrambled letter by letter.
_BLOCKS = ((0x4E00, 0x9FA5), (0x3041, 0x3093), (0x30A1, 0x30F3), (0xAC00, 0xD7A3),
           (0x0430, 0x044F), (0x0410, 0x042F), (0x0621, 0x063A), (0x0641, 0x064A))
_SCRIPT_WORD = re.compile(r"[\u4e00-\u9fa5\u3041-\u3093\u30a1-\u30f3\uac00-\ud7a3]+"
                          r"|[\u0410-\u044f]{4,}|[\u0621-\u064a]{4,}")


def _invent(word: str, k: int) -> str:
    digest = hashlib.blake2b(f"{k}:{word.lower()}".encode(), digest_size=16).digest()
    out = []
    for i in range(max(2, (len(word) + 1) // 2)):
        out.append(_CONS[digest[i % 16] % len(_CONS)] + _VOWELS[digest[(i + 7) % 16] % len(_VOWELS)])
    new = "".join(out)[: max(4, len(word))]
    if word.isupper():
        return new.upper()
    if word[0].isupper():
        return new.capitalize()
    return new


def _letter(ch: str, k: int) -> str:
    code = ord(ch)
    for first, last in _BLOCKS:
        if first <= code <= last:
            digest = hashlib.blake2b(f"{k}:{ch}".encode(), digest_size=4).digest()
            return chr(first + int.from_bytes(digest, "big") % (last - first + 1))
    return ch


def scramble(text: str, k: int) -> str:
    """``text`` with its content words replaced for copy number ``k`` (k >= 2)."""
    text = _WORD.sub(lambda m: m.group(0) if m.group(0).lower() in _STOP else _invent(m.group(0), k), text)
    return _SCRIPT_WORD.sub(lambda m: "".join(_letter(ch, k) for ch in m.group(0)), text)
