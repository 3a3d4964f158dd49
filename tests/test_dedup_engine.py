"""The dedup engine against a real Redis: layers, update rule, re-crawl, parameter check."""

from __future__ import annotations

import pytest
import redis

from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.index import IndexParamsMismatch

PARAGRAPHS = [
    "The harbor commission voted on Monday to expand the ferry terminal, approving a plan that "
    "adds two berths and a covered waiting hall at a cost of 48 million dollars.",
    "Commissioner Alma Ruiz said the terminal had outgrown its 1970s layout, with summer queues "
    "stretching past the fish market and blocking delivery trucks for hours.",
    "Dredging of the north channel will start first. Engineers expect to remove about 90,000 "
    "cubic metres of silt before the new berths can take the larger island boats.",
    "Opponents worried about noise. Residents of the Quayside flats presented a petition with "
    "612 signatures asking for a night-time ban on horn signals near the pier.",
    "The commission promised a noise study but rejected the ban, saying pilots are required by "
    "maritime law to sound their horns when leaving the breakwater in fog.",
    "Funding comes from a regional transport grant and a two-dollar fee on each vehicle ticket, "
    "which the commission estimates will raise 3.1 million dollars a year.",
    "Construction bids open in January. If the schedule holds, the first new berth would serve "
    "passengers in the spring of 2028, with the waiting hall finished that autumn.",
    "Ferry operator Saltline Marine welcomed the vote and said it would add a fourth daily "
    "crossing to Kestrel Island once the second berth opens.",
]
STORY = "\n\n".join(PARAGRAPHS)
OTHER = "\n\n".join(
    f"The school board in Elmsford debated {x} for {i + 1} hours, and parents asked about {y}."
    for i, (x, y) in enumerate(
        [("bus routes", "safety"), ("lunch prices", "allergies"), ("teacher pay", "class sizes"),
         ("sports fields", "lighting"), ("library hours", "weekends"), ("exam dates", "holidays")]
    )
)


@pytest.fixture
def deduper(redis_client: redis.Redis, key_prefix: str) -> Deduper:
    return Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000))


def test_distinct_stories_are_kept(deduper: Deduper) -> None:
    assert deduper.check("a" * 16, STORY, "s1", ["http://s1/a"]).verdict == "new"
    assert deduper.check("b" * 16, OTHER, "s1", ["http://s1/b"]).verdict == "new"


def test_reprint_with_dateline_and_boilerplate_is_dropped(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "wire", ["http://wire/a"])
    copy = "HARBORTON (Northern Wire) — " + STORY + "\n\nShare this article\n\nAdvertisement"
    decision = deduper.check("b" * 16, copy, "paper", ["http://paper/b"])
    assert decision.is_duplicate and decision.duplicate_of == "a" * 16
    assert decision.method in ("exact", "near")


def test_trimmed_copy_is_dropped_by_containment(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "wire", ["http://wire/a"])
    trimmed = "\n\n".join(PARAGRAPHS[:3])
    decision = deduper.check("b" * 16, trimmed, "paper", ["http://paper/b"])
    assert decision.is_duplicate and decision.method == "containment"
    assert decision.scores["contained"] >= 0.8 > decision.scores["jaccard"]


def test_fuller_version_after_trimmed_copy_is_dropped_and_noted_when_the_first_is_kept(
        redis_client: redis.Redis, key_prefix: str) -> None:
    deduper = Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000, keep="first"))
    deduper.check("b" * 16, "\n\n".join(PARAGRAPHS[:3]), "paper", ["http://paper/b"])
    decision = deduper.check("a" * 16, STORY, "wire", ["http://wire/a"])
    assert decision.is_duplicate and decision.duplicate_of == "b" * 16
    assert decision.relation == "kept_is_shorter"


def test_same_site_update_is_kept_and_linked(deduper: Deduper) -> None:
    first = "\n\n".join(PARAGRAPHS[:5])
    deduper.check("a" * 16, first, "s1", ["http://s1/a"])
    update = first + "\n\nUPDATE: " + OTHER
    decision = deduper.check("c" * 16, update, "s1", ["http://s1/a-updated"])
    assert decision.verdict == "update" and decision.updates == "a" * 16


def test_url_layer_uses_canonical_url(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "s1", ["http://s1/a"])
    decision = deduper.check("b" * 16, OTHER, "s1", ["http://s1/a/amp", "http://s1/a"])
    assert decision.is_duplicate and decision.method == "url"


