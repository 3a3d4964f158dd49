"""The report model: a plain dict (JSON-ready) built from storage with SQLAlchemy Core.

Scope: the runs, drops, refusals and reviews of the last ``REPORT_DAYS`` days unless the query
names a run, a start time or ``days`` (0: everything). Lists in time order are newest first.

Sections: ``health`` (per site: its runs, responses, errors, stored, dropped and refused pages,
whether its latest run was healthy: ``crawler.report.health``), ``runs`` and ``sites`` (counts
from each run's final Scrapy stats), ``clusters`` (each kept article with its dropped copies,
their scores and a word diff that ignores typography), ``borderline``
(drops whose deciding score is within a margin above its threshold, closest first),
``reprints`` (site pairs by count), ``reviews`` (the review audit trail) and ``rejections``
(pages refused before dedup, per site and reason, with evidence: ``crawler.report.rejections``).
The shape is documented in ``schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from crawler.report.diff import diff_segments
from crawler.report.health import site_health
from crawler.runstats import DROP_PREFIX
from pipelines.drops import LATE_MERGE, ContainedDuplicate, NearDuplicate, kind_labels, kind_of
from settings import base as defaults

if TYPE_CHECKING:  # SQLAlchemy is imported when a report is built, not with the commands
    from pipelines.storage.store import Store

SCHEMA_ID = "newsdedup-report/2"

# report count -> label: the drop kinds of ``pipelines.drops`` (late merges and ``other`` included)
DROP_LABELS: dict[str, str] = kind_labels()
KEPT_COLUMNS = ("id", "site", "title", "url", "text", "stored_at", "run_id", "dedup_method",  # what a cluster shows
                "language", "image", "description", "tags", "section", "free_access", "word_count")
# The kept article's metadata in a report (added to report/2: NULL for rows stored before it was kept).
KEPT_METADATA = ("language", "image", "description", "tags", "section", "free_access", "word_count")


@dataclass(frozen=True)
class ReportQuery:
    """Which part of storage a report covers; every field optional."""

    run: str | None = None  # a runs.id, or "last" (every run of the latest session)
    since: datetime | None = None  # runs started / copies dropped / reviews at or after this (UTC)
    site: str | None = None  # only this site (as the copy's or the kept article's site)
    days: float | None = None  # only the last this many days (0: everything; None: REPORT_DAYS applies)

    def scoped(self, default_days: float, now: datetime | None = None) -> ReportQuery:
        """This query with its time window settled: ``since`` = now - ``days`` (``default_days``
        when unset) unless it names a run or a start time; ``days`` is then the window applied
        (None when the query is not limited to recent days)."""
        if self.run or self.since:
            return dataclasses.replace(self, days=None)
        days = default_days if self.days is None else self.days
        if days <= 0:
            return dataclasses.replace(self, days=None)
        return dataclasses.replace(self, since=(now or datetime.now(UTC)) - timedelta(days=days), days=days)


@dataclass(frozen=True)
class Thresholds:
    """The dedup thresholds the borderline queue is measured against (defaults: ``settings.base``)."""

    jaccard: float = defaults.DEDUP_JACCARD_THRESHOLD
    containment: float = defaults.DEDUP_CONTAINMENT_THRESHOLD
    margin: float = defaults.REPORT_BORDERLINE_MARGIN

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        return cls(
            settings.getfloat("DEDUP_JACCARD_THRESHOLD"),
            settings.getfloat("DEDUP_CONTAINMENT_THRESHOLD"),
            settings.getfloat("REPORT_BORDERLINE_MARGIN"),
        )


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``2026-11-20``, ``2026-11-20T08:00``, ``…+01:00`` or relative ``36h`` / ``7d`` / ``90m`` -> aware UTC."""
    now = now or datetime.now(UTC)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", value)
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
        return now - timedelta(**{unit: float(match.group(1))})
    parsed = datetime.fromisoformat(value.strip())
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _utc(value: Any) -> datetime | None:
    """A stored timestamp as aware UTC (SQLite hands back naive UTC datetimes or strings)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: Any) -> str | None:
    moment = _utc(value)
    return moment.isoformat(timespec="seconds") if moment else None


# --- runs and sites --------------------------------------------------------------------------------------


def run_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """fetched / extracted / stored / dropped by kind (``pipelines.drops``) / errors of one run's final stats.

    ``download`` errors are the requests that ended without a response (``health/download_errors``,
    ``crawler.health``); an ``IgnoreRequest`` — above all the seen-filter's skip of a page already
    stored — is never one. Runs recorded before those counts existed: Scrapy's exception count
    minus its ``IgnoreRequest``s (retried attempts included)."""
    dropped: Counter[str] = Counter()
    for key, value in stats.items():
        if key.startswith(DROP_PREFIX) and isinstance(value, int):
            dropped[kind_of(key[len(DROP_PREFIX):])] += value
    if stats.get("storage/late_merges"):
        dropped[LATE_MERGE] += int(stats["storage/late_merges"])
    errors: Counter[str] = Counter()
    counted_by_health = any(key.startswith("health/") for key in stats)
    ignored = int(stats.get("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest", 0))  # decisions
    for key, value in stats.items():
        if not isinstance(value, int):
            continue
        if key.startswith("httperror/response_ignored_status_count/"):
            errors[f"http{key.rsplit('/', 1)[-1]}"] += value
        elif key == "page/not_html":
            errors["not_html"] += value
        elif key == "health/download_errors":
            errors["download"] += value
        elif key == "downloader/exception_count" and not counted_by_health:
            errors["download"] += value - ignored
        elif key == "health/item_errors":
            errors["item"] += value
        elif key.startswith("spider_exceptions/") or key == "dedup/redis_unavailable":
            errors[key.split("/", 1)[0]] += value
    errors = +errors  # a count of 0 (every exception a seen-skip) is no error
    return {
        "fetched": int(stats.get("downloader/response_count", 0)),
        "extracted": int(stats.get("extract/articles", 0)),
        "stored": int(stats.get("storage/articles", 0)),
        "dropped": dict(sorted(dropped.items())),
        "errors": dict(sorted(errors.items())),
    }


def select_runs(store: Store, query: ReportQuery) -> list[dict[str, Any]]:
    """The runs rows a query covers (all runs when it names none), newest first."""
    from sqlalchemy import select

    from pipelines.storage.models import runs

    stmt = select(runs).order_by(runs.c.id.desc())
    if query.run == "last":
        latest = select(runs.c.session).order_by(runs.c.id.desc()).limit(1).scalar_subquery()
        stmt = stmt.where(runs.c.session == latest)
    elif query.run:
        stmt = stmt.where(runs.c.id == int(query.run))
    if query.since:
        stmt = stmt.where(runs.c.started_at >= query.since.astimezone(UTC).replace(tzinfo=None))
    if query.site:
        stmt = stmt.where(runs.c.spider == query.site)
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


def _run_entry(row: dict[str, Any]) -> dict[str, Any]:
    try:
        stats = json.loads(row["stats"] or "{}")
    except ValueError:
        stats = {}
    return {
        "id": row["id"], "spider": row["spider"], "session": row["session"],
        "started_at": _iso(row["started_at"]), "finished_at": _iso(row["finished_at"]),
        "finish_reason": row["finish_reason"], **run_counts(stats),
        # Spidermon run-health checks (crawler/monitors.py): name -> ok | failed
        "monitors": {k.split("/", 1)[1]: v for k, v in sorted(stats.items())
                     if k.startswith("monitors/") and k != "monitors/failed"},
    }


def site_totals(run_entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per site (spider): the counts of its runs summed."""
    sites: dict[str, dict[str, Any]] = {}
    for run in run_entries:
        site = sites.setdefault(
            run["spider"], {"site": run["spider"], "runs": 0, "fetched": 0, "extracted": 0, "stored": 0,
                            "dropped": Counter(), "errors": Counter()}
        )
        site["runs"] += 1
        for key in ("fetched", "extracted", "stored"):
            site[key] += run[key]
        site["dropped"].update(run["dropped"])
        site["errors"].update(run["errors"])
    return [
        {**s, "dropped": dict(sorted(s["dropped"].items())), "errors": dict(sorted(s["errors"].items()))}
        for _, s in sorted(sites.items())
    ]


