"""Length of a text in word-sized units, for every script (a floor module: imports nothing from the project).

Thresholds of the extraction and dedup stages ("at least 40 words", "a line of 8 words or more")
were set on English. Scripts written with spaces between words (Latin, Cyrillic, Greek, Arabic,
Hebrew, Devanagari, Korean Hangul, …) are counted in whitespace-separated words, as before.
Scripts written without spaces have no words to split on; their letters are counted and turned
into English-word equivalents so the same thresholds hold:

- Han ideographs (Chinese, Japanese kanji): ``HAN_CHARS_PER_UNIT`` = 1.5 characters per unit;
- Hiragana and Katakana: ``KANA_CHARS_PER_UNIT`` = 3;
- Thai, Lao, Khmer, Myanmar (code points, vowel and tone marks included): ``SEA_CHARS_PER_UNIT`` = 4.

Measured on article 1 of the Universal Declaration of Human Rights (30 English words): the
Chinese text has 39 Han characters (1.3 per word), the Japanese 25 kanji and 53 kana (2.6
letters per word; 25/1.5 + 53/3 = 34 units), the Thai 133 code points (4.4 per word). Chinese
word segmenters find words of ~1.5-1.7 characters, so 1.5 is also close to a Chinese word count.
The figures err towards more units (a short Chinese article must not fall under a minimum that
an English article of the same content passes). CJK punctuation and digits run inside an
unspaced run are not letters and are not counted.

``count_units`` of a pure-ASCII text is ``len(text.split())`` exactly, so English figures do not move.
"""

from __future__ import annotations

import re

HAN_CHARS_PER_UNIT = 1.5
KANA_CHARS_PER_UNIT = 3.0
SEA_CHARS_PER_UNIT = 4.0

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f\u3005\u3007"  # 々 〇 count as kanji
_KANA = "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d"  # ー (30fc) is inside the Katakana block
_SEA = "\u0e01-\u0e5b\u0e81-\u0edf\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\uaa60-\uaa7f"
_UNSPACED = re.compile(f"[{_HAN}{_KANA}{_SEA}]")
# Removed before the spaced words are split: the unspaced letters and the punctuation written
# between them without spaces (CJK, fullwidth and general punctuation: "，", "。", "“…”", "・").
_RUN = re.compile(f"[{_HAN}{_KANA}{_SEA}\u3000-\u303f\u2010-\u206f\uff01-\uff0f\uff1a-\uff20"
                  "\uff3b-\uff40\uff5b-\uff65\u30fb]+")
_HAN_RE = re.compile(f"[{_HAN}]")
_KANA_RE = re.compile(f"[{_KANA}]")
_SEA_RE = re.compile(f"[{_SEA}]")
# Thai/Lao/Khmer/Myanmar punctuation and digits sit inside their blocks: not letters
_SEA_NOT_LETTERS = re.compile("[\u0e2f\u0e3f\u0e46\u0e4f-\u0e5b\u0ed0-\u0ed9\u104a-\u104f\u1040-\u1049"
                              "\u17d4-\u17da\u17e0-\u17e9]")


def has_unspaced(text: str) -> bool:
    """True when ``text`` holds a letter of a script written without spaces between words."""
    return not text.isascii() and _UNSPACED.search(text) is not None


def unspaced_units(text: str) -> float:
    """Word-equivalents of the letters of unspaced scripts in ``text`` (0.0 when there are none)."""
    if text.isascii():
        return 0.0
    han = len(_HAN_RE.findall(text))
    kana = len(_KANA_RE.findall(text))
    sea = len(_SEA_RE.findall(text))
    if sea:
        sea -= len(_SEA_NOT_LETTERS.findall(text))
    return han / HAN_CHARS_PER_UNIT + kana / KANA_CHARS_PER_UNIT + sea / SEA_CHARS_PER_UNIT


def count_units(text: str) -> int:
    """Word-sized units of ``text``: whitespace-separated words outside the unspaced scripts plus
    their letters in word-equivalents (rounded; a text with any such letter counts at least 1)."""
    if text.isascii() or not _UNSPACED.search(text):
        return len(text.split())
    spaced = len(_RUN.sub(" ", text).split())
    return spaced + max(1, round(unspaced_units(text)))
