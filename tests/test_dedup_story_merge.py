"""A story's stored member after replacements and late merges: matches count for the story's kept
article now (a copy's record names the kept article of its time), a late merge joins every
story an article matched, and a same-site update kept beside its story never merges into it."""

from __future__ import annotations

import pytest
import redis

from pipelines.dedup.engine import DedupConfig, Deduper
from tests.test_dedup_engine import OTHER, PARAGRAPHS, STORY

A, B, C, D, E = ("a" * 16, "b" * 16, "c" * 16, "d" * 16, "e" * 16)
SEEDS = (1, 2, 3, 7, 11)


def deduper_for(redis_client: redis.Redis, key_prefix: str, seed: int, keep: str = "best") -> Deduper:
    return Deduper(redis_client, DedupConfig(key_prefix=f"{key_prefix}-{seed}", index_capacity=1000, seed=seed,
                                             keep=keep))


@pytest.mark.parametrize("seed", SEEDS)
def test_an_update_of_the_original_that_replaced_a_reprint_is_an_update(
        redis_client: redis.Redis, key_prefix: str, seed: int) -> None:
    """The reprint's copies still name the reprint as their kept article; the original replaced
    it since. The original's same-site update is a version of the story the original now keeps,
    whichever record it meets."""
    deduper = deduper_for(redis_client, key_prefix, seed)
    trimmed = "\n\n".join(PARAGRAPHS[:5])
    assert deduper.check(A, trimmed, "paper", ("http://paper/a",)).verdict == "new"
    assert deduper.check(B, trimmed + "\n\nShare this story", "other", ("http://other/b",)).duplicate_of == A
    original = deduper.check(C, STORY, "wire", ("http://wire/c",))
    assert (original.verdict, original.replaces, original.why) == ("new", A, "fuller")
    update = deduper.check(D, STORY + "\n\nUPDATE: " + OTHER, "wire", ("http://wire/c-updated",))
    assert (update.verdict, update.updates, update.replaces) == ("update", C, None)


@pytest.mark.parametrize("keep", ["first", "best"])
@pytest.mark.parametrize("seed", SEEDS)
def test_a_copy_of_a_story_and_of_its_update_merges_nothing(
        redis_client: redis.Redis, key_prefix: str, seed: int, keep: str) -> None:
    """The original arrived as a copy of a reprint; its site's update was kept beside the story.
    A later reprint matches both: the update stays stored."""
    deduper = deduper_for(redis_client, key_prefix, seed, keep)
    assert deduper.check(A, STORY + "\n\nShare this story", "paper", ("http://paper/a",)).verdict == "new"
    assert deduper.check(B, STORY, "wire", ("http://wire/b",)).duplicate_of == A
    update = deduper.check(C, STORY + "\n\nUPDATE: " + OTHER, "wire", ("http://wire/b-updated",))
    assert update.verdict == "update"
    copy = deduper.check(D, STORY + "\n\nShare this story\n\nAdvertisement", "third", ("http://third/d",))
    assert copy.is_duplicate and copy.duplicate_of == A and copy.merged == ()


def stored_after(deduper: Deduper, articles: list[tuple[str, str, str]]) -> set[str]:
    """The ids storage holds after these checks: a kept article is stored, a duplicate is not, a
    replacement moves the replaced one out, a late merge moves the merged ones out."""
    stored: set[str] = set()
    for doc, text, site in articles:
        decision = deduper.check(doc, text, site, (f"http://{site}/{doc}",))
        stored -= {*decision.merged, decision.replaces}
        if not decision.is_duplicate:
            stored.add(doc)
    return stored


@pytest.mark.parametrize("seed", SEEDS)
def test_two_reprints_stored_apart_end_as_one_story_when_the_original_arrives(
        redis_client: redis.Redis, key_prefix: str, seed: int) -> None:
    """Two trimmed reprints sharing too little are stored apart, and a copy of the first comes
    since; the original arriving after them (whichever record it matches best: a kept one or the
    copy) joins them, and is the one stored."""
    deduper = deduper_for(redis_client, key_prefix, seed)
    stored = stored_after(deduper, [
        (A, "\n\n".join(PARAGRAPHS[:4]), "s1"),
        (B, "\n\n".join(PARAGRAPHS[3:]), "s2"),
        (C, "\n\n".join(PARAGRAPHS[:5]) + "\n\nShare this story", "s3"),
        (D, STORY, "wire"),
        (E, "\n\n".join(PARAGRAPHS[2:6]), "s4"),
    ])
    assert stored == {D}