# --- clusters, borderline queue, reprints ----------------------------------------------------------------


def deciding_score(row: dict[str, Any], thresholds: Thresholds) -> tuple[float | None, float | None]:
    """(score, threshold) that decided a near or containment drop, as recorded when it was decided
    (rows of earlier releases: derived from the stored scores and today's thresholds); else None."""
    if row["method"] not in (NearDuplicate.method, ContainedDuplicate.method):
        return None, None
    if row.get("decided_score") is not None and row.get("decided_threshold") is not None:
        return row["decided_score"], row["decided_threshold"]
    if row["method"] == NearDuplicate.method:
        return row["jaccard"], thresholds.jaccard
    if row["method"] == ContainedDuplicate.method:
        score = row["contains"] if row["relation"] == "kept_is_shorter" else row["contained"]
        return score, thresholds.containment
    return None, None


def _article_ref(row: dict[str, Any] | None, article_id: str) -> dict[str, Any]:
    """The kept article of a cluster; its metadata (``KEPT_METADATA``) null when not stored."""
    if row is None:
        return {"id": article_id, "site": "", "title": "", "url": "", "stored_at": None, "run_id": None,
                "dedup_method": "", "missing": True, **dict.fromkeys(KEPT_METADATA)}
    metadata = {name: row.get(name) for name in KEPT_METADATA}
    metadata["tags"] = json.loads(row["tags"]) if row.get("tags") else None
    metadata["free_access"] = None if row.get("free_access") is None else bool(row["free_access"])
    return {"id": row["id"], "site": row["site"], "title": row["title"], "url": row["url"],
            "stored_at": _iso(row["stored_at"]), "run_id": row["run_id"], "dedup_method": row["dedup_method"],
            "missing": False, **metadata}


