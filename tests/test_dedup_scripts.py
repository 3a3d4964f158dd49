"""Dedup of scripts written without spaces (and one spaced non-Latin script) on a real Redis:
reprints with a new headline and a trimmed end are dropped, different stories of one site that
share its template are kept; normalisation is pinned to ``NORMALIZATION_VERSION``."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from crawler.index_sync import normalization_change
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.fingerprint import Fingerprinter, text_shingles
from pipelines.dedup.normalize import NORMALIZATION_VERSION, body_lines, normalize_chars
from tests.multiscript_samples import STORIES, page_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def deduper(redis_client: redis.Redis, key_prefix: str) -> Deduper:
    return Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000))


@pytest.mark.parametrize("lang", sorted(STORIES))
@pytest.mark.parametrize("keep", [4, 3])  # of 7 (zh) or 6 (ja, ru) paragraphs
def test_trimmed_reprint_with_new_headline_is_dropped_and_site_stories_kept(
    deduper: Deduper, lang: str, keep: int
) -> None:
    head, foot, story_a, story_b, reprint_title = STORIES[lang]
    first = deduper.check("a" * 16, page_text(head, f"{lang} A", story_a, foot), "site", ("http://site/a",))
    second = deduper.check("b" * 16, page_text(head, f"{lang} B", story_b, foot), "site", ("http://site/b",))
    assert (first.verdict, second.verdict) == ("new", "new"), second.scores  # one template, two stories
    reprint = "\n\n".join([reprint_title, *story_a[:keep]])
    decision = deduper.check("c" * 16, reprint, "other", ("http://other/c",))
    assert decision.is_duplicate and decision.duplicate_of == "a" * 16, (decision.method, decision.scores)


@pytest.mark.parametrize("lang", sorted(STORIES))
def test_other_story_of_the_site_is_kept_even_when_short(deduper: Deduper, lang: str) -> None:
    head, foot, story_a, story_b, _ = STORIES[lang]
    deduper.check("a" * 16, page_text(head, "A", story_a, foot), "site", ("http://site/a",))
    short = deduper.check("b" * 16, page_text(head, "B", story_b[:3], foot), "site", ("http://site/b",))
    assert short.verdict == "new", short.scores  # the template alone does not make a copy


def test_unspaced_text_counts_units_and_shingles_code_points() -> None:
    head, foot, story_a, story_b, _ = STORIES["zh"]
    fingerprinter = Fingerprinter(num_perm=128, seed=1, shingle_size=7, bands=48, rows=2)
    lines = body_lines(normalize_chars("\n".join(story_a)))
    assert fingerprinter.fingerprint(lines, "\n".join(lines)).n_words > 200  # not 7 "words"
    a = set(text_shingles(lines, 7).tolist())
    b = set(text_shingles(body_lines(normalize_chars("\n".join(story_b))), 7).tolist())
    assert len(a & b) / len(a | b) < 0.02  # unrelated stories share almost no 3-character shingles
    latin = ["The council approved the budget on Tuesday."]
    from pipelines.dedup.fingerprint import joined_bytes, shingle_hashes

    assert (text_shingles(latin, 7) == shingle_hashes(joined_bytes(latin), 7)).all()  # unchanged


def test_chinese_headline_is_dropped_before_hashing() -> None:
    _, _, story_a, _, title = STORIES["zh"]
    lead = normalize_chars(story_a[0])  # NFKC: "，" is ","
    assert body_lines(normalize_chars("\n".join([title, *story_a])))[0] == lead
    assert body_lines(normalize_chars("\n".join(story_a)))[0] == lead  # a lead ending in "。" stays


# The pinned fingerprint of a fixed sample in many scripts. When this test fails, normalisation or
# shingling changed: bump NORMALIZATION_VERSION (old indexes are then rebuilt) and re-pin both.
PINNED_VERSION = 6
PINNED_DIGEST = "8f30d67ff5b4d2cb"
PIN_SAMPLE = "\n\n".join([
    "Harbour board votes to replace cranes",
    "KELLSPORT (Wire) — The harbour board voted on Monday to replace the north quay cranes, "
    "a plan that costs 48 million and takes two years to finish, the chair said.",
    "Share this article",
    "新城地铁三号线今天上午正式开通运营，全长二十八公里，共设二十二座车站。",
    "みなと市は十日、市内の全ての公立図書館で開館時間を延長すると発表した。",
    "รัฐบาลประกาศแผนพัฒนาระบบขนส่งสาธารณะในกรุงเทพมหานคร",
    "서울시는 월요일 새로운 대중교통 계획을 발표했다.",
    "Городская дума утвердила план реконструкции набережной — “велодорожка” и освещение.",
    "أعلنت الحكومة خطة جديدة للنقل العام في المدينة.",
    "© 2026 The Kellsport Courier. All rights reserved.",
])


def _pin_digest() -> str:
    fingerprinter = Fingerprinter(num_perm=128, seed=1, shingle_size=7, bands=48, rows=2, bits=16)
    normalized = normalize_chars(PIN_SAMPLE)
    lines = body_lines(normalized)
    fp = fingerprinter.fingerprint(lines, normalized)
    parts = ["\n".join(lines), fp.exact, fp.signature.hex(), b"".join(fp.bands).hex(), str(fp.n_shingles),
             str(fp.n_words)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def test_normalization_version_is_pinned_with_a_multiscript_fingerprint() -> None:
    assert (NORMALIZATION_VERSION, _pin_digest()) == (PINNED_VERSION, PINNED_DIGEST), (
        "dedup normalisation or shingling changed: bump NORMALIZATION_VERSION and re-pin")


def test_dedup_does_not_import_extraction() -> None:
    code = ("import sys, pipelines.dedup.engine, pipelines.dedup.pipeline; "
            "print(any(m.startswith('pipelines.extract') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_index_of_another_normalisation_is_rebuilt_not_refused() -> None:
    current = DedupConfig().index_params()
    older = current.replace(f"norm=v{NORMALIZATION_VERSION};", f"norm=v{NORMALIZATION_VERSION - 1};")
    assert (f"normalisation v{NORMALIZATION_VERSION - 1}, this release uses v{NORMALIZATION_VERSION}"
            in (normalization_change(older, current) or ""))
    assert normalization_change(older.replace("perm=128", "perm=64"), current) is None  # settings differ: refused
    assert normalization_change(current, current) is None and normalization_change("", current) is None
