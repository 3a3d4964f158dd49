"""Dedup quality whatever the arrival order: the corpus stream in its own (crawl) order, reversed
and shuffled (``ordered``), each over MinHash seeds 1..N, with storage simulated
(``scoring.Detector``: each document ranked by its site's names and the sources its text
credits, as the crawler ranks an article; the corpus states no publication dates).

Per run, from the corpus' ``score.py`` on the reordered stream (a document's expected drop
follows that order: the first member of a story to arrive must be kept, every later one linked
to it): drop recall and precision; a replacement counts as linked (the better copy is recognised
as the story already seen). From the stream and the simulated storage at the end of the run:

* end recall: of all members of each duplicate story but one, the share not stored at the end
  and linked to a stored member of their own story (late merges included);
* orig stored: share of the 110 duplicate stories whose original is stored (the corpus marks
  each story's original: the text every copy was made from); ...alone: and nothing else of it;
* false drops: must-keep documents (negatives, the first of a story to arrive) dropped at
  arrival; lost: negatives not stored and stories with nothing stored at the end; mislinked:
  copies whose stored representative (following duplicates, replacements and late merges) is in
  another story; split: stories stored more than once at the end;
* →update: a copy linked to an update (n4) of its own story, or such an update replacing a copy
  of its story — only when the update arrives before the original (``reversed-raw``): the gold
  calls the update another story, the engine treats a fuller same-story text as that story.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import redis

from pipelines.dedup.scoring import Detector

ORDERS = ("corpus", "reversed", "shuffled", "reversed-raw")


def ordered(docs: list[dict], order: str, seed: int) -> list[dict]:
    """The stream in ``order``: ``corpus``, ``reversed``, ``shuffled`` (``random.Random(seed)``,
    one shuffle per seed), each keeping the two rules of the corpus' own order that its gold
    relies on: an update (n4) comes after the original it updates, an article quoting an
    original (n2) after that original; such a document that would come earlier is moved to just
    after it. ``reversed-raw``: reversed without those rules."""
    if order == "corpus":
        return list(docs)
    out = docs[::-1] if order.startswith("reversed") else list(docs)
    if order == "shuffled":
        random.Random(seed).shuffle(out)
    if order.endswith("-raw"):
        return out
    followers: dict[str, list[dict]] = {}
    for d in out:
        if d["kind"] in ("n2", "n4") and d.get("related"):
            followers.setdefault(d["related"], []).append(d)
    stream: list[dict] = []
    for d in out:
        if d["kind"] in ("n2", "n4") and d.get("related"):
            continue
        stream.append(d)
        stream += followers.get(d["id"], [])
    return stream


@dataclass
class OrderRun:
    """Figures of one run (one order, one seed)."""

    recall: float
    precision: float
    end_recall: float  # end of run: members not stored, linked to their story's stored member (of all but one)
    false_drops: int  # must-keep documents dropped at arrival (scorer's false drops)
    lost: int  # end of run: negatives not stored, stories with no stored member
    mislinked: int  # end of run: copies whose stored representative is in another story
    to_update: int  # of the false drops and mislinks: a copy linked to an update of its own story
    original_stored: float
    original_alone: float
    split: int  # stories stored more than once
    swaps: int
    merges: int
    seconds: float
    missed: dict[str, int] = field(default_factory=dict)  # expected drops missed, by kind
    expected: dict[str, int] = field(default_factory=dict)
    stored_instead: Counter = field(default_factory=Counter)  # kind stored in place of the original


def story_figures(det: Detector, docs: list[dict], stream: list[dict]) -> dict[str, Any]:
    """Arrival false drops and storage at the end of a run: originals stored, stories stored
    twice, documents lost or linked to another story. A copy linked to an update of its own
    story (an n4 that arrived before the story's original: the copy's text is in it) is counted
    apart, in ``to_update`` (as is such an update replacing a copy of its story: it is stored,
    yet the scorer counts it dropped): the gold calls the update another story."""
    cluster = {d["id"]: d["cluster"] for d in docs}
    kind = {d["id"]: d["kind"] for d in docs}
    original = {d["cluster"]: d["id"] for d in docs if d["role"] == "original"}
    updates = {d["id"]: d["related"] for d in docs if d["kind"] == "n4"}

    def own_update(doc: dict, target: str | None) -> bool:
        """``doc`` and ``target``: a copy of a story and that story's update, either way round."""
        if target in updates:
            return updates[target] == original.get(doc["cluster"])
        return doc["id"] in updates and target is not None and cluster[target] == cluster[updates[doc["id"]]]

    seen: set[str] = set()
    false_drops = to_update = 0
    for d in stream:
        must_keep = d["role"] == "negative" or d["cluster"] not in seen
        seen.add(d["cluster"])
        answer = det.answers.get(d["id"])
        if must_keep and answer is not None:
            if own_update(d, answer):
                to_update += 1
            else:
                false_drops += 1
    stories: dict[str, list[str]] = {}
    for d in docs:
        if d["role"] != "negative":
            stories.setdefault(d["cluster"], []).append(d["id"])
    lost = sum(d["role"] == "negative" and d["id"] not in det.stored for d in docs)
    mislinked = 0
    for d in docs:
        rep = det.representative(d["id"])
        if d["role"] != "negative" and rep is not None and cluster[rep] != d["cluster"]:
            if own_update(d, rep):
                to_update += 1
            else:
                mislinked += 1
    in_stories = [d for d in docs if d["role"] != "negative"]  # all but one of a story's must end as its copies
    linked = sum(d["id"] not in det.stored and (rep := det.representative(d["id"])) is not None
                 and cluster[rep] == d["cluster"] for d in in_stories)
    stored_ok = alone = split = 0
    instead: Counter = Counter()
    for c, members in stories.items():
        kept = [m for m in members if m in det.stored]
        lost += not kept
        split += len(kept) > 1
        if original[c] in det.stored:
            stored_ok += 1
            alone += len(kept) == 1
        else:
            instead.update(kind[m] for m in kept)
    n = max(1, len(stories))
    return {"end_recall": linked / max(1, len(in_stories) - len(original)),
            "original_stored": stored_ok / n, "original_alone": alone / n, "split": split,
            "false_drops": false_drops, "lost": lost, "mislinked": mislinked, "to_update": to_update,
            "stored_instead": instead}


