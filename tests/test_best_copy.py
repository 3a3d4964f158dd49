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


# A reprint as a reader meets it: the story with a share bar, a newsletter promo and characters
# broken on the way (mojibake, an entity left as text). Near-equal to STORY in length.
BLEMISHED = ("Share this article: Facebook | X | Email\n\n"
             + STORY.replace(" and ", " â€” and ", 1).replace(" and ", " &amp; ", 2)
             + "\n\nSign up for our newsletter to get the top stories every morning.")


def test_among_near_equal_undated_copies_the_cleaner_one_wins(deduper: Deduper) -> None:
    no_date = rank_bytes("", ["harbor gazette"], [])
    deduper.check(A, BLEMISHED, "harbor_gazette", ("http://paper/a",), rank=no_date)
    clean = deduper.check(B, STORY, "northern_wire", ("http://wire/b",), rank=rank_bytes("", ["northern wire"], []))
    assert (clean.verdict, clean.replaces, clean.why) == ("new", A, "cleaner")
    # the blemished one arriving again, or another copy as blemished, never swaps back
    again = deduper.check(C, BLEMISHED, "third", ("http://third/c",), rank=rank_bytes("", ["third"], []))
    assert again.is_duplicate and again.duplicate_of == B and again.replaces is None


def test_the_cleaner_rule_never_overrides_dates_or_length(deduper: Deduper) -> None:
    deduper.check(A, BLEMISHED, "harbor_gazette", ("http://paper/a",), rank=WIRE)  # stated earlier
    later_clean = deduper.check(B, STORY, "third", ("http://third/b",), rank=PAPER)
    assert later_clean.is_duplicate and later_clean.duplicate_of == A
    # a clean trimmed copy never replaces a blemished fuller original
    deduper.check(C, OTHER + "\n\nShare this article: Facebook | X | Email", "s1", ("http://s1/c",),
                  rank=rank_bytes("", ["s1"], []))
    trimmed = deduper.check(D, OTHER.split("\n\n", 1)[1], "s2", ("http://s2/d",), rank=rank_bytes("", ["s2"], []))
    assert trimmed.replaces is None


def test_a_copy_naming_the_other_publisher_loses_to_it(deduper: Deduper) -> None:
    """A page that names another copy's publisher ("according to The Harbor Gazette") credits it
    (``named_publishers`` adds it to the page's credits): that publisher's copy replaces it."""
    from pipelines.credits import named_publishers, with_named

    known = {"harbor gazette", "valley courier"}
    reprint = "According to The Harbor Gazette, the council met late.\n\n" + STORY
    credits = with_named([], named_publishers(reprint, known, ["valley courier"]), known)
    assert credits == ["harbor gazette"]
    deduper.check(A, reprint, "valley_courier", ("http://valley/a",), rank=rank_bytes("", ["valley courier"], credits))
    harbor = rank_bytes("", ["harbor gazette"], [])
    source = deduper.check(B, STORY, "harbor_gazette", ("http://harbor/b",), rank=harbor)
    assert (source.replaces, source.why) == (A, "credited")


def test_ranks_of_an_earlier_release_never_decide_by_cleanliness(redis_client: redis.Redis, key_prefix: str) -> None:
    """A 20-byte rank (an earlier release's client or record) has unknown blemishes: no swap on them."""
    deduper = Deduper(redis_client, DedupConfig(key_prefix=key_prefix, index_capacity=1000))
    index = deduper.index
    fp = deduper.fingerprint(BLEMISHED, "s1")
    old_rank = rank_bytes("", ["s1"], [])[:20]
    reply = index.check_and_insert(A, "s1", [], fp, rules=deduper._rules, max_candidates=10, keep=deduper._keep,
                                   rank=old_rank)
    assert reply.verdict == "new"
    clean = deduper.check(B, STORY, "s2", ("http://s2/b",), rank=rank_bytes("", ["s2"], []))
    assert clean.is_duplicate and clean.duplicate_of == A


def test_entries_keep_the_blemishes_and_read_the_previous_rank_layout(deduper: Deduper) -> None:
    import struct

    from pipelines.dedup.entry import IndexEntry

    entry = deduper.fingerprint_entry(BLEMISHED, "s1", ("http://s1/x",), A, rank_bytes("", ["s1"], []))
    # 2 kinds of damage (mojibake, an entity) + the promo line (the share bar opening the text is
    # taken for its headline, which is never counted)
    assert int.from_bytes(entry.rank[20:], "big") == 1 + 3
    assert IndexEntry.from_bytes(entry.to_bytes()) == entry
    fp = entry.fingerprint  # "NDE2": a 20-byte rank, stored by the previous release
    head = struct.pack(">4s4sII8sBHBBBB", b"NDE2", entry.tag, fp.n_shingles, fp.n_words, bytes.fromhex(fp.exact),
                       fp.bits, len(fp.signature), len(fp.bands), len(entry.url_keys), len(entry.tail_keys),
                       len(entry.common_keys))
    old = b"".join((head, fp.signature, *fp.bands, *(bytes.fromhex(k) for k in entry.url_keys), *entry.tail_keys,
                    *entry.common_keys, entry.rank[:20]))
    assert IndexEntry.from_bytes(old).rank == entry.rank[:20] + bytes(4)  # blemishes unknown