def test_recrawl_is_self_or_seen(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "wire", ["http://wire/a"])
    deduper.check("b" * 16, STORY, "paper", ["http://paper/b"])
    assert deduper.check("a" * 16, STORY, "wire", ["http://wire/a"]).verdict == "self"
    again = deduper.check("b" * 16, STORY, "paper", ["http://paper/b"])
    assert again.verdict == "seen" and again.duplicate_of == "a" * 16


def test_parameter_mismatch_refuses_and_writes_nothing(redis_client: redis.Redis, key_prefix: str) -> None:
    Deduper(redis_client, DedupConfig(key_prefix=key_prefix)).check("a" * 16, STORY, "s", ["http://s/a"])
    # SCAN may return a key twice: compare sets, and the stored values too
    before = {k: redis_client.dump(k) for k in set(redis_client.scan_iter(f"{key_prefix}:*", count=1000))}
    with pytest.raises(IndexParamsMismatch, match="built with parameters"):
        Deduper(redis_client, DedupConfig(key_prefix=key_prefix, num_perm=64))
    after = {k: redis_client.dump(k) for k in set(redis_client.scan_iter(f"{key_prefix}:*", count=1000))}
    assert after == before


def test_invalid_config_is_rejected() -> None:
    with pytest.raises(ValueError, match="lsh_threshold"):
        DedupConfig(lsh_threshold=0.9, jaccard_threshold=0.5)
    with pytest.raises(ValueError, match="containment_threshold"):
        DedupConfig(containment_threshold=1.5)


LOCAL = (
    "Here in Wellport, harbor master Ines Okafor said the town's own ferry slip on Mill Street would "
    "close for a week in May while crews replace the ramp, and that the Tuesday market boat will dock at "
    "the old coal pier instead. Residents can buy discounted parking passes at the town hall until April."
)


@pytest.mark.parametrize("keep", ["first", "best"])
def test_late_merge_when_the_original_reveals_two_trimmed_copies(redis_client: redis.Redis, key_prefix: str,
                                                                  keep: str) -> None:
    deduper = Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000, keep=keep))
    # two copies that share two paragraphs: not the same story on their own (this layout
    # holds for MinHash seeds 1-30, with and without shingle sampling)...
    first = deduper.check("a" * 16, "\n\n".join([*PARAGRAPHS[:4], LOCAL]), "s1", ("http://s1/a",))
    second = deduper.check("b" * 16, "\n\n".join(PARAGRAPHS[2:]), "s2", ("http://s2/b",))
    assert (first.verdict, second.verdict) == ("new", "new")
    # ...until their original arrives: it contains both, so the later-stored one is merged
    original = deduper.check("c" * 16, STORY, "wire", ("http://wire/c",))
    assert original.merged == ("b" * 16,)
    if keep == "first":
        assert original.is_duplicate and original.duplicate_of == "a" * 16
    else:  # the original contains both: it replaces the survivor, which becomes its copy
        assert original.verdict == "new" and (original.replaces, original.why) == ("a" * 16, "fuller")
    # a later copy matching the merged one resolves to the survivor
    again = deduper.check("d" * 16, "\n\n".join(PARAGRAPHS[3:]), "s3", ("http://s3/d",))
    assert again.is_duplicate and again.duplicate_of == ("a" if keep == "first" else "c") * 16


def test_roundup_of_two_stories_merges_nothing(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "s1", ("http://s1/a",))
    deduper.check("b" * 16, OTHER * 2, "s2", ("http://s2/b",))
    roundup = deduper.check("c" * 16, STORY + "\n\n" + OTHER * 2, "s3", ("http://s3/c",))
    assert roundup.merged == ()


def test_restore_and_distinct_are_honoured(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "wire", ("http://wire/a",))
    dropped = deduper.check("b" * 16, "\n\n".join(PARAGRAPHS[:5]), "paper", ("http://paper/b",))
    assert dropped.is_duplicate
    assert deduper.restore("b" * 16)[0]
    assert deduper.check("b" * 16, "\n\n".join(PARAGRAPHS[:5]), "paper", ("http://paper/b",)).verdict == "self"
    assert not deduper.restore("f" * 16)[0]  # never indexed


def test_distinct_pair_is_never_merged(deduper: Deduper) -> None:
    deduper.check("a" * 16, STORY, "wire", ("http://wire/a",))
    deduper.mark_distinct("a" * 16, "c" * 16)
    assert deduper.check("c" * 16, STORY + "\n\nAdvertisement", "other", ("http://other/c",)).verdict == "new"
    copy = deduper.check("d" * 16, STORY + "\n\nShare this", "more", ("http://more/d",))
    assert copy.duplicate_of == "a" * 16 and copy.merged == ()  # a copy of both does not merge them
