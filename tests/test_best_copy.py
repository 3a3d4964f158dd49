"""The stored member of a story is the best copy seen so far (``DEDUP_KEEP = "best"``), whatever
the arrival order: the fuller text that contains the others, the source the others credit, the
earlier stated date, a site's canonical page over its variants — decided in the one index call,
with scores measured against the kept article itself."""

from __future__ import annotations

import pytest
import redis

from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.entry import scores_between
from pipelines.dedup.rank import publication_code, rank_bytes
from tests.test_dedup_engine import LOCAL, OTHER, PARAGRAPHS, STORY

A, B, C, D = ("a" * 16, "b" * 16, "c" * 16, "d" * 16)
TRIMMED = "\n\n".join(PARAGRAPHS[:4])
WIRE = rank_bytes("2026-12-01T08:00:00+00:00", ["northern wire"], [])
PAPER = rank_bytes("2026-12-01T10:00:00+00:00", ["harbor gazette"], [])
PAPER_CREDITING_WIRE = rank_bytes("2026-12-01T10:00:00+00:00", ["harbor gazette"], ["northern wire"])


@pytest.fixture
def deduper(redis_client: redis.Redis, key_prefix: str) -> Deduper:
    return Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000))


def test_the_fuller_original_replaces_its_trimmed_reprint(deduper: Deduper) -> None:
    assert deduper.check(A, TRIMMED, "paper", ("http://paper/a",)).verdict == "new"
    original = deduper.check(B, STORY, "wire", ("http://wire/b",))
    assert (original.verdict, original.replaces, original.why) == ("new", A, "fuller")
    assert original.scores["contains"] > 0.8  # the replaced text lies inside the new one
    # the replaced copy and later copies now point at the original
    assert deduper.check(A, TRIMMED, "paper", ("http://paper/a",)).duplicate_of == B
    later = deduper.check(C, "\n\n".join(PARAGRAPHS[1:5]), "third", ("http://third/c",))
    assert later.is_duplicate and later.duplicate_of == B


def test_a_trimmed_copy_never_replaces_its_original(deduper: Deduper) -> None:
    deduper.check(A, STORY, "wire", ("http://wire/a",))
    trimmed = deduper.check(B, TRIMMED, "paper", ("http://paper/b",), rank=rank_bytes("2026-01-01", ["p"], []))
    assert trimmed.is_duplicate and trimmed.duplicate_of == A and trimmed.replaces is None


def test_a_near_equal_later_copy_never_swaps(deduper: Deduper) -> None:
    deduper.check(A, STORY, "wire", ("http://wire/a",))
    near = STORY + "\n\nShare this article on social media."
    for doc, site in ((B, "paper"), (C, "other")):
        decision = deduper.check(doc, near, site, (f"http://{site}/x",))
        assert decision.is_duplicate and decision.duplicate_of == A


def test_the_credited_source_replaces_a_verbatim_reprint_and_not_the_reverse(deduper: Deduper) -> None:
    deduper.check(A, STORY, "harbor_gazette", ("http://paper/a",), rank=PAPER_CREDITING_WIRE)
    wire = deduper.check(B, STORY, "northern_wire", ("http://wire/b",), rank=WIRE)
    assert (wire.verdict, wire.replaces, wire.why) == ("new", A, "credited")
    again = deduper.check(C, STORY, "harbor_gazette", ("http://paper/c",), rank=PAPER_CREDITING_WIRE)
    assert again.is_duplicate and again.duplicate_of == B


def test_a_page_crediting_the_kept_one_never_replaces_it_even_when_fuller(deduper: Deduper) -> None:
    deduper.check(A, TRIMMED, "northern_wire", ("http://wire/a",), rank=WIRE)
    fuller = deduper.check(B, TRIMMED + "\n\n" + LOCAL, "harbor_gazette", ("http://paper/b",),
                           rank=PAPER_CREDITING_WIRE)
    assert fuller.is_duplicate and fuller.duplicate_of == A


def test_among_near_equal_copies_the_earlier_stated_date_wins(deduper: Deduper) -> None:
    deduper.check(A, STORY, "paper", ("http://paper/a",), rank=PAPER)
    earlier = deduper.check(B, STORY, "wire", ("http://wire/b",), rank=WIRE)
    assert (earlier.replaces, earlier.why) == (A, "earlier")
    later = deduper.check(C, STORY, "third", ("http://third/c",), rank=rank_bytes("2026-12-02", ["third"], []))
    assert later.is_duplicate and later.duplicate_of == B


def test_a_day_only_date_is_compared_by_day() -> None:
    day, timed = publication_code("2026-12-01"), publication_code("2026-12-01T10:00:00+00:00")
    assert day % 2 == 1 and timed % 2 == 0 and day // 2880 == timed // 2880
    assert publication_code("not a date") == 0 == publication_code("")


