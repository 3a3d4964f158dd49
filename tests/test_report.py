"""``scrapy report`` on a real demo crawl (SQLite + Redis): JSON valid against the schema, every
dropped copy under its kept article with its scores, filters, CSV, HTML escaping, and the
``scrapy demo`` report path; the default scope of the last REPORT_DAYS days, newest first, the
site health panel before the clusters, whole-number count axes and typography-blind diffs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import create_engine, text

from crawler.items import Article
from crawler.report.data import (
    DROP_LABELS,
    ReportQuery,
    Thresholds,
    build_report,
    diff_segments,
    parse_since,
    run_counts,
)
from crawler.report.health import site_health
from crawler.report.render import SCHEMA_PATH, render
from crawler.urls import normalize_url
from demo.publishers import PUBLISHERS
from pipelines.dedup.engine import Decision
from pipelines.storage.store import open_store
from tests.crawl import scrapy
from tests.test_storage_postgres import new_store

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def report(demo: dict, *args: str) -> str:
    """stdout of ``scrapy report ARGS`` against the demo crawl's database."""
    proc = scrapy(["report", *args], demo["tmp"], demo["settings"])
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc.stdout


def validate(model: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(model)


def rows(db_url: str, table: str) -> list[dict]:
    with create_engine(db_url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(f"select * from {table}"))]  # noqa: S608 (fixed names)


@pytest.fixture(scope="module")
def json_report(demo_crawl: dict) -> dict:
    return json.loads(report(demo_crawl, "--format", "json"))


def test_json_validates_against_schema(json_report: dict) -> None:
    validate(json_report)
    assert json_report["schema"] == "newsdedup-report/2"
    assert len(json_report["runs"]) == len(PUBLISHERS)  # one run per demo spider
    assert {r["finish_reason"] for r in json_report["runs"]} == {"finished"}
    assert json_report["query"]["days"] == 7  # REPORT_DAYS: the default scope
    assert [r["id"] for r in json_report["runs"]] == sorted((r["id"] for r in json_report["runs"]), reverse=True)


def test_health_panel_sums_each_sites_runs(json_report: dict) -> None:
    health = {h["site"]: h for h in json_report["health"]}
    assert set(health) == {r["spider"] for r in json_report["runs"]}
    for run in json_report["runs"]:
        h = health[run["spider"]]
        assert (h["runs"], h["responses"], h["stored"], h["last_run_id"]) == (1, run["fetched"], run["stored"],
                                                                              run["id"])
        assert h["errors"] == sum(run["errors"].values())
        assert h["dropped"] + h["rejected"] == sum(run["dropped"].values())
        assert h["healthy"] == (run["finish_reason"] == "finished" and "failed" not in run["monitors"].values())
    assert sum(h["rejected"] for h in health.values()) > 0 and sum(h["dropped"] for h in health.values()) > 0


def test_every_dropped_copy_is_under_its_kept_article_with_scores(demo_crawl: dict, json_report: dict) -> None:
    duplicates = rows(demo_crawl["db_url"], "duplicates")
    stored = {a["id"]: a for a in rows(demo_crawl["db_url"], "articles")}
    assert len(duplicates) >= 10
    clusters = {c["kept"]["id"]: c for c in json_report["clusters"]}
    assert len(clusters) == len({d["duplicate_of"] for d in duplicates}) == json_report["totals"]["clusters"]
    for dup in duplicates:
        cluster = clusters[dup["duplicate_of"]]
        assert cluster["kept"]["title"] == stored[dup["duplicate_of"]]["title"]
        copy = {c["article_id"]: c for c in cluster["copies"]}[dup["article_id"]]
        assert (copy["site"], copy["url"], copy["method"]) == (dup["site"], dup["url"], dup["method"])
        assert copy["jaccard"] == pytest.approx(dup["jaccard"], abs=1e-4)
        assert copy["contained"] == pytest.approx(dup["contained"], abs=1e-4)
        assert copy["run_id"] is not None
        if dup["method"] in ("near", "containment"):
            assert copy["score"] is not None and copy["score"] > 0
        assert any(seg["op"] == "equal" for seg in copy["diff"])
        assert "".join(s["copy"] for s in copy["diff"]).split() == dup["text"].split()[:4000]
    # every reprint of the network's ground truth that was dropped is in the report
    copy_urls = {c["url"] for cl in json_report["clusters"] for c in cl["copies"]}
    reprints = [p for p in demo_crawl["truth"] if p["role"] == "reprint"]
    dropped_urls = {d["url"] for d in duplicates}
    assert reprints and all(p["url"] in copy_urls for p in reprints if p["url"] in dropped_urls)


