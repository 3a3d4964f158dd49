"""Per-site health from each site's own events, the run summary and the exit codes of the crawling
commands: a broken site is named alone, every time; seen-skips are never errors."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from crawler.health import assess, error_count
from crawler.report.data import run_counts
from crawler.summary import EXIT_CONFIG, EXIT_LOCKED, EXIT_OK, EXIT_UNHEALTHY, RunSummary, read_summaries
from pipelines.storage.store import open_store
from tests.crawl import ROOT, scrapy, scrapy_cmd, scrapy_env
from tests.httpserver import RouteServer
from tests.redisproc import free_port

RUNS = 5
SETTINGS = Settings({"CRAWLALL_MAX_ERROR_RATE": 0.2, "HEALTH_MIN_REQUESTS": 10})
SEEN_SKIPS = {"downloader/exception_count": 18, "incremental/skipped_seen": 18,
              "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 18}


def finished(**counts: Any) -> dict[str, Any]:
    return {"finish_reason": "finished", **{k.replace("__", "/"): v for k, v in counts.items()}}


# --- the rules, on final stats ---------------------------------------------------------------------------

def test_process_wide_error_lines_and_seen_skips_are_not_a_sites_errors() -> None:
    # another site's 500s and every Spidermon FAIL line land in this crawler's log_count/ERROR
    stats = {**finished(health__responses=6, health__sources=2, health__sources_ok=2), **SEEN_SKIPS,
             "log_count/ERROR": 40}
    health = assess(stats, 0.2, 10)
    assert health.healthy and error_count(stats) == 0
    assert run_counts(stats)["errors"] == {}  # the report's errors column: no "download 18"
    old_run = {**SEEN_SKIPS, "downloader/exception_count": 20,  # recorded before health/* existed
               "downloader/exception_type_count/twisted.internet.error.ConnectionRefusedError": 2}
    assert run_counts(old_run)["errors"] == {"download": 2}


def test_each_rule_names_its_reason() -> None:
    usual = finished(health__responses=25, health__http_errors=1, health__http_error__500=1,
                     health__sources=3, health__sources_ok=3)
    assert assess(usual, 0.2, 10).healthy  # the demo's one 500 page
    failing = finished(health__responses=20, health__http_errors=19, health__http_error__500=19,
                       health__sources=2, health__sources_ok=2)
    assert assess(failing, 0.2, 10).reasons == ["19 errors in 20 requests, over 20% (http500=19)"]
    refused = finished(health__download_errors=3, health__download_error__ConnectionRefusedError=3,
                       health__sources=2)
    assert assess(refused, 0.2, 10).reasons == ["every request failed: 3 of 3 (download:ConnectionRefusedError=3)"]
    gone = finished(health__responses=3, health__sources=2)  # robots.txt answered, the feeds 404
    assert assess(gone, 0.2, 10).reasons[0].startswith("no source answered: 2 feed/sitemap/section requests")
    share = finished(health__responses=1, health__http_errors=1, health__http_error__500=1)
    assert assess(share, 0.2, 10).healthy  # a worker's share: one article page, no source
    few = finished(health__responses=5, health__http_errors=2, health__sources=2, health__sources_ok=2)
    assert assess(few, 0.2, 10).healthy  # below HEALTH_MIN_REQUESTS the rate is not judged
    checked = {**usual, "health/check_failed/new articles": "no new article; the last runs stored [12, 12, 12]",
               "health/check_failed/error rate": "(mirrors the rate rule)"}
    assert assess(checked, 0.2, 10).reasons == ["check failed: new articles: no new article; the last runs "
                                               "stored [12, 12, 12]"]
    assert assess({"finish_reason": "shutdown"}, 0.2, 10).reasons == ["did not finish (shutdown)"]
    assert assess({}, 0.2, 10).reasons == ["did not start"]
    assert assess({"finish_reason": "redis_unavailable"}, 0.2, 10).service


def test_exit_codes_of_a_summary() -> None:
    def code(*sites: dict[str, Any], **fields: Any) -> int:
        summary = RunSummary("crawlall", SETTINGS, **fields)
        for n, stats in enumerate(sites):
            summary.add_site(f"site{n}", stats)
        return summary.exit_code

    good = finished(health__responses=25, health__sources=2, health__sources_ok=2)
    bad = finished(health__download_errors=3, health__sources=2)
    assert code(good, good) == EXIT_OK
    assert code(good, bad) == EXIT_UNHEALTHY
    assert code(good, bad, not_run={"x": ["no sources"]}) == EXIT_CONFIG  # configuration wins over 1
    assert code(good, {"finish_reason": "redis_unavailable"}) == EXIT_CONFIG  # a service error
    assert code(error="lock held", error_code=EXIT_LOCKED) == EXIT_LOCKED


# --- crawlall over the demo group ------------------------------------------------------------------------

class AlwaysFailing(dict):
    """Routes of a server answering 500 to every path."""

    def get(self, key: Any, default: Any = None) -> tuple[int, str, bytes]:
        return (500, "text/html", b"<h1>Internal Server Error</h1>")


@contextmanager
def fresh_state(root: Path, settings: dict, redis_client: Any, n: int) -> Iterator[tuple[Path, dict]]:
    """Run ``n``'s own folder, database and key prefix (deleted afterwards)."""
    tmp = root / f"run{n}"
    prefix = f"t-health-{uuid.uuid4().hex[:8]}"
    try:
        yield tmp, {**settings, "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "DEDUP_KEY_PREFIX": prefix}
    finally:
        keys = list(redis_client.scan_iter(f"{prefix}:*", count=1000))
        if keys:
            redis_client.delete(*keys)


def crawlall_runs(root: Path, settings: dict, redis_client: Any, runs: int) -> list[tuple[int, str, dict]]:
    """``runs`` concurrent ``crawlall --group demo`` runs, each on fresh state: (exit code, stdout, summary)."""
    results = []
    with ExitStack() as stack:
        states = [stack.enter_context(fresh_state(root, settings, redis_client, n)) for n in range(runs)]
        procs = [subprocess.Popen(scrapy_cmd(["crawlall", "--group", "demo"], s), cwd=ROOT, env=scrapy_env(t / "data"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for t, s in states]
        for (tmp, _), proc in zip(states, procs, strict=True):
            out, err = proc.communicate(timeout=240)
            [log] = (tmp / "data" / "logs").glob("crawlall-*.log")
            [summary] = read_summaries(log.read_text())
            assert "Traceback" not in out + err, (out + err)[-3000:]
            results.append((proc.returncode, out, summary))
    return results


def unhealthy_named(stdout: str) -> set[str]:
    return {line.split()[2].rstrip(":") for line in stdout.splitlines() if line.startswith("crawlall: unhealthy ")}


def test_crawlall_names_exactly_the_broken_sites_every_time(tmp_path: Path, demo_site, redis_client) -> None:
    _net, settings = demo_site
    started = time.monotonic()
    with RouteServer(AlwaysFailing()) as failing:
        urls = {**settings["DEMO_SITE_URLS"], "lakeside_ledger": f"http://127.0.0.1:{free_port()}",  # refused
                "metro_daily": failing.base_url}
        runs = crawlall_runs(tmp_path, {**settings, "DEMO_SITE_URLS": urls}, redis_client, RUNS)
    broken = {"lakeside_ledger", "metro_daily"}
    for code, out, summary in runs:
        assert code == EXIT_UNHEALTHY, out[-3000:]
        assert unhealthy_named(out) == broken and set(summary["unhealthy"]) == broken, out[-3000:]
        assert summary["exit_code"] == EXIT_UNHEALTHY and summary["command"] == "crawlall"
        assert summary["unhealthy"]["lakeside_ledger"][0].startswith("every request failed: ")
        assert "ConnectionRefusedError" in summary["unhealthy"]["lakeside_ledger"][0]
        assert "http500=" in summary["unhealthy"]["metro_daily"][0]
        healthy = {name for name, site in summary["sites"].items() if site["healthy"]}
        assert healthy == {"harbor_gazette", "northern_wire", "valley_courier"}
    print(f"\n{RUNS} broken-site crawlall runs (concurrent): {time.monotonic() - started:.1f} s")


def test_crawlall_with_the_usual_broken_pages_exits_0_and_a_second_run_shows_no_errors(
    tmp_path: Path, demo_site, redis_client
) -> None:
    _net, settings = demo_site
    started = time.monotonic()
    runs = crawlall_runs(tmp_path, settings, redis_client, RUNS)
    for code, out, summary in runs:
        assert code == EXIT_OK and summary["unhealthy"] == {} and not unhealthy_named(out), out[-3000:]
        assert summary["sites"]["valley_courier"]["error_kinds"] == {"http500": 1}  # its 500 page, not enough
    print(f"\n{RUNS} healthy crawlall runs (concurrent): {time.monotonic() - started:.1f} s")

    with fresh_state(tmp_path, settings, redis_client, RUNS) as (tmp, state):
        first = scrapy(["crawlall", "--group", "demo"], tmp, state)
        second = scrapy(["crawlall", "--group", "demo"], tmp, state)
        logs = sorted((tmp / "data" / "logs").glob("crawlall-*.log"))
        recorded = open_store(state["DATABASE_URL"]).runs()
    assert first.returncode == EXIT_OK and second.returncode == EXIT_OK, (second.stdout + second.stderr)[-3000:]
    [summary] = read_summaries(logs[-1].read_text())
    for name, site in summary["sites"].items():
        assert site["seen"] > 0, name  # article pages already stored: skipped, counted as seen
        assert not any(kind.startswith("download") for kind in site["error_kinds"]), (name, site)
    # no errors but the demo's deliberate 500 page, which is never stored, so fetched again each run
    assert {n: s["errors"] for n, s in summary["sites"].items()} == {
        "harbor_gazette": 0, "lakeside_ledger": 0, "metro_daily": 0, "northern_wire": 0, "valley_courier": 1}
    for run in recorded[-5:]:  # the second run's records: the report's errors column
        assert "download" not in run_counts(json.loads(run["stats"]))["errors"]


def test_crawl_names_an_unhealthy_site_and_exits_1(tmp_path: Path, demo_site) -> None:
    _net, settings = demo_site
    with RouteServer(AlwaysFailing()) as failing:
        proc = scrapy(["crawl", "harbor_gazette", "-a", f"base_url={failing.base_url}"], tmp_path, settings)
    assert proc.returncode == EXIT_UNHEALTHY, (proc.stdout + proc.stderr)[-3000:]
    [line] = [line for line in proc.stdout.splitlines() if line.startswith("crawl: unhealthy")]
    assert line.startswith("crawl: unhealthy harbor_gazette: every request failed: ") and "http500=" in line
    [summary] = read_summaries(proc.stderr)
    assert summary["exit_code"] == EXIT_UNHEALTHY and list(summary["unhealthy"]) == ["harbor_gazette"]


@pytest.mark.parametrize("code", [EXIT_OK, EXIT_UNHEALTHY, EXIT_CONFIG, EXIT_LOCKED])
def test_exit_codes_are_documented_for_cron(code: int) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Running from cron"):]
    section = section[:section.index("\n## ", 1)]
    assert f"`{code}`" in section