def test_the_source_the_story_s_other_copies_name_replaces_an_uncredited_copy(deduper: Deduper) -> None:
    """The stored copy names no source, but another copy of its story credits The Harbor Gazette:
    the Gazette's page, arriving last, replaces the stored copy (the others name it as the source)."""
    rewritten = "In a late session, council members moved quickly on the plan.\n\n" + STORY.split("\n\n", 1)[1]
    deduper.check(A, rewritten, "valley_courier", ("http://valley/a",), rank=rank_bytes("", ["valley courier"], []))
    crediting = deduper.check(B, STORY + "\n\nThis story was originally published by The Harbor Gazette.", "metro",
                              ("http://metro/b",), rank=rank_bytes("", ["metro"], ["harbor gazette"]))
    assert crediting.is_duplicate and crediting.duplicate_of == A
    harbor = rank_bytes("", ["harbor gazette"], [])
    source = deduper.check(C, STORY, "harbor_gazette", ("http://harbor/c",), rank=harbor)
    assert (source.replaces, source.why) == (A, "credited")
    # a site no copy names, as near-equal and as clean, replaces nothing
    other = deduper.check(D, rewritten, "third", ("http://third/d",), rank=rank_bytes("", ["third"], []))
    assert other.is_duplicate and other.duplicate_of == C


# The story with its lead rephrased (a rewritten-lead copy), as long as the original.
REPHRASED = ("On Monday the harbor board backed a bigger ferry terminal: its plan brings two more berths "
             "and a sheltered hall for waiting passengers, for 48 million dollars in all.\n\n"
             + STORY.split("\n\n", 1)[1])
TOP_SIX, TOP_SEVEN = "\n\n".join(PARAGRAPHS[:6]), "\n\n".join(PARAGRAPHS[:7])


def _undated(site: str) -> bytes:
    return rank_bytes("", [site], [])


def test_the_wording_the_story_s_other_copies_carry_wins_among_near_equal_copies(deduper: Deduper) -> None:
    """No date, no credit, as clean and as long: the rewritten-lead copy was stored first, then
    two reprints that kept the top of the original (its lead, not the rephrased one). The
    original, arriving last, replaces the rewritten copy: its wording is the one they carry."""
    deduper.check(A, REPHRASED, "rewriter", ("http://rewriter/a",), rank=_undated("rewriter"))
    for doc, text, site in ((B, TOP_SIX, "s1"), (C, TOP_SEVEN, "s2")):
        copy = deduper.check(doc, text, site, (f"http://{site}/x",), rank=_undated(site))
        assert copy.is_duplicate and copy.duplicate_of == A
    original = deduper.check(D, STORY, "wire", ("http://wire/d",), rank=_undated("wire"))
    assert (original.verdict, original.replaces, original.why) == ("new", A, "carried")
    # the rephrased text arriving again from another site never swaps back
    again = deduper.check("e" * 16, REPHRASED, "third", ("http://third/e",), rank=_undated("third"))
    assert again.is_duplicate and again.duplicate_of == D and again.replaces is None


def test_without_copies_of_the_story_nothing_says_which_wording_is_the_original(deduper: Deduper) -> None:
    deduper.check(A, REPHRASED, "rewriter", ("http://rewriter/a",), rank=_undated("rewriter"))
    original = deduper.check(D, STORY, "wire", ("http://wire/d",), rank=_undated("wire"))
    assert original.is_duplicate and original.duplicate_of == A and original.replaces is None


def test_the_original_minus_a_sentence_never_replaces_it(deduper: Deduper) -> None:
    """The story's trimmed reprints lack the original's last sentence, and so does a later copy
    (under 5 % shorter): they share no wording of the copy's own, so it replaces nothing."""
    deduper.check(A, STORY, "wire", ("http://wire/a",), rank=_undated("wire"))
    for doc, text, site in ((B, TOP_SIX, "s1"), (C, TOP_SEVEN, "s2")):
        assert deduper.check(doc, text, site, (f"http://{site}/x",), rank=_undated(site)).duplicate_of == A
    last = PARAGRAPHS[-1]
    cut = STORY[: len(STORY) - len(last)] + " ".join(last.split()[:-9]) + "."
    assert len(cut.split()) >= 0.95 * len(STORY.split())
    shorter = deduper.check(D, cut, "s3", ("http://s3/d",), rank=_undated("s3"))
    assert shorter.is_duplicate and shorter.duplicate_of == A and shorter.replaces is None
