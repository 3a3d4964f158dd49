"""Dedup decisions on the demo network do not depend on crawl order: every story group
(original + reprints), in every arrival order, keeps exactly one copy, and it is the original
(``DEDUP_KEEP = "best"``: the fuller text or the credited source, whichever arrives first);
independent reports of one event and same-site versions are all kept."""

from __future__ import annotations

import itertools
import urllib.request
import uuid
from collections import defaultdict

import pytest

from crawler.items import ArticlePage
from demo.network import DemoNetwork
from pipelines.dedup.engine import DedupConfig, Deduper
from pipelines.dedup.rank import article_rank
from pipelines.dedup.scratch import drop_index
from pipelines.drops import ExtractionDrop
from pipelines.extract import ArticleExtractor


@pytest.fixture(scope="module")
def extracted() -> tuple[list[dict], dict[str, object]]:
    extractor, articles = ArticleExtractor(), {}
    with DemoNetwork() as net:
        truth = net.ground_truth()
        for page in truth:
            if page["role"] == "broken" and page["broken"] not in ("malformed", "wrong_charset"):
                continue
            html = urllib.request.urlopen(page["url"]).read().decode("utf-8", "replace")
            try:
                articles[page["url"]] = extractor.extract(
                    ArticlePage(page["url"], page["url"], page["site"], "", html)
                )
            except ExtractionDrop:
                pass
    return truth, articles


def run(redis_client, pages: list[dict], articles: dict, groups: int = 0) -> list[str]:
    """Verdicts in arrival order, as the dedup stage checks (rank, canonical address); a kept
    article later merged into another or replaced by a better copy counts as a duplicate.
    ``groups``: the index's band groups (``DEDUP_BAND_GROUPS``; 0: none on one server)."""
    deduper = Deduper(redis_client, DedupConfig(key_prefix=f"t-ord-{uuid.uuid4().hex[:10]}", index_capacity=1000,
                                                band_groups=groups))
    verdicts: list[str] = []
    ids: list[str] = []
    try:
        for page in pages:
            a = articles[page["url"]]
            at_canonical = a.canonical_url if a.canonical_url in (a.url, a.final_url) else ""
            decision = deduper.check(a.id, a.text, a.site, (a.url, a.final_url, a.canonical_url),
                                     rank=article_rank(a.published, a.site, a.sitename, a.credits),
                                     canonical=at_canonical)
            verdicts.append(decision.verdict)
            for merged in (*decision.merged, *([decision.replaces] if decision.replaces else [])):
                verdicts[ids.index(merged)] = "duplicate"
            ids.append(a.id)
    finally:
        drop_index(redis_client, deduper.config.key_prefix)
    return verdicts


# an index in one call per check, and one whose bands lie in 4 groups (three round trips a check)
GROUPINGS = pytest.mark.parametrize("band_groups", [0, 4], ids=["one-call", "band-groups"])


@GROUPINGS
def test_story_groups_keep_one_copy_in_every_order(redis_client, extracted, band_groups) -> None:
    truth, articles = extracted
    groups = defaultdict(list)
    for page in truth:
        if page["role"] in ("original", "reprint") and page["url"] in articles:
            groups[page["story"]].append(page)
    failures = []
    for story, pages in groups.items():
        for order in itertools.permutations(pages):
            verdicts = run(redis_client, list(order), articles, band_groups)
            kept = [p["role"] for p, v in zip(order, verdicts, strict=True) if v != "duplicate"]
            if kept != ["original"]:
                failures.append((story, [p["site"] for p in order], verdicts))
    assert not failures, f"{len(failures)} failing orders: {failures}"


@GROUPINGS
def test_independent_reports_and_versions_are_all_kept(redis_client, extracted, band_groups) -> None:
    truth, articles = extracted
    events = defaultdict(list)
    for page in truth:
        if page["role"] == "independent":
            events[page.get("event") or page["story"]].append(page)
        if page["role"] == "update":
            events[page["url"]] = [page, next(p for p in truth if p["url"] == page["updates"])]
    assert len(events) >= 4
    for key, pages in events.items():
        for order in itertools.permutations(pages):
            verdicts = run(redis_client, list(order), articles, band_groups)
            assert "duplicate" not in verdicts, (key, [p["site"] for p in order], verdicts)