def test_same_day_copies_keep_the_first(deduper: Deduper) -> None:
    deduper.check(A, STORY, "paper", ("http://paper/a",), rank=PAPER)
    same_day = deduper.check(B, STORY, "wire", ("http://wire/b",), rank=rank_bytes("2026-12-01", ["wire"], []))
    assert same_day.is_duplicate and same_day.duplicate_of == A


def test_the_canonical_page_replaces_its_amp_variant(deduper: Deduper) -> None:
    amp = deduper.check(A, STORY, "s1", ("http://s1/story/amp", "http://s1/story"))
    assert amp.verdict == "new"
    page = deduper.check(B, STORY, "s1", ("http://s1/story",), canonical="http://s1/story")
    assert (page.replaces, page.why, page.method) == (A, "canonical", "url")
    # another site's page naming that address as canonical does not replace anything
    other = deduper.check(C, STORY, "s2", ("http://s2/x", "http://s1/story"), canonical="")
    assert other.is_duplicate and other.duplicate_of == B


def test_scores_are_measured_against_the_kept_article(deduper: Deduper) -> None:
    """A copy found through a sibling copy records the scores against the kept article (what a
    fresh computation of that pair gives) and the sibling as what decided it."""
    kept = deduper.check(A, STORY, "wire", ("http://wire/a",))
    sibling = deduper.check(B, "\n\n".join(PARAGRAPHS[:6]), "paper", ("http://paper/b",))
    copy = deduper.check(C, "\n\n".join(PARAGRAPHS[3:6]), "third", ("http://third/c",))
    assert sibling.duplicate_of == A and copy.duplicate_of == A
    assert copy.scores == scores_between(copy.entry, kept.entry)
    assert copy.decided["against"] in (A, B) and copy.decided["score"] >= copy.decided["threshold"] > 0


def test_first_policy_keeps_the_first(redis_client: redis.Redis, key_prefix: str) -> None:
    deduper = Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000, keep="first"))
    deduper.check(A, TRIMMED, "paper", ("http://paper/a",))
    original = deduper.check(B, STORY, "wire", ("http://wire/b",), rank=WIRE)
    assert original.is_duplicate and original.duplicate_of == A and original.replaces is None


def test_replacements_chain(deduper: Deduper) -> None:
    deduper.check(A, "\n\n".join(PARAGRAPHS[:3]), "s1", ("http://s1/a",))
    assert deduper.check(B, "\n\n".join(PARAGRAPHS[:5]), "s2", ("http://s2/b",)).replaces == A
    assert deduper.check(C, STORY, "s3", ("http://s3/c",)).replaces == B
    for doc, site in ((A, "s1"), (B, "s2")):  # re-crawls of replaced copies point at the last one
        again = deduper.check(doc, "x", site, (f"http://{site}/{doc[0]}",))
        assert again.verdict == "seen" and again.duplicate_of == C
    assert deduper.check(D, OTHER, "s4", ("http://s4/d",)).verdict == "new"


def test_a_recheck_of_a_replacement_says_what_it_replaced(deduper: Deduper) -> None:
    """A run killed after the index decided a replacement but before storage committed it: the
    next run's check of that article is "self" and still names the article it replaced."""
    deduper.check(A, TRIMMED, "paper", ("http://paper/a",))
    assert deduper.check(B, STORY, "wire", ("http://wire/b",)).replaces == A
    again = deduper.check(B, STORY, "wire", ("http://wire/b",))
    assert (again.verdict, again.replaces, again.why) == ("self", A, "fuller")
    assert deduper.check(C, OTHER, "s3", ("http://s3/c",)).verdict == "new"
    plain = deduper.check(C, OTHER, "s3", ("http://s3/c",))
    assert (plain.verdict, plain.replaces) == ("self", None)


def test_a_replaced_replacement_still_names_what_it_replaced(deduper: Deduper) -> None:
    """B replaced A, then C replaced B, and none of it was stored (a crash): B's re-check is a
    copy of C that still names A, so storage can record A as a copy of the story too."""
    deduper.check(A, "\n\n".join(PARAGRAPHS[:3]), "s1", ("http://s1/a",))
    assert deduper.check(B, "\n\n".join(PARAGRAPHS[:5]), "s2", ("http://s2/b",)).replaces == A
    assert deduper.check(C, STORY, "s3", ("http://s3/c",)).replaces == B
    again = deduper.check(B, "x", "s2", ("http://s2/b",))
    assert (again.verdict, again.duplicate_of, again.replaces) == ("seen", C, A)