def what_if_dates(docs: list[dict]) -> dict[str, str]:
    """Stated publication dates the corpus does not have, for a what-if: every original at 08:00,
    every copy at 09:30 the same day (a crawler reads such dates on real pages; here they come
    from the gold roles, so figures with them are no measurement of the corpus)."""
    return {d["id"]: "2026-01-05T08:00:00+00:00" if d["role"] == "original" else "2026-01-05T09:30:00+00:00"
            for d in docs if d["role"] != "negative"}


def run_order(score: Any, docs: list[dict], order: str, seed: int, client: redis.Redis | None,
              dates: dict[str, str] | None = None, **overrides: object) -> OrderRun:
    det = Detector(client, dates, {d["site"] for d in docs}, DEDUP_SEED=seed, **overrides)
    stream = ordered(docs, order, seed)
    start = time.perf_counter()
    try:
        m = score.score(det, stream)
        seconds = time.perf_counter() - start
        story = story_figures(det, docs, stream)
    finally:
        det.cleanup()
    by_kind = m["recall_by_kind"]
    return OrderRun(
        recall=m["drop_recall"], precision=m["drop_precision"], end_recall=story["end_recall"],
        false_drops=story["false_drops"],
        lost=story["lost"], mislinked=story["mislinked"], to_update=story["to_update"],
        original_stored=story["original_stored"], original_alone=story["original_alone"], split=story["split"],
        swaps=det.swaps, merges=det.merges, seconds=seconds,
        missed={k: v["expected"] - v["dropped"] for k, v in by_kind.items()},
        expected={k: v["expected"] for k, v in by_kind.items()}, stored_instead=story["stored_instead"],
    )


def sweep(score: Any, docs: list[dict], seeds: int, client: redis.Redis | None = None,
          orders: tuple[str, ...] = ORDERS, dates: dict[str, str] | None = None,
          **overrides: object) -> dict[str, list[OrderRun]]:
    """Every order with MinHash seeds 1..``seeds``."""
    return {o: [run_order(score, docs, o, s, client, dates, **overrides) for s in range(1, seeds + 1)]
            for o in orders}


def _min_mean(values: list[float]) -> str:
    return f"{min(values):.3f}/{statistics.mean(values):.3f}"


def order_table(results: dict[str, list[OrderRun]], title: str = "", details: bool = True) -> str:
    """Per order, min/mean over seeds of recall and precision at arrival, recall at the end of
    the run (copies stored as duplicates of their story, late merges included) and originals stored; the worst (max)
    count over seeds of false drops, lost, mislinked and linked-to-update documents and of
    stories stored twice; swaps and late merges per run (mean). ``details``: misses by kind and
    what was stored in the originals' place."""
    seeds = len(next(iter(results.values())))
    lines = [
        title or f"Arrival orders, MinHash seeds 1-{seeds}: min/mean over seeds, counts: worst seed "
        "(shuffled: one shuffle per seed)",
        f"{'order':<13}{'recall':>12}{'precision':>12}{'end recall':>12}{'orig stored':>12}{'…alone':>12}"
        f"{'false drops':>12}{'lost':>5}{'mislinked':>10}{'→update':>8}{'split':>6}{'swaps':>6}{'merges':>7}"
        f"{'s/run':>6}",
    ]
    for order, runs in results.items():
        lines.append(
            f"{order:<13}{_min_mean([r.recall for r in runs]):>12}{_min_mean([r.precision for r in runs]):>12}"
            f"{_min_mean([r.end_recall for r in runs]):>12}"
            f"{_min_mean([r.original_stored for r in runs]):>12}{_min_mean([r.original_alone for r in runs]):>12}"
            f"{max(r.false_drops for r in runs):>12}{max(r.lost for r in runs):>5}"
            f"{max(r.mislinked for r in runs):>10}{max(r.to_update for r in runs):>8}"
            f"{max(r.split for r in runs):>6}{statistics.mean(r.swaps for r in runs):>6.1f}"
            f"{statistics.mean(r.merges for r in runs):>7.1f}{statistics.mean(r.seconds for r in runs):>6.2f}"
        )
    if not details:
        return "\n".join(lines)
    lines.append("Copies missed, summed over seeds (expected drops follow each order: the first to arrive is kept)")
    for order, runs in results.items():
        kinds = sorted({k for r in runs for k in r.expected})
        lines.append(f"  {order:<13}" + "  ".join(
            f"{k} {sum(r.missed.get(k, 0) for r in runs)}/{sum(r.expected.get(k, 0) for r in runs)}" for k in kinds))
    lines.append("Original not stored: kind of the member stored instead, summed over seeds")
    for order, runs in results.items():
        instead = sum((r.stored_instead for r in runs), Counter())
        lines.append(f"  {order:<13}" + ("  ".join(f"{k} {n}" for k, n in instead.most_common()) or "none"))
    return "\n".join(lines)
