"""Word-sized units per script (pipelines/textunits.py): spaced scripts count words, scripts
written without spaces count letters in word-equivalents."""

from __future__ import annotations

import pytest

from pipelines.textunits import count_units, has_unspaced

# (language, text, its words as a person counts them or, for unspaced scripts, an English rendering's words)
SAMPLES = [
    ("zh", "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。", 30),
    ("ja", "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。"
           "人間は、理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。", 30),
    ("th", "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ ต่างในตนมีเหตุผลและมโนธรรม "
           "และควรปฏิบัติต่อกันด้วยเจตนารมณ์แห่งภราดรภาพ", 30),
    ("ko", "모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다.", 10),
    ("ar", "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق.", 8),
    ("he", "כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם.", 9),
    ("ru", "Все люди рождаются свободными и равными в своем достоинстве и правах.", 11),
    ("el", "Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια και τα δικαιώματα.", 12),
]


@pytest.mark.parametrize(("lang", "text", "words"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_units_per_script(lang: str, text: str, words: int) -> None:
    units = count_units(text)
    if lang in ("zh", "ja", "th"):  # unspaced: within a third of the English rendering's 30 words
        assert has_unspaced(text)
        assert 0.67 * words <= units <= 1.33 * words, units
        assert units > 3 * len(text.split())  # what splitting on spaces found
    else:  # spaced scripts: exactly the words
        assert not has_unspaced(text)
        assert units == words == len(text.split())


def test_ascii_is_split_count_and_mixed_text_adds_both() -> None:
    assert count_units("The council  approved\nthe budget.") == 5
    assert count_units("") == 0 and count_units("   ") == 0
    assert count_units("東") == 1  # any unspaced letter is at least one unit
    # "GDP" and "2024" are words; 6 Han letters are 4 units; CJK punctuation is no word
    assert count_units("2024年，GDP增长很快。“好”") == 2 + round(6 / 1.5)
    assert count_units("Tokyo 東京 Osaka 大阪") == 2 + round(4 / 1.5)


def test_a_chinese_article_reaches_the_english_minimums() -> None:
    from tests.multiscript_samples import ZH_A

    text = "\n".join(ZH_A)  # 337 characters in 7 paragraphs
    assert len(text.split()) == 7  # what the old word count saw: far below EXTRACT_MIN_WORDS (40)
    assert count_units(text) > 200
    assert all(count_units(p) >= 8 for p in ZH_A)  # every paragraph is a sentence-length line
