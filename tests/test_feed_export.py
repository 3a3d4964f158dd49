"""Scrapy's own ``FEEDS`` on a real crawl of the demo network: the JSONL and CSV files hold exactly the
articles storage kept during the run (dropped copies and refused pages never reach a feed), with the
``FEED_EXPORT_FIELDS`` of ``settings/base.py`` (no internal dedup record, no html), and read back
equal to the stored rows."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import redis
from sqlalchemy import create_engine, select

from crawler.items import Article
from pipelines.storage.models import articles, duplicates
from settings.base import FEED_EXPORT_FIELDS
from tests.conftest import demo_network_settings
from tests.crawl import scrapy


def test_feeds_of_a_demo_crawl_hold_the_stored_articles(tmp_path: Path, redis_client: redis.Redis) -> None:
    feeds = {str(tmp_path / "feeds" / "kept-%(name)s.jsonl"): {"format": "jsonlines"},
             str(tmp_path / "feeds" / "kept-%(name)s.csv"): {"format": "csv"}}
    with demo_network_settings(tmp_path / "demo.sqlite3", redis_client) as (_, settings):
        proc = scrapy(["demo"], tmp_path, {**settings, "FEEDS": feeds})
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    engine = create_engine(settings["DATABASE_URL"])
    with engine.connect() as conn:
        stored = {r["id"]: dict(r) for r in conn.execute(select(articles)).mappings()}
        copies = {r["article_id"]: dict(r) for r in conn.execute(select(duplicates)).mappings()}
    engine.dispose()
    # an article stored and then replaced in the same run by a better copy (or merged into another
    # story) was in the feed when it was stored: it is now a copy that was once kept
    once_kept = {i for i, r in copies.items() if r["superseded_by"] or r["relation"] == "late_merge"}
    jsonl = [json.loads(line) for path in sorted((tmp_path / "feeds").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    rows = []
    for path in sorted((tmp_path / "feeds").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += list(csv.DictReader(fh))
    assert len(stored) >= 10 and set(copies) - once_kept  # the crawl dropped copies: none is in a feed
    for exported in (jsonl, rows):
        ids = [r["id"] for r in exported]
        assert len(ids) == len(set(ids))  # each article once
        assert set(ids) == set(stored) | once_kept  # every kept article, no dropped copy
        assert all(list(r) == FEED_EXPORT_FIELDS for r in exported)
    assert "dedup" not in FEED_EXPORT_FIELDS and "html" not in FEED_EXPORT_FIELDS
    by_id = {r["id"]: r for r in jsonl}
    by_id_csv = {r["id"]: r for r in rows}
    for article_id, row in stored.items():
        for field in ("url", "site", "title", "text", "published", "language", "canonical_url"):
            assert by_id[article_id][field] == row[field], (article_id, field)
            assert by_id_csv[article_id][field] == row[field], (article_id, field)
        assert by_id[article_id]["authors"] == json.loads(row["authors"])
        assert "<p>" not in by_id[article_id]["text"] and "</" not in by_id[article_id]["text"]


def test_feed_fields_are_every_article_field_but_the_dedup_record() -> None:
    assert FEED_EXPORT_FIELDS == [f.name for f in dataclasses.fields(Article) if f.name != "dedup"]