def select_duplicates(store: Store, query: ReportQuery, run_ids: list[int] | None) -> list[dict[str, Any]]:
    """Dropped copies the query covers, each with its kept article's row (``kept``, None if gone)."""
    from sqlalchemy import select

    from pipelines.storage.models import articles, duplicates

    stmt = select(duplicates).order_by(duplicates.c.duplicate_of, duplicates.c.id)
    if run_ids is not None:
        stmt = stmt.where(duplicates.c.run_id.in_(run_ids))
    if query.since:
        stmt = stmt.where(duplicates.c.dropped_at >= query.since.astimezone(UTC).replace(tzinfo=None))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        kept_ids = sorted({r["duplicate_of"] for r in rows})
        columns = [articles.c[name] for name in KEPT_COLUMNS]
        kept = {r.id: dict(r._mapping) for r in conn.execute(select(*columns).where(articles.c.id.in_(kept_ids)))}
    for row in rows:
        row["kept"] = kept.get(row["duplicate_of"])
    if query.site:
        rows = [r for r in rows if query.site in (r["site"], (r["kept"] or {}).get("site"))]
    return rows


def _copy_entry(row: dict[str, Any], thresholds: Thresholds) -> dict[str, Any]:
    score, threshold = deciding_score(row, thresholds)
    borderline = score is not None and threshold is not None and score < threshold + thresholds.margin
    kept_text = (row["kept"] or {}).get("text", "")
    return {
        "id": row["id"], "article_id": row["article_id"], "site": row["site"], "title": row["title"],
        "url": row["url"], "method": row["method"], "relation": row["relation"],
        "jaccard": round(row["jaccard"], 4), "contained": round(row["contained"], 4),
        "contains": round(row["contains"], 4),
        "score": round(score, 4) if score is not None else None, "threshold": threshold, "borderline": borderline,
        "decided_against": row.get("decided_against"), "superseded_by": row.get("superseded_by"),
        "why": row["relation"].removeprefix("superseded_") if row.get("superseded_by") else "",
        "dropped_at": _iso(row["dropped_at"]), "run_id": row["run_id"],
        "words": len(row["text"].split()), "kept_words": len(kept_text.split()),
        "diff": diff_segments(row["text"], kept_text),
    }


def build_clusters(rows: list[dict[str, Any]], thresholds: Thresholds) -> list[dict[str, Any]]:
    """Each kept article with its dropped copies (newest first): the cluster with the newest drop
    first, larger ones first among drops of the same second."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["duplicate_of"]].append(row)
    clusters = []
    for kept_id, copies in grouped.items():
        entries = sorted((_copy_entry(r, thresholds) for r in copies), key=lambda c: (c["dropped_at"] or "", c["id"]),
                         reverse=True)
        clusters.append({"kept": _article_ref(copies[0]["kept"], kept_id), "copies": entries})
    clusters.sort(key=lambda c: (c["kept"]["site"], c["kept"]["title"], c["kept"]["id"]))
    clusters.sort(key=lambda c: (c["copies"][0]["dropped_at"] or "", len(c["copies"])), reverse=True)
    return clusters


def borderline_queue(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Borderline drops, closest to their threshold first (a partial-containment drop below it comes first)."""
    queue = [
        {"copy_id": c["article_id"], "copy_site": c["site"], "copy_title": c["title"], "kept_id": cl["kept"]["id"],
         "kept_site": cl["kept"]["site"], "kept_title": cl["kept"]["title"], "method": c["method"],
         "score": c["score"], "threshold": c["threshold"], "distance": round(c["score"] - c["threshold"], 4)}
        for cl in clusters for c in cl["copies"] if c["borderline"]
    ]
    return sorted(queue, key=lambda q: (q["distance"], q["copy_id"]))


