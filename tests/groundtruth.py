"""Checks of a demo crawl's database against the demo network's ground truth."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import create_engine, text

from crawler.urls import normalize_url
from pipelines.dedup.entry import scores_between


def table(db_url: str, name: str) -> list[dict]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(text(f"select * from {name}"))]  # noqa: S608 (fixed names)
    finally:
        engine.dispose()


def ground_truth_problems(truth: list[dict[str, Any]], articles: list[dict], duplicates: list[dict]) -> list[str]:
    """Everything that differs from the ground truth: each story stored exactly once with its
    other pages recorded as duplicates of the kept one, every page to store stored, nothing
    stored twice, no URL both stored and recorded as a duplicate, nothing stored unchecked."""
    problems: list[str] = []
    urls = [normalize_url(a["url"]) for a in articles]
    if len(urls) != len(set(urls)):
        problems.append(f"stored twice: {sorted({u for u in urls if urls.count(u) > 1})}")
    stored = {normalize_url(a["url"]): a for a in articles}
    dropped = {normalize_url(d["url"]): d for d in duplicates}
    if set(stored) & set(dropped):
        problems.append(f"in both tables: {sorted(set(stored) & set(dropped))}")
    unchecked = [a["url"] for a in articles if a["dedup_method"] == "unchecked"]
    if unchecked:
        problems.append(f"stored unchecked: {unchecked}")
    groups: dict[str, list[dict]] = defaultdict(list)
    for page in truth:
        if page["role"] in ("original", "reprint", "url_duplicate"):
            groups[page["story"]].append(page)
    for story, pages in groups.items():
        members = sorted({normalize_url(p["url"]) for p in pages})
        kept = [u for u in members if u in stored]
        if len(kept) != 1:
            problems.append(f"story {story}: stored {kept} of {members}")
            continue
        originals = {normalize_url(p["url"]) for p in pages if p["role"] == "original"}
        if originals and kept[0] not in originals:
            problems.append(f"story {story}: stored {kept[0]}, not the original {sorted(originals)}")
        for url in members:
            if url == kept[0] or url == normalize_url(stored[kept[0]]["canonical_url"]):
                continue
            if url not in dropped:
                problems.append(f"story {story}: copy {url} not recorded")
            elif dropped[url]["duplicate_of"] != stored[kept[0]]["id"]:
                problems.append(f"story {story}: {url} recorded as a copy of {dropped[url]['duplicate_of']}")
    for page in truth:
        if page["expect"] == "store" and normalize_url(page["url"]) not in stored:
            problems.append(f"not stored: {page['url']}")
    return problems + score_problems(articles, duplicates)


def score_problems(articles: list[dict], duplicates: list[dict]) -> list[str]:
    """Dropped copies whose recorded scores are not those of the copy against its own
    ``duplicate_of`` article (a fresh computation from the two index entries)."""
    entries = {a["id"]: a["index_entry"] for a in articles}
    problems = []
    for row in duplicates:
        kept = entries.get(row["duplicate_of"])
        fresh = scores_between(row["index_entry"], kept) if kept and row["index_entry"] else None
        if fresh is None:
            continue
        recorded = {name: row[name] for name in fresh}
        if any(abs(recorded[name] - fresh[name]) > 1.5e-4 for name in fresh):
            problems.append(f"copy {row['url']}: scores {recorded} against {row['duplicate_of']}, fresh {fresh}")
    return problems


#: Expectations of pages that reach the pipeline and are refused by extraction: each must
#: leave a ``rejections`` row (HTTP errors and non-HTML responses never become items).
EXTRACTION_DROPS = ("drop_not_article", "drop_empty")


def rejection_problems(truth: list[dict[str, Any]], rejections: list[dict]) -> list[str]:
    """Nothing dropped only in the log: every page the ground truth expects extraction to
    refuse has a ``rejections`` row with a reason and non-empty JSON evidence, and no page
    the ground truth expects to be stored (or recorded as a duplicate) was rejected."""
    problems: list[str] = []
    by_url: dict[str, list[dict]] = defaultdict(list)
    for row in rejections:
        by_url[normalize_url(row["url"])].append(row)
    for page in truth:
        rows = by_url.get(normalize_url(page["url"]), [])
        if page["expect"] in EXTRACTION_DROPS:
            if not rows:
                problems.append(f"no rejection recorded ({page['expect']}): {page['url']}")
                continue
            for row in rows:
                if not row["reason"]:
                    problems.append(f"rejection without a reason: {page['url']}")
                try:
                    evidence = json.loads(row["evidence"] or "{}")
                except ValueError:
                    evidence = None
                if not isinstance(evidence, dict) or not evidence:
                    problems.append(f"rejection without evidence ({row['reason']}): {page['url']}")
        elif page["expect"].startswith("store") and rows:
            reasons = sorted({row["reason"] for row in rows})
            problems.append(f"rejected {reasons} but expected {page['expect']} "
                            f"({page['layout']}, {page['lang']}): {page['url']}")
    return problems
