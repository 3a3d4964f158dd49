"""The article's language: detected from its text with py3langid (what trafilatura itself uses
for ``target_language``), normalised to ISO 639-1, and checked against an allow-list.

``detect_language`` reads at most ``DETECT_MAX_CHARS`` characters (the cost stays bounded on
long texts: ~0.3 ms for 3,000 characters; the model loads once per process, ~0.6 s). The
model (an npz archive, no pickle since py3langid 0.4) covers 97 languages.

``check_language`` decides with the detected language when the detector is confident
(probability >= ``CONFIDENT``), else with the language the page declares; a page whose language
is neither detected confidently nor declared is kept (it cannot be shown to be wrong).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from pipelines.drops import WrongLanguage

DETECT_MAX_CHARS = 3000
CONFIDENT = 0.8  # normalised probability from which the detected language overrides the declared one

# ISO 639-2/3 codes (and retired 639-1 ones) a page or the detector may give, to their ISO 639-1 code.
_TO_639_1 = {
    "ara": "ar", "ary": "ar", "arz": "ar", "ben": "bn", "bul": "bg", "ces": "cs", "cze": "cs", "chi": "zh",
    "zho": "zh", "cmn": "zh", "yue": "zh", "wuu": "zh", "dan": "da", "deu": "de", "ger": "de", "ell": "el",
    "gre": "el", "eng": "en", "spa": "es", "est": "et", "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr",
    "fre": "fr", "heb": "he", "iw": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "ind": "id", "in": "id",
    "ita": "it", "jpn": "ja", "kor": "ko", "lit": "lt", "lav": "lv", "msa": "ms", "may": "ms", "nld": "nl",
    "dut": "nl", "nor": "no", "nob": "nb", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro", "rus": "ru",
    "slk": "sk", "slo": "sk", "slv": "sl", "srp": "sr", "swe": "sv", "tha": "th", "tur": "tr", "ukr": "uk",
    "urd": "ur", "vie": "vi", "ji": "yi", "gug": "gn",
}
_CODE = re.compile(r"[a-z]{2,3}")
_lock = threading.Lock()
_identifier: Any = None


def normalize_language(code: str) -> str:
    """ISO 639-1 lower case of a language tag ("en-US", "zh_Hans", "ENG" -> "en", "zh", "en");
    a code with no ISO 639-1 form is kept in lower case; "" for nothing, "zxx" or garbage."""
    primary = re.split(r"[-_\s]", code.strip().lower(), maxsplit=1)[0] if code.strip() else ""
    if not _CODE.fullmatch(primary) or primary in ("zxx", "und", "mul"):
        return ""
    return _TO_639_1.get(primary, primary)


def _model() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text``'s language; ("", 0.0) for a text with no letters."""
    sample = text[:DETECT_MAX_CHARS]
    if not any(c.isalpha() for c in sample):
        return "", 0.0
    code, prob = _model().classify(sample)
    return normalize_language(code), float(prob)


def check_language(
    declared: str, detected: str, probability: float, allowed: tuple[str, ...], url: str
) -> WrongLanguage | None:
    """``WrongLanguage`` when the page's language (see the module docstring) is not ``allowed``
    (ISO 639-1 codes; empty: every language is allowed), else None."""
    if not allowed:
        return None
    language = detected if detected and probability >= CONFIDENT else declared
    if not language or language in allowed:
        return None
    return WrongLanguage(
        f"Language {language!r} not allowed (detected {detected or '?'!r} p={probability:.2f}, "
        f"page says {declared or '?'!r}; allowed: {', '.join(allowed)}): {url}",
        evidence={"language": language, "detected": detected, "probability": round(probability, 3),
                  "declared": declared, "allowed": list(allowed)},
    )


def settle_language(result: Any, allowed: tuple[str, ...], url: str) -> WrongLanguage | None:
    """Fill ``result``'s (an ``Extraction``) language: the page's declared one, else the detected
    one; ``check_language`` on it. Detection runs only when its answer is used (no declared
    language, or an allow-list to check): on the dev corpus, detecting on every page (with the
    model's 0.6 s load) took the extraction's cost from 1.29x plain trafilatura to 1.38x."""
    declared = normalize_language(result.language)
    if declared and not allowed:
        result.language = declared
        return None
    result.detected_language, result.language_probability = detect_language(result.text)
    result.language = declared or result.detected_language
    return check_language(declared, result.detected_language, result.language_probability, allowed, url)


def allowed_languages(value: Any) -> tuple[str, ...]:
    """The allow-list of a ``LANGUAGES`` setting or a spider's ``languages`` attribute (a list or a
    comma-separated string), normalised to ISO 639-1."""
    items = [value] if isinstance(value, str) else list(value or ())
    codes = (normalize_language(part) for item in items for part in str(item).split(","))
    return tuple(dict.fromkeys(code for code in codes if code))