def test_counts_borderline_and_reprints(json_report: dict) -> None:
    totals = {k: sum(r[k] for r in json_report["runs"]) for k in ("fetched", "extracted", "stored")}
    assert totals["fetched"] > totals["extracted"] > totals["stored"] > 0
    dropped = {k for r in json_report["runs"] for k in r["dropped"]}
    assert {"near", "not_an_article", "no_text"} <= dropped
    assert any(k.startswith("http") for s in json_report["sites"] for k in s["errors"])
    margin = json_report["thresholds"]["borderline_margin"]
    distances = [b["distance"] for b in json_report["borderline"]]
    assert distances == sorted(distances) and all(d < margin for d in distances)
    assert len(distances) == json_report["totals"]["borderline"]
    counts = [p["count"] for p in json_report["reprints"]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == json_report["totals"]["dropped_copies"]


def test_filters_and_csv(demo_crawl: dict, json_report: dict) -> None:
    last = json.loads(report(demo_crawl, "--format", "json", "--run", "last"))
    assert len(last["runs"]) == len(PUBLISHERS)
    assert last["totals"]["dropped_copies"] == json_report["totals"]["dropped_copies"]
    one = json.loads(report(demo_crawl, "--format", "json", "--run", str(last["runs"][0]["id"])))
    assert len(one["runs"]) == 1
    assert all(c["run_id"] == one["runs"][0]["id"] for cl in one["clusters"] for c in cl["copies"])
    site = json.loads(report(demo_crawl, "--format", "json", "--site", "harbor_gazette"))
    validate(site)
    assert site["clusters"] and all(
        "harbor_gazette" in {cl["kept"]["site"], c["site"]} for cl in site["clusters"] for c in cl["copies"]
    )
    future = json.loads(report(demo_crawl, "--format", "json", "--since", "2999-01-01"))
    assert future["runs"] == [] and future["clusters"] == []
    table = list(csv.DictReader(io.StringIO(report(demo_crawl, "--format", "csv"))))
    assert len(table) == json_report["totals"]["dropped_copies"]


def test_kept_articles_carry_their_metadata_in_json_and_csv(demo_crawl: dict, json_report: dict) -> None:
    """The kept article of each cluster: image, description, tags, section and free access as the
    demo's ground truth states them, its language and word count as stored; the CSV repeats them."""
    truth = {normalize_url(t["url"]): t for t in demo_crawl["truth"]}
    stored = {a["id"]: a for a in rows(demo_crawl["db_url"], "articles")}
    kept = [cl["kept"] for cl in json_report["clusters"]]
    assert kept
    for entry in kept:
        page = truth[normalize_url(entry["url"])]
        assert {k: entry[k] for k in ("image", "description", "tags", "section", "free_access")} == \
            {k: page[k] for k in ("image", "description", "tags", "section", "free_access")}
        assert entry["language"] == page["lang"]
        assert entry["word_count"] == stored[entry["id"]]["word_count"] > 50
    table = list(csv.DictReader(io.StringIO(report(demo_crawl, "--format", "csv"))))
    by_kept = {k["id"]: k for k in kept}
    for row in table:
        entry = by_kept[row["kept_id"]]
        assert (row["kept_image"], row["kept_section"], row["kept_tags"], row["kept_word_count"]) == \
            (entry["image"], entry["section"], "; ".join(entry["tags"]), str(entry["word_count"]))


def test_html_default_path_and_demo_prints_report(demo_crawl: dict) -> None:
    out = report(demo_crawl)
    path = Path(out.strip().rsplit(" ", 1)[-1])
    assert path.parent == demo_crawl["tmp"] / "data" / "reports" and path.suffix == ".html"
    html = path.read_text(encoding="utf-8")
    assert 'class="cluster"' in html and "data:image/svg+xml;base64," in html
    # the health panel comes before the clusters; the long run table after them
    assert html.index('id="health"') < html.index('id="borderline"') < html.index('id="clusters"') \
        < html.index('id="runs"')
    assert html.count('class="site-health') == len(PUBLISHERS)
    assert "http://" not in html.split("<body>")[0]  # nothing fetched from the network: inline CSS only
    line = [x for x in demo_crawl["stdout"].splitlines() if x.startswith("Dedup report:")]
    assert line and Path(line[0].split(":", 1)[1].strip()).is_file()


def xss_database(tmp: Path) -> str:
    """An SQLite file holding one kept article and one dropped copy with ``<script>`` in title and text."""
    db_url = f"sqlite:///{tmp / 'xss.sqlite3'}"
    store = new_store(db_url)
    words = " ".join(f"word{i}" for i in range(80))
    kept = Article(id="a" * 16, url="https://example.com/kept", final_url="https://example.com/kept",
                   canonical_url="https://example.com/kept", site="evil_site", fetched_at="2026-01-01T00:00:00Z",
                   title=f"Kept {XSS}", text=f"{words} {XSS} kept only")
    copy = Article(id="b" * 16, url="javascript:alert(1)", final_url="javascript:alert(1)",
                   canonical_url="javascript:alert(1)", site="copy_site", fetched_at="2026-01-01T00:00:00Z",
                   title=f"Copy {XSS}", text=f"{words} {XSS} copy only <img src=x onerror=alert(2)>")
    near = Decision("duplicate", "near", kept.id, scores={"jaccard": 0.55, "contained": 0.7, "contains": 0.7})
    assert store.add_article(kept) and store.add_duplicate(copy, near)
    store.add_review("distinct", kept.id, copy.id, note=XSS)
    return db_url


def xss_html(tmp: Path) -> str:
    store = open_store(xss_database(tmp))
    return render(build_report(store, ReportQuery(), Thresholds()), "html")


def test_script_in_title_and_text_renders_as_text(tmp_path: Path) -> None:
    html = xss_html(tmp_path)
    assert XSS not in html and "<script" not in html.lower()
    assert "<img src=x" not in html and 'href="javascript:' not in html
    assert f"Kept {XSS_ESCAPED}" in html and f"Copy {XSS_ESCAPED}" in html
    assert html.count(XSS_ESCAPED) >= 5  # titles, diff columns, borderline queue, review note


def aged_database(tmp: Path) -> str:
    """Runs of one site 2, 10 and 40 days old (the oldest failed), with a drop each, in an SQLite file."""
    db_url = f"sqlite:///{tmp / 'aged.sqlite3'}"
    store = new_store(db_url)
    now = datetime.now(UTC)
    words = " ".join(f"story{i}" for i in range(80))
    kept = Article(id="c" * 16, url="https://example.com/kept", final_url="https://example.com/kept",
                   canonical_url="https://example.com/kept", site="old_site", fetched_at="2026-01-01T00:00:00Z",
                   title="Kept", text=words)
    assert store.add_article(kept)
    exact = Decision("duplicate", "exact", kept.id, scores={"jaccard": 1.0, "contained": 1.0, "contains": 1.0})

    for n, age in enumerate((40, 10, 2)):
        started = now - timedelta(days=age)
        run_id = store.start_run("old_site", started, session=f"s{n}")
        stats = {"downloader/response_count": 10, "storage/articles": 1,
                 "item_dropped_reasons_count/ExactDuplicate": 1, "item_dropped_reasons_count/NoArticleText": 2,
                 "monitors/new_articles": "failed" if age == 40 else "ok"}
        store.finish_run(run_id, started + timedelta(minutes=5), "finished" if age != 40 else "shutdown", stats)
        copy = Article(id=f"{n:016x}", url=f"https://copy.example/{n}", final_url=f"https://copy.example/{n}",
                       canonical_url=f"https://copy.example/{n}", site="old_site",
                       fetched_at="2026-01-01T00:00:00Z", title=f"Copy {n}", text=words)
        assert store.add_duplicate(copy, exact, run_id=run_id)
        with store.engine.begin() as conn:
            conn.execute(text("update duplicates set dropped_at = :at where article_id = :id"),
                         {"at": started.replace(tzinfo=None), "id": copy.id})
    return db_url


def test_default_scope_is_the_last_report_days_newest_first(tmp_path: Path) -> None:
    store = open_store(aged_database(tmp_path))
    week = build_report(store, ReportQuery(), Thresholds(), default_days=7)
    validate(week)
    assert [r["id"] for r in week["runs"]] == [3] and week["query"]["days"] == 7
    assert [c["article_id"] for cl in week["clusters"] for c in cl["copies"]] == [f"{2:016x}"]
    month = build_report(store, ReportQuery(days=15), Thresholds(), default_days=7)
    assert [r["id"] for r in month["runs"]] == [3, 2]  # newest first
    assert [c["article_id"] for c in month["clusters"][0]["copies"]] == [f"{2:016x}", f"{1:016x}"]
    everything = build_report(store, ReportQuery(days=0), Thresholds(), default_days=7)
    validate(everything)
    assert [r["id"] for r in everything["runs"]] == [3, 2, 1] and everything["query"]["days"] is None
    [health] = everything["health"]
    assert (health["runs"], health["responses"], health["stored"], health["dropped"], health["rejected"]) == (
        3, 30, 3, 3, 6)
    assert health["healthy"] and health["failed_runs"] == 1 and health["failed_checks"] == {"new_articles": 1}
    assert build_report(store, ReportQuery(run="1"), Thresholds(), default_days=7)["query"]["days"] is None
    html = render(everything, "html")
    assert "the last" not in html and "every run" in html
    assert "scrapy report --all" in render(week, "html")


def test_count_axes_have_whole_number_ticks(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    from crawler.report import plots

    created = []
    real_subplots = plt.subplots

    def keep(*args: object, **kwargs: object) -> object:
        fig, axes = real_subplots(*args, **kwargs)
        created.append(fig)
        return fig, axes

    plt.subplots = keep
    try:
        copies = [{"method": "near", "score": 0.6}, {"method": "containment", "score": 0.7}]
        plots.score_histogram(copies, 0.5, 0.65)
        plots.drops_per_site([{"site": "a", "dropped": {"near": 1}}, {"site": "b", "dropped": {"url": 2}}])
    finally:
        plt.subplots = real_subplots
    assert len(created) == 2
    for fig in created:
        ticks = [t for ax in fig.axes for t in ax.get_yticks() if ax.get_ylabel()]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks


def test_diff_ignores_typography() -> None:
    copy = "\u201cWe\u2019ll see\u201d \u2014 she said\u2026 in 2020\u20132021"
    kept = '"We\'ll see" -- she said... in 2020-2021'
    segs = diff_segments(copy, kept)
    assert [s["op"] for s in segs] == ["equal"]
    assert (segs[0]["copy"], segs[0]["kept"]) == (copy, kept)  # each side keeps its own characters
    assert [s["op"] for s in diff_segments("\u201cWe\u2019ll go\u201d", '"We\'ll stay"')] == ["equal", "replace"]


def test_diff_and_since_units() -> None:
    segs = diff_segments("The cat sat on the mat today", "the cat sat  on the red mat")
    assert [(s["op"], s["copy"].strip(), s["kept"].strip()) for s in segs] == [
        ("equal", "The cat sat on the", "the cat sat  on the"), ("insert", "", "red"), ("equal", "mat", "mat"),
        ("delete", "today", ""),
    ]
    assert "".join(s["copy"] for s in segs) == "The cat sat on the mat today"
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert parse_since("36h", now) == datetime(2026, 11, 25, 0, tzinfo=UTC)
    assert parse_since("2026-11-20", now) == datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_since("2026-11-20T10:00+02:00", now) == datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_report_on_a_database_without_tables_is_one_line(tmp_path: Path) -> None:
    """A reader creates nothing: ``scrapy report`` on a database no crawl made says so in one
    line (exit 2, no traceback) and leaves it without tables."""
    db_url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    proc = scrapy(["report", "--format", "json", "-o", "-"], tmp_path, {"DATABASE_URL": db_url})
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("report: database sqlite:///"), proc.stderr[-2000:]
    assert "no newsdedup tables" in lines[0] and "Traceback" not in proc.stderr
    assert create_engine(db_url).connect().execute(text("select count(*) from sqlite_master")).scalar() == 0


def test_drop_reasons_count_under_the_kinds_the_schema_lists() -> None:
    """Each drop reason counts under its class's kind (an undeclared one, or one without a kind of
    its own, as other); the kinds are the schema's; the health panel splits them into dedup drops
    and refusals."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert set(DROP_LABELS) == set(schema["$defs"]["drop_counts"]["propertyNames"]["enum"])
    drops = {"NearDuplicate": 2, "AlreadyDropped": 1, "AlreadyStored": 1, "TextTooLong": 1, "RedisUnavailable": 1,
             "NoArticleText": 3, "PaywallTeaser": 1}
    stats = {f"item_dropped_reasons_count/{reason}": n for reason, n in drops.items()}
    counts = run_counts({**stats, "storage/late_merges": 2})
    assert counts["dropped"] == {"already_dropped": 1, "already_stored": 1, "merged": 2, "near": 2, "no_text": 3,
                                 "other": 2, "paywall": 1}
    run = {"id": 1, "spider": "s", "started_at": None, "finish_reason": "finished", "monitors": {}, **counts}
    [health] = site_health([run])
    assert (health["dropped"], health["rejected"]) == (6, 6)
