"""End to end on the offline demo network: what is stored matches the network's ground truth,
and a second run (same data) stores nothing new and re-drops nothing it stored."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crawler.urls import article_id, normalize_url
from demo.publishers import PUBLISHERS
from tests.conftest import demo_network_settings
from tests.crawl import scrapy
from tests.groundtruth import ground_truth_problems, rejection_problems

SPIDERS = tuple(sorted(p.slug for p in PUBLISHERS))  # one demo spider per publisher, same name


def run_demo(tmp: Path, settings: dict) -> tuple[dict[str, dict], str]:
    proc = scrapy(["demo"], tmp, {**settings, "STATS_FILE": str(tmp / "stats" / "{spider}.json")})
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    stats = {s: json.loads((tmp / "stats" / f"{s}.json").read_text()) for s in SPIDERS}
    return stats, log


def table(db_url: str, name: str) -> list[dict]:
    with create_engine(db_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"select * from {name}"))]  # noqa: S608 (fixed names)


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory, redis_client):
    """Two demo runs against one network, one index and one database."""
    tmp = tmp_path_factory.mktemp("demo")
    with demo_network_settings(tmp / "demo.sqlite3", redis_client) as (net, settings):
        db_url = settings["DATABASE_URL"]
        first_stats, first_log = run_demo(tmp, settings)
        first = (table(db_url, "articles"), table(db_url, "duplicates"))
        rejections = table(db_url, "rejections")
        second_stats, second_log = run_demo(tmp, settings)
        second = (table(db_url, "articles"), table(db_url, "duplicates"))
        truth = net.ground_truth()
    yield {"truth": truth, "first": first, "second": second, "stats": (first_stats, second_stats),
           "logs": (first_log, second_log), "rejections": rejections}


def by_url(rows: list[dict]) -> dict[str, dict]:
    return {normalize_url(r["url"]): r for r in rows}


def test_each_story_stored_once_and_each_copy_dropped_with_right_target(demo_runs) -> None:
    truth = demo_runs["truth"]
    articles, duplicates = demo_runs["first"]
    stored, dropped = by_url(articles), by_url(duplicates)
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in truth:
        if page["role"] in ("original", "reprint", "url_duplicate"):
            groups[page["story"]].append(page)
    assert len(groups) >= 10
    for story, pages in groups.items():
        # a tracking-parameter variant (?ref=…) normalises to its article's URL: one page
        urls = sorted({normalize_url(p["url"]) for p in pages})
        kept = [u for u in urls if u in stored]
        assert len(kept) == 1, f"story {story}: stored {kept} of {urls}"
        kept_id = stored[kept[0]]["id"]
        for url in urls:
            if url != kept[0]:
                if url == normalize_url(stored[kept[0]]["canonical_url"]):
                    continue  # the kept page's canonical URL: seen through it, never fetched again
                assert url in dropped, f"story {story}: copy {url} was not dropped"
                assert dropped[url]["duplicate_of"] == kept_id, f"story {story}: {url} linked wrongly"
                assert dropped[url]["method"] in ("url", "exact", "near", "containment", "merged")
                assert dropped[url]["jaccard"] > 0 or dropped[url]["method"] in ("url", "exact", "merged")


def test_distinct_stories_updates_and_odd_pages(demo_runs) -> None:
    truth = demo_runs["truth"]
    articles, duplicates = demo_runs["first"]
    stored, dropped = by_url(articles), by_url(duplicates)
    for page in truth:
        url = normalize_url(page["url"])
        if page["expect"] == "store":
            assert url in stored, f"{page['role']}/{page['broken']} page not stored: {url}"
        elif page["expect"].startswith("drop_") and page["expect"] != "drop_url_duplicate":
            assert url not in stored and url not in dropped, f"{page['broken']} page kept: {url}"
        if page["role"] == "update":
            # both versions stored and linked, whichever was crawled first
            original = stored[normalize_url(page["updates"])]
            linked = {(stored[url]["updates_id"], stored[url]["dedup_method"]),
                      (original["updates_id"], original["dedup_method"])}
            assert linked & {(original["id"], "update"), (stored[url]["id"], "earlier_version")}, linked
        if page["broken"] == "wrong_charset":
            assert "\ufffd" not in stored[url]["text"]
            expected = page.get("text") or ""
            assert any(ch in stored[url]["text"] for ch in "éèüöñ’“”") or not any(ch in expected for ch in "éèüöñ’“”")


def test_broken_pages_counted_by_reason_and_no_traceback(demo_runs) -> None:
    first_stats, _ = demo_runs["stats"]
    merged: dict[str, int] = defaultdict(int)
    for stats in first_stats.values():
        for key, value in stats.items():
            if isinstance(value, int):
                merged[key] += value
    assert merged["httperror/response_ignored_status_count/404"] >= 1
    assert merged["httperror/response_ignored_status_count/500"] >= 1
    assert merged["item_dropped_reasons_count/NotAnArticle"] >= 1
    assert merged["item_dropped_reasons_count/NoArticleText"] >= 1
    assert merged["page/not_html"] >= 1
    assert merged["page/charset_detected"] >= 1  # the mislabelled page, decoded by its bytes…
    assert "page/charset_mismatch" not in merged  # …so no page is undecodable
    for log in demo_runs["logs"]:
        assert "Traceback" not in log


def test_second_run_stores_nothing_new_and_redrops_nothing_stored(demo_runs) -> None:
    (articles1, duplicates1), (articles2, duplicates2) = demo_runs["first"], demo_runs["second"]
    assert sorted(a["id"] for a in articles2) == sorted(a["id"] for a in articles1)
    assert sorted(d["article_id"] for d in duplicates2) == sorted(d["article_id"] for d in duplicates1)
    stored_ids = {a["id"] for a in articles1}
    assert not stored_ids & {d["article_id"] for d in duplicates2}
    _, second_stats = demo_runs["stats"]
    assert sum(s.get("storage/articles", 0) for s in second_stats.values()) == 0
    assert sum(s.get("storage/duplicates", 0) for s in second_stats.values()) == 0
    # nothing stored or dropped is fetched again (the seen-store), nothing new is stored
    skipped = sum(s.get("incremental/skipped_seen", 0) for s in second_stats.values())
    refetched = sum(s.get("storage/already_stored", 0) for s in second_stats.values())
    assert skipped >= len(articles1) + len(duplicates1) and refetched == 0


def test_matches_the_ground_truth_and_every_refused_page_is_recorded(demo_runs) -> None:
    truth = demo_runs["truth"]
    articles, duplicates = demo_runs["first"]
    problems = ground_truth_problems(truth, articles, duplicates) + rejection_problems(truth, demo_runs["rejections"])
    assert problems == []


def test_trap_layouts_and_languages_are_kept(demo_runs) -> None:
    # table layout, long feature, roundup, paywall-marked template, other scripts: each story
    # stored once with (nearly) all of its paragraphs, whichever of its pages was kept
    truth = demo_runs["truth"]
    articles, duplicates = demo_runs["first"]
    stored, dropped = by_url(articles), by_url(duplicates)
    special = [g for g in truth if g["layout"] != "standard" or g["lang"] != "en"]
    assert {g["layout"] for g in special} >= {"table", "feature", "roundup", "paywall_template"}
    assert {g["lang"] for g in special} >= {"zh", "ja", "ko", "ar", "ru"}
    for g in special:
        url = normalize_url(g["url"])
        assert url in stored or url in dropped, f"{g['layout']}/{g['lang']} page neither stored nor a duplicate: {url}"
        if url in stored:
            norm = str.maketrans("“”’", "\"\"'")
            text = " ".join(stored[url]["text"].translate(norm).split())
            # a reprint's credit line ("… originally published by …") is cut on purpose (closing_lines rule)
            paragraphs = [p for p in g["text"].translate(norm).split("\n") if "originally published by" not in p]
            kept = sum(" ".join(p.split()) in text for p in paragraphs)
            assert kept >= 0.9 * len(paragraphs), (url, kept, len(paragraphs))


def test_article_ids_follow_urls(demo_runs) -> None:
    articles, _ = demo_runs["first"]
    assert all(a["id"] == article_id(a["url"]) for a in articles)
