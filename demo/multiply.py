"""Deterministic word scrambling used by ``DemoNetwork(multiply=K)``.

Copy ``k`` of a story replaces every content word (4+ letters, not a stop word) by an
invented word derived from ``(k, word)``. The same word always maps to the same invented
word within one copy number, so a reprint of copy ``k`` is still a near-duplicate of the
original of copy ``k`` (the edits are identical), while different copy numbers share only
stop words and numbers: they are different stories. Ground truth stays exact.
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


def scramble(text: str, k: int) -> str:
    """``text`` with its content words replaced for copy number ``k`` (k >= 2)."""
    return _WORD.sub(lambda m: m.group(0) if m.group(0).lower() in _STOP else _invent(m.group(0), k), text)