def reprint_pairs(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who reprints whom: (copy site, kept site) pairs ranked by the number of dropped copies; the
    kept site is the story's stored member (its best copy), not the first to arrive."""
    pairs = Counter((c["site"], cl["kept"]["site"]) for cl in clusters for c in cl["copies"])
    ranked = sorted(pairs.items(), key=lambda p: (-p[1], p[0]))
    return [{"copy_site": a, "kept_site": b, "count": n} for (a, b), n in ranked]


def review_entries(store: Store, query: ReportQuery) -> list[dict[str, Any]]:
    """The review audit trail (restore / distinct / accept / reextract), newest first, with the titles
    of the articles named."""
    from sqlalchemy import select

    from pipelines.storage.models import articles, duplicates, reviews

    stmt = select(reviews).order_by(reviews.c.id.desc())
    if query.since:
        stmt = stmt.where(reviews.c.at >= query.since.astimezone(UTC).replace(tzinfo=None))
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(stmt)]
        ids = sorted({r["a"] for r in rows} | {r["b"] for r in rows if r["b"]})
        titles = {r.id: (r.site, r.title) for r in conn.execute(
            select(articles.c.id, articles.c.site, articles.c.title).where(articles.c.id.in_(ids)))}
        titles.update({r.article_id: (r.site, r.title) for r in conn.execute(
            select(duplicates.c.article_id, duplicates.c.site, duplicates.c.title)
            .where(duplicates.c.article_id.in_(ids)))})
    return [
        {"id": r["id"], "action": r["action"], "a": r["a"], "b": r["b"], "at": _iso(r["at"]), "note": r["note"],
         "a_title": titles.get(r["a"], ("", ""))[1], "b_title": titles.get(r["b"], ("", ""))[1]}
        for r in rows
    ]


# --- the model -----------------------------------------------------------------------------------------------


def build_report(store: Store, query: ReportQuery, thresholds: Thresholds, now: datetime | None = None,
                 default_days: float = 0.0) -> dict:
    """The whole report as a JSON-ready dict (see ``schema.json``); ``query`` scoped first
    (``ReportQuery.scoped``: ``default_days`` applies when it sets no window; 0: everything)."""
    from crawler.report.rejections import rejection_section

    now = now or datetime.now(UTC)
    query = query.scoped(default_days, now)
    run_rows = select_runs(store, query)
    run_entries = [_run_entry(r) for r in run_rows]
    run_ids = [r["id"] for r in run_rows] if query.run else None
    clusters = build_clusters(select_duplicates(store, query, run_ids), thresholds)
    copies = [c for cl in clusters for c in cl["copies"]]
    return {
        "schema": SCHEMA_ID,
        "generated_at": now.isoformat(timespec="seconds"),
        "query": {"run": query.run, "since": query.since.isoformat(timespec="seconds") if query.since else None,
                  "site": query.site, "days": query.days},
        "thresholds": {"jaccard": thresholds.jaccard, "containment": thresholds.containment,
                       "borderline_margin": thresholds.margin},
        "totals": {
            "runs": len(run_entries), "clusters": len(clusters), "dropped_copies": len(copies),
            "borderline": sum(c["borderline"] for c in copies),
            "by_method": dict(sorted(Counter(c["method"] for c in copies).items())),
        },
        "health": site_health(run_entries),
        "runs": run_entries,
        "sites": site_totals(run_entries),
        "borderline": borderline_queue(clusters),
        "clusters": clusters,
        "reprints": reprint_pairs(clusters),
        "reviews": review_entries(store, query),
        "rejections": rejection_section(store, query.since, query.site, run_ids),
    }
